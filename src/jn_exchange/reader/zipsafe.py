"""Unpack a zip package without trusting it: no entry may leave the target folder, be a link,
be encrypted, or unpack beyond the size, count and ratio limits; nested zips are followed only
to the allowed depth. Nothing is ever written outside `target`."""

from __future__ import annotations

import lzma
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, NoReturn

from jn_exchange.config import Limits
from jn_exchange.findings import Finding
from jn_exchange.rules import make_finding, zh_en

_CHUNK = 1 << 20
_RATIO_FLOOR = 1 << 20   # below this, entries and archives are not judged by their ratio (small
                         # files compress erratically; a bomb needs size to do harm)


class ZipRefused(Exception):
    """The zip cannot be unpacked safely; carries the finding that says why."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message_en)
        self.finding = finding


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.0f} PiB"


def _safe_member_path(name: str) -> PurePosixPath | None:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or any(part == ".." for part in p.parts) or (p.parts and ":" in p.parts[0]):
        return None
    return p


def extract_zip(zip_path: Path, target: Path, limits: Limits, depth: int = 1, budget: list[int] | None = None) -> Path:
    """Extract `zip_path` into `target` and return the folder that holds the package
    (the one with datapackage.json, possibly inside a single top folder or an inner zip)."""
    budget = budget if budget is not None else [limits.max_unpacked_bytes]
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise ZipRefused(make_finding("JN-ZIP-001", detail=str(exc) or type(exc).__name__)) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise ZipRefused(make_finding("JN-ZIP-004", limit=f"{limits.max_zip_entries} entries",
                                          detail=f"{len(infos)} entries"))
        members = _judge(infos, limits, budget[0])   # every entry, before anything is written
        target.mkdir(parents=True, exist_ok=True)
        root = target.resolve()
        for info, rel in members:
            dest = (root / Path(*rel.parts)).resolve() if rel.parts else root
            if dest != root and root not in dest.parents:
                raise ZipRefused(make_finding("JN-ZIP-003", path=info.filename))
            try:
                if info.is_dir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    _copy(src, out, info, limits, budget)
            except ZipRefused:
                raise
            except RuntimeError as exc:  # encrypted entries not flagged in the header
                raise ZipRefused(make_finding("JN-ZIP-002", path=info.filename)) from exc
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error,
                    lzma.LZMAError) as exc:   # a damaged deflate or LZMA stream: the codecs' own errors
                raise ZipRefused(make_finding("JN-ZIP-001", detail=f"{info.filename}: {exc}")) from exc
    return _locate_package(target, target, limits, depth, budget)


def _judge(infos: list[zipfile.ZipInfo], limits: Limits, budget: int) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The entries to unpack, each with its safe path; refuses the whole zip at the first entry
    that is encrypted, a link, outside the folder, named twice, or too large or too compressed
    (by the sizes it declares; _copy counts the real bytes)."""
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    names = _Names()
    for info in infos:
        if info.flag_bits & 0x1:
            raise ZipRefused(make_finding("JN-ZIP-002", path=info.filename))
        rel = _safe_member_path(info.filename)
        if rel is None or stat.S_ISLNK(info.external_attr >> 16):
            raise ZipRefused(make_finding("JN-ZIP-003", path=info.filename))
        names.add(info.filename, rel, info.filename.endswith("/"))   # ZipInfo.is_dir() fails on an empty name
        _judge_size(info.filename, info.file_size, info.compress_size, limits)
        members.append((info, rel))
    declared = sum(i.file_size for i in infos)
    if declared > budget:
        raise ZipRefused(make_finding("JN-ZIP-004", limit=_human(limits.max_unpacked_bytes),
                                      detail=f"declares {_human(declared)}"))
    # many small entries, each under the per-entry floor: judged together
    _judge_size("(all entries)", declared, sum(i.compress_size for i in infos), limits, one_entry=False)
    return members


class _Names:
    """The names of a zip's entries, as a file system would see them. Two entries of one name, or
    of names that differ only in case (one file on Windows and macOS), or a name that is both a
    file and a folder: which one is the package's? Refused rather than guessed (and unpacking
    them would fail half-way)."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}     # case-folded name: the name as written
        self.folders: set[str] = set()

    def add(self, filename: str, rel: PurePosixPath, is_dir: bool) -> None:
        key = rel.as_posix().casefold()
        if not rel.parts and not is_dir:
            self._refuse(zh_en(f"条目没有名称：{filename!r}", f"an entry has no name: {filename!r}"))
        if not is_dir and key in self.files:
            same = self.files[key] == rel.as_posix()
            self._refuse(zh_en(f"两个条目同名{'' if same else '（不计大小写）'}：{filename}",
                               f"two entries have the same name{'' if same else ' (ignoring case)'}: {filename}"))
        parents = {p.as_posix().casefold() for p in rel.parents if p.parts}
        if (key in (self.folders if not is_dir else self.files)) or not parents.isdisjoint(self.files):
            self._refuse(zh_en(f"同一名称既是文件又是文件夹：{filename}", f"a name is both a file and a folder: {filename}"))
        if is_dir:
            self.folders.add(key)
        else:
            self.files[key] = rel.as_posix()
        self.folders |= parents

    @staticmethod
    def _refuse(detail: dict[str, str]) -> NoReturn:
        raise ZipRefused(make_finding("JN-ZIP-001", detail=detail))


def _judge_size(name: str, size: int, packed: int, limits: Limits, one_entry: bool = True) -> None:
    if one_entry and size > limits.max_zip_entry_bytes:   # a limit of each entry, not of their total
        raise ZipRefused(make_finding("JN-ZIP-004", limit=_human(limits.max_zip_entry_bytes) + " / entry",
                                      detail=f"{name}: {_human(size)}"))
    if size > _RATIO_FLOOR and size / max(packed, 1) > limits.max_zip_ratio:
        raise ZipRefused(make_finding("JN-ZIP-004", limit=f"ratio {limits.max_zip_ratio}:1",
                                      detail=f"{name}: {_human(size)} from {_human(packed)}"))


def _copy(src: IO[bytes], out: IO[bytes], info: zipfile.ZipInfo, limits: Limits, budget: list[int]) -> None:
    """The entry's bytes, counted as they come: declared sizes in a hostile zip may lie."""
    written = 0
    while chunk := src.read(_CHUNK):
        written += len(chunk)
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise ZipRefused(make_finding("JN-ZIP-004", limit=_human(limits.max_unpacked_bytes),
                                          detail="actual unpacked bytes"))
        _judge_size(info.filename, written, info.compress_size, limits)
        out.write(chunk)


def _locate_package(folder: Path, target: Path, limits: Limits, depth: int, budget: list[int]) -> Path:
    if (folder / "datapackage.json").is_file():
        return folder
    entries = [p for p in folder.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(entries) == 1 and entries[0].is_dir():
        return _locate_package(entries[0], target, limits, depth, budget)
    if len(entries) == 1 and entries[0].suffix.lower() == ".zip":
        if depth + 1 > limits.max_zip_depth:
            raise ZipRefused(make_finding("JN-ZIP-005", depth=depth + 1, limit=limits.max_zip_depth,
                                          path=entries[0].name))
        # beside, not inside, this zip's folder: nothing of the guard's making may sit in the
        # package folder, where it would be taken for the vendor's files
        inner = target.with_name(f"{target.name}-inner{depth + 1}")
        return extract_zip(entries[0], inner, limits, depth + 1, budget)
    return folder  # no descriptor: the caller reports JN-PKG-001
