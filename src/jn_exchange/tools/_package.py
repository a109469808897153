"""Shared plumbing of the repair tools (`fix`, `export shuanggongshi`, `pseudonymize`): open what
the user passed (folder, datapackage.json, zip, JSON document) as a folder of CSV files without
trusting it, resolve its declared resources inside that folder only, and prepare a new output
folder. Every problem becomes a ToolError: one line for the user, exit code 2, no traceback."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from jn_exchange.profile import Profile, TableSpec


class ToolError(Exception):
    """The command cannot do its work; the message is shown as one line, exit code 2."""


@dataclass
class Resource:
    index: int                 # position in descriptor["resources"]
    name: str
    rel_path: str
    path: Path                 # resolved, inside the package folder
    spec: TableSpec | None     # None: not a table of the standard


@dataclass
class OpenPackage:
    root: Path
    descriptor: dict[str, Any]
    resources: list[Resource]

    def table(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name and r.spec is not None), None)


def _kind(path: Path) -> str:
    from jn_exchange.validate import InputError, _kind as validate_kind

    try:
        return validate_kind(path)
    except InputError as exc:
        raise ToolError(str(exc)) from exc


@contextlib.contextmanager
def open_package(path: Path, profile: Profile) -> Iterator[OpenPackage]:
    """The package as a folder (a zip or JSON document is unpacked into a private temporary
    folder that is removed afterwards). Only declared resources inside the folder are listed."""
    kind = _kind(path)
    with tempfile.TemporaryDirectory(prefix="jn-exchange-tool-") as tmp:
        work = Path(tmp)
        if kind == "zip":
            from jn_exchange.config import Limits
            from jn_exchange.reader.zipsafe import ZipRefused, extract_zip

            try:
                root = extract_zip(path, work / "package", Limits())
            except ZipRefused as exc:
                raise ToolError(f"cannot unpack {path}: {exc.finding.message_en}") from exc
        elif kind == "json":
            from jn_exchange.findings import Collector
            from jn_exchange.reader.jsonform import JsonFormError, json_to_csv_package

            collector = Collector()
            try:
                root = json_to_csv_package(path, work / "jsonform", profile, collector)
            except JsonFormError as exc:
                first = next((f for t in collector.tallies.values() for f in t.examples), None)
                raise ToolError(f"{path} is not a readable JSON package document"
                                + (f": {first.message_en}" if first else "")) from exc
            problems = [f for t in collector.tallies.values() for f in t.examples]
            if problems:
                raise ToolError(f"{path}: {problems[0].message_en}")
        elif kind == "descriptor":
            root = path.parent
        else:
            root = path
        yield OpenPackage(root, *_read_descriptor(root, profile))


def _read_descriptor(root: Path, profile: Profile) -> tuple[dict[str, Any], list[Resource]]:
    from jn_exchange.descriptor import _inside

    dp = root / "datapackage.json"
    if not dp.is_file():
        raise ToolError(f"{root} has no datapackage.json (is it a package folder?)")
    try:
        raw = dp.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")   # the tools write a UTF-8 descriptor in any case
        desc = json.loads(text)
    except UnicodeDecodeError as exc:
        raise ToolError(f"{dp} is neither UTF-8 nor GB18030 text") from exc
    except json.JSONDecodeError as exc:
        raise ToolError(f"{dp} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except OSError as exc:
        raise ToolError(f"cannot read {dp}: {exc.strerror or exc}") from exc
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        raise ToolError(f"{dp} has no resources array")
    out: list[Resource] = []
    seen: set[str] = set()
    for i, res in enumerate(desc["resources"]):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not isinstance(res.get("path"), str):
            continue
        if res["name"] in seen:
            continue
        target = _inside(root, res["path"])
        if target is None:
            raise ToolError(f"resource {res['name']!r} points outside the package: {res['path']!r}")
        if not target.is_file():
            continue
        seen.add(res["name"])
        out.append(Resource(i, res["name"], res["path"], target, profile.tables.get(res["name"])))
    return desc, out


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


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def out_path(root_out: Path, rel: str) -> Path:
    """Where resource `rel` goes in the output folder; never outside it."""
    from jn_exchange.descriptor import _inside

    dest = _inside(root_out, rel)
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
