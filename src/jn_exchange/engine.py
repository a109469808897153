"""The vectorised engine: every table is loaded once into DuckDB as text columns (so every bad
cell is found with its row), then each check is a SQL expression. Counts are exact and come
from one aggregate scan per table; only the capped example rows are fetched into Python.
DuckDB spills to the private work folder, so memory stays bounded on packages larger than RAM."""

from __future__ import annotations

import bisect
import csv
import re
import threading
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any, Callable

import duckdb

from jn_exchange import hints
from jn_exchange.config import Limits
from jn_exchange.findings import Collector, Finding
from jn_exchange.identifiers import (JINAN_COUNTY_CODES, citizen_id_check_sql, citizen_id_problem,
                                     uscc_check_sql)
from jn_exchange.masking import mask_value
from jn_exchange.profile import FieldSpec, Profile, TableSpec
from jn_exchange.reader.csvscan import FileScan
from jn_exchange.rules import make_finding


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


_NULL_MARK = "\u2983jn-null\u2984"  # read_csv's nullstr: a marker no real cell holds


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class LoadedTable:
    spec: TableSpec
    raw: str                                  # DuckDB table name
    columns: dict[str, str]                   # standard field name -> column name in DuckDB
    rows: int
    scan: FileScan
    file_columns: dict[str, str] = dc_field(default_factory=dict)  # DuckDB column -> header as in the file
    skipped_lines: list[int] = dc_field(default_factory=list)   # blank + rejected lines, sorted
    exact_lines: bool = True                  # False when quoted line breaks shift rows
    _line_cache: dict[int, int] | None = None

    def line_of(self, rowid: int) -> int:
        """File row (header = 1) of the record with this DuckDB rowid."""
        if not self.exact_lines:
            if self._line_cache is None:
                self._line_cache = {}
            if rowid not in self._line_cache:
                # examples come in rising rowid: read ahead (doubling) so the file is not read
                # once per example
                ahead = max(rowid, 2 * max(self._line_cache, default=0))
                self._line_cache.update(_record_lines(self.scan, wanted=ahead, skipped=set(self.skipped_lines)))
            return self._line_cache.get(rowid, rowid + 1 + self.scan.header_line_count)
        # the k-th record sits after the header and after every skipped line before it
        line = rowid + 1 + self.scan.header_line_count
        i = 0
        while True:  # a few iterations at most: skipped lines are rare
            n = bisect.bisect_right(self.skipped_lines, line)
            if n == i:
                return line
            line += n - i
            i = n


