"""Black-box tests of the `jn-exchange` command, run as a subprocess: exit codes, hostile inputs,
nothing written outside --output, every report format, masking of personal data, the small
commands, and that validating never imports linkml.

Each run has a 120 s timeout: a hang is a failure. Packages are built in tmp_path from a copy of
examples/jinan-sample taken once per module."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from jn_exchange import __version__
from jn_exchange.identifiers import citizen_id_check_char, citizen_id_problem
from jn_exchange.masking import mask_identifier

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "jinan-sample"
EXAMPLE_JSON = ROOT / "examples" / "jinan-sample.json"
REPORT_SCHEMA = ROOT / "src" / "jn_exchange" / "data" / "report.schema.json"
CLI = [sys.executable, "-m", "jn_exchange.cli"]
TIMEOUT = 120
FORMATS = ("text", "json", "html", "junit", "sarif")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ------------------------------------------------------------------------------- helpers
@dataclass
class Run:
    rc: int
    out: str
    err: str
    seconds: float

    def json(self) -> dict:
        return json.loads(self.out)


def run(*args, cwd: Path | None = None, env: dict | None = None) -> Run:
    started = time.monotonic()
    proc = subprocess.run([*CLI, *map(str, args)], capture_output=True, timeout=TIMEOUT, cwd=cwd, env=env)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"),
               time.monotonic() - started)


def validate_json(path: Path, *extra) -> tuple[Run, dict | None]:
    r = run("validate", path, "--format", "json", *extra)
    assert "Traceback" not in r.err, r.err
    return r, (r.json() if r.rc in (0, 1) else None)


def hostile(path: Path, *extra, rc: int = 1) -> dict | None:
    """A hostile input: its one correct exit code (1: refused with findings, the default; 2: not
    a package at all), never a traceback or an internal error."""
    r, doc = validate_json(path, *extra)
    assert r.rc == rc, (r.rc, r.err, r.out[:2000])
    assert "internal error" not in r.err, r.err
    if r.rc == 2:
        assert r.err.startswith("jn-exchange: "), r.err
    return doc


def codes(doc: dict, resource: str | None = "*") -> set[str]:
    return {t["code"] for t in doc["rules"] if resource == "*" or t["resource"] == resource}


def findings(doc: dict, code: str) -> list[dict]:
    return [f for f in doc["findings"] if f["code"] == code]


def copy_pkg(example: Path, dest: Path) -> Path:
    shutil.copytree(example, dest)
    return dest


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(pkg: Path, table: str, row: int, field: str, value: str) -> None:
    """row: 1 = first data row (file line row + 1)."""
    path = pkg / f"{table}.csv"
    rows = read_rows(path)
    rows[row][rows[0].index(field)] = value
    write_rows(path, rows)


def zip_folder(folder: Path, dest: Path, extra=None) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(f, f.relative_to(folder).as_posix())
        if extra:
            extra(zf)
    return dest


def patch_zip_headers(path: Path, entry: str | None = None, *, flag: int = 0, size: int | None = None) -> None:
    """OR `flag` into the general-purpose bits and/or overwrite the declared uncompressed size of
    `entry` (None: every entry), in the local and the central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        infos, offset = zf.infolist(), zf.start_dir
    for info in infos:
        if entry is None or info.filename == entry:
            h = info.header_offset
            assert data[h:h + 4] == b"PK\x03\x04"
            data[h + 6] |= flag
            if size is not None:
                data[h + 22:h + 26] = struct.pack("<I", size)
    for info in infos:
        assert data[offset:offset + 4] == b"PK\x01\x02"
        if entry is None or info.filename == entry:
            data[offset + 8] |= flag
            if size is not None:
                data[offset + 24:offset + 28] = struct.pack("<I", size)
        n, m, k = struct.unpack("<HHH", data[offset + 28:offset + 34])
        offset += 46 + n + m + k
    path.write_bytes(bytes(data))


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under root: files with (size, mtime_ns), folders as (-1, 0)."""
    out = {}
    for p in root.rglob("*"):
        st = p.lstat()
        out[p.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns) if p.is_file() else (-1, 0)
    return out


# ------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """A snapshot of the example package, so that every test starts from the same bytes."""
    return copy_pkg(EXAMPLE, tmp_path_factory.mktemp("example") / "jinan-sample")


@pytest.fixture(scope="module")
def example_zip(example, tmp_path_factory) -> Path:
    return zip_folder(example, tmp_path_factory.mktemp("zip") / "jinan-sample.zip")


@pytest.fixture(scope="module")
def broken(example, tmp_path_factory) -> Path:
    """The example with one required cell emptied: enforcement_agency, 3rd data row (line 4), name."""
    pkg = copy_pkg(example, tmp_path_factory.mktemp("broken") / "pkg")
    set_cell(pkg, "enforcement_agency", 3, "name", "")
    return pkg


@pytest.fixture
def pkg(example, tmp_path) -> Path:
    return copy_pkg(example, tmp_path / "pkg")


# ------------------------------------------------------------------------------- 1. exit codes
@pytest.mark.parametrize("kind", ["folder", "descriptor", "zip", "json"])
def test_valid_inputs_exit_0(kind, example, example_zip) -> None:
    path = {"folder": example, "descriptor": example / "datapackage.json", "zip": example_zip,
            "json": EXAMPLE_JSON}[kind]
    r, doc = validate_json(path)
    assert r.rc == 0, (r.err, r.out[:3000])
    assert doc["valid"] is True and doc["summary"]["errors"] == 0
    assert doc["package"]["kind"] == kind
    assert len(doc["resources"]) > 50 and all(res["rows"] is not None for res in doc["resources"])


def test_valid_text_report_says_so(example) -> None:
    r = run("validate", example)
    assert r.rc == 0 and "结论：通过" in r.out and "Traceback" not in r.err


def test_broken_cell_exit_1(broken) -> None:
    r, doc = validate_json(broken)
    assert r.rc == 1
    assert doc["valid"] is False and doc["summary"]["fails"] is True
    [f] = [f for f in findings(doc, "JN-CELL-001") if f["resource"] == "enforcement_agency"]
    assert (f["row"], f["field"]) == (4, "name")
    assert run("validate", broken, "--lang", "en").rc == 1          # same verdict in the text form


def test_fail_on_warning_only_package(pkg) -> None:
    """A trailing blank line is a warning (JN-FILE-006), nothing else: passes by default, fails
    with --fail-on warning."""
    p = pkg / "enforcement_agency.csv"
    p.write_bytes(p.read_bytes() + b"\n")
    r, doc = validate_json(pkg)
    assert r.rc == 0, r.out[:3000]
    assert doc["summary"]["errors"] == 0 and doc["summary"]["warnings"] >= 1
    assert "JN-FILE-006" in codes(doc, "enforcement_agency")
    r, doc = validate_json(pkg, "--fail-on", "warning")
    assert r.rc == 1 and doc["summary"]["fails"] is True and doc["summary"]["fail_on"] == "warning"


def test_fail_on_info_only_package(pkg) -> None:
    """A byte-order mark is an info finding (JN-FILE-003): only --fail-on info fails."""
    p = pkg / "enforcement_agency.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    r, doc = validate_json(pkg)
    assert r.rc == 0
    assert codes(doc) == {"JN-FILE-003"}
    assert doc["summary"] == {"errors": 0, "warnings": 0, "infos": 1, "fail_on": "error", "fails": False}
    assert run("validate", pkg, "--fail-on", "warning").rc == 0
    assert run("validate", pkg, "--fail-on", "info").rc == 1


@pytest.mark.parametrize("case", ["missing", "text_file", "bad_config"])
def test_unusable_input_exit_2(case, tmp_path, example) -> None:
    args: list = []
    if case == "missing":
        path = tmp_path / "no-such-package"
    elif case == "text_file":
        path = tmp_path / "notes.txt"
        path.write_text("not a package\n", encoding="utf-8")
    else:
        path = example
        cfg = tmp_path / "rules.yaml"
        cfg.write_text("rules:\n  JN-NOPE-999: off\n", encoding="utf-8")
        args = ["--config", cfg]
    r = run("validate", path, *args)
    assert r.rc == 2, (r.out, r.err)
    assert r.err.startswith("jn-exchange: ") and "Traceback" not in r.err
    assert r.out == ""


@pytest.mark.parametrize("contents", ["empty", "csv_only"])
def test_folder_without_descriptor_is_a_finding(contents, tmp_path, example) -> None:
    folder = tmp_path / "delivery"
    folder.mkdir()
    if contents == "csv_only":
        shutil.copy(example / "enforcement_agency.csv", folder)
    r, doc = validate_json(folder)
    assert r.rc == 1
    assert codes(doc) == {"JN-PKG-001"}
    if contents == "csv_only":
        assert "enforcement_agency.csv" in findings(doc, "JN-PKG-001")[0]["message"]["en"]


# ------------------------------------------------------------------------------- 2. hostile inputs
def test_zip_that_is_not_a_zip(tmp_path) -> None:
    path = tmp_path / "package.zip"
    path.write_bytes(random.Random(1).randbytes(5000))
    doc = hostile(path)
    assert doc is None or codes(doc) == {"JN-ZIP-001"}


def test_truncated_zip(tmp_path, example_zip) -> None:
    path = tmp_path / "truncated.zip"
    data = example_zip.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    doc = hostile(path)
    assert codes(doc) == {"JN-ZIP-001"}


@pytest.mark.parametrize("entry", ["../evil.txt", "deep", "absolute", "..\\evil.txt", "sub/../../evil.txt"])
def test_zip_entry_escaping_the_folder(entry, tmp_path, example) -> None:
    target = tmp_path / "escaped" / "evil.txt"
    name = {"deep": "../" * 40 + target.as_posix().lstrip("/"), "absolute": target.as_posix()}.get(entry, entry)
    path = zip_folder(example, tmp_path / "in" / "evil.zip", lambda zf: zf.writestr(name, "evil"))
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    r = run("validate", path, "--format", "json", cwd=cwd, env={**os.environ, "TMPDIR": str(tmp)})
    assert r.rc == 1 and "Traceback" not in r.err
    assert codes(r.json()) == {"JN-ZIP-003"}
    assert not list(tmp_path.rglob("evil.txt")) and not (tmp_path.parent / "evil.txt").exists()
    assert not (Path.cwd() / "evil.txt").exists() and not list(tmp.iterdir()) and not list(cwd.iterdir())


def test_zip_symlink_entry(tmp_path, example) -> None:
    def link(zf):
        info = zipfile.ZipInfo("enforcement_agency.csv")
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    folder = copy_pkg(example, tmp_path / "pkg")
    (folder / "enforcement_agency.csv").unlink()
    doc = hostile(zip_folder(folder, tmp_path / "link.zip", link))
    assert codes(doc) == {"JN-ZIP-003"}


def _add_bytes(name: str, block: bytes, total: int):
    def add(zf: zipfile.ZipFile) -> None:
        with zf.open(name, "w", force_zip64=True) as fh:
            for _ in range(total // len(block)):
                fh.write(block)
    return add


def test_zip_bomb_ratio(tmp_path, example) -> None:
    """200 MiB of zeros deflate ~1030:1, over Limits.max_zip_ratio (200)."""
    path = zip_folder(example, tmp_path / "bomb.zip", _add_bytes("zeros.bin", bytes(1 << 20), 200 << 20))
    info = zipfile.ZipFile(path).getinfo("zeros.bin")
    assert info.file_size / info.compress_size > 1000
    doc = hostile(path)
    assert codes(doc) == {"JN-ZIP-004"}
    assert "zeros.bin" in findings(doc, "JN-ZIP-004")[0]["message"]["en"]


def test_zip_over_the_unpacked_size_limit(tmp_path, example) -> None:
    """60 MiB at ~170:1 passes the ratio guard; a configured 50 MiB total limit refuses it."""
    block = random.Random(2).randbytes(4096) * 256
    path = zip_folder(example, tmp_path / "big.zip", _add_bytes("big.bin", block, 60 << 20))
    cfg = tmp_path / "limits.json"
    cfg.write_text(json.dumps({"limits": {"max_unpacked_bytes": 50 << 20}}), encoding="utf-8")
    doc = hostile(path, "--config", cfg)
    assert codes(doc) == {"JN-ZIP-004"}


def test_zip_lying_about_its_size(tmp_path, example) -> None:
    """Headers declare 100 bytes for 60 MiB: refused while unpacking, not trusted."""
    block = random.Random(3).randbytes(4096) * 256
    path = zip_folder(example, tmp_path / "liar.zip", _add_bytes("big.bin", block, 60 << 20))
    patch_zip_headers(path, "big.bin", size=100)
    cfg = tmp_path / "limits.json"
    cfg.write_text(json.dumps({"limits": {"max_unpacked_bytes": 50 << 20}}), encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    r = run("validate", path, "--format", "json", "--config", cfg, env={**os.environ, "TMPDIR": str(tmp)})
    assert r.rc == 1 and "Traceback" not in r.err
    assert codes(r.json()) <= {"JN-ZIP-001", "JN-ZIP-004"} and codes(r.json())
    assert not list(tmp.iterdir())


def test_encrypted_zip(tmp_path, example_zip) -> None:
    path = tmp_path / "encrypted.zip"
    shutil.copy(example_zip, path)
    patch_zip_headers(path, flag=0x1)
    assert all(i.flag_bits & 1 for i in zipfile.ZipFile(path).infolist())
    doc = hostile(path)
    assert codes(doc) == {"JN-ZIP-002"}


def test_zip_nested_too_deep(tmp_path, example_zip) -> None:
    middle = tmp_path / "middle.zip"
    with zipfile.ZipFile(middle, "w") as zf:
        zf.write(example_zip, "inner.zip")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(middle, "middle.zip")
    assert codes(hostile(outer)) == {"JN-ZIP-005"}
    r, doc = validate_json(middle)                    # one inner zip is allowed
    assert r.rc == 0 and doc["valid"] is True


@pytest.mark.parametrize("text", ["[]", "this is { not json", '"a string"', ""])
def test_descriptor_not_an_object(text, pkg) -> None:
    (pkg / "datapackage.json").write_text(text, encoding="utf-8")
    doc = hostile(pkg)
    assert codes(doc) == {"JN-PKG-002"}


def test_descriptor_nested_too_deeply(pkg) -> None:
    (pkg / "datapackage.json").write_text('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert codes(hostile(pkg)) == {"JN-PKG-002"}


def test_json_form_nested_too_deeply(tmp_path) -> None:
    path = tmp_path / "package.json"
    path.write_text('{"standard_version": "1.0.0", "enforcement_agency": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert codes(hostile(path)) == {"JN-JSON-001"}


@pytest.mark.parametrize("text", ["[1, 2]", "{not json", '{"enforcement_agency": {"a": 1}}'])
def test_json_form_malformed(text, tmp_path) -> None:
    path = tmp_path / "package.json"
    path.write_text(text, encoding="utf-8")
    assert "JN-JSON-001" in codes(hostile(path))


def test_json_form_table_name_is_not_a_path(tmp_path) -> None:
    path = tmp_path / "in" / "package.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"standard_version": "1.0.0", "../../../../evil": [{"a": "1"}]}), encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    r = run("validate", path, "--format", "json", env={**os.environ, "TMPDIR": str(tmp)})
    assert r.rc == 1 and "Traceback" not in r.err
    assert "JN-PKG-006" in codes(r.json())
    assert not list(tmp_path.rglob("evil*")) and not list(tmp.iterdir())


def test_gbk_csv(pkg) -> None:
    p = pkg / "enforcement_agency.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gb18030"))
    r, doc = validate_json(pkg)
    assert r.rc == 1
    # reported once, and the content is still checked after transcoding: no false cell errors
    assert codes(doc, "enforcement_agency") == {"JN-FILE-001"}
    assert codes(doc) == {"JN-FILE-001"}


def test_ten_megabyte_cell(pkg) -> None:
    set_cell(pkg, "enforcement_agency", 3, "name", "x" * 10_000_000)
    doc = hostile(pkg)
    [f] = findings(doc, "JN-FILE-009")
    assert f["resource"] == "enforcement_agency" and f["row"] == 4
    numbers = [int(n) for n in re.findall(r"\d+", f["message"]["en"])]
    assert max(numbers) >= 10_000_000, f["message"]    # the real size, not DuckDB's 10000-char excerpt
    assert len(json.dumps(doc)) < 1_000_000              # the cell itself is not copied into the report


def test_ragged_rows(pkg) -> None:
    p = pkg / "enforcement_agency.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "a,b,c\n"                                   # line 3: too few fields
    lines[3] = lines[3].rstrip("\n") + ",extra,more\n"     # line 4: too many
    p.write_text("".join(lines), encoding="utf-8")
    doc = hostile(pkg)
    assert [f["row"] for f in findings(doc, "JN-FILE-007")] == [3]
    assert [f["row"] for f in findings(doc, "JN-FILE-008")] == [4]


def test_binary_file_named_csv(tmp_path, example) -> None:
    pkg = copy_pkg(example, tmp_path / "pkg")
    (pkg / "enforcement_agency.csv").write_bytes(random.Random(4).randbytes(200_000))
    doc = hostile(pkg)
    assert codes(doc, "enforcement_agency") & {"JN-FILE-002", "JN-FILE-004", "JN-FILE-011"}
    for fmt in ("text", "html"):
        r = run("validate", pkg, "--format", fmt)
        assert r.rc == 1 and "Traceback" not in r.err
        assert not CONTROL.search(r.out), fmt            # raw bytes never reach a report


def test_first_line_blank(pkg) -> None:
    p = pkg / "enforcement_agency.csv"
    p.write_bytes(b"\n" + p.read_bytes())
    doc = hostile(pkg)
    [f] = findings(doc, "JN-FILE-011")
    assert f["resource"] == "enforcement_agency" and f["row"] == 1


def test_header_with_thousands_of_columns(pkg) -> None:
    """A 64 KiB header of 32,000 columns: DuckDB would need ~10 minutes; refused at once."""
    p = pkg / "enforcement_agency.csv"
    data = p.read_bytes()
    i = data.index(b"\n")
    p.write_bytes(data[:i] + b",a" * 40_000 + data[i:])
    doc = hostile(pkg)
    assert "JN-FILE-011" in codes(doc, "enforcement_agency")


@pytest.mark.parametrize("shape", ["commas", "stray_quote"])
def test_rows_with_thousands_of_surplus_fields(shape, pkg) -> None:
    """DuckDB stores one rejected error per surplus field, each with a copy of the line: these 4 MB
    took it more than 5 minutes. `x"` is a literal quote (not at a field start), so its commas count."""
    p = pkg / "enforcement_agency.csv"
    line = b"x" + b"," * 200_000 + b"\n" if shape == "commas" else b'x"' + b"," * 2000 + b'"\n'
    p.write_bytes(p.read_bytes() + line * (20 if shape == "commas" else 2000))
    doc = hostile(pkg)
    assert "JN-FILE-011" in codes(doc, "enforcement_agency")
    assert any("fields more than the header" in f["message"]["en"] for f in findings(doc, "JN-FILE-011"))


@pytest.mark.parametrize("variant", ["etc_passwd", "outside_csv", "linked_folder"])
def test_symlink_out_of_the_package_is_not_read(variant, tmp_path, example) -> None:
    pkg = copy_pkg(example, tmp_path / "pkg")
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "enforcement_agency.csv"
    rows = read_rows(example / "enforcement_agency.csv")
    rows[1][rows[0].index("agency_nature")] = "SECRETMARKER"      # would be reported if read
    write_rows(secret, rows)
    marker = "SECRETMARKER"
    if variant == "etc_passwd":
        if not Path("/etc/passwd").is_file():
            pytest.skip("no /etc/passwd")
        target, marker = Path("/etc/passwd"), "root:"
    else:
        target = secret
    if variant == "linked_folder":
        (pkg / "data").symlink_to(outside, target_is_directory=True)
        desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
        next(r for r in desc["resources"] if r["name"] == "enforcement_agency")["path"] = "data/enforcement_agency.csv"
        (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
        (pkg / "enforcement_agency.csv").unlink()
    else:
        (pkg / "enforcement_agency.csv").unlink()
        (pkg / "enforcement_agency.csv").symlink_to(target)
    r, doc = validate_json(pkg)
    assert r.rc == 1
    assert "JN-PKG-010" in codes(doc, "enforcement_agency")
    assert "enforcement_agency" not in {res["name"] for res in doc["resources"]}
    text = run("validate", pkg)
    assert text.rc == 1
    for out in (r.out, r.err, text.out, text.err):
        assert marker not in out


# ------------------------------------------------------------------------------- 3. nothing written outside --output
@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_writes_nothing_but_the_report(kind, tmp_path, example) -> None:
    """A zip (unpacked) or folder with a GB18030 file (transcoded): both need scratch space, which
    must be under TMPDIR and gone afterwards. The package itself is not touched."""
    pkg = copy_pkg(example, tmp_path / "in" / "pkg")
    p = pkg / "enforcement_agency.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("gb18030"))
    source = zip_folder(pkg, tmp_path / "in" / "pkg.zip") if kind == "zip" else pkg
    cwd, tmp, home = tmp_path / "cwd", tmp_path / "tmp", tmp_path / "home"
    for d in (cwd, tmp, home, tmp_path / "out"):
        d.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp), "HOME": str(home)}
    before = tree(tmp_path)
    r = run("validate", source, "--format", "html", "--output", tmp_path / "out" / "r.html", "--lang", "en",
            cwd=cwd, env=env)
    assert r.rc == 1 and "Traceback" not in r.err
    assert r.out == "" and "report written to" in r.err
    after = tree(tmp_path)
    assert set(after) - set(before) == {"out/r.html"}
    assert {k: v for k, v in after.items() if k in before} == before     # nothing changed either
    assert not list(cwd.iterdir()) and not list(tmp.iterdir()) and not list(home.iterdir())
    assert "JN-FILE-001" in (tmp_path / "out" / "r.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------- 4. every format
def _report_schema() -> dict:
    return json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_to_a_file(fmt, tmp_path, broken) -> None:
    out = tmp_path / "reports" / f"report.{fmt}"
    out.parent.mkdir()   # -o never creates a folder (tests/test_vendor_messages.py)
    r = run("validate", broken, "--format", fmt, "--output", out)
    assert r.rc == 1 and "Traceback" not in r.err
    assert r.out == ""                                   # the report went to the file only
    text = out.read_text(encoding="utf-8")
    assert text.strip() and "JN-CELL-001" in text
    if fmt == "json":
        doc = json.loads(text)
        jsonschema.Draft202012Validator(_report_schema(), format_checker=jsonschema.FormatChecker()).validate(doc)
        assert doc["valid"] is False and "JN-CELL-001" in codes(doc)
    elif fmt == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag == "testsuites" and int(root.get("failures")) >= 1
        assert any(f.get("type") == "JN-CELL-001" for f in root.iter("failure"))
    elif fmt == "sarif":
        log = json.loads(text)
        assert log["version"] == "2.1.0"
        results = log["runs"][0]["results"]
        assert isinstance(results, list) and any(res["ruleId"] == "JN-CELL-001" for res in results)
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "</html>" in text
    else:
        assert "结论：不通过" in text


def test_english_text(example) -> None:
    en = run("validate", example, "--lang", "en")
    assert en.rc == 0
    head = en.out.split("\nTables")[0]
    assert "Verdict: VALID" in head
    assert re.search(r"^\s*errors 0 · warnings 0 · infos 0$", head, re.M), head
    assert not CJK.search(head), head
    zh = run("validate", example)
    assert CJK.search(zh.out.split("\n\n")[1])             # the default really is Chinese


# ------------------------------------------------------------------------------- 5. personal data masked
def _citizen_id(first17: str) -> str:
    return first17 + citizen_id_check_char(first17)


@pytest.fixture(scope="module")
def personal(example, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Three identity numbers, each reported: a wrong check digit in an officer's citizen id number
    (sensitive field), a valid one as an officer's mobile phone (personal field, wrong pattern), a
    valid one as an agency's code (not a personal field: masked because it looks like an id)."""
    valid_b, valid_c = _citizen_id("37010219850607451"), _citizen_id("37012419771130002")
    good_a = _citizen_id("37010219900307123")
    wrong_a = good_a[:17] + next(c for c in "0123456789" if c != good_a[17])
    assert citizen_id_problem(wrong_a) == "check_digit"
    assert citizen_id_problem(valid_b) is None and citizen_id_problem(valid_c) is None
    pkg = copy_pkg(example, tmp_path_factory.mktemp("personal") / "pkg")
    set_cell(pkg, "enforcement_officer", 1, "citizen_id_number", wrong_a)
    set_cell(pkg, "enforcement_officer", 2, "mobile_phone", valid_b)
    set_cell(pkg, "enforcement_agency", 1, "agency_nature", valid_c)
    return pkg, {"JN-CELL-012": wrong_a, "JN-CELL-008": valid_b, "JN-CELL-007": valid_c}


