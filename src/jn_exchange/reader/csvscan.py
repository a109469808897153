"""One streaming pass over a CSV file's bytes: hash, BOM, encoding, line ends, blank lines and
the header. Reads in fixed-size chunks, so memory stays bounded whatever the file size; the
work per chunk is done by C routines (bytes.count, the codec, re), not a Python loop per line."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path

from jn_exchange.reader.header import header_cells

_CHUNK = 8 << 20
_DECODE_PIECE = 1 << 18
_BOM = b"\xef\xbb\xbf"
_BLANK = re.compile(rb"\n(?=\r?\n)")
MAX_BLANK_LINES_KEPT = 1000
_NOT_SHAPE = bytes(b for b in range(256) if b not in b',"\r\n')         # all but comma, quote, CR, LF
_NOT_SHAPE_Q = bytes(b for b in range(256) if b not in b',"\r\n\x01')   # and \x01: a quote opening a field
_QUOTED = re.compile(rb'\x01(?:[^"\x01]|["\x01]{2})*+["\x01]')    # a quoted field (possessive: "" is a quote)


@dataclass
class FileScan:
    path: Path
    size: int = 0
    sha256: str = ""
    bom: bool = False
    encoding: str = "utf-8"            # utf-8 | gb18030 | unknown
    first_bad_offset: int | None = None
    first_bad_line: int | None = None
    lf: int = 0
    crlf: int = 0
    bare_cr: int = 0
    ends_with_newline: bool = True
    blank_lines: list[int] = dc_field(default_factory=list)   # 1-based line numbers (capped)
    blank_count: int = 0
    header: list[str] | None = None
    header_line_count: int = 1
    delimiter_suspect: str | None = None
    load_path: Path = dc_field(init=False)   # the UTF-8 file the engine reads: `path`, or a transcoded copy
    surplus_fields: int = 0            # fields beyond header + 1, summed over all records
    surplus_first_row: int | None = None   # record (header = 1) of the first; None if not a file line
    uniform: bool = False              # every record has as many fields as the header (no blank line)
    quoted_line_breaks: bool = False   # a quoted cell holds a line end (records span lines)
    unclosed_quote: bool = False       # the file ends inside a quoted cell
    records: int = 0                   # records, the header and blank lines included
    long_lines: list[tuple[int, int]] = dc_field(default_factory=list)   # (line, bytes) of lines over 1 MiB

    @property
    def physical_lines(self) -> int:
        if self.size == 0:
            return 0
        return self.lf + (0 if self.ends_with_newline else 1)

    @property
    def data_records(self) -> int:
        """Records that are data rows: all but the header and the blank lines."""
        return max(0, self.records - 1 - self.blank_count)

    def __post_init__(self) -> None:
        self.load_path = self.path


def scan_file(path: Path, workdir: Path, on_chunk: Callable[[], None] | None = None) -> FileScan:
    """`on_chunk` is called before each chunk is read: the run's time limit stops a long scan there."""
    s = FileScan(path=path)
    sha = hashlib.sha256()
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok = True
    lines_before = 0
    prev_last = b""
    head = bytearray()
    shape = _SurplusFields()
    since_lf = 0          # bytes of the line not yet ended
    with path.open("rb") as fh:
        first = True
        while True:
            if on_chunk is not None:
                on_chunk()
            if not (chunk := fh.read(_CHUNK)):
                break
            sha.update(chunk)
            shape.feed(chunk[3:] if first and chunk.startswith(_BOM) else chunk)
            if first:
                if chunk.startswith(_BOM):
                    s.bom = True
                first = False
            if len(head) < 1 << 16:
                head += chunk[: (1 << 16) - len(head)]
            if utf8_ok:
                start = 3 if s.bom and s.size == 0 else 0
                view = memoryview(chunk)
                # decoded in pieces that stay in the CPU cache (the text itself is not kept)
                for at in range(start, len(chunk), _DECODE_PIECE):
                    try:
                        dec.decode(view[at:at + _DECODE_PIECE])
                    except UnicodeDecodeError as exc:
                        utf8_ok = False
                        # the decoder may hold up to 3 bytes of a character begun in the piece before
                        bad = max(start, at + exc.start - len(exc.object) + len(view[at:at + _DECODE_PIECE]))
                        s.first_bad_offset = s.size + bad
                        s.first_bad_line = lines_before + chunk.count(b"\n", 0, bad) + 1
                        break
            # line ends, counted across the chunk boundary
            n_lf = chunk.count(b"\n")
            n_cr = chunk.count(b"\r") if b"\r" in chunk else 0   # memchr first: most exports have none
            if n_cr or prev_last == b"\r":  # most exports have no CR at all: skip the CRLF scan
                s.crlf += chunk.count(b"\r\n") + (prev_last == b"\r" and chunk[:1] == b"\n")
            s.bare_cr += n_cr
            # lines longer than a chunk, whatever they hold: the engine's reader may drop such a
            # line without a word, so the loader accounts for every one (no row is lost unseen)
            if not n_lf:
                since_lf += len(chunk)
            else:
                if since_lf:
                    if since_lf + chunk.index(b"\n") >= _CHUNK:
                        s.long_lines.append((lines_before + 1, since_lf + chunk.index(b"\n")))
                since_lf = len(chunk) - chunk.rindex(b"\n") - 1
            s.lf += n_lf
            lines_before += n_lf
            s.size += len(chunk)
            prev_last = chunk[-1:]
        s.ends_with_newline = prev_last in (b"\n", b"")
    if since_lf >= _CHUNK:
        s.long_lines.append((lines_before + 1, since_lf))
    shape.close()
    s.records = shape.records
    if not shape.uniform or not shape.header:
        # a blank line is a record without commas, so a file whose every record has the header's
        # (non-zero) number has none: only the others are searched, in a second pass
        s.blank_count, s.blank_lines = _blank_lines(path)
    s.surplus_fields = shape.surplus
    s.surplus_first_row = shape.first_row if shape.rows_exact else None
    s.uniform = shape.uniform
    s.quoted_line_breaks = not shape.rows_exact
    s.unclosed_quote = shape.in_quote
    if utf8_ok:
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
            s.first_bad_offset = s.size
            s.first_bad_line = lines_before + 1
    s.bare_cr -= s.crlf
    s.sha256 = sha.hexdigest()
    if not utf8_ok:
        s.encoding = "gb18030" if _decodes(path, "gb18030") else "unknown"
        s.load_path = _transcode(path, workdir, s.encoding)
    s.header, s.header_line_count, s.delimiter_suspect = _read_header(bytes(head), s.encoding, s.bom)
    return s


