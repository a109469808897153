"""Loading a scanned CSV file into DuckDB as text columns (so every bad cell is found with its
row), with the rows DuckDB rejects and the rows of the wrong width reported and left out."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from typing import Any

import duckdb

from jn_exchange.config import Limits
from jn_exchange.engine.derived import Derived, typed_fields
from jn_exchange.engine.lines import LoadedTable, record_starts
from jn_exchange.engine.messages import short_error
from jn_exchange.engine.sql import lit, one_row, q
from jn_exchange.findings import Collector, Finding
from jn_exchange.masking import MAX_SHOWN, mask_line_cells
from jn_exchange.masking import clip as clip_shown
from jn_exchange.profile import FieldSpec, TableSpec
from jn_exchange.reader.csvscan import FileScan
from jn_exchange.rules import make_finding, zh_en

_SHOWN_LINE = 4 * MAX_SHOWN   # a rejected line is cut before it is split and masked (it may be MBs)
_NULL_MARK = "\u2983jn-null\u2984"  # read_csv's nullstr: a marker no real cell holds


class TableLoader:
    """Loads one table through one thread's connection, reporting what cannot be loaded."""

    def __init__(self, con: duckdb.DuckDBPyConnection, collector: Collector, limits: Limits,
                 typed: frozenset[str] | None = None):
        self.con = con
        self.collector = collector
        self.limits = limits
        self.typed = typed   # the fields whose typed value the load stores (None: all)

    def load(self, n: int, spec: TableSpec, scan: FileScan, columns_in_file: list[str],
             rename: dict[str, str]) -> LoadedTable | None:
        """Table `raw_{n}` from the file, with the typed columns of engine/derived.py.
        `columns_in_file` is the header as in the file; `rename` maps a file column to the
        standard field name (e.g. from a Chinese title)."""
        if scan.data_records > self.limits.max_rows_per_table:
            # refused before DuckDB reads it: the byte scan counted the records in bounded memory
            self.collector.add(make_finding("JN-FILE-012", resource=spec.name, path=scan.path.name,
                                            rows=scan.data_records, limit=self.limits.max_rows_per_table))
            return None
        raw, rej = f"raw_{n}", f"rej_{n}"
        col_names, mapping = _columns(spec, columns_in_file, rename)
        file_columns = dict(zip(col_names, columns_in_file))
        derived = typed_fields(spec, mapping, self.typed)
        uniform = scan.uniform and not scan.blank_count and len(col_names) == len(scan.header or [])
        # Padded reading (see _read_sql) judges row shape itself. A file ending inside a quoted
        # cell is read unpadded: DuckDB's padded reader would take the rest of the file as that
        # cell without a word, where the unpadded one reports the unclosed quote.
        padded = not uniform and not scan.unclosed_quote
        try:
            self.con.execute(self._read_sql(n, spec, scan, col_names, padded, derived))
        except duckdb.Error as exc:
            self.collector.add(make_finding("JN-FILE-011", resource=spec.name, row=None,
                                            detail=short_error(exc)))
            return None
        rows, n_rejected = one_row(self.con, f"SELECT (SELECT count(*) FROM {raw}), (SELECT count(*) FROM {rej})")
        fields = _fields_by_position(spec, columns_in_file, rename)
        rejected = self._report_rejects(spec, rej, fields, scan) if n_rejected else []
        skipped = sorted(set(scan.blank_lines) | set(rejected))
        ragged = self._drop_ragged(spec, raw, scan, col_names, fields, skipped) if padded else []
        if ragged:
            skipped = sorted(set(skipped) | set(ragged))
            rows = one_row(self.con, f"SELECT count(*) FROM {raw}")[0]
        lost = self._account_for_every_record(spec, scan, rows, skipped)
        if lost:
            skipped = sorted(set(skipped) | set(lost))
        exact = scan.blank_count <= len(scan.blank_lines) and not lost and \
            scan.physical_lines == scan.header_line_count + rows + len(rejected) + len(ragged) + scan.blank_count
        return LoadedTable(spec, raw, mapping, rows, scan, file_columns, skipped, exact, derived)

    def _account_for_every_record(self, spec: TableSpec, scan: FileScan, rows: int, skipped: list[int]) -> list[int]:
        """Every data record of the file is a loaded row or a finding. DuckDB's reader drops a
        record whose line runs to tens of MB without a word (no reject): such lines, known from
        the byte scan, are reported as cells too long (JN-FILE-009); anything still missing is
        reported by count. Returns the lines taken as not loaded."""
        expected = scan.records - scan.header_line_count - scan.blank_count
        missing = expected - rows - len(set(skipped) - set(scan.blank_lines))
        if missing <= 0 or scan.unclosed_quote:
            return []
        lost = [(line, size) for line, size in scan.long_lines if line not in skipped and line > 1][:missing]
        for line, size in lost:
            self.collector.add(make_finding("JN-FILE-009", resource=spec.name, row=line, length=size,
                                            limit=self.limits.max_cell_chars, field=None))
        if missing > len(lost):
            n = missing - len(lost)
            self.collector.add_counted(make_finding("JN-FILE-011", resource=spec.name, row=None, detail=zh_en(
                f"{n} 条记录未能读取（读取器跳过了它们）", f"{n} records could not be read (the reader skipped them)")), n)
        return [line for line, _ in lost]

    def _read_sql(self, n: int, spec: TableSpec, scan: FileScan, col_names: list[str], padded: bool,
                  derived: Derived) -> str:
        max_line = max(self.limits.max_cell_chars * 4 * max(len(col_names), 1), 1 << 20)
        options = (f"header=true, delim=',', quote='\"', escape='\"', auto_detect=false, strict_mode=true, "
                   f"store_rejects=true, rejects_table={lit(f'rej_{n}')}, rejects_scan={lit(f'rejscan_{n}')}, "
                   f"max_line_size={max_line}, encoding='utf-8'")
        path = lit(str(scan.load_path))
        if not padded:
            # Usually the byte scan found every record as wide as the header: empty cells are read
            # as NULL directly, and DuckDB's strict mode rejects any other row with its line
            # (reported by _report_rejects).
            cols = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in col_names) + "}"
            return f"CREATE TABLE raw_{n} AS " + derived.select_sql(
                spec, f"SELECT * FROM read_csv({path}, columns={cols}, null_padding=false, nullstr='', {options})")
        # One column more than the header, padded: DuckDB silently drops ONE trailing empty
        # field of a too-long row even in strict mode, so row shape is judged here instead: a
        # value in the extra column = too many fields; a padded (NULL) last column = too few.
        # Real empty cells stay '' (nullstr is a marker no data uses) and become NULL below.
        over = f"c{len(col_names)}"
        cols = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in [*col_names, over]) + "}"
        present = "[" + ", ".join(q(c) for c in col_names) + "]"
        shape = (f"CASE WHEN {q(over)} IS NOT NULL THEN -1 WHEN {q(col_names[-1])} IS NULL "
                 f"THEN len(list_filter({present}, lambda x: x IS NOT NULL)) ELSE 0 END::SMALLINT AS _shape")
        select = ", ".join(f"nullif({q(c)}, '') AS {q(c)}" for c in col_names) + ", " + shape
        # DuckDB's parallel reader cannot pad rows when quoted cells hold line ends
        serial = ", parallel=false" if scan.quoted_line_breaks else ""
        return f"CREATE TABLE raw_{n} AS " + derived.select_sql(
            spec, f"SELECT {select} FROM read_csv({path}, columns={cols}, "
                  f"null_padding=true, nullstr={lit(_NULL_MARK)}, {options}{serial})")

    def _drop_ragged(self, spec: TableSpec, raw: str, scan: FileScan, col_names: list[str],
                     fields: list[FieldSpec | None], skipped: list[int]) -> list[int]:
        """Report rows with too few / too many fields (JN-FILE-007/008) and take them out of the
        table, as DuckDB does with the rows it rejects. Returns their file lines."""
        bad = self.con.execute(f"SELECT rowid, _shape, [{', '.join(q(c) for c in col_names[:6])}] "
                               f"FROM {raw} WHERE _shape <> 0 ORDER BY rowid").fetchall()
        if not bad:
            self.con.execute(f"ALTER TABLE {raw} DROP COLUMN _shape")
            return []
        probe = LoadedTable(spec, raw, {}, 0, scan, {}, skipped, not scan.quoted_line_breaks)
        lines: list[int] = []
        examples = _Examples(self.collector)
        expected = len(col_names)
        for rowid, shape, cells in bad:
            line = probe.line_of(int(rowid))
            lines.append(line)
            code = "JN-FILE-008" if shape < 0 else "JN-FILE-007"
            found = expected + 1 if shape < 0 else int(shape)
            if examples.count(code):
                shown = _shown_line(cells, fields, found, expected)
                examples.keep(make_finding(code, resource=spec.name, row=line, found=found, expected=expected,
                                           value=shown))
        examples.report()
        self.con.execute(f"CREATE OR REPLACE TABLE {raw} AS SELECT * EXCLUDE (_shape) FROM {raw} "
                         f"WHERE _shape = 0 ORDER BY rowid")
        return lines

    def _report_rejects(self, spec: TableSpec, rej: str, fields: list[FieldSpec | None], scan: FileScan) -> list[int]:
        """Report the rows DuckDB rejected (wrong width, line too long, bad bytes, ...).
        Returns their file lines."""
        rows = self.con.execute(
            f"SELECT line, error_type, csv_line, error_message, column_name FROM {rej} ORDER BY line").fetchall()
        # DuckDB numbers records, not lines: the same thing unless quoted cells hold line breaks
        starts = record_starts(scan, max(int(r[0]) for r in rows)) if scan.quoted_line_breaks and rows else {}
        lines: list[int] = []
        examples = _Examples(self.collector)
        for line, etype, csv_line, message, column in rows:
            line = starts.get(int(line), int(line))
            if lines and lines[-1] == line:
                continue  # several errors on one line: the line is reported once
            lines.append(line)
            code, params = self._reject_rule(spec, str(etype), message, csv_line, column, len(fields))
            if examples.count(code):
                cells = _split_line((csv_line or "")[:_SHOWN_LINE].strip("\r\n"))
                shown = _shown_line(cells, fields, int(params.get("found") or len(cells)), len(fields))
                examples.keep(make_finding(code, resource=spec.name, row=line, value=shown, **params))
        examples.report()
        return lines

    def _reject_rule(self, spec: TableSpec, etype: str, message: str | None, csv_line: str | None,
                     column: str | None, expected: int) -> tuple[str, dict[str, Any]]:
        """The rule a DuckDB reject breaks, and its message parameters (keywords of `make_finding`)."""
        m = re.search(r"Found:?\s*(\d+)", message or "")
        found = int(m.group(1)) if m else None
        if "MISSING" in etype:
            return "JN-FILE-007", {"found": found, "expected": expected}
        if "TOO MANY" in etype:
            return "JN-FILE-008", {"found": found, "expected": expected}
        if "LINE SIZE" in etype:   # csv_line is cut at 10000 characters: the size is in the message
            size = re.search(r"Actual Size:\s*(\d+)", message or "")
            return "JN-FILE-009", {"length": int(size.group(1)) if size else len(csv_line or ""),
                                   "limit": self.limits.max_cell_chars, "field": column}
        if "ENCODING" in etype:
            return "JN-FILE-002", {"path": spec.path, "offset": "?"}
        return "JN-FILE-011", {"detail": short_error(message)}


