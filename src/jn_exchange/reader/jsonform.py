"""The JSON form of a package (one document, `{"standard_version": ..., "<table>": [{...}]}`)
is written out as the CSV form inside the private work folder, so that both forms go through
the same checks. Row r of table t (header = 1) is the JSON pointer /t/(r-2).

The document is streamed: its top-level object is walked here and each row is decoded on its own
by the standard library's scanner (with the same hooks as `jsondoc.parse_json`), so memory does
not grow with the document. Whatever is wrong with a document that is not too big to hold is
described by `jsondoc` itself (the same words and position a whole parse gives); a bigger one is
described from the stream."""

from __future__ import annotations

import codecs
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jn_exchange.findings import Collector, Finding
from jn_exchange.profile import Profile
from jn_exchange.reader.jsondoc import (
    _SURROGATE_ESCAPE,
    IntegerText,
    JsonProblem,
    _integer,
    _no_constant,
    _no_lone_surrogate,
    _unique_names,
    duplicate_name,
    json_problem_at,
    load_json,
    not_an_object,
    not_utf8,
)
from jn_exchange.rules import make_finding, zh_en

# a document up to this size that cannot be read is read again whole, so that the finding says
# exactly what a whole parse says; above it the stream's own account is given
WHOLE_PARSE_BYTES = 256 << 20
_CHUNK = 1 << 20
_SPACE = re.compile(r"[ \t\n\r]*")
_BLOCK = 1 << 14   # rows are decoded together from this much text on


class JsonFormError(Exception):
    pass


def _cell(v: Any) -> tuple[str, bool]:
    """CSV text of a JSON value, and whether the value was acceptable in a cell."""
    if v is None:
        return "", True
    if isinstance(v, bool):
        return ("true" if v else "false"), True
    if isinstance(v, (int, float)):
        return (repr(v) if isinstance(v, float) else str(v)), True
    if isinstance(v, str):
        return v, True
    return json.dumps(v, ensure_ascii=False), False


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_names, parse_constant=_no_constant, parse_int=_integer)
# values _cell turns into text the way csv does itself (booleans aside): a row of them is written
# without a call per cell
_SIMPLE = frozenset({str, type(None), int, float, bool, IntegerText})
_BOOL = {True: "true", False: "false"}


class _Broken(Exception):
    """The stream cannot go on; `detail` says why and where."""

    def __init__(self, detail: dict[str, str]):
        super().__init__(detail["en"])
        self.detail = detail


