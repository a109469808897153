"""File- and header-level rules, judged from a FileScan (the reader's byte pass) and the
table's spec. Returns how to read the columns, or None when the file cannot be read."""

from __future__ import annotations

from jn_exchange.findings import Collector
from jn_exchange.masking import show_column
from jn_exchange.profile import TableSpec
from jn_exchange.reader.csvscan import FileScan
from jn_exchange.reader.header import Column, read_header
from jn_exchange.rules import make_finding, zh_en

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
        collector.add(make_finding("JN-FILE-005", resource=ref_name, path=rel_path, kind=_line_end_kind(scan),
                                   crlf=scan.crlf, lf=plain_lf, cr=scan.bare_cr))
    if scan.blank_count:
        first = make_finding("JN-FILE-006", resource=ref_name, path=rel_path, row=scan.blank_lines[0])
        more = [make_finding("JN-FILE-006", resource=ref_name, path=rel_path, row=r) for r in scan.blank_lines[1:]]
        collector.add_counted(first, scan.blank_count, more)
    if scan.delimiter_suspect:
        collector.add(make_finding("JN-FILE-004", resource=ref_name, path=rel_path,
                                   delimiter=_delimiter_words(scan.delimiter_suspect)))
        return False
    if not scan.header:   # [] : the first line is blank
        collector.add(make_finding("JN-FILE-011", resource=ref_name, row=1, detail=zh_en(
            "第一行是空行，表头必须在第一行，文件未读取",
            "the first line is blank, the header must be the first line; file not read")))
        return False
    if len(scan.header) > MAX_COLUMNS:
        collector.add(make_finding("JN-FILE-011", resource=ref_name, row=1, detail=zh_en(
            f"表头有 {len(scan.header)} 列，超过 {MAX_COLUMNS} 列，文件未读取",
            f"the header has {len(scan.header)} columns, more than {MAX_COLUMNS}; file not read")))
        return False
    if scan.surplus_fields > MAX_SURPLUS_FIELDS:
        collector.add(make_finding("JN-FILE-011", resource=ref_name, row=scan.surplus_first_row, detail=zh_en(
            f"各行多于表头的字段共 {scan.surplus_fields} 个，超过 {MAX_SURPLUS_FIELDS} 个，文件未读取",
            f"rows have {scan.surplus_fields} fields more than the header in all, more than {MAX_SURPLUS_FIELDS}; "
            "file not read")))
        return False
    return True


# the reader names a suspected delimiter in Chinese ("分号 ;"); the English message says it in English
_DELIMITERS_EN = {"分号": "semicolon", "制表符": "tab", "竖线": "vertical bar", "中文逗号": "Chinese comma"}


def _delimiter_words(suspect: str) -> dict[str, str] | str:
    word, _, sign = suspect.partition(" ")
    return zh_en(suspect, f"{_DELIMITERS_EN[word]} {sign}") if word in _DELIMITERS_EN else suspect


def _line_end_kind(scan: FileScan) -> dict[str, str]:
    """What the file's line ends are, in words: CR only (the old Mac format) is not a mixture."""
    if scan.bare_cr and not scan.lf:
        return zh_en("只用单独的 CR 换行（旧式 Mac 格式）", "ends its lines with a bare CR only (the old Mac format)")
    return zh_en("混用了换行符", "mixes line endings")


def _shown(column: Column, spec: TableSpec) -> str:
    """A header cell as findings show it (the masking policy for text of unknown origin)."""
    return show_column(column.text, column.position, spec, known=column.field is not None)


def check_header(spec: TableSpec, header: list[str], collector: Collector) -> dict[str, str]:
    """Header rules, from the one reading of a header (reader.header). Returns the rename map
    (file column -> field name) for columns written with the Chinese title or spelled like a
    field name, so that content checks can still run."""
    reading = read_header(header, spec)
    titled = reading.titled
    if titled:
        pairs = [f"{c.text}→{c.field}" for c in titled[:12]]
        more = "…" if len(titled) > 12 else ""
        collector.add(make_finding("JN-HDR-006", resource=spec.name, row=1,
                                   mapping=zh_en("，".join(pairs) + more, ", ".join(pairs) + more)))
    for name, n in reading.duplicates.items():
        shown = name if spec.field(name) else _shown(next(c for c in reading.columns if c.effective == name), spec)
        collector.add(make_finding("JN-HDR-004", resource=spec.name, row=1, field=shown or "(空)", count=n))
    for column, hint in reading.unknown:
        collector.add(make_finding("JN-HDR-003", resource=spec.name, row=1, field=_shown(column, spec) or "(空)",
                                   hint=hint))
    for f in reading.missing:
        code = "JN-HDR-001" if f.required else "JN-HDR-002"
        collector.add(make_finding(code, resource=spec.name, row=1, field=f.name, title=f.title))
    misplaced = reading.misplaced
    if misplaced:
        position, found, expected = misplaced
        collector.add(make_finding("JN-HDR-005", resource=spec.name, row=1, position=position, found=found,
                                   expected=expected))
    return reading.rename
