"""`jn-exchange fix IN OUT`: safe, explained repairs of a package into a NEW folder.

What it repairs (each change is one entry of `OUT/fix-log.json`):

| rule | what | where |
|---|---|---|
| `encoding` | GB18030/GBK file re-encoded as UTF-8 | file |
| `bom` | UTF-8 byte-order mark removed | file |
| `line_endings` | bare CR line ends, or a mixture of line ends, written as LF (a file that uses CRLF throughout, which the validator accepts, keeps its line ends) | file |
| `blank_line` | blank line removed (between records, or before the header), and a line of nothing but `""` | file (line number) |
| `header_title` | Chinese column title (or a name with spaces / capitals) replaced by the field name | header |
| `line_end_in_cell` | CRLF / CR inside a quoted cell written as the file's line end (LF, or CRLF in a CRLF file) | cell |
| `spaces` | spaces, NBSP, ideographic spaces, zero-width characters around a value removed | every cell |
| `full_width` | full-width digits, letters and ASCII punctuation (U+FF01–U+FF5E, U+3000) to half-width | code, identifier, date, number and boolean fields only (never free text) |
| `identifier_form` | USCC upper-cased, inner spaces removed; citizen id number: spaces removed, x → X | USCC and citizen-id fields (and `counterpart.id_number` when its id_type is 001 居民身份证) |
| `date_iso` | `2025/3/1`, `2025.3.1`, `2025年3月1日`, `2025-3-1`, `20250301` → `2025-03-01`; `2025/3/1 9:05` → `2025-03-01T09:05:00` | date and datetime fields |
| `excel_date` | only with `--excel-dates`: a five-digit number in a date field read as an Excel date serial (1900 date system: 45366 → `2024-03-15`; in a datetime field 45366.5 → `2024-03-15T12:00:00`) | date and datetime fields |
| `boolean` | 是/否, TRUE/FALSE, 1/0, y/n → true / false | boolean fields |
| `thousands_separator` | `12,500.00` → `12500.00` | number and integer fields |
| `label_to_code` | a code list's Chinese label (or English token) written instead of its code → the code, when exactly one code has it | code-list fields |
| `leading_zeros` | `3` for `03` (Excel drops leading zeros) → the one code that differs only by leading zeros | code-list fields |

What it leaves for the validator (counted in the summary, never guessed): dates in any other
form (3/1/2025 could be 1 March or 3 January), impossible dates (2025/2/30), Excel date serials
unless `--excel-dates` says the numbers in date fields are serials (a number there may be anything
else: a typing error, a count), wrong check characters, unknown codes, ragged rows, files in an unknown encoding or with another
delimiter, amounts with units. Detection reuses the reader (`reader.csvscan.scan_file`:
encoding, BOM, line ends), the records are read by `reader.table` and the header by
`reader.header` (as the validator reads it), values by the one text policy (`text`), and the
validator's hints (`hints`: date forms, boolean words).

Personal values in the log are masked as in the validator's reports (`masking.mask_value`).
The input is never changed; OUT must not exist. Tables stream row by row; a table that needs no
repair is copied byte for byte (its hash stays the same).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any, TextIO

from jn_exchange.identifiers import citizen_id_problem, normalize_citizen_id, normalize_uscc, uscc_problem
from jn_exchange.profile import FieldSpec, Profile, TableSpec, load_profile
from jn_exchange.reader.csvscan import FileScan
from jn_exchange.reader.table import TableReadError, TableRecords, open_table
from jn_exchange.text import half_width, strip_edges
from jn_exchange.tools._package import (
    OpenPackage,
    Resource,
    ToolError,
    carry_standard_schemas,
    copy_resource,
    open_package,
    out_path,
    prepare_out,
    read_error_text,
    refresh_integrity,
    remove_partial,
    write_json,
)
from jn_exchange.tools.lang import count_en, say

LOG_NAME = "fix-log.json"

_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_DATETIME = re.compile(r"^(\S+?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
# identifiers without a pattern of their own, whose form depends on another cell of the row
# (counterpart.id_number: a 公民身份号码 when id_type is 001, rule PN-05)
_ROW_IDENTIFIERS = frozenset({"id_number"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$")


@dataclass
class FixSummary:
    tables: int = 0
    cells: int = 0
    rules: Counter = dc_field(default_factory=Counter)
    left: Counter = dc_field(default_factory=Counter)       # what the validator will still report
    untouched_files: list[str] = dc_field(default_factory=list)

    excel_dates: bool = False    # --excel-dates was given

    def lines(self, out: Path) -> list[str]:
        """The summary in the run's language; rule and reason names are those of fix-log.json."""
        n = sum(self.rules.values())
        done = say("、", ", ").join(f"{k} {v}" for k, v in self.rules.most_common()) or say("无需修复", "nothing to repair")
        out_lines = [say(f"fix：{self.tables} 张表中改动了 {self.cells} 个单元格，共 {n} 项修复（{done}）",
                         f"fix: {count_en(self.cells, 'cell')} changed in {count_en(self.tables, 'table')}, "
                         f"{count_en(n, 'repair')} ({done})")]
        if self.rules.get("excel_date"):
            k = self.rules["excel_date"]
            out_lines.append(say(f"fix：按 --excel-dates 把日期字段中的 {k} 个数字当作 Excel 日期序号（1900 日期系统）"
                                 "转换为日期；请抽查 fix-log.json 中的 excel_date 条目",
                                 f"fix: --excel-dates read {count_en(k, 'number')} in date fields as Excel date "
                                 "serials (1900 date system); check the excel_date entries of fix-log.json"))
        if self.left:
            left = say("、", ", ").join(f"{k} {v}" for k, v in self.left.most_common())
            out_lines.append(say(f"fix：留给校验器报告的问题：{left}", f"fix: left for the validator: {left}"))
        if self.left.get("excel_date_serial") and not self.excel_dates:
            out_lines.append(say("fix：日期字段中有像 Excel 日期序号的数字，未转换（数字也可能是别的值）；确认是序号后"
                                 "可用 --excel-dates 转换",
                                 "fix: numbers that look like Excel date serials in date fields were not converted "
                                 "(a number may be something else); if they are serials, convert them with --excel-dates"))
        for f in self.untouched_files:
            out_lines.append(say(f"fix：原样复制：{f}", f"fix: copied unchanged: {f}"))
        out_lines.append(say(f"fix：每项改动都列在 {out / LOG_NAME} 中；下一步：jn-exchange validate {out}",
                             f"fix: every change is listed in {out / LOG_NAME}; next: jn-exchange validate {out}"))
        return out_lines


