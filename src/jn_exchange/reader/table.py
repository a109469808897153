"""The one way Python code reads the records of a package's CSV file (the validator's bulk read is
DuckDB's; this serves the tools and the rare look-ups of line numbers).

One policy for all of them:
- the encoding is UTF-8; GB18030 only when the caller asks (`fix`, after the byte scan found it);
- a byte-order mark at the start is left out;
- a blank line is no record: it is skipped, and `on_blank` is told its line number;
- each record comes with the line it starts on (header = line 1 of a file without blank lines
  before it); a quoted cell may span lines, so the next record may start several lines later;
  line numbers count line ends as Python's universal newlines do (LF, CRLF or a lone CR);
- bytes that do not decode, or a record the csv module cannot parse (a cell beyond its field
  size limit), raise TableReadError naming the file and the line: the tools turn it into their
  one-line error, never a traceback.
The file is streamed: memory stays bounded whatever its size."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jn_exchange.profile import TableSpec
from jn_exchange.reader.header import HeaderReading, header_cells, read_header

_CHUNK = 1 << 20
_BOMS = {"utf-8": b"\xef\xbb\xbf", "gb18030": b"\x84\x31\x95\x33"}


class TableReadError(Exception):
    """A CSV file that cannot be read as records: `problem` is "encoding" (bytes that are not
    in the encoding asked for) or "csv" (a record the csv module refuses; `reason` says why)."""

    def __init__(self, path: Path, line: int | None, problem: str, reason: str, encoding: str = "utf-8"):
        self.path, self.line, self.problem, self.reason, self.encoding = path, line, problem, reason, encoding
        super().__init__(self.describe())

    def describe(self, name: str | None = None) -> str:
        """One line: the file (as `name`, e.g. its path in the package), the line and the problem."""
        where = f"{name or self.path.name}{f' line {self.line}' if self.line else ''}"
        if self.problem == "encoding":
            return f"{where} is not {_ENCODING_NAMES.get(self.encoding, self.encoding)} text"
        return f"{where} cannot be read as CSV ({self.reason})"

    def for_user(self, name: str | None = None) -> str:
        """describe() and what to do about it: the tools' one-line error."""
        if self.problem == "encoding":
            return f"{self.describe(name)}; run `jn-exchange fix` first"
        return f"{self.describe(name)}; run `jn-exchange validate` on it to see why"


_ENCODING_NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030"}


def read_records(path: Path, encoding: str = "utf-8",
                 on_blank: Callable[[int], None] | None = None) -> Iterator[tuple[int, list[str]]]:
    """(start line, cells) of every record of the file, header first; blank lines left out
    (`on_blank(line)` is called for each, in file order, before the record after it)."""
    if encoding not in _BOMS:
        raise ValueError(f"unsupported encoding {encoding!r}")
    with path.open("rb") as raw:
        if raw.read(len(_BOMS[encoding])) != _BOMS[encoding]:
            raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        reader = csv.reader(text)
        start = 1
        try:
            for cells in reader:
                if cells:
                    yield start, cells
                elif on_blank is not None:
                    on_blank(start)
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise TableReadError(path, _undecodable_line(path, encoding), "encoding", str(exc.reason),
                                 encoding) from exc
        except csv.Error as exc:
            raise TableReadError(path, start, "csv", str(exc), encoding) from exc


def _undecodable_line(path: Path, encoding: str) -> int | None:
    """The line (counted as the byte scan counts it: line feeds before it, plus one) holding the
    first byte that does not decode. Only read after a decode error: a rare, second pass."""
    dec = codecs.getincrementaldecoder(encoding)("strict")
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as exc:
                # the decoder may hold a few bytes of a character begun in the chunk before
                bad = max(0, exc.start - (len(exc.object) - len(chunk)))
                return lines + chunk.count(b"\n", 0, bad) + 1
            lines += chunk.count(b"\n")
    try:
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return lines + 1
    return None


@dataclass
class TableRecords:
    """A table's file opened for reading: its header, read against the table, and the records after it."""

    header: list[str]                            # as in the file
    reading: HeaderReading                       # which field each column holds (reader.header)
    records: Iterator[tuple[int, list[str]]]     # (start line, cells) of each data record

    @property
    def names(self) -> list[str]:
        """The column names the tools read the records by (the header as `fix` writes it)."""
        return self.reading.rewritten()[0]


def open_table(path: Path, spec: TableSpec, encoding: str = "utf-8",
               on_blank: Callable[[int], None] | None = None) -> TableRecords | None:
    """The file's header and records (see read_records); None when it holds no record at all."""
    records = read_records(path, encoding, on_blank)
    first = next(records, None)
    if first is None:
        return None
    return TableRecords(first[1], read_header(header_cells(first[1]), spec), records)