@pytest.mark.parametrize("fmt", FORMATS)
def test_identity_numbers_are_masked(fmt, personal) -> None:
    pkg, ids = personal
    r = run("validate", pkg, "--format", fmt, "--lang", "en")
    assert r.rc == 1 and "Traceback" not in r.err
    for code, raw in ids.items():
        assert code in r.out, code                       # the finding is reported ...
        assert raw not in r.out and raw not in r.err, (code, raw)   # ... without the number
    if fmt == "json":
        doc = r.json()
        for code, raw in ids.items():
            values = [f["value"] for f in findings(doc, code)]
            assert mask_identifier(raw) in values, (code, values)


# ------------------------------------------------------------------------------- 6. small commands
def test_rules_json() -> None:
    r = run("rules", "--format", "json")
    assert r.rc == 0
    rules = json.loads(r.out)
    assert isinstance(rules, list) and len(rules) >= 50
    for rule in rules:
        assert re.fullmatch(r"JN-[A-Z]+-\d{3}", rule["code"]), rule
        assert rule["severity"] in {"error", "warning", "info"}
        assert rule["title"]["zh"] and rule["title"]["en"]
    assert len({rule["code"] for rule in rules}) == len(rules)
    by_code = {rule["code"]: rule["severity"] for rule in rules}
    # the severities the fail-on tests rely on
    assert (by_code["JN-FILE-003"], by_code["JN-FILE-006"], by_code["JN-CELL-001"]) == ("info", "warning", "error")