def _csv_records(scan: FileScan):
    """(start line, record) of every record, header first, blank lines left out. Streams with
    the csv module; for the rare files whose cells hold line breaks."""
    with open(scan.load_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        start = 1
        try:
            for rec in reader:
                if rec:
                    yield start, rec
                start = reader.line_num + 1
        except csv.Error:
            return


def _record_starts(scan: FileScan, upto: int) -> dict[int, int]:
    """Start line of the n-th record (header = 1) up to `upto`."""
    out: dict[int, int] = {}
    for n, (start, _) in enumerate(_csv_records(scan), start=1):
        out[n] = start
        if n >= upto:
            break
    return out


def _record_lines(scan: FileScan, wanted: int, skipped: set[int] = frozenset()) -> dict[int, int]:
    """Start line of the records in the table up to rowid `wanted`, leaving out the header and
    the records starting on a `skipped` line (ragged or rejected: not in the table)."""
    out: dict[int, int] = {}
    k = 0
    records = _csv_records(scan)
    next(records, None)
    for start, _ in records:
        if start in skipped:
            continue
        out[k] = start
        k += 1
        if k > wanted:
            break
    return out


class Engine:
    def __init__(self, workdir: Path, profile: Profile, collector: Collector, limits: Limits,
                 memory_limit: str = "1GB", threads: int | None = None):
        spill = workdir / "spill"
        spill.mkdir(parents=True, exist_ok=True)
        cfg: dict[str, Any] = {"temp_directory": str(spill), "memory_limit": memory_limit,
                               "preserve_insertion_order": True}
        if threads:
            cfg["threads"] = threads
        self._main = duckdb.connect(":memory:", config=cfg)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.profile = profile
        # a package run through `jn-exchange pseudonymize` (descriptor "jn:pseudonymized": true):
        # keyed-hash fields hold HMAC-SHA256 hex, masked fields hold '*'
        self.pseudonymized = False
        self.collector = collector
        self.limits = limits
        self.tables: dict[str, LoadedTable] = {}
        self._n = 0
        # the columns the typed views carry (None: all): binding ~30 casts per view for every
        # rule cost more than running the rules, so only the names the rules use are kept
        self.view_columns: frozenset[str] | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the one in-memory database (tables are loaded by a few
        threads at once: DuckDB runs their queries concurrently, Python scans overlap them)."""
        return getattr(self._local, "con", None) or self._main

    def bind_thread(self) -> None:
        if getattr(self._local, "con", None) is None:
            self._local.con = self._main.cursor()

    def close(self) -> None:
        self._main.close()

    # ------------------------------------------------------------------ loading
    def load(self, spec: TableSpec, scan: FileScan, columns_in_file: list[str],
             rename: dict[str, str]) -> LoadedTable | None:
        """Load a CSV (already scanned) as text columns. `columns_in_file` is the header as in the
        file; `rename` maps a file column to the standard field name (e.g. from a Chinese title)."""
        with self._lock:
            self._n += 1
            n = self._n
        raw = f"raw_{n}"
        col_names: list[str] = []
        seen: set[str] = set()
        mapping: dict[str, str] = {}
        for i, c in enumerate(columns_in_file):
            std = rename.get(c, c)
            name = f"c{i}"
            col_names.append(name)
            if std in seen:
                continue  # duplicate header: JN-HDR-004 is reported by the header check
            seen.add(std)
            if spec.field(std):
                mapping[std] = name
        max_line = max(self.limits.max_cell_chars * 4 * max(len(col_names), 1), 1 << 20)
        rej, rej_scan = f"rej_{n}", f"rejscan_{n}"
        options = (f"header=true, delim=',', quote='\"', escape='\"', auto_detect=false, strict_mode=true, "
                   f"store_rejects=true, rejects_table={lit(rej)}, rejects_scan={lit(rej_scan)}, "
                   f"max_line_size={max_line}, encoding='utf-8'")
        uniform = scan.uniform and not scan.blank_count and len(col_names) == len(scan.header or [])
        # Padded reading (below) judges row shape itself. A file ending inside a quoted cell is
        # read unpadded: DuckDB's padded reader would take the rest of the file as that cell
        # without a word, where the unpadded one reports the unclosed quote.
        padded = not uniform and not scan.unclosed_quote
        if not padded:
            # Usually the byte scan found every record as wide as the header: empty cells are read
            # as NULL directly, and DuckDB's strict mode rejects any other row with its line
            # (reported below).
            cols = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in col_names) + "}"
            sql = (f"CREATE TABLE {raw} AS SELECT * FROM read_csv({lit(str(scan.load_path))}, columns={cols}, "
                   f"null_padding=false, nullstr='', {options})")
        else:
            # One column more than the header, padded: DuckDB silently drops ONE trailing empty
            # field of a too-long row even in strict mode, so row shape is judged here instead: a
            # value in the extra column = too many fields; a padded (NULL) last column = too few.
            # Real empty cells stay '' (nullstr is a marker no data uses) and become NULL below.
            over = f"c{len(col_names)}"
            cols = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in [*col_names, over]) + "}"
            present = "[" + ", ".join(q(n) for n in col_names) + "]"
            shape = (f"CASE WHEN {q(over)} IS NOT NULL THEN -1 WHEN {q(col_names[-1])} IS NULL "
                     f"THEN len(list_filter({present}, lambda x: x IS NOT NULL)) ELSE 0 END::SMALLINT AS _shape")
            select = ", ".join(f"nullif({q(n)}, '') AS {q(n)}" for n in col_names) + ", " + shape
            # DuckDB's parallel reader cannot pad rows when quoted cells hold line ends
            serial = ", parallel=false" if scan.quoted_line_breaks else ""
            sql = (f"CREATE TABLE {raw} AS SELECT {select} FROM read_csv({lit(str(scan.load_path))}, columns={cols}, "
                   f"null_padding=true, nullstr={lit(_NULL_MARK)}, {options}{serial})")
        try:
            self.con.execute(sql)
        except duckdb.Error as exc:
            self.collector.add(make_finding("JN-FILE-011", resource=spec.name, row=None,
                                            detail=_short_error(exc)))
            return None
        rows, n_rejected = self.con.execute(f"SELECT (SELECT count(*) FROM {raw}), (SELECT count(*) FROM {rej})").fetchone()
        rejected = self._report_rejects(spec, rej, len(col_names), scan) if n_rejected else []
        skipped = sorted(set(scan.blank_lines) | set(rejected))
        ragged = self._drop_ragged(spec, raw, scan, col_names, skipped) if padded else []
        if ragged:
            skipped = sorted(set(skipped) | set(ragged))
            rows = self.con.execute(f"SELECT count(*) FROM {raw}").fetchone()[0]
        exact = scan.blank_count <= len(scan.blank_lines) and \
            scan.physical_lines == scan.header_line_count + rows + len(rejected) + len(ragged) + scan.blank_count
        t = LoadedTable(spec, raw, mapping, rows, scan, dict(zip(col_names, columns_in_file)), skipped, exact)
        self.tables[spec.name] = t
        return t

    def _drop_ragged(self, spec: TableSpec, raw: str, scan: FileScan, col_names: list[str],
                     skipped: list[int]) -> list[int]:
        """Report rows with too few / too many fields (JN-FILE-007/008) and take them out of the
        table, as DuckDB does with the rows it rejects. Returns their file lines."""
        bad = self.con.execute(f"SELECT rowid, _shape, concat_ws(',', {', '.join(q(n) for n in col_names[:6])}) "
                               f"FROM {raw} WHERE _shape <> 0 ORDER BY rowid").fetchall()
        if not bad:
            self.con.execute(f"ALTER TABLE {raw} DROP COLUMN _shape")
            return []
        probe = LoadedTable(spec, raw, {}, 0, scan, {}, skipped, not scan.quoted_line_breaks)
        lines: list[int] = []
        by_code: dict[str, list[Finding]] = {}
        counts: dict[str, int] = {}
        expected = len(col_names)
        for rowid, shape, text in bad:
            line = probe.line_of(int(rowid))
            lines.append(line)
            code = "JN-FILE-008" if shape < 0 else "JN-FILE-007"
            found = expected + 1 if shape < 0 else int(shape)
            counts[code] = counts.get(code, 0) + 1
            if len(by_code.setdefault(code, [])) < self.collector.max_examples:
                by_code[code].append(make_finding(code, resource=spec.name, row=line, found=found, expected=expected,
                                                  value=mask_value(_clip(text or ""))))
        for code, examples in by_code.items():
            self.collector.add_counted(examples[0], counts[code], examples[1:])
        self.con.execute(f"CREATE OR REPLACE TABLE {raw} AS SELECT * EXCLUDE (_shape) FROM {raw} "
                         f"WHERE _shape = 0 ORDER BY rowid")
        return lines

    def _report_rejects(self, spec: TableSpec, rej: str, expected: int, scan: FileScan) -> list[int]:
        rows = self.con.execute(
            f"SELECT line, error_type, csv_line, error_message, column_name FROM {rej} ORDER BY line").fetchall()
        # DuckDB numbers records, not lines: the same thing unless quoted cells hold line breaks
        starts = _record_starts(scan, max(int(r[0]) for r in rows)) if scan.quoted_line_breaks and rows else {}
        lines: list[int] = []
        by_code: dict[str, list[Finding]] = {}
        counts: dict[str, int] = {}
        for line, etype, csv_line, message, column in rows:
            line = starts.get(int(line), int(line))
            if lines and lines[-1] == line:
                continue  # several errors on one line: the line is reported once
            lines.append(line)
            etype = str(etype)
            m = re.search(r"Found:?\s*(\d+)", message or "")
            found = int(m.group(1)) if m else None
            if "MISSING" in etype:
                code, params = "JN-FILE-007", {"found": found, "expected": expected}
            elif "TOO MANY" in etype:
                code, params = "JN-FILE-008", {"found": found, "expected": expected}
            elif "LINE SIZE" in etype:   # csv_line is cut at 10000 characters: the size is in the message
                size = re.search(r"Actual Size:\s*(\d+)", message or "")
                code, params = "JN-FILE-009", {"length": int(size.group(1)) if size else len(csv_line or ""),
                                               "limit": self.limits.max_cell_chars, "field": column}
            elif "ENCODING" in etype:
                code, params = "JN-FILE-002", {"path": spec.path, "offset": "?"}
            else:
                code, params = "JN-FILE-011", {"detail": _short_error(message)}
            counts[code] = counts.get(code, 0) + 1
            if len(by_code.setdefault(code, [])) < self.collector.max_examples:
                by_code[code].append(make_finding(code, resource=spec.name, row=line,
                                                  value=mask_value(_clip((csv_line or "").strip("\r\n"))), **params))
        for code, examples in by_code.items():
            self.collector.add_counted(examples[0], counts[code], examples[1:])
        return lines

    # ------------------------------------------------------------------ cell checks
    def check_cells(self, t: LoadedTable) -> None:
        checks: list[_Check] = []
        for f in t.spec.fields:
            col = t.columns.get(f.name)
            if col is None:
                continue
            checks.extend(self._field_checks(t, f, q(col)))
        limit = self.limits.max_cell_chars
        huge = [_Check("JN-FILE-009", t.spec.field(header_name), f"length({q(col)}) > {limit}", q(col),
                       lambda v, _f, h=header_name: {"length": len(v or ""), "limit": limit, "field": h})
                for col, header_name in t.file_columns.items()]
        if not (checks or huge) or t.rows == 0:
            return
        # Cell size: one aggregate over the longest cell in bytes (a bound on its characters)
        # instead of one per column, which cost DuckDB as much to plan as all the other checks;
        # the columns are counted only when a cell may be too long.
        longest = "max(greatest(" + ", ".join(f"strlen({h.col})" for h in huge) + "))" if huge else "0"
        *counts, widest = self.con.execute(
            "SELECT " + ", ".join([*(f"count_if({c.cond})" for c in checks), longest]) + f" FROM {t.raw}").fetchone()
        if widest and widest > limit:
            counts += self.con.execute(
                "SELECT " + ", ".join(f"count_if({h.cond})" for h in huge) + f" FROM {t.raw}").fetchone()
            checks += huge
        key_sql = self._key_sql(t)
        for check, n in zip(checks, counts):
            if not n:
                continue
            ex = self.con.execute(
                f"SELECT rowid, {check.col}, {key_sql} FROM {t.raw} WHERE {check.cond} ORDER BY rowid "
                f"LIMIT {self.collector.max_examples}").fetchall()
            findings = [self._cell_finding(t, check, rowid, value, key) for rowid, value, key in ex]
            self.collector.add_counted(findings[0], int(n), findings[1:])

    def _key_sql(self, t: LoadedTable) -> str:
        parts = [q(t.columns[k]) for k in t.spec.primary_key if k in t.columns]
        if not parts:
            return "NULL"
        return "concat_ws('|', " + ", ".join(parts) + ")"

    def _cell_finding(self, t: LoadedTable, check: "_Check", rowid: int, value: str | None, key: str | None) -> Finding:
        f = check.field
        params = check.params(value, f) if check.params else {}
        personal = bool(f and (f.personal or f.identifier_scheme == "citizen_id"))
        return make_finding(check.code, resource=t.spec.name, row=t.line_of(int(rowid)),
                            field=params.pop("field", None) or (f.name if f else None),
                            value=mask_value(value, personal), key=mask_value(key),
                            title=f.title if f else "", **params)

    def _field_checks(self, t: LoadedTable, f: FieldSpec, c: str) -> list["_Check"]:
        out: list[_Check] = []
        nn = f"{c} IS NOT NULL"
        if f.required:
            out.append(_Check("JN-CELL-001", f, f"{c} IS NULL", c))
        typed_ok = nn
        if f.type == "integer":
            bad = f"{nn} AND NOT regexp_full_match({c}, '-?[0-9]+')"
            out.append(_Check("JN-CELL-002", f, bad, c, lambda v, _f: {"hint": hints.number_hint(v, True)}))
            typed_ok = f"{nn} AND regexp_full_match({c}, '-?[0-9]+')"
        elif f.type == "number":
            places = f.raw.get("jn:decimal_places")
            frac = f"{{1,{int(places)}}}" if places else "+"
            rx = f"-?[0-9]+(\\.[0-9]{frac})?"
            out.append(_Check("JN-CELL-003", f, f"{nn} AND NOT regexp_full_match({c}, '{rx}')", c,
                              lambda v, _f: {"hint": hints.number_hint(v, False)}))
            typed_ok = f"{nn} AND regexp_full_match({c}, '{rx}')"
        elif f.type == "date":
            good = f"regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND try_cast({c} AS DATE) IS NOT NULL"
            out.append(_Check("JN-CELL-004", f, f"{nn} AND NOT ({good})", c,
                              lambda v, _f: {"hint": hints.date_hint(v)}))
            typed_ok = f"{nn} AND {good}"
        elif f.type == "datetime":
            good = (f"regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}"
                    f"(\\.[0-9]{{1,6}})?(Z|[+-][0-9]{{2}}:[0-9]{{2}})?') "
                    f"AND try_cast(replace(substr({c}, 1, 19), 'T', ' ') AS TIMESTAMP) IS NOT NULL")
            out.append(_Check("JN-CELL-005", f, f"{nn} AND NOT ({good})", c,
                              lambda v, _f: {"hint": hints.date_hint(v, with_time=True)}))
            typed_ok = f"{nn} AND {good}"
        elif f.type == "boolean":
            out.append(_Check("JN-CELL-006", f, f"{nn} AND {c} NOT IN ('true', 'false')", c,
                              lambda v, _f: {"hint": hints.boolean_hint(v)}))
            typed_ok = f"{nn} AND {c} IN ('true', 'false')"
        cons = f.constraints
        treatment = f.raw.get("jn:exchange_treatment")
        if self.pseudonymized and treatment == "keyed_hash":
            pat = "^[0-9a-f]{64}$"
            out.append(_Check("JN-CELL-008", f, f"{nn} AND NOT regexp_full_match({c}, {lit(pat)})", c,
                              lambda v, _f, p=pat: {"pattern": p, "hint": ""}))
            return out
        if self.pseudonymized and treatment == "mask":
            typed_ok = f"{typed_ok} AND NOT contains({c}, '*')"   # a masked cell keeps only its length
        if cons.get("enum"):
            codes = ", ".join(lit(str(x)) for x in cons["enum"])
            codelist = f.codelist
            lookup = self.profile.codes(codelist) if codelist in self.profile.codelists else \
                {str(x): {"code": str(x), "label": str(x)} for x in cons["enum"]}
            title = self.profile.codelists.get(codelist, {}).get("title", codelist or "")
            out.append(_Check("JN-CELL-007", f, f"{typed_ok} AND {c} NOT IN ({codes})", c,
                              lambda v, _f, lk=lookup, tt=title: {"codelist": tt, "hint": hints.code_hint(v, lk)}))
        if cons.get("pattern"):
            pat = cons["pattern"]
            out.append(_Check("JN-CELL-008", f, f"{typed_ok} AND NOT regexp_full_match({c}, {lit(pat)})", c,
                              lambda v, _f, p=pat: {"pattern": p, "hint": hints.pattern_hint(v)}))
            pattern_ok = f"{typed_ok} AND regexp_full_match({c}, {lit(pat)})"
        else:
            pattern_ok = typed_ok
        lo, hi = cons.get("minimum"), cons.get("maximum")
        if (lo is not None or hi is not None) and f.type in ("integer", "number"):
            conds = []
            if lo is not None:
                conds.append(f"try_cast({c} AS DOUBLE) < {float(lo)}")
            if hi is not None:
                conds.append(f"try_cast({c} AS DOUBLE) > {float(hi)}")
            rng = f"[{'' if lo is None else lo}, {'' if hi is None else hi}]"
            out.append(_Check("JN-CELL-009", f, f"{typed_ok} AND ({' OR '.join(conds)})", c,
                              lambda v, _f, r=rng: {"range": r}))
        if cons.get("maxLength"):
            n = int(cons["maxLength"])
            out.append(_Check("JN-CELL-010", f, f"{nn} AND strlen({c}) > {n} AND length({c}) > {n}", c,
                              lambda v, _f, n=n: {"length": len(v or ""), "limit": n}))
        scheme = f.identifier_scheme
        if scheme == "uscc":
            out.append(_Check("JN-CELL-011", f, f"{pattern_ok} AND NOT ({uscc_check_sql(c)})", c))
        elif scheme == "citizen_id":
            out.append(_Check("JN-CELL-012", f,
                              f"{pattern_ok} AND NOT ({citizen_id_check_sql(c)} AND "
                              f"try_strptime(substr({c}, 7, 8), '%Y%m%d') IS NOT NULL)", c,
                              lambda v, _f: {"problem": _id_problem(v)}))
        elif scheme == "jinan_division_code":
            counties = ", ".join(lit(x) for x in sorted(JINAN_COUNTY_CODES))
            out.append(_Check("JN-CELL-013", f,
                              f"{pattern_ok} AND NOT ((length({c}) = 6 AND ({c} = '370100' OR {c} IN ({counties}))) "
                              f"OR (length({c}) > 6 AND substr({c}, 1, 6) IN ({counties}) AND substr({c}, 7, 3) <> '000'))", c))
        return out

    # ------------------------------------------------------------------ keys
    def check_keys(self, t: LoadedTable) -> None:
        keys: list[tuple[str, tuple[str, ...]]] = []
        if t.spec.primary_key:
            keys.append(("JN-KEY-001", t.spec.primary_key))
        keys.extend(("JN-KEY-002", uk) for uk in t.spec.unique_keys)
        for code, fields in keys:
            if not all(k in t.columns for k in fields):
                continue
            cols = [q(t.columns[k]) for k in fields]
            part = ", ".join(cols)
            notnull = " AND ".join(f"{c} IS NOT NULL" for c in cols)
            # the exact count from a hash aggregate (half the cost of the window below, which
            # only runs when there is something to show)
            n = self.con.execute(f"SELECT coalesce(sum(n) - count(*), 0) FROM (SELECT count(*) AS n FROM {t.raw} "
                                 f"WHERE {notnull} GROUP BY {part} HAVING count(*) > 1)").fetchone()[0]
            if not n:
                continue
            base = (f"SELECT rowid, concat_ws('|', {part}) AS k, min(rowid) OVER (PARTITION BY {part}) AS first "
                    f"FROM {t.raw} WHERE {notnull}")
            ex = self.con.execute(f"SELECT rowid, k, first FROM ({base}) WHERE rowid <> first ORDER BY rowid "
                                  f"LIMIT {self.collector.max_examples}").fetchall()
            pers = any((t.spec.field(k) and t.spec.field(k).personal) for k in fields)
            findings = [make_finding(code, resource=t.spec.name, row=t.line_of(int(r)), field=",".join(fields),
                                     key=mask_value(k, pers), value=mask_value(k, pers),
                                     first_row=t.line_of(int(first)), fields=",".join(fields))
                        for r, k, first in ex]
            self.collector.add_counted(findings[0], int(n), findings[1:])

    def reference_groups(self) -> list[list["_ForeignKey"]]:
        """Every foreign key of the loaded tables, grouped by the key it points to: one anti-join
        per group builds the target's hash table once for all the tables that refer to it
        (152 keys point to 22 targets: a quarter of the time of one query per key)."""
        groups: dict[tuple[str, tuple[str, ...]], list[_ForeignKey]] = {}
        order = {name: i for i, name in enumerate(self.profile.tables)}
        for t in self.tables.values():
            for j, fk in enumerate(t.spec.foreign_keys):
                fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
                ref = fk["reference"]
                tfields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
                if not all(f in t.columns for f in fields):
                    continue
                target_name = ref.get("resource") or t.spec.name
                groups.setdefault((target_name, tuple(tfields)), []).append(
                    _ForeignKey(t, tuple(fields), target_name, tuple(tfields), (order.get(t.spec.name, -1), j)))
        return list(groups.values())

    def check_reference_group(self, group: list["_ForeignKey"]) -> list[tuple[tuple[int, int], list[Finding], int]]:
        """Findings of one group, each with its key's place in the standard, for the caller to
        add in that order once every group is done (the examples kept per table do not then
        depend on which worker finished first)."""
        out: list[tuple[tuple[int, int], list[Finding], int]] = []
        target_name, tfields = group[0].target, group[0].target_fields
        target = self.tables.get(target_name)
        union = " UNION ALL ".join(f"SELECT {i} AS fk, {fk.key} AS k FROM {fk.table.raw} c WHERE {fk.notnull}"
                                   for i, fk in enumerate(group))
        if target is None or not all(f in target.columns for f in tfields):
            # nothing to point to: one finding per key with the count of its values
            for i, n in self.con.execute(f"SELECT fk, count(*) FROM ({union}) GROUP BY fk ORDER BY fk").fetchall():
                fk = group[i]
                out.append((fk.order, [make_finding("JN-REF-002", resource=fk.table.spec.name,
                                                    field=",".join(fk.fields), target=target_name, count=n)], 1))
            return out
        tkey = "(" + ", ".join(q(target.columns[f]) for f in tfields) + ",)"
        counts = self.con.execute(f"SELECT fk, count(*) FROM ({union}) x ANTI JOIN "
                                  f"(SELECT {tkey} AS k FROM {target.raw}) p ON p.k = x.k GROUP BY fk").fetchall()
        for i, n in counts:
            fk = group[i]
            join = " AND ".join(f"p.{q(target.columns[tf])} = c.{c}" for tf, c in zip(tfields, fk.cols))
            ex = self.con.execute(
                f"SELECT c.rowid, concat_ws('|', {', '.join(f'c.{c}' for c in fk.cols)}) FROM {fk.table.raw} c "
                f"WHERE {fk.notnull} AND NOT EXISTS (SELECT 1 FROM {target.raw} p WHERE {join}) ORDER BY c.rowid "
                f"LIMIT {self.collector.max_examples}").fetchall()
            pers = any((fk.table.spec.field(f) and fk.table.spec.field(f).personal) for f in fk.fields)
            findings = [make_finding("JN-REF-001", resource=fk.table.spec.name, row=fk.table.line_of(int(r)),
                                     field=",".join(fk.fields), value=mask_value(v, pers), target=target_name,
                                     target_field=",".join(tfields))
                        for r, v in ex]
            out.append((fk.order, findings, int(n)))
        return out

    # ------------------------------------------------------------------ typed views for business rules
    def create_typed_view(self, name: str) -> None:
        """The view of one table, named as the table, with typed columns and `_rowid`. Business
        rules are plain SQL over these views; a table that was not loaded gets an empty view.
        Created by the worker that loaded the table, while other tables load."""
        spec = self.profile.tables[name]
        t = self.tables.get(name)
        cols = []
        for f in spec.fields:
            if self.view_columns is not None and f.name not in self.view_columns:
                continue
            src = q(t.columns[f.name]) if t and f.name in t.columns else "NULL"
            cols.append(f"{_typed(src, f)} AS {q(f.name)}")
        if t is None:
            self.con.execute(f"CREATE OR REPLACE VIEW {q(name)} AS SELECT NULL::BIGINT AS _rowid, "
                             + ", ".join(cols) + " WHERE false")
        else:
            self.con.execute(f"CREATE OR REPLACE VIEW {q(name)} AS SELECT rowid AS _rowid, "
                             + ", ".join(cols) + f" FROM {t.raw}")

    def create_missing_views(self) -> None:
        for name in self.profile.tables:
            if name not in self.tables:
                self.create_typed_view(name)


def _typed(src: str, f: FieldSpec) -> str:
    if src == "NULL":
        return {"integer": "NULL::BIGINT", "number": "NULL::DECIMAL(18,2)", "date": "NULL::DATE",
                "datetime": "NULL::TIMESTAMP", "boolean": "NULL::BOOLEAN"}.get(f.type, "NULL::VARCHAR")
    if f.type == "integer":
        return f"try_cast({src} AS BIGINT)"
    if f.type == "number":
        return f"try_cast({src} AS DECIMAL(18,2))"
    if f.type == "date":
        return f"try_cast({src} AS DATE)"
    if f.type == "datetime":
        return f"try_cast(replace(substr({src}, 1, 19), 'T', ' ') AS TIMESTAMP)"
    if f.type == "boolean":
        return f"CASE {src} WHEN 'true' THEN true WHEN 'false' THEN false END"
    return src


@dataclass
class _ForeignKey:
    table: LoadedTable
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]
    order: tuple[int, int]        # (table, key) in the standard's order

    @property
    def cols(self) -> list[str]:
        return [q(self.table.columns[f]) for f in self.fields]

    @property
    def notnull(self) -> str:
        return " AND ".join(f"c.{c} IS NOT NULL" for c in self.cols)

    @property
    def key(self) -> str:
        """The key as a row value (compares like the columns, whatever their number)."""
        return "(" + ", ".join(f"c.{c}" for c in self.cols) + ",)"


@dataclass
class _Check:
    code: str
    field: FieldSpec | None
    cond: str
    col: str
    params: Callable[[str | None, FieldSpec | None], dict[str, Any]] | None = None


def _id_problem(v: str | None) -> dict[str, str]:
    p = citizen_id_problem(v or "") or "check_digit"
    zh = {"birth_date": "出生日期码不是有效日期", "check_digit": "校验码错误", "length": "长度不是18位",
          "charset": "含有非法字符"}.get(p, p)
    en = {"birth_date": "the birth-date part is not a valid date", "check_digit": "wrong check character",
          "length": "not 18 characters", "charset": "invalid characters"}.get(p, p)
    return {"zh": zh, "en": en}


def _clip(s: str | None, n: int = 200) -> str | None:
    if s is None:
        return None
    return s if len(s) <= n else s[:n] + "…"


def _short_error(exc: Any) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