class _Log:
    """fix-log.json written as a stream: a JSON array, one object per change."""

    def __init__(self, fh: TextIO):
        self.fh = fh
        self.n = 0
        fh.write("[")

    def add(self, entry: dict[str, Any]) -> None:
        self.fh.write(("\n" if self.n == 0 else ",\n") + json.dumps(entry, ensure_ascii=False))
        self.n += 1

    def close(self) -> None:
        self.fh.write("\n]\n" if self.n else "]\n")


def _shown(value: str, spec: FieldSpec | None, before: str | None = None) -> str:
    """A value in the log by the validator's masking policy; a corrected value is masked as
    the value it corrects is, so the two together reveal no more than either."""
    from jn_exchange.masking import mask_value, masks

    return mask_value(value, masks(spec, value if before is None else before)) or ""


# --------------------------------------------------------------------------- cell repairs
@dataclass
class _FieldPlan:
    spec: FieldSpec
    structured: bool
    enum: tuple[str, ...] = ()
    newline: str = "\n"          # the file's line end, for line ends inside a cell
    excel_dates: bool = False    # --excel-dates: a five-digit number in a date field is a serial
    by_label: dict[str, str] = dc_field(default_factory=dict)
    by_digits: dict[str, str] = dc_field(default_factory=dict)


