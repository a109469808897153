"""One streaming pass over a CSV file's bytes: hash, BOM, encoding, line ends, blank lines and
the header. Reads in fixed-size chunks, so memory stays bounded whatever the file size; the
work per chunk is done by C routines (bytes.count, the codec, re), not a Python loop per line."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field as dc_field
from pathlib import Path

_CHUNK = 8 << 20
_BOM = b"\xef\xbb\xbf"
_BLANK = re.compile(rb"\n(?=\r?\n)")
MAX_BLANK_LINES_KEPT = 1000


@dataclass
class FileScan:
    path: Path
    size: int = 0
    sha256: str = ""
    md5: str = ""
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
    load_path: Path | None = None      # the UTF-8 file the engine reads (a transcoded copy if needed)

    @property
    def physical_lines(self) -> int:
        if self.size == 0:
            return 0
        return self.lf + (0 if self.ends_with_newline else 1)


def scan_file(path: Path, workdir: Path, extra_hashes: tuple[str, ...] = ()) -> FileScan:
    s = FileScan(path=path)
    sha = hashlib.sha256()
    others = {name: hashlib.new(name) for name in extra_hashes}
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok = True
    lines_before = 0
    prev_last = b""
    head = bytearray()
    with path.open("rb") as fh:
        first = True
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
            for h in others.values():
                h.update(chunk)
            if first:
                if chunk.startswith(_BOM):
                    s.bom = True
                first = False
            if len(head) < 1 << 16:
                head += chunk[: (1 << 16) - len(head)]
            if utf8_ok:
                try:
                    dec.decode(chunk[3:] if s.bom and s.size == 0 else chunk)
                except UnicodeDecodeError as exc:
                    utf8_ok = False
                    start = 3 if s.bom and s.size == 0 else 0
                    s.first_bad_offset = s.size + start + exc.start
                    s.first_bad_line = lines_before + chunk.count(b"\n", 0, start + exc.start) + 1
            # line ends, counted across the chunk boundary
            joined = prev_last + chunk
            n_lf = chunk.count(b"\n")
            n_cr = chunk.count(b"\r")
            if n_cr or prev_last == b"\r":  # most exports have no CR at all: skip the CRLF scan
                s.crlf += joined.count(b"\r\n")
            s.bare_cr += n_cr
            # blank lines are rare: a memchr-speed test before the regex pass
            has_blank = b"\n\n" in joined or (n_cr and b"\n\r\n" in joined)
            for m in (_BLANK.finditer(joined) if has_blank else ()):
                s.blank_count += 1
                if len(s.blank_lines) < MAX_BLANK_LINES_KEPT:
                    before = joined.count(b"\n", 0, m.start()) - (1 if prev_last == b"\n" else 0)
                    s.blank_lines.append(lines_before + before + 2)
            s.lf += n_lf
            lines_before += n_lf
            s.size += len(chunk)
            prev_last = chunk[-1:]
        s.ends_with_newline = prev_last in (b"\n", b"")
    if utf8_ok:
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
            s.first_bad_offset = s.size
            s.first_bad_line = lines_before + 1
    s.bare_cr -= s.crlf
    s.sha256 = sha.hexdigest()
    if "md5" in others:
        s.md5 = others["md5"].hexdigest()
    s.extra = {k: h.hexdigest() for k, h in others.items()}  # type: ignore[attr-defined]
    if not utf8_ok:
        s.encoding = "gb18030" if _decodes(path, "gb18030") else "unknown"
        s.load_path = _transcode(path, workdir, s.encoding)
    else:
        s.load_path = path
    s.header, s.header_line_count, s.delimiter_suspect = _read_header(bytes(head), s.encoding, s.bom)
    return s


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
    header = [h.strip("\ufeff") for h in header]
    suspect = None
    if len(header) == 1:
        for d, label in ((";", "分号 ;"), ("\t", "制表符 TAB"), ("|", "竖线 |"), ("，", "中文逗号 ，")):
            if d in header[0]:
                suspect = label
                break
    return header, line_count, suspect