def _fields_by_position(spec: TableSpec, columns_in_file: list[str], rename: dict[str, str]) -> list[FieldSpec | None]:
    """The field each file column holds, for masking its cells in lines shown whole: a column
    that names no field (a header that is a data row) by the standard's field at its position,
    as its header cell is shown (`masking.show_column`)."""
    return [spec.field(rename.get(c, c)) or (spec.fields[i] if i < len(spec.fields) else None)
            for i, c in enumerate(columns_in_file)]


def _split_line(line: str) -> list[str]:
    """The cells of a raw CSV line, as well as the csv module can tell."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return line.split(",")


def _shown_line(cells: Sequence[str | None], fields: list[FieldSpec | None], found: int, expected: int) -> str:
    """A line of the wrong width as a finding shows it: each cell by the policy of every field
    it may belong to, the fields shifted by the cells too many or too few."""
    shown = mask_line_cells([c or "" for c in cells], fields, shift_left=max(0, found - expected),
                            shift_right=max(0, expected - found))
    return clip_shown(",".join(v for v, c in zip(shown, cells) if c is not None))


def _columns(spec: TableSpec, columns_in_file: list[str], rename: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """DuckDB's column names (c0, c1, ...: headers can be anything) and the standard field
    name -> column map; a repeated header (JN-HDR-004, reported by the header check) maps once."""
    col_names: list[str] = []
    seen: set[str] = set()
    mapping: dict[str, str] = {}
    for i, c in enumerate(columns_in_file):
        std = rename.get(c, c)
        name = f"c{i}"
        col_names.append(name)
        if std in seen:
            continue
        seen.add(std)
        if spec.field(std):
            mapping[std] = name
    return col_names, mapping


class _Examples:
    """Per rule: the exact count and the first `max_examples` findings (only those are made)."""

    def __init__(self, collector: Collector):
        self.collector = collector
        self.counts: dict[str, int] = {}
        self.kept: dict[str, list[Finding]] = {}

    def count(self, code: str) -> bool:
        """Count one more case of `code`; True when its finding is to be kept."""
        self.counts[code] = self.counts.get(code, 0) + 1
        return len(self.kept.setdefault(code, [])) < self.collector.max_examples

    def keep(self, finding: Finding) -> None:
        self.kept[finding.code].append(finding)

    def report(self) -> None:
        for code, examples in self.kept.items():
            self.collector.add_counted(examples[0], self.counts[code], examples[1:])