def _plan(spec: FieldSpec, profile: Profile, newline: str = "\n", excel_dates: bool = False) -> _FieldPlan:
    enum = tuple(str(x) for x in spec.constraints.get("enum") or ())
    structured = bool(enum or spec.codelist or spec.constraints.get("pattern") or spec.identifier_scheme
                      or spec.type in ("date", "datetime", "integer", "number", "boolean")
                      or spec.name in _ROW_IDENTIFIERS)
    plan = _FieldPlan(spec, structured, enum, newline, excel_dates)
    if enum:
        labels: dict[str, list[str]] = {}
        if spec.codelist and spec.codelist in profile.codelists:
            for code, info in profile.codes(spec.codelist).items():
                if code in enum:
                    for word in {w for w in (info.get("label"), info.get("token")) if w is not None and w != ""}:
                        labels.setdefault(word, []).append(code)
        plan.by_label = {w: codes[0] for w, codes in labels.items() if len(codes) == 1 and w not in enum}
        digits: dict[str, list[str]] = {}
        for code in enum:
            if code.isdigit():
                digits.setdefault(code.lstrip("0") or "0", []).append(code)
        plan.by_digits = {d: codes[0] for d, codes in digits.items() if len(codes) == 1}
    return plan


def identifier_form(v: str, spec: FieldSpec, row: dict[str, str]) -> tuple[str, str | None, str | None]:
    """(repair form, scheme, problem or None) of an identifier: a USCC upper case without spaces,
    a citizen id number without spaces and with X (also counterpart.id_number when its id_type is
    001 居民身份证, rule PN-05); any other value as it is, (v, None, None)."""
    scheme = spec.identifier_scheme
    if scheme is None and spec.name in _ROW_IDENTIFIERS and strip_edges(row.get("id_type", "")) == "001":
        scheme = "citizen_id"
    if scheme == "uscc":
        v = normalize_uscc(v)
        return v, scheme, uscc_problem(v)
    if scheme == "citizen_id":
        v = normalize_citizen_id(v)
        return v, scheme, citizen_id_problem(v)
    return v, None, None


def _excel_serial(v: str) -> dt.datetime | None:
    from jn_exchange.hints import excel_serial

    return excel_serial(v)


def _iso_date(v: str) -> str | None:
    from jn_exchange.hints import _parse_date_like

    d = _parse_date_like(v)
    return d.isoformat() if d else None


def repair_cell(v: str, plan: _FieldPlan, row: dict[str, str]) -> tuple[str, list[str], str | None]:
    """(new value, rules applied, what is left for the validator or None)."""
    rules: list[str] = []
    if "\r" in v or (plan.newline == "\r\n" and "\n" in v):
        lf = v.replace("\r\n", "\n").replace("\r", "\n")
        new = lf.replace("\n", plan.newline)
        if new != v:
            v = new
            rules.append("line_end_in_cell")
    s = strip_edges(v)
    if s != v:
        v = s
        rules.append("spaces")
    if not plan.structured or not v:
        return v, rules, None
    spec = plan.spec
    w = strip_edges(half_width(v))
    if w != v:
        v = w
        rules.append("full_width")
    n, scheme, problem = identifier_form(v, spec, row)
    if n != v:
        v = n
        rules.append("identifier_form")
    left = f"{scheme}_{problem}" if problem else None
    serial = _excel_serial(v) if spec.type in ("date", "datetime") else None
    if serial is not None and not plan.excel_dates:
        left = "excel_date_serial"
    elif serial is not None:
        v = serial.date().isoformat() if spec.type == "date" else serial.isoformat(timespec="seconds")
        rules.append("excel_date")
    elif spec.type == "date" and not _ISO_DATE.match(v):
        iso = _iso_date(v)
        if iso:
            v = iso
            rules.append("date_iso")
        else:
            left = "date"
    elif spec.type == "date":
        try:
            dt.date.fromisoformat(v)
        except ValueError:
            left = "date"
    elif spec.type == "datetime" and not _ISO_DATETIME.match(v):
        m = _DATETIME.match(v)
        iso = _iso_date(m.group(1)) if m else None
        if m and iso and int(m.group(2)) < 24 and int(m.group(3)) < 60 and int(m.group(4) or 0) < 60:
            v = f"{iso}T{int(m.group(2)):02d}:{m.group(3)}:{m.group(4) or '00'}"
            rules.append("date_iso")
        else:
            left = "datetime"
    elif spec.type == "boolean" and v not in ("true", "false"):
        from jn_exchange.hints import _FALSE, _TRUE

        if v in _TRUE or v.lower() in _TRUE:
            v = "true"
            rules.append("boolean")
        elif v in _FALSE or v.lower() in _FALSE:
            v = "false"
            rules.append("boolean")
        else:
            left = "boolean"
    elif spec.type in ("integer", "number") and _THOUSANDS.fullmatch(v):
        v = v.replace(",", "")
        rules.append("thousands_separator")
    if plan.enum and v not in plan.enum:
        if v in plan.by_label:
            v = plan.by_label[v]
            rules.append("label_to_code")
        elif v.isdigit() and (v.lstrip("0") or "0") in plan.by_digits:
            v = plan.by_digits[v.lstrip("0") or "0"]
            rules.append("leading_zeros")
        else:
            left = "code"
    return v, rules, left


