"""`jn-exchange fix IN OUT`: safe, explained repairs of a package into a NEW folder.

What it repairs (each change is one entry of `OUT/fix-log.json`):

| rule | what | where |
|---|---|---|
| `encoding` | GB18030/GBK file re-encoded as UTF-8 | file |
| `bom` | UTF-8 byte-order mark removed | file |
| `line_endings` | CRLF / CR line ends written as LF | file |
| `blank_line` | blank line between records removed | file (line number) |
| `header_title` | Chinese column title (or a name with spaces / capitals) replaced by the field name | header |
| `line_end_in_cell` | CRLF / CR inside a quoted cell written as LF | cell |
| `spaces` | spaces, NBSP, ideographic spaces, zero-width characters around a value removed | every cell |
| `full_width` | full-width digits, letters and ASCII punctuation (U+FF01–U+FF5E, U+3000) to half-width | code, identifier, date, number and boolean fields only (never free text) |
| `identifier_form` | USCC upper-cased, inner spaces removed; citizen id number: spaces removed, x → X | USCC and citizen-id fields (and `counterpart.id_number` when its id_type is 001 居民身份证) |
| `date_iso` | `2025/3/1`, `2025.3.1`, `2025年3月1日`, `2025-3-1`, `20250301` → `2025-03-01`; `2025/3/1 9:05` → `2025-03-01T09:05:00` | date and datetime fields |
| `boolean` | 是/否, TRUE/FALSE, 1/0, y/n → true / false | boolean fields |
| `thousands_separator` | `12,500.00` → `12500.00` | number and integer fields |
| `label_to_code` | a code list's Chinese label (or English token) written instead of its code → the code, when exactly one code has it | code-list fields |
| `leading_zeros` | `3` for `03` (Excel drops leading zeros) → the one code that differs only by leading zeros | code-list fields |

What it leaves for the validator (counted in the summary, never guessed): dates in any other
form (3/1/2025 could be 1 March or 3 January), impossible dates (2025/2/30), Excel date serials,
wrong check characters, unknown codes, ragged rows, files in an unknown encoding or with another
delimiter, amounts with units. Detection reuses the reader (`reader.csvscan.scan_file`:
encoding, BOM, line ends, header) and the validator's hints (`hints`: date forms, boolean words).

Personal values in the log are masked as in the validator's reports (`masking.mask_value`).
The input is never changed; OUT must not exist. Tables stream row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any, Callable, TextIO

from jn_exchange.profile import FieldSpec, Profile, TableSpec, load_profile
from jn_exchange.tools._package import (OpenPackage, Resource, ToolError, copy_resource, open_package,
                                        out_path, prepare_out, refresh_integrity, remove_partial, write_json)

LOG_NAME = "fix-log.json"

# full-width ASCII (U+FF01..U+FF5E) and the ideographic space; nothing else (NFKC would also
# rewrite CJK compatibility characters, which is not a safe repair)
_WIDTH = {0xFF01 + i: chr(0x21 + i) for i in range(0x5E)} | {0x3000: " "}
_WIDTH_TABLE = str.maketrans(_WIDTH)
_EDGE = " \t\n\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\ufeff"
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

    def lines(self, out: Path) -> list[str]:
        done = ", ".join(f"{k} {v}" for k, v in self.rules.most_common()) or "nothing to repair"
        out_lines = [f"fix: {self.cells} cells changed in {self.tables} tables ({done})"]
        if self.left:
            out_lines.append("fix: left for the validator: " + ", ".join(f"{k} {v}" for k, v in self.left.most_common()))
        for f in self.untouched_files:
            out_lines.append(f"fix: copied unchanged: {f}")
        out_lines.append(f"fix: every change is listed in {out / LOG_NAME}; next: jn-exchange validate {out}")
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


def _shown(value: str, spec: FieldSpec | None) -> str:
    from jn_exchange.masking import mask_value

    personal = bool(spec and (spec.personal or spec.identifier_scheme == "citizen_id"))
    return mask_value(value, personal) or ""


# --------------------------------------------------------------------------- cell repairs
@dataclass
class _FieldPlan:
    spec: FieldSpec
    structured: bool
    enum: tuple[str, ...] = ()
    by_label: dict[str, str] = dc_field(default_factory=dict)
    by_digits: dict[str, str] = dc_field(default_factory=dict)


def _plan(spec: FieldSpec, profile: Profile) -> _FieldPlan:
    enum = tuple(str(x) for x in spec.constraints.get("enum") or ())
    structured = bool(enum or spec.codelist or spec.constraints.get("pattern") or spec.identifier_scheme
                      or spec.type in ("date", "datetime", "integer", "number", "boolean")
                      or spec.name in _ROW_IDENTIFIERS)
    plan = _FieldPlan(spec, structured, enum)
    if enum:
        labels: dict[str, list[str]] = {}
        if spec.codelist and spec.codelist in profile.codelists:
            for code, info in profile.codes(spec.codelist).items():
                if code in enum:
                    for word in {info.get("label"), info.get("token")} - {None, ""}:
                        labels.setdefault(word, []).append(code)
        plan.by_label = {w: codes[0] for w, codes in labels.items() if len(codes) == 1 and w not in enum}
        digits: dict[str, list[str]] = {}
        for code in enum:
            if code.isdigit():
                digits.setdefault(code.lstrip("0") or "0", []).append(code)
        plan.by_digits = {d: codes[0] for d, codes in digits.items() if len(codes) == 1}
    return plan


def _iso_date(v: str) -> str | None:
    from jn_exchange.hints import _parse_date_like

    d = _parse_date_like(v)
    return d.isoformat() if d else None


def repair_cell(v: str, plan: _FieldPlan, row: dict[str, str]) -> tuple[str, list[str], str | None]:
    """(new value, rules applied, what is left for the validator or None)."""
    rules: list[str] = []
    if "\r" in v:
        v = v.replace("\r\n", "\n").replace("\r", "\n")
        rules.append("line_end_in_cell")
    s = v.strip(_EDGE)
    if s != v:
        v = s
        rules.append("spaces")
    if not plan.structured or not v:
        return v, rules, None
    spec = plan.spec
    w = v.translate(_WIDTH_TABLE).strip(_EDGE)
    if w != v:
        v = w
        rules.append("full_width")
    scheme = spec.identifier_scheme
    if scheme is None and spec.name == "id_number" and row.get("id_type", "").strip() == "001":
        scheme = "citizen_id"          # 居民身份证 in counterpart.id_number (rule PN-05)
    left = None
    if scheme == "uscc":
        from jn_exchange.identifiers import uscc_problem

        n = re.sub(r"\s+", "", v).upper()
        if n != v:
            v = n
            rules.append("identifier_form")
        if uscc_problem(v):
            left = f"uscc_{uscc_problem(v)}"
    elif scheme == "citizen_id":
        from jn_exchange.identifiers import citizen_id_problem, normalize_citizen_id

        n = normalize_citizen_id(v)
        if n != v:
            v = n
            rules.append("identifier_form")
        if citizen_id_problem(v):
            left = f"citizen_id_{citizen_id_problem(v)}"
    if spec.type == "date" and not _ISO_DATE.match(v):
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


# --------------------------------------------------------------------------- header
def map_header(header: list[str], spec: TableSpec) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Field names for the file's columns; (position, before, after) for each renamed column.
    A title maps only when it is unambiguous and the field is not already in the header."""
    names = set(spec.field_names)
    by_title = {f.title: f.name for f in spec.fields}
    taken = {h for h in header if h in names}
    out, changes = [], []
    for i, h in enumerate(header):
        new = h
        if h not in names:
            s = h.strip(_EDGE)
            cand = s if s in names else by_title.get(s) or (s.lower() if s.lower() in names else None) \
                or by_title.get(s.translate(_WIDTH_TABLE))
            if cand and cand not in taken:
                new = cand
                taken.add(cand)
                changes.append((i, h, cand))
        out.append(new)
    return out, changes


