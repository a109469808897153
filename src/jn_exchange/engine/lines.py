"""Where a loaded row sits in its file. DuckDB numbers a table's rows; a finding names the
file's line (header = 1). The two differ by the header, by blank and rejected lines, and by
line breaks inside quoted cells; the last case (rare) is answered by reading the file. A loaded
table also says how its records are named in findings (their primary key, as shown)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field

from jn_exchange.engine.derived import Derived
from jn_exchange.engine.sql import q
from jn_exchange.masking import show_key
from jn_exchange.profile import TableSpec
from jn_exchange.reader.csvscan import FileScan
from jn_exchange.reader.table import TableReadError, read_records


@dataclass
class LoadedTable:
    spec: TableSpec
    raw: str                                  # DuckDB table name
    columns: dict[str, str]                   # standard field name -> column name in DuckDB
    rows: int
    scan: FileScan
    file_columns: dict[str, str] = field(default_factory=dict)  # DuckDB column -> header as in the file
    skipped_lines: list[int] = field(default_factory=list)   # blank + rejected lines, sorted
    exact_lines: bool = True                  # False when quoted line breaks shift rows
    derived: Derived = field(default_factory=Derived)   # the typed columns the load stored
    _line_cache: dict[int, int] | None = None

    def key_sql(self, alias: str = "") -> str:
        """SQL of the record's primary key values as a list (NULL when the file lacks a key
        column), for `shown_key` to show each by its own field's policy."""
        parts = [alias + q(self.columns[k]) for k in self.spec.primary_key if k in self.columns]
        return "[" + ", ".join(parts) + "]" if parts else "NULL"

    def shown_key(self, values: list[str | None] | None) -> str | None:
        """The record key as every report shows it (`masking.show_key`)."""
        if not values:
            return None
        names = [k for k in self.spec.primary_key if k in self.columns]
        return show_key([(self.spec.field(n), v) for n, v in zip(names, values)])

    def line_of(self, rowid: int) -> int:
        """File row (header = 1) of the record with this DuckDB rowid."""
        if not self.exact_lines:
            if self._line_cache is None:
                self._line_cache = {}
            if rowid not in self._line_cache:
                # examples come in rising rowid: read ahead (doubling) so the file is not read
                # once per example
                ahead = max(rowid, 2 * max(self._line_cache, default=0))
                self._line_cache.update(record_lines(self.scan, wanted=ahead, skipped=set(self.skipped_lines)))
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


def csv_records(scan: FileScan) -> Iterator[tuple[int, list[str]]]:
    """(start line, record) of every record, header first, blank lines left out, through the
    one table reader; for the rare files whose cells hold line breaks. Ends quietly where the
    file cannot be parsed further (the load has reported it)."""
    try:
        yield from read_records(scan.load_path)
    except TableReadError:
        return


def record_starts(scan: FileScan, upto: int) -> dict[int, int]:
    """Start line of the n-th record (header = 1) up to `upto`."""
    out: dict[int, int] = {}
    for n, (start, _) in enumerate(csv_records(scan), start=1):
        out[n] = start
        if n >= upto:
            break
    return out


def record_lines(scan: FileScan, wanted: int, skipped: set[int] | frozenset[int] = frozenset()) -> dict[int, int]:
    """Start line of the records in the table up to rowid `wanted`, leaving out the header and
    the records starting on a `skipped` line (ragged or rejected: not in the table)."""
    out: dict[int, int] = {}
    k = 0
    records = csv_records(scan)
    next(records, None)
    for start, _ in records:
        if start in skipped:
            continue
        out[k] = start
        k += 1
        if k > wanted:
            break
    return out