# --------------------------------------------------------------------------- tables
def _fix_table(res: Resource, spec: TableSpec, profile: Profile, out_root: Path, work: Path,
               log: Callable[[dict[str, Any]], None], summary: FixSummary, excel_dates: bool = False) -> bool:
    """Rewrite one table; False when it cannot be repaired safely (the caller copies it unchanged)."""
    from jn_exchange.reader.csvscan import scan_file

    scan = scan_file(res.path, work / "transcoded")
    if scan.encoding not in ("utf-8", "gb18030"):
        summary.left["encoding"] += 1
        return False
    if scan.header is None or scan.delimiter_suspect:
        summary.left["file"] += 1
        return False
    base = {"table": res.name, "file": res.rel_path}
    newline = "\r\n" if _crlf_throughout(scan) else "\n"   # CRLF is accepted: kept, not rewritten
    rewrite = _TableRewrite(base, {f.name: _plan(f, profile, newline, excel_dates) for f in spec.fields})
    dest = out_path(out_root, res.rel_path)
    pending = work / f"log-{res.index}.jsonl"    # this table's entries, appended to the log on success
    try:
        with dest.open("w", encoding="utf-8", newline="") as dst, pending.open("w", encoding="utf-8") as plog:
            rewrite.plog = plog
            table = open_table(res.path, spec, scan.encoding, on_blank=rewrite.blank_line)
            if table is not None:
                rewrite.run(table, csv.writer(dst, lineterminator=newline))
        if table is None:                           # nothing but blank lines
            dest.unlink()
            summary.left["file"] += 1
            return False
    except TableReadError as exc:
        dest.unlink(missing_ok=True)
        summary.left["unreadable_csv"] += 1
        summary.untouched_files.append(read_error_text(exc, res.rel_path))
        return False
    file_changes = _file_changes(scan, base)
    if not (file_changes or rewrite.cells or rewrite.rules):
        copy_resource(res.path, out_root, res.rel_path)   # nothing to repair: the same bytes, the same hash
    for entry in file_changes:
        log(entry)
        summary.rules[entry["rule"]] += 1
    with pending.open(encoding="utf-8") as plog:
        for line in plog:
            log(json.loads(line))
    pending.unlink()
    summary.cells += rewrite.cells
    summary.rules.update(rewrite.rules)
    summary.left.update(rewrite.left)
    summary.tables += 1 if (file_changes or rewrite.cells or rewrite.rules) else 0
    return True


def _file_changes(scan: FileScan, base: dict[str, Any]) -> list[dict[str, Any]]:
    """Log entries of the repairs to the file as a whole: encoding, BOM, line ends."""
    changes: list[dict[str, Any]] = []
    if scan.encoding == "gb18030":
        changes.append({**base, "row": None, "field": None, "rule": "encoding", "before": "GB18030/GBK", "after": "UTF-8"})
    if scan.bom:
        changes.append({**base, "row": None, "field": None, "rule": "bom", "before": "BOM", "after": "(none)"})
    if (scan.crlf or scan.bare_cr) and not _crlf_throughout(scan):
        before = " + ".join(x for x in (f"CRLF×{scan.crlf}" if scan.crlf else "", f"CR×{scan.bare_cr}" if scan.bare_cr else "") if x)
        changes.append({**base, "row": None, "field": None, "rule": "line_endings", "before": before, "after": "LF"})
    return changes


def _crlf_throughout(scan: FileScan) -> bool:
    """Every line ends with CRLF: the validator accepts it (JN-FILE-005 judges only bare CRs
    and mixtures), so fix keeps it rather than change the file's hash for nothing."""
    return bool(scan.crlf) and not scan.bare_cr and scan.lf == scan.crlf


