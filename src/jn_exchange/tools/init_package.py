"""`jn-exchange init OUT`: an empty package that is valid as it stands: datapackage.json
declaring the standard version this release implements, and one CSV file per table of the
standard holding only its header. Written by the sample generator's PackageWriter, so that
the descriptor is the same as the bundled example's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from jn_exchange import STANDARD_VERSION
from jn_exchange.profile import load_profile
from jn_exchange.sample.writer import PackageWriter, package_name
from jn_exchange.tools._package import check_new_output, new_folder
from jn_exchange.tools.lang import say

PACKAGE_TITLE = "济南市行政执法监督数据交换包"


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(out: Path, echo: Callable[[str], None]) -> Path:
    profile = load_profile()
    check_new_output(out, folder=True)
    with new_folder(out) as tmp:
        writer = PackageWriter(tmp, profile)
        writer.close(title=PACKAGE_TITLE, created=now_utc(), name=package_name(out.resolve().name))
    echo(say(f"已写出 {out}：datapackage.json（规范 {STANDARD_VERSION}）和 {len(profile.tables)} 个只有表头的 CSV 文件",
             f"wrote {out}: datapackage.json (standard {STANDARD_VERSION}) and {len(profile.tables)} CSV files "
             "with their header only"))
    echo(say(f"下一步：填写这些 CSV 文件（或用 `jn-exchange template` 生成的 Excel 工作簿），然后运行 "
             f"`jn-exchange validate {out}`",
             f"next: fill the CSV files (or an Excel workbook from `jn-exchange template`), then "
             f"`jn-exchange validate {out}`"))
    return out
