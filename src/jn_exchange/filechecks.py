"""File- and header-level rules, judged from a FileScan (the reader's byte pass) and the
table's spec. Returns how to read the columns, or None when the file cannot be read."""

from __future__ import annotations

from jn_exchange.findings import Collector
from jn_exchange.profile import TableSpec
from jn_exchange.reader.csvscan import FileScan
from jn_exchange.rules import make_finding

# Beyond these the engine (DuckDB) needs minutes for one file: its time grows with the square of
# the column count, and it stores a copy of the line for every field a row has too many. The
# widest table has 31 fields; a file past either bound is reported and not read.
MAX_COLUMNS = 1000
MAX_SURPLUS_FIELDS = 100_000


def check_file(ref_name: str, rel_path: str, scan: FileScan, collector: Collector) -> bool:
    """Findings about the bytes of the file. False when there is nothing to read."""
    if scan.size == 0 or scan.header is None:
        collector.add(make_finding("JN-FILE-010", resource=ref_name, path=rel_path))
        return False
    if scan.encoding == "gb18030":
        collector.add(make_finding("JN-FILE-001", resource=ref_name, path=rel_path, row=scan.first_bad_line))
    elif scan.encoding != "utf-8":
        collector.add(make_finding("JN-FILE-002", resource=ref_name, path=rel_path, row=scan.first_bad_line,
                                   offset=scan.first_bad_offset))
    if scan.bom:
        collector.add(make_finding("JN-FILE-003", resource=ref_name, path=rel_path))
    plain_lf = scan.lf - scan.crlf
    if scan.bare_cr or (scan.crlf and plain_lf):
        collector.add(make_finding("JN-FILE-005", resource=ref_name, path=rel_path, crlf=scan.crlf, lf=plain_lf,
                                   cr=scan.bare_cr))
    if scan.blank_count:
        first = make_finding("JN-FILE-006", resource=ref_name, path=rel_path, row=scan.blank_lines[0])
        more = [make_finding("JN-FILE-006", resource=ref_name, path=rel_path, row=r) for r in scan.blank_lines[1:]]
        collector.add_counted(first, scan.blank_count, more)
    if scan.delimiter_suspect:
        collector.add(make_finding("JN-FILE-004", resource=ref_name, path=rel_path, delimiter=scan.delimiter_suspect))
        return False
    if not scan.header:   # [] : the first line is blank
        collector.add(make_finding("JN-FILE-011", resource=ref_name, row=1, detail=(
            "the first line is blank, the header must be the first line; file not read / "
            "第一行是空行，表头必须在第一行，文件未读取")))
        return False
    if len(scan.header) > MAX_COLUMNS:
        collector.add(make_finding("JN-FILE-011", resource=ref_name, row=1, detail=(
            f"the header has {len(scan.header)} columns, more than {MAX_COLUMNS}; file not read / "
            f"表头有 {len(scan.header)} 列，超过 {MAX_COLUMNS} 列，文件未读取")))
        return False
    if scan.surplus_fields > MAX_SURPLUS_FIELDS:
        collector.add(make_finding("JN-FILE-011", resource=ref_name, row=scan.surplus_first_row, detail=(
            f"rows have {scan.surplus_fields} fields more than the header in all, more than {MAX_SURPLUS_FIELDS}; "
            f"file not read / 各行多于表头的字段共 {scan.surplus_fields} 个，超过 {MAX_SURPLUS_FIELDS} 个，文件未读取")))
        return False
    return True


def check_header(spec: TableSpec, header: list[str], collector: Collector) -> dict[str, str]:
    """Header rules. Returns a rename map (file column -> field name) for headers written with
    the Chinese titles, so that content checks can still run."""
    names = spec.field_names
    by_title = {f.title: f.name for f in spec.fields}
    rename: dict[str, str] = {}
    titled = [h for h in header if h not in names and h.strip() in by_title]
    if titled:
        rename = {h: by_title[h.strip()] for h in titled}
        mapping = "，".join(f"{h}→{rename[h]}" for h in titled[:12]) + ("…" if len(titled) > 12 else "")
        collector.add(make_finding("JN-HDR-006", resource=spec.name, row=1, mapping=mapping))
    # a name that differs only by spaces or case is reported (JN-HDR-003) but still read
    for h in header:
        if h not in names and h not in rename and h.strip().lower() in names:
            rename[h] = h.strip().lower()
    effective = [rename.get(h, h) for h in header]
    counts: dict[str, int] = {}
    for h in effective:
        counts[h] = counts.get(h, 0) + 1
    for h, n in counts.items():
        if n > 1:
            collector.add(make_finding("JN-HDR-004", resource=spec.name, row=1, field=h, count=n))
    for h in header:
        if h not in names and h.strip() not in by_title:
            hint = _column_hint(h, names)
            collector.add(make_finding("JN-HDR-003", resource=spec.name, row=1, field=h or "(空)", hint=hint))
    for f in spec.fields:
        if f.name not in counts:
            code = "JN-HDR-001" if f.required else "JN-HDR-002"
            collector.add(make_finding(code, resource=spec.name, row=1, field=f.name, title=f.title))
    present = [h for h in dict.fromkeys(effective) if h in names]
    expected = [n for n in names if n in present]
    if present != expected:
        pos = next(i for i, (a, b) in enumerate(zip(present, expected)) if a != b)
        collector.add(make_finding("JN-HDR-005", resource=spec.name, row=1, position=pos + 1, found=present[pos],
                                   expected=expected[pos]))
    return rename


def _column_hint(col: str, names: list[str]) -> dict[str, str]:
    import difflib
    stripped = col.strip()
    if stripped != col and stripped in names:
        return {"zh": f"；列名首尾有空格，应为 {stripped}", "en": f"; the name has spaces around it: {stripped}"}
    lower = stripped.lower()
    if lower in names:
        return {"zh": f"；字段名区分大小写，应为 {lower}", "en": f"; field names are lower case: {lower}"}
    close = difflib.get_close_matches(lower, names, n=1, cutoff=0.7)
    if close:
        return {"zh": f"；是否指 {close[0]}？", "en": f"; did you mean {close[0]}?"}
    return {"zh": "", "en": ""}