@dataclass
class _TableRewrite:
    """One table's records repaired into the writer; its log entries go to `plog` (JSON lines)
    in file order, and are kept only when the whole table could be read."""

    base: dict[str, Any]
    plans: dict[str, _FieldPlan]
    plog: TextIO | None = None
    cells: int = 0
    rules: Counter = dc_field(default_factory=Counter)
    left: Counter = dc_field(default_factory=Counter)

    def _entry(self, **entry: Any) -> None:
        assert self.plog is not None
        self.plog.write(json.dumps({**self.base, **entry}, ensure_ascii=False) + "\n")

    def blank_line(self, line: int) -> None:
        self._entry(row=None, line=line, field=None, rule="blank_line", before="(blank line)", after="(removed)")
        self.rules["blank_line"] += 1

    def run(self, table: TableRecords, writer: Any) -> None:
        header, renamed = table.reading.rewritten()
        writer.writerow(header)
        for _, before, after in renamed:
            self._entry(row=1, field=after, rule="header_title", before=before, after=after)
            self.rules["header_title"] += 1
        width = len(header)
        record = 1
        for line, cells in table.records:
            if len(cells) == 1 and cells[0] == "" and width > 1:
                self.blank_line(line)       # a line of nothing but "": as blank as an empty one
                continue
            record += 1
            if len(cells) != width:         # ragged row: never guess which cell is which
                self.left["ragged_row"] += 1
                writer.writerow(cells)
                continue
            writer.writerow(self._repaired(header, cells, record, line))

    def _repaired(self, header: list[str], cells: list[str], record: int, line: int) -> list[str]:
        row = dict(zip(header, cells))
        out = []
        for name, value in zip(header, cells):
            plan = self.plans.get(name)
            if plan is None:
                out.append(value)
                continue
            new, applied, why = repair_cell(value, plan, row)
            if why:
                self.left[why] += 1
            if applied and new != value:
                self.cells += 1
                self.rules.update(applied)
                self._entry(row=record, line=line, field=name, rule="+".join(applied),
                            before=_shown(value, plan.spec), after=_shown(new, plan.spec, value))
            out.append(new)
            row[name] = new
        return out


def fix_package(src: Path, out: Path, excel_dates: bool = False) -> FixSummary:
    """Repair `src` (folder, datapackage.json, zip or JSON document) into the new folder `out`;
    `excel_dates`: five-digit numbers in date fields are Excel date serials (--excel-dates)."""
    profile = load_profile()
    summary = FixSummary(excel_dates=excel_dates)
    prepare_out(out, src)
    try:
        with open_package(src, profile) as pkg, tempfile.TemporaryDirectory(prefix="jn-exchange-fix-") as tmp:
            _fix_into(pkg, profile, out, Path(tmp), summary)
    except BaseException:
        remove_partial(out)
        raise
    return summary


def _fix_into(pkg: OpenPackage, profile: Profile, out: Path, work: Path, summary: FixSummary) -> None:
    desc = json.loads(json.dumps(pkg.descriptor))
    with (out / LOG_NAME).open("w", encoding="utf-8") as fh:
        log = _Log(fh)
        for res in pkg.resources:
            if res.spec is None or not _fix_table(res, res.spec, profile, out, work, log.add, summary,
                                                  summary.excel_dates):
                copy_resource(res.path, out, res.rel_path)
                if res.spec is None:
                    summary.untouched_files.append(say(f"{res.rel_path}（不是本规范的表）",
                                                       f"{res.rel_path} (not a table of the standard)"))
                elif not any(res.rel_path in u for u in summary.untouched_files):
                    summary.untouched_files.append(say(f"{res.rel_path}（无法安全修复）",
                                                       f"{res.rel_path} (cannot be repaired safely)"))
                continue
            refresh_integrity(desc["resources"][res.index], out_path(out, res.rel_path))
        log.close()
    carry_standard_schemas(desc, out, [(r.index, r.name) for r in pkg.tables], pkg.pseudonymized)
    write_json(out / "datapackage.json", desc)


def run(src: Path, out: Path, echo: Callable[[str], None], excel_dates: bool = False) -> None:
    summary = fix_package(src, out, excel_dates)
    for line in summary.lines(out):
        echo(line)


__all__ = ["fix_package", "repair_cell", "FixSummary", "ToolError", "LOG_NAME"]