class _Text:
    """The document's text, decoded chunk by chunk, with the absolute line and column of every
    position (for the findings), and values decoded one at a time."""

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0      # line breaks before buf[0]
        self.col_before = 0        # characters after the last line break before buf[0]
        self.dropped = 0           # characters before buf[0]
        self.rowwise_until = 0     # `rows` decodes nothing before this absolute position

    def _more(self) -> bool:
        if self.eof:
            return False
        raw = self.fh.read(max(_CHUNK, len(self.buf)))   # doubling: a huge value is read again a few times only
        try:
            text = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise _Broken(not_utf8()) from exc
        if not raw:
            self.eof = True
        if self.pos > _CHUNK:   # drop what has been read, keeping positions absolute
            done = self.buf[:self.pos]
            breaks = done.count("\n")
            self.lines_before += breaks
            self.col_before = len(done) - done.rfind("\n") - 1 if breaks else self.col_before + len(done)
            self.dropped += self.pos
            self.buf, self.pos = self.buf[self.pos:], 0
        self.buf += text
        return bool(raw)

    def where(self, pos: int) -> tuple[int, int]:
        """(line, column) of buf[pos], both from 1, as the json module counts them."""
        breaks = self.buf.count("\n", 0, pos)
        if breaks:
            return self.lines_before + breaks + 1, pos - self.buf.rfind("\n", 0, pos)
        return self.lines_before + 1, self.col_before + pos + 1

    def broken(self, msg: str, pos: int | None = None) -> _Broken:
        return _Broken(json_problem_at(msg, *self.where(self.pos if pos is None else pos)))

    def peek(self) -> str:
        """The next character after white space ('' at the end)."""
        ch = self.buf[self.pos:self.pos + 1]
        if ch and ch not in " \t\n\r":
            return ch
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos:self.pos + 1]

    def expect(self, ch: str, msg: str) -> None:
        if self.peek() != ch:
            raise self.broken(msg)
        self.pos += 1

    def value(self) -> tuple[Any, bool]:
        """The next JSON value, and whether its text holds a surrogate escape."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # the value may run on past the text read so far: read more and decode again
                # (positions are those of the last attempt, on the text as it now is)
                if not self.eof:
                    self._more()
                    continue
                raise self.broken(exc.msg, exc.pos) from exc
            except RecursionError as exc:
                raise _Broken(zh_en("嵌套层数过多", "nested too deeply")) from exc
            if end == len(self.buf) and not self.eof and isinstance(value, (int, float, IntegerText)):
                self._more()   # a number may go on in the next chunk
                continue
            escaped = _SURROGATE_ESCAPE.search(self.buf, self.pos, end) is not None
            self.pos = end
            return value, escaped

    def rows(self) -> list[Any] | None:
        """The array's rows from here up to the last complete one in the text read, decoded in
        one call (a call per row cost more than the decoding); None when that cannot be done
        exactly as `value` would do it, row by row: too little text, an escaped surrogate, or
        anything the decoder refuses (the rows are then read one at a time, and the error, if
        any, is found and placed by `value`). The text is cut after a '}' followed by ',' and
        read as '[' + text + ']': the decoder stops at the array's own ']' if it comes first;
        a cut inside a string leaves the string open, which does not parse."""
        self.peek()
        if self.dropped + self.pos < self.rowwise_until:
            return None
        end = first = self.buf.rfind("},", self.pos)
        while end - self.pos >= _BLOCK:
            if _SURROGATE_ESCAPE.search(self.buf, self.pos, end) is not None:
                break
            text = "[" + self.buf[self.pos:end + 1] + "]"
            try:
                rows, stop = _DECODER.raw_decode(text)
            except (json.JSONDecodeError, JsonProblem, RecursionError):
                end = self.buf.rfind("},", self.pos, self.pos + (end - self.pos) // 2)
                continue
            # the array's own ']' (at buf[pos + stop - 2]) is left for the caller to read
            self.pos = end + 1 if stop == len(text) else self.pos + stop - 2
            return rows
        # the rows up to the cut are read one at a time, without trying again for each of them
        self.rowwise_until = self.dropped + max(first, self.pos)
        return None


@dataclass
class _Table:
    """One table's CSV file, written row by row. Names that are not the standard's fields are
    added at the end, as the whole document would have them: the file is written again then."""
    key: str
    path: Path
    columns: list[str]                           # the header as written first: the standard's fields
    not_objects: list[int] = field(default_factory=list)          # row indexes
    nested: list[tuple[int, str]] = field(default_factory=list)   # (row index, name)
    extra: dict[str, dict[int, str]] = field(default_factory=dict)  # name -> row index -> text

    def write(self, rows: _Text, fh: IO[str]) -> None:
        """The rows of the array whose '[' has been read, through its ']'."""
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(self.columns)
        cols, known = self.columns, frozenset(self.columns)
        i = 0
        if rows.peek() == "]":
            rows.pos += 1
            return
        while True:
            block = rows.rows()
            if block is None:
                row, escaped = rows.value()
                if escaped:
                    _no_lone_surrogate(row)
                block = [row]
            for row in block:
                if not isinstance(row, dict):
                    self.not_objects.append(i)
                    w.writerow([""] * len(cols))   # keeps row numbers aligned with array indexes
                elif row.keys() <= known and (types := {v.__class__ for v in row.values()}) <= _SIMPLE:
                    # csv writes None as '' and numbers by str(), as _cell does; booleans need words
                    if bool in types:
                        w.writerow([_BOOL[v] if v.__class__ is bool else v for v in map(row.get, cols)])
                    else:
                        w.writerow(list(map(row.get, cols)))
                else:
                    w.writerow(self._cells(i, row, known))
                i += 1
            ch = rows.peek()
            if ch == "]":
                rows.pos += 1
                break
            if ch != ",":
                raise rows.broken("Expecting ',' delimiter")
            rows.pos += 1

    def _cells(self, i: int, row: dict[str, Any], known: frozenset[str]) -> list[str]:
        cells = []
        for c in self.columns:
            text, ok = _cell(row.get(c))
            if not ok:
                self.nested.append((i, c))
            cells.append(text)
        for k, v in row.items():
            if k in known:
                continue
            text, ok = _cell(v)
            if not ok:
                self.nested.append((i, k))
            self.extra.setdefault(k, {})[i] = text
        return cells

    def finish(self) -> None:
        """Add the columns found after the header was written (the file is written again)."""
        if not self.extra:
            return
        names = list(self.extra)
        self.columns = self.columns + names
        tmp = self.path.with_suffix(".partial")
        with self.path.open(encoding="utf-8", newline="") as src, tmp.open("w", encoding="utf-8", newline="") as dst:
            w = csv.writer(dst, lineterminator="\n")
            reader = csv.reader(src)
            next(reader)
            w.writerow(self.columns)
            for i, cells in enumerate(reader):
                w.writerow(cells + [self.extra[n].get(i, "") for n in names])
        tmp.replace(self.path)

    def findings(self) -> list[tuple[Finding, int]]:
        """The table's JN-JSON-001 findings in the order a whole parse makes them: rows that
        are not objects, then values that are objects or arrays, by row and column."""
        out = [make_finding("JN-JSON-001", resource=self.key, row=i + 2,
                            detail=zh_en(f"/{self.key}/{i} 不是对象", f"/{self.key}/{i} is not an object"))
               for i in self.not_objects]
        order = {c: n for n, c in enumerate(self.columns)}
        for i, c in sorted(self.nested, key=lambda x: (x[0], order[x[1]])):
            out.append(make_finding("JN-JSON-001", resource=self.key, row=i + 2, field=c,
                                    detail=zh_en(f"/{self.key}/{i}/{c} 是对象或数组", f"/{self.key}/{i}/{c} is an object or array")))
        return [(f, 1) for f in out]


def json_to_csv_package(doc_path: Path, out: Path, profile: Profile, collector: Collector) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    try:
        with doc_path.open("rb") as fh:
            version, tables, problems = _stream(_Text(fh), out, profile)
    except OSError as exc:
        detail = zh_en(f"无法读取：{exc.strerror or exc}", f"cannot be read: {exc.strerror or exc}")
        collector.add(make_finding("JN-JSON-001", detail=detail))
        raise JsonFormError() from exc
    except (_Broken, JsonProblem) as exc:
        collector.add(make_finding("JN-JSON-001", detail=_whole_account(doc_path, exc.detail)))
        raise JsonFormError() from exc
    for finding in problems:
        collector.add(finding)
    resources: list[dict[str, str]] = []
    for t in tables:
        for finding, n in t.findings():
            collector.add_counted(finding, n)
        resources.append({"name": t.key, "path": t.path.name, "format": "csv"})
    descriptor = {"standard_version": version, "resources": resources}
    (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return out


def _whole_account(doc_path: Path, streamed: dict[str, str]) -> dict[str, str]:
    """What is wrong with the document, in the words of a whole parse when it is small enough
    to hold (the position and message are those of `jsondoc`); else the stream's account."""
    try:
        if doc_path.stat().st_size > WHOLE_PARSE_BYTES:
            return streamed
        doc = load_json(doc_path)
    except JsonProblem as problem:
        return problem.detail
    except OSError:
        return streamed
    return not_an_object(doc) if not isinstance(doc, dict) else streamed