class _SurplusFields:
    """Counts the fields of every record beyond the header's plus one (the engine's padding column),
    from the commas, quotes and line ends only (bytes.translate: C speed). DuckDB stores one
    rejected error per surplus field, each with a copy of the line, so a few MB of commas would
    take it minutes; the file checks refuse such a file before it reaches the engine. Comma,
    quote, CR and LF are single bytes in UTF-8 and GB18030 alike.

    Fast path: when every quote pairs with a neighbouring one once the other bytes are dropped,
    no quoted field holds a comma or line end and quotes can be ignored. Otherwise, as in DuckDB,
    a quote opens a quoted field only at the start of a field (marked \\x01); elsewhere it is a
    literal, and a quoted field ends at a quote that is not doubled."""

    def __init__(self) -> None:
        self.header: int | None = None   # commas in the header record
        self.pending = 0                 # commas of the record not yet ended
        self.in_quote = False
        self.prev = b"\n"                # last byte of the previous chunk (start of file: a field start)
        self.held = b""                  # the last partial line, fed with the next chunk
        self.records = 0
        self.surplus = 0
        self.first_row: int | None = None
        self.rows_exact = True           # no line end inside quotes so far: record number = line
        self.uniform = True              # every record so far has the header's number of commas

    def feed(self, chunk: bytes, final: bool = False) -> None:
        cut = -1 if final or self.in_quote else chunk.rfind(b"\n") + 1
        if cut > 0:
            # the usual case, whole lines up to the chunk's last line end: only their commas,
            # quotes and line ends are copied; the raw bytes are joined only for a quote
            shape = chunk.translate(None, _NOT_SHAPE)
            t = self.held.translate(None, _NOT_SHAPE) + shape[:shape.rfind(b"\n") + 1]
            before, self.held = self.held, chunk[cut:]
            lines = lambda: before + chunk[:cut]  # noqa: E731
            last = b"\n"
        else:
            joined = self.held + chunk
            if final:
                self.held = b""
            else:                        # whole lines, so that a quoted field is rarely cut
                cut = joined.rfind(b"\n") + 1
                if not cut and len(joined) < 1 << 20:
                    self.held = joined
                    return
                cut = cut or len(joined.rstrip(b'"\r')) or len(joined)
                joined, self.held = joined[:cut], joined[cut:]
            if not joined:
                return
            t = joined.translate(None, _NOT_SHAPE)
            lines = lambda: joined  # noqa: E731
            last = joined[-1:]
        at_field_start = self.prev in (b",", b"\n", b"\r")
        self.prev = last
        t = _lf(t)
        if self.in_quote or b'"' in t:
            plain = t.replace(b'""', b"")
            if self.in_quote or b'"' in plain:
                unquoted = self._unquote(lines(), at_field_start)
                if unquoted is None:
                    return
                t = unquoted
            else:
                t = plain
        self._count(t)

    def _count(self, t: bytes) -> None:
        """Records and their commas, from the chunk's commas and line ends (LF only)."""
        first = t.find(b"\n")
        if first < 0:
            self.pending += len(t)
            return
        self._end(self.pending + first)
        header = self.header
        assert header is not None        # _end just ended a record, and the first one sets it
        last = t.rfind(b"\n")
        if last > first:
            body = t[first + 1:last]     # whole records, only commas and LFs
            n = body.count(b"\n") + 1
            if b"," * (header + 2) in body:
                for record in body.split(b"\n"):
                    self._end(len(record))
            else:
                self.records += n
                # no record has more than header + 1 commas; none has header + 1 and the sum is
                # header x records: then every record has exactly the header's number
                if self.uniform and (b"," * (header + 1) in body or len(body) - n + 1 != header * n):
                    self.uniform = False
        self.pending = len(t) - last - 1

    def _unquote(self, chunk: bytes, at_field_start: bool) -> bytes | None:
        """The chunk's commas and LFs outside quoted fields (None: all of it is inside one)."""
        if b"\x01" in chunk:
            chunk = chunk.replace(b"\x01", b"\x02")
        chunk = chunk.replace(b',"', b",\x01").replace(b'\n"', b"\n\x01").replace(b'\r"', b"\r\x01")
        if at_field_start and chunk[:1] == b'"':
            chunk = b"\x01" + chunk[1:]
        t = _lf(chunk.translate(None, _NOT_SHAPE_Q))
        if self.in_quote:                # a quoted field goes on from the previous chunk
            m = _QUOTED.match(b"\x01" + t)
            if m is None:
                self.rows_exact = self.rows_exact and b"\n" not in t
                return None
            self.rows_exact = self.rows_exact and b"\n" not in t[:m.end() - 1]
            t = t[m.end() - 1:]
            self.in_quote = False
        if b"\x01" in t:
            n = t.count(b"\n")
            # most quoted fields hold no comma, quote or line end: drop those without the regex
            t = t.replace(b'\x01",', b",").replace(b'\x01"\n', b"\n")
            if b"\x01" in t:
                t = _QUOTED.sub(b"", t)
            q = t.find(b"\x01")
            if q >= 0:                   # a quoted field still open at the chunk's end
                self.in_quote = True
                t = t[:q]
            self.rows_exact = self.rows_exact and t.count(b"\n") == n
        return t.replace(b'"', b"")      # quotes inside unquoted fields are literals

    def _end(self, commas: int) -> None:
        self.records += 1
        if self.header is None:
            self.header = commas
            return
        if commas != self.header:
            self.uniform = False
        if commas > self.header + 1:
            self.surplus += commas - self.header - 1
            if self.first_row is None:
                self.first_row = self.records

    def close(self) -> None:
        self.feed(b"", final=True)
        if self.pending:
            self._end(self.pending)


