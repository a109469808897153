"""A stored upload as the folder of CSV files and datapackage.json that the validator read: the
validator's own opener (zip, JSON form, folder), and for a workbook the `convert` tool first,
exactly as the service's validation did."""

from __future__ import annotations

from pathlib import Path

from jn_exchange.config import Limits
from jn_exchange.findings import Collector
from jn_exchange.package import Fatal, InputError, Package, identify, open_package


class UnpackError(Exception):
    """The package cannot be opened (args: Chinese, English)."""


def unpacked(path: Path, work: Path) -> Package:
    """The package at `path` (.zip, JSON form, .xlsx workbook or folder), opened under `work`."""
    from jn_exchange.tools._package import ToolError
    from jn_exchange.tools.convert import run as convert

    try:
        if path.suffix.lower() == ".xlsx":
            target = work / "workbook.zip"
            convert(path, target, lambda _msg: None)
            path = target
        return open_package(identify(path), None, Collector(), Limits(), work)
    except (Fatal, InputError, ToolError) as exc:
        raise UnpackError("数据包无法打开", f"the package cannot be opened ({type(exc).__name__})") from exc
