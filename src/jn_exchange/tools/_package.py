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

__all__ = ["ToolError", "Resource", "OpenPackage", "open_package", "input_kind"]

# The findings that stop a tool: it cannot write a faithful copy of a package whose resources
# point outside it; the rest (a missing optional file, an unknown table) is carried through.
_STOPPING = frozenset({"JN-PKG-010"})


class ToolError(Exception):
    """The command cannot do its work; the message is shown as one line, exit code 2."""


def input_kind(path: Path) -> str:
    from jn_exchange.package import InputError, identify

    try:
        return identify(path).kind
    except InputError as exc:
        raise ToolError(str(exc)) from exc


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
        raise ToolError(str(exc)) from exc
    collector = Collector()
    with tempfile.TemporaryDirectory(prefix="jn-exchange-tool-") as tmp:
        try:
            pkg = open_any(source, profile, collector, Limits(), Path(tmp), accept_gb18030=True)
        except Fatal as exc:
            what = {"zip": "cannot unpack", "json": "cannot read the JSON package document"}.get(
                source.kind, "cannot read the package")
            raise ToolError(f"{what} {path}: {_first_message(collector)}") from exc
        stopping = [f for t in collector.tallies.values() if t.code in _STOPPING for f in t.examples]
        # the JSON form's problems (JN-JSON-*) would be lost in the CSV written from it
        stopping += [f for t in collector.tallies.values() if t.code.startswith("JN-JSON-") for f in t.examples]
        if stopping:
            raise ToolError(f"{path}: {stopping[0].message_en}")
        yield pkg


def _first_message(collector) -> str:
    found = [f for t in collector.tallies.values() for f in t.examples]
    return found[0].message_en if found else "cannot be read"



def prepare_out(out: Path, source: Path) -> None:
    """OUT must not exist (never overwrite, never in place) and must not lie inside the input."""
    if out.exists() or out.is_symlink():
        raise ToolError(f"{out} already exists; give a new folder (the tools never overwrite)")
    _check_place(out, source)
    try:
        out.mkdir()
    except OSError as exc:
        raise ToolError(f"cannot create {out}: {exc.strerror or exc}") from exc


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
        raise ToolError(f"resource path {rel!r} would leave the output folder")
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
        what = "is not an empty folder" if folder else "already exists"
        raise ToolError(f"{out} {what}; give a new {'folder' if folder else 'file'} (the tools never overwrite)")
    _check_place(out, source if source is not None and source.exists() else None)


def _check_place(out: Path, source: Path | None) -> None:
    """OUT never lies inside the input package, and its parent folder exists."""
    if source is not None:
        src = source.resolve()
        pkg_dir = src if src.is_dir() else (src.parent if src.name == "datapackage.json" else None)
        o = out.resolve()
        if pkg_dir is not None and (o == pkg_dir or pkg_dir in o.parents):
            raise ToolError(f"{out} lies inside the input package {source}; give a place elsewhere")
    if not out.resolve().parent.is_dir():
        raise ToolError(f"the parent folder of {out} does not exist")


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
            raise ToolError(f"{out} appeared while it was being written; not overwritten")
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