def _blank_lines(path: Path) -> tuple[int, list[int]]:
    """Number of blank lines and the first MAX_BLANK_LINES_KEPT of them (1-based)."""
    kept: list[int] = []
    count, lines_before, prev_last = 0, 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            joined = prev_last + chunk
            # blank lines are rare: a memchr-speed test before the regex pass
            if b"\n\n" in joined or b"\n\r\n" in joined:
                for m in _BLANK.finditer(joined):
                    count += 1
                    if len(kept) < MAX_BLANK_LINES_KEPT:
                        before = joined.count(b"\n", 0, m.start()) - (1 if prev_last == b"\n" else 0)
                        kept.append(lines_before + before + 2)
            lines_before += chunk.count(b"\n")
            prev_last = chunk[-1:]
    return count, kept


def _lf(t: bytes) -> bytes:
    return t.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in t else t


def _decodes(path: Path, encoding: str) -> bool:
    dec = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                dec.decode(chunk)
        dec.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def _transcode(path: Path, workdir: Path, encoding: str) -> Path:
    """A UTF-8 copy (inside the private work folder) so that content checks can go on; bytes
    that decode in neither encoding become U+FFFD."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{path.stem}.{abs(hash(str(path))) % 10**8}.utf8.csv"
    src_enc = "gb18030" if encoding == "gb18030" else "utf-8"
    dec = codecs.getincrementaldecoder(src_enc)("replace")
    with path.open("rb") as fh, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := fh.read(_CHUNK):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))
    return out


def _read_header(head: bytes, encoding: str, bom: bool) -> tuple[list[str] | None, int, str | None]:
    """The header from the file's first 64 KiB, decoded with replacement characters (a file in an
    unknown encoding still has its header judged). Not reader.table's strict, whole-file read: a
    blank first line must be seen here (JN-FILE-011), and a header without a line end must not
    make the scan read the whole file."""
    if bom:
        head = head[3:]
    if not head.strip():
        return None, 0, None
    text = head.decode("gb18030" if encoding == "gb18030" else "utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        return None, 0, None
    line_count = 1 + sum(cell.count("\n") for cell in header)
    header = header_cells(header)
    suspect = None
    if len(header) == 1:
        for d, label in ((";", "分号 ;"), ("\t", "制表符 TAB"), ("|", "竖线 |"), ("，", "中文逗号 ，")):
            if d in header[0]:
                suspect = label
                break
    return header, line_count, suspect
