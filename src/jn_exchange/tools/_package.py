"""Shared plumbing of the repair tools (`fix`, `export shuanggongshi`, `pseudonymize`, `convert`):
open what the user passed through the one opener (`jn_exchange.package`), turning what stops it
into a ToolError, and prepare new outputs. Every problem becomes a ToolError: one line for the
user, exit code 2, no traceback."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jn_exchange.descriptor import ResourceRef as Resource
from jn_exchange.descriptor import resolve_inside
from jn_exchange.package import Package as OpenPackage
from jn_exchange.package_schemas import declare, write_schemas
from jn_exchange.profile import GENERATED, Profile
from jn_exchange.reader.table import TableReadError
from jn_exchange.tools.lang import current, say

__all__ = ["ToolError", "Resource", "OpenPackage", "open_package", "input_kind", "read_error_text"]

# The findings that stop a tool: it cannot write a faithful copy of a package whose resources
# point outside it; the rest (a missing optional file, an unknown table) is carried through.
_STOPPING = frozenset({"JN-PKG-010"})


class ToolError(Exception):
    """The command cannot do its work; the message (in the run's language: `lang.say`) is shown
    as one line, exit code 2."""


def input_error_text(exc: Exception) -> str:
    """The opener's InputError in the run's language (it carries its Chinese as `zh`)."""
    zh = getattr(exc, "zh", None)
    return zh if current() == "zh" and zh else str(exc)


def read_error_text(exc: TableReadError, name: str | None = None, advice: bool = False) -> str:
    """A file that cannot be read as records, in the run's language (`advice`: and what to do)."""
    if current() != "zh":
        return exc.for_user(name) if advice else exc.describe(name)
    where = f"{name or exc.path.name}{f' 第 {exc.line} 行' if exc.line else ''}"
    if exc.problem == "encoding":
        text = f"{where} 不是 {'GB18030' if exc.encoding == 'gb18030' else 'UTF-8'} 编码的文本"
        return text + ("；请先运行 `jn-exchange fix`" if advice else "")
    text = f"{where} 无法按 CSV 读取（{exc.reason}）"
    return text + ("；请用 `jn-exchange validate` 查看原因" if advice else "")


def input_kind(path: Path) -> str:
    from jn_exchange.package import InputError, identify

    try:
        return identify(path).kind
    except InputError as exc:
        raise ToolError(input_error_text(exc)) from exc


@contextlib.contextmanager
def open_package(path: Path, profile: Profile | None) -> Iterator[OpenPackage]:
    """The package as a folder (a zip or JSON document is unpacked into a private temporary
    folder that is removed afterwards), opened as the validator opens it (`profile` None: with
    the model of the version it declares). A descriptor in
    GB18030 is accepted: `fix` exists to repair such packages."""
    from jn_exchange.config import Limits
    from jn_exchange.descriptor import Fatal
    from jn_exchange.findings import Collector
    from jn_exchange.package import InputError, identify
    from jn_exchange.package import open_package as open_any

    try:
        source = identify(path)
    except InputError as exc:
        raise ToolError(input_error_text(exc)) from exc
    collector = Collector()
    with tempfile.TemporaryDirectory(prefix="jn-exchange-tool-") as tmp:
        try:
            pkg = open_any(source, profile, collector, Limits(), Path(tmp), accept_gb18030=True)
        except Fatal as exc:
            what = {"zip": say("无法解压", "cannot unpack"),
                    "json": say("无法读取 JSON 形式的交换包", "cannot read the JSON package document")}.get(
                source.kind, say("无法读取交换包", "cannot read the package"))
            raise ToolError(f"{what} {path}{say('：', ': ')}{_first_message(collector)}") from exc
        stopping = [f for t in collector.tallies.values() if t.code in _STOPPING for f in t.examples]
        # the JSON form's problems (JN-JSON-*) would be lost in the CSV written from it
        stopping += [f for t in collector.tallies.values() if t.code.startswith("JN-JSON-") for f in t.examples]
        if stopping:
            raise ToolError(f"{path}{say('：', ': ')}{_message(stopping[0])}")
        yield pkg


def _first_message(collector) -> str:
    found = [f for t in collector.tallies.values() for f in t.examples]
    return _message(found[0]) if found else say("无法读取", "cannot be read")


def _message(finding: Any) -> str:
    return finding.message_zh if current() == "zh" else finding.message_en


def prepare_out(out: Path, source: Path) -> None:
    """OUT must not exist (never overwrite, never in place) and must not lie inside the input."""
    if out.exists() or out.is_symlink():
        raise ToolError(say(f"{out} 已存在；请给一个新的文件夹（工具从不覆盖已有文件）",
                            f"{out} already exists; give a new folder (the tools never overwrite)"))
    _check_place(out, source)
    try:
        out.mkdir()
    except OSError as exc:
        raise ToolError(say(f"无法创建 {out}：{exc.strerror or exc}", f"cannot create {out}: {exc.strerror or exc}")) from exc


def remove_partial(out: Path) -> None:
    """After a failure, remove the output folder this command created (never anything else)."""
    shutil.rmtree(out, ignore_errors=True)


def file_digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            n += len(chunk)
    return n, h.hexdigest()


def refresh_integrity(res: dict[str, Any], path: Path) -> None:
    """A rewritten file keeps no stale declaration: bytes and hash (if declared) are recomputed
    (sha256), encoding is UTF-8."""
    if "bytes" in res or "hash" in res:
        size, sha = file_digest(path)
        if "bytes" in res:
            res["bytes"] = size
        if "hash" in res:
            res["hash"] = f"sha256:{sha}"
    if "encoding" in res:
        res["encoding"] = "utf-8"


def carry_standard_schemas(desc: dict[str, Any], out: Path, tables: list[tuple[int, str]], pseudonymized: bool,
                           generated: Path | None = None) -> None:
    """Make the written package self-contained: each table resource (index, table) refers to a
    copy of the standard's Table Schema beside the data (whatever it declared before); those of
    the version whose artifacts are in `generated` (default: the current version's)."""
    version = desc.get("standard_version") if generated is not None else None
    for index, table in tables:
        declare(desc["resources"][index], table, version if isinstance(version, str) else None)
    write_schemas(out, [t for _, t in tables], pseudonymized, generated or GENERATED)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def out_path(root_out: Path, rel: str) -> Path:
    """Where resource `rel` goes in the output folder; never outside it."""
    dest = resolve_inside(root_out, rel)
    if dest is None or dest == root_out.resolve():
        raise ToolError(say(f"资源路径 {rel!r} 会指到输出文件夹之外", f"resource path {rel!r} would leave the output folder"))
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest


def copy_resource(src: Path, root_out: Path, rel: str) -> Path:
    dest = out_path(root_out, rel)
    shutil.copyfile(src, dest)
    return dest


# --------------------------------------------------------------------------- new outputs (init, template, convert)


def check_new_output(out: Path, source: Path | None = None, *, folder: bool) -> None:
    """OUT must be new: absent, or (for a folder) an empty folder; never inside the input
    package, and its parent folder must exist. The tools never overwrite."""
    if out.is_symlink() or (out.exists() and not (folder and out.is_dir() and not any(out.iterdir()))):
        raise ToolError(say(f"{out} {'不是空文件夹' if folder else '已存在'}；请给一个新的{'文件夹' if folder else '文件'}"
                            "（工具从不覆盖已有文件）",
                            f"{out} {'is not an empty folder' if folder else 'already exists'}; give a new "
                            f"{'folder' if folder else 'file'} (the tools never overwrite)"))
    _check_place(out, source if source is not None and source.exists() else None)


def _check_place(out: Path, source: Path | None) -> None:
    """OUT never lies inside the input package, and its parent folder exists."""
    if source is not None:
        src = source.resolve()
        pkg_dir = src if src.is_dir() else (src.parent if src.name == "datapackage.json" else None)
        o = out.resolve()
        if pkg_dir is not None and (o == pkg_dir or pkg_dir in o.parents):
            raise ToolError(say(f"{out} 位于输入的交换包 {source} 之内；请换一个位置",
                                f"{out} lies inside the input package {source}; give a place elsewhere"))
    if not out.resolve().parent.is_dir():
        raise ToolError(say(f"{out} 所在的文件夹不存在", f"the parent folder of {out} does not exist"))


@contextlib.contextmanager
def new_folder(out: Path) -> Iterator[Path]:
    """A private folder next to OUT to write into; on success it becomes OUT (an empty OUT
    folder is replaced), on failure it is removed. Nothing is left half-written under OUT."""
    out = Path(out)
    tmp = Path(tempfile.mkdtemp(dir=out.resolve().parent, prefix=f".{out.name}.partial-"))
    try:
        yield tmp
        if out.is_dir() and not out.is_symlink():
            out.rmdir()             # empty (checked before); fails, rightly, if something appeared
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def new_file(out: Path) -> Iterator[Path]:
    """A private file name next to OUT to write to; on success it is renamed to OUT."""
    out = Path(out)
    fd, name = tempfile.mkstemp(dir=out.resolve().parent, prefix=f".{out.name}.partial-", suffix=out.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if out.exists():
            raise ToolError(say(f"写入期间出现了 {out}；未覆盖", f"{out} appeared while it was being written; not overwritten"))
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