# --------------------------------------------------------------------------- tables
def _fix_table(res: Resource, spec: TableSpec, profile: Profile, out_root: Path, work: Path,
               log: Callable[[dict[str, Any]], None], summary: FixSummary) -> bool:
    """Rewrite one table; False when it cannot be repaired safely (the caller copies it unchanged)."""
    from jn_exchange.reader.csvscan import scan_file

    scan = scan_file(res.path, work / "transcoded")
    base = {"table": res.name, "file": res.rel_path}
    if scan.encoding not in ("utf-8", "gb18030"):
        summary.left["encoding"] += 1
        return False
    if scan.header is None or scan.delimiter_suspect:
        summary.left["file"] += 1
        return False
    file_changes: list[dict[str, Any]] = []
    if scan.encoding == "gb18030":
        file_changes.append({**base, "row": None, "field": None, "rule": "encoding", "before": "GB18030/GBK", "after": "UTF-8"})
    if scan.bom:
        file_changes.append({**base, "row": None, "field": None, "rule": "bom", "before": "BOM", "after": "(none)"})
    if scan.crlf or scan.bare_cr:
        before = " + ".join(x for x in (f"CRLF×{scan.crlf}" if scan.crlf else "", f"CR×{scan.bare_cr}" if scan.bare_cr else "") if x)
        file_changes.append({**base, "row": None, "field": None, "rule": "line_endings", "before": before, "after": "LF"})
    plans: dict[str, _FieldPlan] = {f.name: _plan(f, profile) for f in spec.fields}
    dest = out_path(out_root, res.rel_path)
    pending = work / f"log-{res.index}.jsonl"    # this table's entries, appended to the log on success
    cells = 0
    rules: Counter = Counter()
    left: Counter = Counter()
    try:
        with scan.load_path.open(encoding="utf-8-sig", newline="") as src, \
                dest.open("w", encoding="utf-8", newline="") as dst, pending.open("w", encoding="utf-8") as plog:
            reader = csv.reader(src)
            writer = csv.writer(dst, lineterminator="\n")
            raw_header = next(reader)
            header, renamed = map_header([h.lstrip("\ufeff") for h in raw_header], spec)
            writer.writerow(header)
            for i, before, after in renamed:
                plog.write(json.dumps({**base, "row": 1, "field": after, "rule": "header_title",
                                       "before": before, "after": after}, ensure_ascii=False) + "\n")
                rules["header_title"] += 1
            width = len(header)
            record = 1
            last_line = reader.line_num
            for cells_in in reader:
                start_line = last_line + 1
                last_line = reader.line_num
                if not cells_in or (len(cells_in) == 1 and cells_in[0] == "" and width > 1):
                    plog.write(json.dumps({**base, "row": None, "line": start_line, "field": None,
                                           "rule": "blank_line", "before": "(blank line)", "after": "(removed)"},
                                          ensure_ascii=False) + "\n")
                    rules["blank_line"] += 1
                    continue
                record += 1
                if len(cells_in) != width:          # ragged row: never guess which cell is which
                    left["ragged_row"] += 1
                    writer.writerow(cells_in)
                    continue
                row = dict(zip(header, cells_in))
                out_cells = []
                for name, value in zip(header, cells_in):
                    plan = plans.get(name)
                    if plan is None:
                        out_cells.append(value)
                        continue
                    new, applied, why = repair_cell(value, plan, row)
                    if why:
                        left[why] += 1
                    if applied and new != value:
                        cells += 1
                        rules.update(applied)
                        plog.write(json.dumps({**base, "row": record, "line": start_line, "field": name,
                                               "rule": "+".join(applied), "before": _shown(value, plan.spec),
                                               "after": _shown(new, plan.spec)}, ensure_ascii=False) + "\n")
                    out_cells.append(new)
                    row[name] = new
                writer.writerow(out_cells)
    except (csv.Error, UnicodeDecodeError, StopIteration) as exc:
        dest.unlink(missing_ok=True)
        summary.left["unreadable_csv"] += 1
        summary.untouched_files.append(f"{res.rel_path} ({type(exc).__name__}: {exc})")
        return False
    for entry in file_changes:
        log(entry)
        summary.rules[entry["rule"]] += 1
    with pending.open(encoding="utf-8") as plog:
        for line in plog:
            log(json.loads(line))
    pending.unlink()
    summary.cells += cells
    summary.rules.update(rules)
    summary.left.update(left)
    summary.tables += 1 if (file_changes or cells or rules) else 0
    return True


def fix_package(src: Path, out: Path) -> FixSummary:
    """Repair `src` (folder, datapackage.json, zip or JSON document) into the new folder `out`."""
    profile = load_profile()
    summary = FixSummary()
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
            if res.spec is None or not _fix_table(res, res.spec, profile, out, work, log.add, summary):
                copy_resource(res.path, out, res.rel_path)
                if res.spec is None:
                    summary.untouched_files.append(f"{res.rel_path} (not a table of the standard)")
                elif not any(res.rel_path in u for u in summary.untouched_files):
                    summary.untouched_files.append(f"{res.rel_path} (cannot be repaired safely)")
                continue
            refresh_integrity(desc["resources"][res.index], out_path(out, res.rel_path))
        log.close()
    write_json(out / "datapackage.json", desc)


def run(src: Path, out: Path, echo: Callable[[str], None]) -> None:
    summary = fix_package(src, out)
    for line in summary.lines(out):
        echo(line)


__all__ = ["fix_package", "repair_cell", "map_header", "FixSummary", "ToolError", "LOG_NAME"]
