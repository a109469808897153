"""The one reading of a file's header against its table: which standard field each column holds,
and what is wrong with the header, as data. The validator turns it into findings
(`filechecks.check_header`); `fix` rewrites the header from it; the other tools read their
columns by it. So validate and fix cannot read one header differently.

A column is read as a field when its text is
- the field's name (`name`);
- the field's Chinese title, with or without spaces around it, full-width or half-width
  (`title`): reported (JN-HDR-006) and read;
- the field's name with spaces around it or in other case (`spelling`): reported as unknown
  (JN-HDR-003, with a hint) and still read.
Spaces are those of `jn_exchange.text.EDGE_SPACES`; widths as `jn_exchange.text.half_width`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from dataclasses import field as dc_field

from jn_exchange.profile import FieldSpec, TableSpec
from jn_exchange.text import half_width, strip_edges

Hint = dict[str, str]


@dataclass(frozen=True)
class Column:
    position: int            # 0-based
    text: str                # as in the file
    field: str | None        # the standard field it is read as; None: unknown
    how: str                 # name | title | spelling | unknown

    @property
    def effective(self) -> str:
        """What the column is called once read: its field, or its own text."""
        return self.field or self.text


@dataclass
class HeaderReading:
    spec: TableSpec
    columns: list[Column]
    counts: dict[str, int] = dc_field(default_factory=dict)   # effective name -> columns, header order

    @property
    def titled(self) -> list[Column]:
        """Columns written with the Chinese title."""
        return [c for c in self.columns if c.how == "title"]

    @property
    def rename(self) -> dict[str, str]:
        """File column -> field name, for every column read as a field it is not spelled as."""
        return {c.text: c.field for c in self.columns if c.field is not None and c.how != "name"}

    @property
    def duplicates(self) -> dict[str, int]:
        return {name: n for name, n in self.counts.items() if n > 1}

    @property
    def unknown(self) -> list[tuple[Column, Hint]]:
        """Columns that are not a field's name or title, with a hint (spelled-like ones are still read)."""
        names = self.spec.field_names
        return [(c, column_hint(c.text, names)) for c in self.columns if c.how in ("unknown", "spelling")]

    @property
    def missing(self) -> list[FieldSpec]:
        return [f for f in self.spec.fields if f.name not in self.counts]

    @property
    def misplaced(self) -> tuple[int, str, str] | None:
        """(1-based position, field found, field expected) of the first field out of order."""
        present = [n for n in self.counts if n in self.spec.field_names]
        expected = [n for n in self.spec.field_names if n in self.counts]
        for pos, (a, b) in enumerate(zip(present, expected)):
            if a != b:
                return pos + 1, a, b
        return None

    def rewritten(self) -> tuple[list[str], list[tuple[int, str, str]]]:
        """The header as `fix` writes it, and (position, before, after) of each renamed column. A
        column is renamed only to a field no other column is written as (the exact name anywhere,
        or an earlier renamed column): a repair never makes a duplicate column."""
        taken = {c.text for c in self.columns if c.how == "name"}
        out, changes = [], []
        for c in self.columns:
            new = c.text
            if c.how in ("title", "spelling") and c.field is not None and c.field not in taken:
                new = c.field
                taken.add(new)
                changes.append((c.position, c.text, new))
            out.append(new)
        return out, changes


def header_cells(record: list[str]) -> list[str]:
    """The header record with stray byte-order marks around its cells removed."""
    return [h.strip("\ufeff") for h in record]


def read_header(header: list[str], spec: TableSpec) -> HeaderReading:
    names = set(spec.field_names)
    by_title = {f.title: f.name for f in spec.fields}
    by_title.update({half_width(t): n for t, n in by_title.items() if half_width(t) not in by_title})
    columns = []
    for i, h in enumerate(header):
        columns.append(Column(i, h, *_field_of(h, names, by_title)))
    reading = HeaderReading(spec, columns)
    for c in columns:
        reading.counts[c.effective] = reading.counts.get(c.effective, 0) + 1
    return reading


def _field_of(text: str, names: set[str], by_title: dict[str, str]) -> tuple[str | None, str]:
    if text in names:
        return text, "name"
    s = strip_edges(text)
    title = by_title.get(s) or by_title.get(half_width(s))
    if title:
        return title, "title"
    if s.lower() in names:
        return s.lower(), "spelling"
    return None, "unknown"


def column_hint(col: str, names: list[str]) -> Hint:
    """What an unknown column most likely means (empty when nothing is close)."""
    stripped = strip_edges(col)
    if stripped != col and stripped in names:
        return {"zh": f"；列名首尾有空格，应为 {stripped}", "en": f"; the name has spaces around it: {stripped}"}
    lower = stripped.lower()
    if lower in names:
        return {"zh": f"；字段名区分大小写，应为 {lower}", "en": f"; field names are lower case: {lower}"}
    close = difflib.get_close_matches(lower, names, n=1, cutoff=0.7)
    if close:
        return {"zh": f"；是否指 {close[0]}？", "en": f"; did you mean {close[0]}?"}
    return {"zh": "", "en": ""}
