"""No row is lost unseen: every data record of a file is a loaded row or a finding, whatever the
file holds (counted from the byte scan and from the load)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jn_exchange.config import Config, Limits
from jn_exchange.reader.csvscan import scan_file
from jn_exchange.validate import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jinan-sample"
TABLE = "enforcement_agency"
LINE_CODES = ("JN-FILE-007", "JN-FILE-008", "JN-FILE-009", "JN-FILE-011")


def _package(tmp: Path, body: bytes) -> Path:
    pkg = tmp / "pkg"
    if pkg.exists():
        shutil.rmtree(pkg)
    shutil.copytree(EXAMPLE, pkg)
    (pkg / f"{TABLE}.csv").write_bytes(body)
    return pkg


def _accounted(pkg: Path) -> tuple[int | None, int, list]:
    """Rows loaded (None: the file was not read), findings about records, all findings."""
    result = validate(pkg, Config({}, Limits()))
    rows = next(r.rows for r in result.resources if r.name == TABLE)
    reported = sum(t.count for t in result.tallies if t.resource == TABLE and t.code in LINE_CODES)
    return rows, reported, result.findings()


def _rows(n_extra_cells: dict[int, str] | None = None, newline_at_end: bool = True) -> bytes:
    rows = list(csv.reader((EXAMPLE / f"{TABLE}.csv").open(encoding="utf-8", newline="")))
    i = rows[0].index("entrusted_scope")
    for r, text in (n_extra_cells or {}).items():
        rows[r][i] = text
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    out = buf.getvalue().encode()
    return out if newline_at_end else out.rstrip(b"\n")


@pytest.mark.slow
@pytest.mark.parametrize("where", ["middle", "last line, no newline"])
def test_a_line_of_tens_of_megabytes_is_reported_not_dropped(tmp_path, where):
    # DuckDB's reader drops such a line with no reject (a 70 MB cell: exit 0, valid, one row less)
    n = len(list(csv.reader((EXAMPLE / f"{TABLE}.csv").open(encoding="utf-8")))) - 1
    row = 3 if where == "middle" else n
    pkg = _package(tmp_path, _rows({row: "x" * (70 << 20)}, newline_at_end=where == "middle"))
    rows, reported, found = _accounted(pkg)
    assert rows == n - 1 and reported >= 1
    assert any(f.code == "JN-FILE-009" and f.resource == TABLE and f.row == row + 1 for f in found)


_cell = st.one_of(st.sampled_from(["", "a", '"', '""', ",", "\n", "\r\n", "\r", " ", "x" * 5]),
                  st.text(alphabet='ab,"\n\r ', max_size=8))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cell, min_size=0, max_size=16), min_size=1, max_size=12))
def test_every_record_is_a_row_or_a_finding(tmp_path, records):
    header = (EXAMPLE / f"{TABLE}.csv").read_bytes().split(b"\n", 1)[0] + b"\n"
    body = header + b"\n".join(",".join(r).encode() for r in records) + b"\n"
    pkg = _package(tmp_path, body)
    assert lost_records(pkg, tmp_path / "scan") is None


def lost_records(pkg: Path, scratch: Path) -> str | None:
    """Validates `pkg` (any package with a TABLE file): None when every record of that file is a
    loaded row or a finding, else what went missing. Also the fuzz test's invariant
    (tests/test_fuzz_readers.py, scripts/fuzz_readers.py)."""
    rows, reported, _ = _accounted(pkg)
    # the records as the byte scan counts them (independently of the engine's reader)
    scan = scan_file(pkg / f"{TABLE}.csv", scratch)
    expected = scan.records - scan.header_line_count - scan.blank_count
    if rows is None:              # the file as a whole was not read: said once, for all its records
        return None if reported >= 1 else "the file was not read and no finding says so"
    if scan.unclosed_quote:       # a file ending inside quotes is one unreadable record, said once
        return None
    if rows + reported >= expected:
        return None
    return f"{expected} records, {rows} loaded, {reported} reported"
