"""Fuzz the readers: a small valid package in each form the validator reads, mutated at random,
then validated through the API (`jn_exchange.validate.validate`) and the CLI. For every input:

- the API returns a result or raises InputError (what the CLI turns into exit 2), nothing else;
- the CLI exits 0, 1 or 2, never with a traceback or an "internal error", and exit 2 says why;
- nothing is written outside the report's path, nothing is left in the (fresh) temporary folder;
- CSV: every data record is a loaded row or a finding (tests/test_no_row_lost.py's invariant);
- no input takes longer than the time allowed (a hang).

    .venv/bin/python scripts/fuzz_readers.py --seconds 600 [--seed 1] [--target csv|zip|json|descriptor]
    .venv/bin/python scripts/fuzz_readers.py --seed 1 --only 146     # replay example 146 of seed 1

Each example is a list of mutation operations, each with its own seed, drawn from --seed: example
i of a seed is the same on any machine. Failing inputs are written to --save (default
fuzz-failures/) with their operations; the summary (examples, exit codes, failures per target)
is printed as JSON.
tests/test_fuzz_readers.py runs the same checks on a few examples chosen by hypothesis."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_no_row_lost import TABLE, lost_records  # noqa: E402

EXAMPLE = ROOT / "examples" / "jinan-sample"
TABLES = (TABLE, "enforcement_officer")   # the officers refer to the agencies: keys and references run too
TARGETS = ("descriptor", "csv", "zip", "json")
AS_OF = "2026-06-30"
BOM = b"\xef\xbb\xbf"

Ops = list[tuple[str, int]]   # (operation, its seed)


# ------------------------------------------------------------------------------- the valid inputs
def write_base_package(dest: Path) -> Path:
    """The example package cut down to TABLES (with their declared Table Schemas)."""
    dest.mkdir(parents=True)
    (dest / "schemas").mkdir()
    desc = json.loads((EXAMPLE / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"] = [r for r in desc["resources"] if r["name"] in TABLES]
    for res in desc["resources"]:
        shutil.copyfile(EXAMPLE / res["path"], dest / res["path"])
        if isinstance(res.get("schema"), str):
            shutil.copyfile(EXAMPLE / res["schema"], dest / res["schema"])
    (dest / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=1), encoding="utf-8")
    return dest


def base_json_form() -> bytes:
    doc = json.loads((EXAMPLE.parent / "jinan-sample.json").read_text(encoding="utf-8"))
    small = {"standard_version": doc["standard_version"], **{t: doc[t] for t in TABLES}}
    return json.dumps(small, ensure_ascii=False, indent=1).encode("utf-8")


# ------------------------------------------------------------------------------- byte mutations
INTERESTING = (b"\x00", b"\r", b"\n", b"\r\n", b'"', b'""', b",", BOM, b"\xff\xfe", b"\xc3", b"\xe6\xb5",
               "\u2028".encode(), "，".encode(), b"\\", b"\t", b";", "😀".encode(), b"\x1a", b"\x7f", b" ")


def _at(data: bytes, rng: random.Random) -> int:
    return rng.randrange(len(data) + 1)


def flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 8))):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def insert(data: bytes, rng: random.Random) -> bytes:
    i = _at(data, rng)
    return data[:i] + rng.choice(INTERESTING) * rng.choice((1, 1, 2, 50)) + data[i:]


def delete(data: bytes, rng: random.Random) -> bytes:
    i = _at(data, rng)
    return data[:i] + data[i + rng.choice((1, 2, 10, 100, 1000)):]


def duplicate(data: bytes, rng: random.Random) -> bytes:
    i, j = sorted((_at(data, rng), _at(data, rng)))
    k = _at(data, rng)
    return data[:k] + data[i:j] + data[k:]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:_at(data, rng)]


BYTE_OPS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": flip, "insert": insert, "delete": delete, "duplicate": duplicate, "truncate": truncate}


# ------------------------------------------------------------------------------- CSV mutations
def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _on_line(data: bytes, rng: random.Random, change: Callable[[bytes], bytes]) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = change(lines[i])
    return b"\n".join(lines)


def csv_quote(data: bytes, rng: random.Random) -> bytes:
    """A quote where a field starts, inside a field, or at a line end."""
    def change(line: bytes) -> bytes:
        cells = line.split(b",")
        c = rng.randrange(len(cells))
        where = rng.randrange(3)
        cells[c] = (b'"' + cells[c]) if where == 0 else (cells[c] + b'"') if where == 1 else \
            cells[c][:1] + b'"' + cells[c][1:]
        return b",".join(cells)
    return _on_line(data, rng, change)


def csv_newlines(data: bytes, rng: random.Random) -> bytes:
    how = rng.randrange(4)
    if how == 0:
        return data.replace(b"\n", b"\r\n")
    if how == 1:
        return data.replace(b"\n", b"\r")
    if how == 2:
        return data.rstrip(b"\n")
    return _on_line(data, rng, lambda line: line + b"\r")


def csv_bom(data: bytes, rng: random.Random) -> bytes:
    return rng.choice((BOM + data, BOM + BOM + data, data.replace(b"\n", b"\n" + BOM, 1), b"\xff\xfe" + data))


def csv_nul(data: bytes, rng: random.Random) -> bytes:
    i = _at(data, rng)
    return data[:i] + b"\x00" * rng.choice((1, 3, 1000)) + data[i:]


def csv_encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    enc = rng.choice(("gb18030", "gbk", "utf-16", "utf-16-le", "big5", "latin-1", "cp1252"))
    return text.encode(enc, errors="replace")


def csv_ragged(data: bytes, rng: random.Random) -> bytes:
    def change(line: bytes) -> bytes:
        cells = line.split(b",")
        how = rng.randrange(3)
        if how == 0:
            return b",".join(cells + [b"x"] * rng.choice((1, 2, 30, 3000)))
        if how == 1:
            return b",".join(cells[:rng.randrange(len(cells) + 1)])
        return line + b"," * rng.choice((1, 100))
    return _on_line(data, rng, change)


HUGE_CELLS = (40_000, 300_000, 2_000_000)   # bytes; the script adds 9 MiB, beyond the byte scan's chunk


def csv_huge_cell(data: bytes, rng: random.Random) -> bytes:
    size = rng.choice(HUGE_CELLS)
    fill = rng.choice((b"x", "张".encode(), b'""', b"\n", b"1"))
    cell = (fill * (size // len(fill)))
    if fill in (b'""', b"\n"):
        cell = b'"' + cell + b'"'
    def change(line: bytes) -> bytes:
        cells = line.split(b",")
        cells[rng.randrange(len(cells))] = cell
        return b",".join(cells)
    return _on_line(data, rng, change)


def csv_blank_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.choice((1, 3, 200))):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice((b"", b" ", b"\r", b",,,")))
    return b"\n".join(lines)


def csv_header(data: bytes, rng: random.Random) -> bytes:
    head, _, rest = data.partition(b"\n")
    how = rng.randrange(5)
    if how == 0:
        return rest                                    # no header: the first record is taken as one
    if how == 1:
        return head + b"\n" + data                     # header twice
    cols = head.split(b",")
    if how == 2:
        rng.shuffle(cols)
    elif how == 3:
        cols.append(rng.choice(cols))                  # a duplicate column
    else:
        cols[rng.randrange(len(cols))] = rng.choice((b"", b" agency_id ", "机构名称".encode(), b"x" * 70_000))
    return b",".join(cols) + b"\n" + rest


CSV_OPS = {**BYTE_OPS, "quote": csv_quote, "newlines": csv_newlines, "bom": csv_bom, "nul": csv_nul,
           "encoding": csv_encoding, "ragged": csv_ragged, "huge_cell": csv_huge_cell,
           "blank_lines": csv_blank_lines, "header": csv_header}


# ------------------------------------------------------------------------------- JSON mutations
HOSTILE_VALUES: tuple[Any, ...] = (
    None, True, -1, 0, 10**30, 1.5, "", "../x.csv", "/etc/passwd", "C:\\x.csv", "http://example.invalid/x.csv",
    "schemas/../../x.json", "datapackage.json", "x" * 5000, [], {}, [1, "a"], {"a": {"b": [None]}},
    "enforcement_agency", "enforcement_agency.csv", "enforcement_officer.csv", "1.0.0", "2.0.0", "1.9.0",
    "sha256:" + "0" * 64, "md5:zz", "csv", "xlsx", ["enforcement_agency.csv", "x.csv"], "张三", "\u0000")


def _walk(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:20]):   # the first rows: enough places, bounded work
            yield from _walk(v, (*path, i))


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def _structural(change: Callable[[Any, random.Random], None]) -> Callable[[bytes, random.Random], bytes]:
    """A mutation of the parsed document (the bytes unchanged when they no longer parse)."""
    def op(data: bytes, rng: random.Random) -> bytes:
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            return data
        change(doc, rng)
        text = json.dumps(doc, ensure_ascii=rng.random() < 0.2, indent=rng.choice((None, 1)))
        return text.encode("utf-8", "surrogatepass")   # a lone surrogate (from an earlier op) as its bytes
    return op


def _set_value(doc: Any, rng: random.Random) -> None:
    paths = [p for p in _walk(doc) if p]
    if paths:
        p = rng.choice(paths)
        _parent(doc, p)[p[-1]] = rng.choice(HOSTILE_VALUES)


def _drop_key(doc: Any, rng: random.Random) -> None:
    paths = [p for p in _walk(doc) if p]
    if paths:
        p = rng.choice(paths)
        parent = _parent(doc, p)
        del parent[p[-1]]


def _add_key(doc: Any, rng: random.Random) -> None:
    objects = [p for p in _walk(doc) if isinstance(_parent(doc, (*p, None)), dict)]
    if objects:
        target = _parent(doc, (*rng.choice(objects), None))
        name = rng.choice(("../../x", "a/b", "", "$schema", "standard_version", "_unknown_0", "datapackage",
                           "enforcement_agency", "resources", "x" * 300, "张三", "con", "agency_id"))
        target[name] = rng.choice(HOSTILE_VALUES)


def _copy_item(doc: Any, rng: random.Random) -> None:
    lists = [p for p in _walk(doc) if isinstance(_parent(doc, (*p, None)), list) and _parent(doc, (*p, None))]
    if lists:
        target = _parent(doc, (*rng.choice(lists), None))
        target.insert(rng.randrange(len(target) + 1), json.loads(json.dumps(rng.choice(target))))


def json_duplicate_name(data: bytes, rng: random.Random) -> bytes:
    """The same name twice in one object (json.dumps cannot write it)."""
    at = [i for i in range(len(data)) if data.startswith(b'{"', i) or data.startswith(b'{\n "', i)]
    if not at:
        return data
    i = rng.choice(at[:200])
    j = data.index(b'"', i)
    k = data.find(b'":', j + 1)
    if k < 0:
        return data
    name = data[j:k + 1]
    return data[:j] + name + b": " + rng.choice((b"1", b'"x"', b"null", b"[]")) + b", " + data[j:]


def json_literal(data: bytes, rng: random.Random) -> bytes:
    """A value JSON does not have, or one at its edges, where a value starts."""
    at = [i for i in range(len(data)) if data.startswith(b": ", i)]
    if not at:
        return data
    i = rng.choice(at[:500]) + 2
    lit = rng.choice((b"NaN", b"-Infinity", b"Infinity", b"1e400", b"-1e400", b"1" * 5000, b"-0", b"0.1e-400",
                      b"1" * 4301, b"9" * 100_000, b'"\\ud800"', b'"\\u0000"', b"[" * 100_000 + b"]" * 100_000,
                      b"{" + b'"a":{' * 3000 + b"}" * 3001, b"tru", b"'x'"))
    end = i
    while end < len(data) and data[end:end + 1] not in (b",", b"}", b"]", b"\n"):
        end += 1
    return data[:i] + lit + data[end:]


JSON_OPS = {**BYTE_OPS, "set_value": _structural(_set_value), "drop_key": _structural(_drop_key),
            "add_key": _structural(_add_key), "copy_item": _structural(_copy_item),
            "duplicate_name": json_duplicate_name, "literal": json_literal}
DESCRIPTOR_OPS = JSON_OPS


# ------------------------------------------------------------------------------- zip mutations
@dataclass
class Entry:
    name: str
    data: bytes
    mode: int = 0o100644
    method: int = zipfile.ZIP_DEFLATED
    encrypted: bool = False


def package_entries(folder: Path) -> list[Entry]:
    return [Entry(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def write_zip(entries: list[Entry]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as zf:
        warnings.simplefilter("ignore")          # "Duplicate name": wanted here
        for e in entries:
            info = zipfile.ZipInfo(e.name or "_", date_time=(2026, 1, 1, 0, 0, 0))
            if not e.name:
                info.filename = ""
            info.compress_type = e.method
            info.external_attr = e.mode << 16
            if e.encrypted:
                info.flag_bits |= 0x1
            zf.writestr(info, e.data)
    return buf.getvalue()


def _pick(entries: list[Entry], rng: random.Random) -> Entry | None:
    return rng.choice(entries) if entries else None


def zip_rename(entries: list[Entry], rng: random.Random) -> list[Entry]:
    e = _pick(entries, rng)
    if e:
        e.name = rng.choice(("../" + e.name, "/" + e.name, "C:/" + e.name, "a\\..\\..\\" + e.name, "./" + e.name,
                             "pkg/" + e.name, e.name + "/", e.name.upper(), "x" * 300 + ".csv", "数据/" + e.name,
                             "__MACOSX/" + e.name, "." + e.name, "", e.name.replace(".csv", ".zip")))
    return entries


def zip_duplicate(entries: list[Entry], rng: random.Random) -> list[Entry]:
    e = _pick(entries, rng)
    if e:
        entries.insert(rng.randrange(len(entries) + 1), Entry(e.name, rng.choice((e.data, b"agency_id\n1\n", b""))))
    return entries


def zip_symlink(entries: list[Entry], rng: random.Random) -> list[Entry]:
    e = _pick(entries, rng)
    if e:
        e.mode = stat.S_IFLNK | 0o777
        e.data = rng.choice((b"/etc/passwd", b"../../../etc/hostname", b"enforcement_officer.csv"))
    return entries


def zip_nest(entries: list[Entry], rng: random.Random) -> list[Entry]:
    for _ in range(rng.choice((1, 1, 2, 3))):
        entries = [Entry(rng.choice(("inner.zip", "pkg.ZIP", "a/inner.zip")), write_zip(entries))]
    return entries


def zip_extra(entries: list[Entry], rng: random.Random) -> list[Entry]:
    name = rng.choice(("extra.csv", "sub/hidden.csv", "__MACOSX/._datapackage.json", ".DS_Store", "schemas/x.json",
                       "enforcement_agency.csv/", "inner.zip"))
    data = rng.choice((b"a,b\n1,2\n", b"", write_zip(entries[:1]) if entries else b"PK"))
    entries.append(Entry(name, data))
    return entries


def zip_zeros(entries: list[Entry], rng: random.Random) -> list[Entry]:
    """Entries that compress far too well (bounded: the fuzz must stay small)."""
    for i in range(rng.choice((1, 2, 40))):
        entries.append(Entry(f"zeros{i}.bin", b"\0" * rng.choice((1 << 10, 1 << 20, 3 << 20))))
    return entries


def zip_remove(entries: list[Entry], rng: random.Random) -> list[Entry]:
    if entries:
        entries.pop(rng.randrange(len(entries)))
    return entries


def zip_method(entries: list[Entry], rng: random.Random) -> list[Entry]:
    for e in entries:
        e.method = rng.choice((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA))
    return entries


def zip_encrypted(entries: list[Entry], rng: random.Random) -> list[Entry]:
    e = _pick(entries, rng)
    if e:
        e.encrypted = True
    return entries


def zip_csv(entries: list[Entry], rng: random.Random) -> list[Entry]:
    """One of the CSV mutations, inside the zip."""
    csvs = [e for e in entries if e.name.endswith(".csv")]
    if csvs:
        e = rng.choice(csvs)
        e.data = CSV_OPS[rng.choice(sorted(CSV_OPS))](e.data, rng)
    return entries


ZIP_ENTRY_OPS: dict[str, Callable[[list[Entry], random.Random], list[Entry]]] = {
    "rename": zip_rename, "duplicate_entry": zip_duplicate, "symlink": zip_symlink, "nest": zip_nest,
    "extra": zip_extra, "zeros": zip_zeros, "remove": zip_remove, "method": zip_method,
    "encrypted": zip_encrypted, "csv": zip_csv}
ZIP_OPS: dict[str, Any] = {**ZIP_ENTRY_OPS, **BYTE_OPS}   # byte operations work on the archive


OPS: dict[str, dict[str, Any]] = {"descriptor": DESCRIPTOR_OPS, "csv": CSV_OPS, "zip": ZIP_OPS, "json": JSON_OPS}


# ------------------------------------------------------------------------------- one example
@dataclass
class Base:
    """The valid inputs every example starts from, made once."""
    folder: Path
    json_form: bytes = b""
    entries: list[Entry] = field(default_factory=list)

    @classmethod
    def make(cls, where: Path) -> Base:
        folder = write_base_package(where / "base")
        return cls(folder, base_json_form(), package_entries(folder))


def apply(target: str, base: Base, ops: Ops) -> bytes:
    """The mutated bytes: the descriptor, the TABLE file, the zip or the JSON form."""
    if target == "zip":
        entries = [Entry(e.name, e.data) for e in base.entries]
        for name, seed in ops:
            if name in ZIP_ENTRY_OPS:
                entries = ZIP_ENTRY_OPS[name](entries, random.Random(seed))
        data = write_zip(entries)
        for name, seed in ops:   # the archive's bytes, once it is written
            if name in BYTE_OPS:
                data = BYTE_OPS[name](data, random.Random(seed))
        return data
    data = {"descriptor": (base.folder / "datapackage.json").read_bytes(),
            "csv": (base.folder / f"{TABLE}.csv").read_bytes(), "json": base.json_form}[target]
    for name, seed in ops:
        data = OPS[target][name](data, random.Random(seed))
    return data


def write_input(target: str, base: Base, data: bytes, into: Path) -> Path:
    """The input the validator is given, inside `into`."""
    into.mkdir(parents=True)
    if target in ("zip", "json"):
        path = into / f"pkg.{target}"
        path.write_bytes(data)
        return path
    pkg = into / "pkg"
    shutil.copytree(base.folder, pkg)
    (pkg / ("datapackage.json" if target == "descriptor" else f"{TABLE}.csv")).write_bytes(data)
    return pkg


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under `folder` with its size and modification time (folders: 0, 0)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        out[p.relative_to(folder).as_posix()] = (0, 0) if p.is_dir() else (st.st_size, st.st_mtime_ns)
    return out


class Hang(Exception):
    pass


@contextlib.contextmanager
def private_tmp(tmp: Path, seconds: float) -> Iterator[None]:
    """TMPDIR (and tempfile's cached choice) pointed at `tmp`, the working folder at `tmp`'s
    sibling cwd/, and a Hang raised after `seconds`."""
    saved_env = {k: os.environ.get(k) for k in ("TMPDIR", "TEMP", "TMP")}
    saved_tempdir, saved_cwd = tempfile.tempdir, Path.cwd()

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds:.0f} s")

    saved_alarm = signal.signal(signal.SIGALRM, on_alarm)
    saved_term = signal.getsignal(signal.SIGTERM)   # the CLI installs its own
    os.environ.update({"TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)})
    tempfile.tempdir = str(tmp)
    os.chdir(tmp.parent / "cwd")
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, saved_alarm)
        signal.signal(signal.SIGTERM, saved_term)
        os.chdir(saved_cwd)
        tempfile.tempdir = saved_tempdir
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)   # empty: every property held
    exit_code: int | None = None
    seconds: float = 0.0


def check_example(target: str, base: Base, ops: Ops, work: Path, seconds: float = 120.0) -> Outcome:
    """Validate the mutated input through the API and the CLI; what went wrong, if anything.
    `work` must not exist; it is removed afterwards unless something went wrong."""
    return check_input(target, base, apply(target, base, ops), work, seconds)


def check_input(target: str, base: Base, data: bytes, work: Path, seconds: float = 120.0) -> Outcome:
    """check_example for given bytes of the target (a regression test's input)."""
    started = time.perf_counter()
    out = Outcome()
    box = work / "box"            # everything the validator may see or write, watched
    for d in ("cwd", "tmp", "out"):
        (box / d).mkdir(parents=True)
    path = write_input(target, base, data, box / "in")
    before = tree(box)
    _check_api(target, path, box, work / "scan", seconds, out)
    if tree(box) != before:
        out.problems.append(f"the API wrote outside its temporary folder: {_diff(before, tree(box))}")
    _check_cli(path, box, seconds, out)
    after = tree(box)
    expected = {**before, **{k: v for k, v in after.items() if k == "out/report.json"}}
    if after != expected:
        out.problems.append(f"the CLI wrote outside its report: {_diff(expected, after)}")
    out.seconds = time.perf_counter() - started
    if not out.problems:
        shutil.rmtree(work)
    return out


def _check_api(target: str, path: Path, box: Path, scratch: Path, seconds: float, out: Outcome) -> None:
    from jn_exchange.config import Config, Limits
    from jn_exchange.package import InputError
    from jn_exchange.validate import validate

    try:
        with private_tmp(box / "tmp", seconds):
            if target == "csv":
                lost = lost_records(path, scratch)
                if lost:
                    out.problems.append(f"row lost: {lost}")
            else:
                validate(path, Config({}, Limits()))
    except InputError:
        pass                     # what the CLI says as exit 2
    except Hang as exc:
        out.problems.append(f"hang (API): {exc}")
    except Exception:  # noqa: BLE001 - the property under test: nothing else escapes
        out.problems.append("API raised: " + traceback.format_exc(limit=-4))
    left = sorted(p.name for p in (box / "tmp").iterdir())
    if left:
        out.problems.append(f"API left in the temporary folder: {left}")


def _check_cli(path: Path, box: Path, seconds: float, out: Outcome) -> None:
    from click.testing import CliRunner

    from jn_exchange.cli import main

    report = box / "out" / "report.json"
    args = ["validate", str(path), "--format", "json", "--output", str(report), "--as-of", AS_OF, "--no-progress"]
    try:
        with private_tmp(box / "tmp", seconds):
            r = CliRunner().invoke(main, args)
    except Hang as exc:
        out.problems.append(f"hang (CLI): {exc}")
        return
    out.exit_code = r.exit_code
    err = r.stderr
    if isinstance(r.exception, Hang):    # raised inside the command: the runner caught it
        out.problems.append(f"hang (CLI): {r.exception}")
    elif r.exception is not None and not isinstance(r.exception, SystemExit):
        tb = "".join(traceback.format_exception(r.exception, limit=-4))
        out.problems.append(f"CLI raised: {tb}")
    elif r.exit_code not in (0, 1, 2):
        out.problems.append(f"CLI exit code {r.exit_code}: {err[-500:]}")
    elif "Traceback" in err + r.stdout or "internal error" in err or "内部错误" in err:
        out.problems.append(f"CLI crashed (exit {r.exit_code}): {err[-1500:]}")
    elif r.exit_code == 2 and not err.startswith("jn-exchange: "):
        out.problems.append(f"exit 2 without a message: {err[-500:]!r}")
    elif r.exit_code in (0, 1):
        try:
            json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            out.problems.append(f"exit {r.exit_code} but no readable report: {exc}")
    left = sorted(p.name for p in (box / "tmp").iterdir())
    if left:
        out.problems.append(f"CLI left in the temporary folder: {left}")


def _diff(a: dict[str, Any], b: dict[str, Any]) -> str:
    added, removed = sorted(set(b) - set(a)), sorted(set(a) - set(b))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return f"added {added[:5]}, removed {removed[:5]}, changed {changed[:5]}"


def draw_ops(target: str, rng: random.Random) -> Ops:
    names = sorted(OPS[target])
    return [(rng.choice(names), rng.randrange(1 << 31)) for _ in range(rng.choice((1, 1, 2, 3, 5)))]


# ------------------------------------------------------------------------------- the long run
def run(seconds: float, seed: int, targets: list[str], save: Path, per_example: float,
        only: int | None = None) -> dict[str, Any]:
    """Examples 0, 1, 2, ... of `seed` (the targets in turn) until `seconds` have passed, or
    example `only` alone. Example i is the same whatever the machine's speed."""
    global HUGE_CELLS
    HUGE_CELLS = (*HUGE_CELLS, 9 << 20)   # a line longer than the byte scan's chunk, now and then
    stats: dict[str, Counter[str]] = {t: Counter() for t in targets}
    failures: list[dict[str, Any]] = []
    rng = random.Random(seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="jn-fuzz-") as tmp:
        base = Base.make(Path(tmp))
        i = 0
        while (i <= only) if only is not None else time.monotonic() - started < seconds:
            target = targets[i % len(targets)]
            ops = draw_ops(target, rng)
            if only is None or i == only:
                failure = _one(i, target, base, ops, Path(tmp) / f"ex{i}", save, per_example, stats[target])
                if failure:
                    failures.append(failure)
            i += 1
    took = round(time.monotonic() - started)
    return {"seed": seed, "seconds": took, "targets": {t: dict(c) for t, c in stats.items()}, "failures": failures}


def _one(i: int, target: str, base: Base, ops: Ops, work: Path, save: Path, per_example: float,
         stats: Counter[str]) -> dict[str, Any] | None:
    try:
        outcome = check_example(target, base, ops, work, per_example)
    except Exception:  # noqa: BLE001 - the harness's own error: said, and the run goes on
        outcome = Outcome(["fuzz harness error: " + traceback.format_exc(limit=-3)])
    stats["examples"] += 1
    stats[f"exit {outcome.exit_code}"] += 1
    stats["seconds"] += round(outcome.seconds)
    if not outcome.problems:
        return None
    stats["failures"] += 1
    print(f"FAIL #{i} {target} {ops}:\n  " + "\n  ".join(outcome.problems), file=sys.stderr)
    dest = save / f"{i:05d}-{target}"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    if (work / "box" / "in").is_dir():
        shutil.copytree(work / "box" / "in", dest / "input", symlinks=True)
    record = {"index": i, "target": target, "ops": ops, "problems": outcome.problems}
    (dest / "failure.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="how long to run, over all targets (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="same seed, same examples (default 1)")
    ap.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    ap.add_argument("--only", type=int, default=None, metavar="I", help="run example I of the seed alone (a replay)")
    ap.add_argument("--save", type=Path, default=Path("fuzz-failures"), help="where failing inputs go")
    ap.add_argument("--per-example", type=float, default=120, help="seconds before an example counts as a hang")
    args = ap.parse_args(argv)
    targets = list(TARGETS) if args.target == "all" else [args.target]
    summary = run(args.seconds, args.seed, targets, args.save.resolve(), args.per_example, args.only)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