def _stream(text: _Text, out: Path, profile: Profile) -> tuple[Any, list[_Table], list[Finding]]:
    """Walk the top-level object, writing each table as it comes. Problems a whole parse
    would only find at the end (a name given twice at the top, an unpaired surrogate) are
    raised after the last character has been read, so that an earlier syntax error wins."""
    first = text.peek()
    if first == "[":   # not read further: the array may be the whole document
        raise _Broken(not_an_object([]))
    if first != "{":
        raise _Broken(not_an_object(text.value()[0])) if first else text.broken("Expecting value")
    text.pos += 1
    version: Any = None
    tables: list[_Table] = []
    problems: list[Finding] = []
    seen: set[str] = set()
    late: JsonProblem | None = None
    if text.peek() == "}":
        text.pos += 1
    else:
        while True:
            if text.peek() != '"':
                raise text.broken("Expecting property name enclosed in double quotes")
            key, escaped = text.value()
            if escaped and late is None:
                late = _surrogate_problem(key)
            if key in seen and late is None:
                late = duplicate_name(key)
            seen.add(key)
            text.expect(":", "Expecting ':' delimiter")
            if key in ("standard_version", "$schema") or text.peek() != "[":
                value, escaped = text.value()
                if escaped and late is None:
                    late = _surrogate_problem(value)
                if key == "standard_version":
                    version = value
                elif key != "$schema":
                    problems.append(make_finding("JN-JSON-001", resource=key,
                                                 detail=zh_en(f"/{key} 不是数组", f"/{key} is not an array")))
            else:
                text.pos += 1
                try:
                    tables.append(_write_table(text, out, profile, key, len(tables)))
                except JsonProblem as problem:   # an unpaired surrogate in a row: after the end
                    if late is None and "surrogate" in problem.detail["en"]:
                        late = problem
                        _skip_rest_of_array(text)
                    else:
                        raise
            ch = text.peek()
            if ch == ",":
                text.pos += 1
                continue
            if ch == "}":
                text.pos += 1
                break
            raise text.broken("Expecting ',' delimiter")
    if text.peek() != "":
        raise text.broken("Extra data")
    if late is not None:
        raise late
    return version, tables, problems


def _write_table(text: _Text, out: Path, profile: Profile, key: str, n: int) -> _Table:
    spec = profile.tables.get(key)
    columns = list(spec.field_names) if spec else []
    path = out / f"{key}.csv" if spec else out / f"_unknown_{n}.csv"
    table = _Table(key, path, columns)
    with path.open("w", encoding="utf-8", newline="") as fh:
        table.write(text, fh)
    table.finish()
    return table


def _skip_rest_of_array(text: _Text) -> None:
    """After a row that cannot be kept: read to the end of the table's array (its rows are
    checked for syntax; the document will be refused)."""
    while True:
        ch = text.peek()
        if ch == "]":
            text.pos += 1
            return
        if ch == ",":
            text.pos += 1
        text.value()


def _surrogate_problem(value: Any) -> JsonProblem | None:
    try:
        _no_lone_surrogate(value)
    except JsonProblem as problem:
        return problem
    return None