def test_version() -> None:
    r = run("--version")
    assert r.rc == 0
    assert r.out.startswith("jn-exchange ") and __version__ in r.out


def test_validate_help() -> None:
    r = run("validate", "--help")
    assert r.rc == 0
    for option in ("--format", "--output", "--lang", "--fail-on", "--config", "--as-of"):
        assert option in r.out


# ------------------------------------------------------------------------------- 7. no linkml on the hot path
def test_validation_does_not_import_linkml(example) -> None:
    script = f"""
import json, sys
from pathlib import Path
import jn_exchange.cli, jn_exchange.validate
from jn_exchange.config import load_config
from jn_exchange.rules import registry
from jn_exchange.validate import validate
result = validate(Path({str(example)!r}), load_config(None, set(registry())))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("linkml", "linkml_runtime")
               or m.startswith(("jn_exchange.generate", "jn_exchange.docsgen")))
print(json.dumps({{"valid": result.valid, "linkml": "linkml" in sys.modules, "heavy": heavy}}))
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"valid": True, "linkml": False, "heavy": []}


@pytest.mark.parametrize("args, loaded", [(["validate", "--help"], False), (["validate", str(EXAMPLE)], False),
                                           (["--help"], True), (["convert", "--help"], True),
                                           (["service", "--help"], True)])
def test_the_tools_load_only_when_needed(args, loaded):
    """`validate` and its --help do not import the tools' and the service's commands (a --help
    under 0.1 s); listing the commands or running one of them does."""
    script = f"""
import sys
from jn_exchange.cli import main
try:
    main({args!r})
except SystemExit as exc:
    code = exc.code
tools = sorted(m for m in sys.modules if m.startswith(("jn_exchange.tools.cli_", "jn_exchange.service")))
print(code, tools, file=sys.stderr)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT)
    code, tools = proc.stderr.strip().splitlines()[-1].split(" ", 1)
    assert code in ("0", "None"), proc.stderr
    assert (tools != "[]") is loaded, tools


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_killed_run_leaves_nothing_behind(tmp_path, sig, code):
    """What `timeout` and service managers send: the unpacked package and the engine's spill
    files must not outlive the run (they hold the vendor's personal data)."""
    import signal

    pkg = tmp_path / "big"
    made = subprocess.run([*CLI, "sample", str(pkg), "--rows", "200000", "--zip"], capture_output=True, timeout=TIMEOUT)
    assert made.returncode == 0, made.stderr
    private = tmp_path / "tmp"
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private)}
    proc = subprocess.Popen([*CLI, "validate", str(pkg.with_suffix(".zip")), "--format", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while not any(private.rglob("*.csv")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)   # until the package is being unpacked
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == code, err
    assert b"Traceback" not in err
    assert not list(private.iterdir())
