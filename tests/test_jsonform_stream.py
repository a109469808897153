"""The JSON form is streamed (reader/jsonform.py): whatever the size of the chunks it reads, it
writes the same CSV files and makes the same findings as reading the whole document would, and
a document too big to read whole is described from the stream in the words of a whole parse."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from jn_exchange.findings import Collector
from jn_exchange.profile import load_profile
from jn_exchange.reader import jsonform
from jn_exchange.reader.jsondoc import JsonProblem, load_json

ROOT = Path(__file__).resolve().parent.parent
PROFILE = load_profile()


def _whole(doc_path: Path) -> tuple[dict[str, list[list[str]]], list[tuple]]:
    """The oracle: the document read whole, each table as the CSV form has it (the standard's
    fields, then other names in the order they first appear), and the findings it makes."""
    doc = load_json(doc_path)
    tables: dict[str, list[list[str]]] = {}
    findings: list[tuple] = []
    for key, rows in doc.items():
        if key in ("standard_version", "$schema"):
            continue
        if not isinstance(rows, list):
            findings.append((key, None, None))
            continue
        spec = PROFILE.tables.get(key)
        columns = list(spec.field_names) if spec else []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                findings.append((key, i + 2, None))
                continue
            columns += [k for k in row if k not in columns]
        out = [columns]
        for i, row in enumerate(rows):
            cells = []
            for c in columns:
                text, ok = jsonform._cell(row.get(c) if isinstance(row, dict) else None)
                if not ok:
                    findings.append((key, i + 2, c))
                cells.append(text)
            out.append(cells)
        tables[key] = out
    return tables, findings


def _streamed(doc_path: Path, out: Path) -> tuple[dict[str, list[list[str]]], list[tuple]]:
    collector = Collector(max_examples=10_000)
    folder = jsonform.json_to_csv_package(doc_path, out, PROFILE, collector)
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for r in desc["resources"]:
        with (folder / r["path"]).open(encoding="utf-8", newline="") as fh:
            tables[r["name"]] = list(csv.reader(fh))
    findings = [(f.resource, f.row, f.field) for t in collector.tallies.values() for f in t.examples]
    return tables, findings


def _doc(tmp_path: Path, value: Any, indent: int | None = None) -> Path:
    p = tmp_path / "doc.json"
    p.write_text(json.dumps(value, ensure_ascii=False, indent=indent), encoding="utf-8")
    return p


AWKWARD = {
    "standard_version": "1.0.0",
    "$schema": {"nested": ["ignored"]},
    "enforcement_agency": [
        {"agency_id": "A1", "name": "济南市司法局", "is_supervision_body": True, "x_extra": 1},
        "not an object",
        {"agency_id": "A2", "name": None, "admin_level": 2, "established_date": 1.5, "y_later": [1, 2]},
        {"agency_id": "A3", "is_supervision_body": False, "name": {"deep": "value"}, "x_extra": "text"},
        {},
        {"agency_id": "A4", "name": "cut here? }, {\"agency_id\": \"no\"}, not a row"},
        {"agency_id": "A5"},
    ],
    "no_such_table": [{"b": 1, "a": "x"}, {"c": True}],
    "enforcement_officer": [],
    "bad": {"not": "an array"},
}


# rows are decoded in blocks from _BLOCK characters on (1: whenever two rows are in the text)
@pytest.mark.parametrize("block", [1, 1 << 14])
@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_any_chunk_size_gives_what_a_whole_read_gives(chunk, indent, block, tmp_path, monkeypatch):
    monkeypatch.setattr(jsonform, "_CHUNK", chunk)
    monkeypatch.setattr(jsonform, "_BLOCK", block)
    doc = _doc(tmp_path, AWKWARD, indent)
    want_tables, want_findings = _whole(doc)
    got_tables, got_findings = _streamed(doc, tmp_path / "out")
    assert got_tables == want_tables
    assert sorted(got_findings, key=str) == sorted(want_findings, key=str)
    # the names first seen after the header was written are at the end, in order of appearance
    assert got_tables["enforcement_agency"][0][-2:] == ["x_extra", "y_later"]


def test_the_example_json_form_streams_to_the_same_tables(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonform, "_CHUNK", 4096)
    doc = ROOT / "examples" / "jinan-sample.json"
    want_tables, want_findings = _whole(doc)
    got_tables, got_findings = _streamed(doc, tmp_path / "out")
    assert got_tables == want_tables and got_findings == want_findings == []


BROKEN = [
    ('{"enforcement_agency": [{"agency_id": "A1"}, {"agency_id": "A2",}]}', None),
    ('{"enforcement_agency": [{"agency_id": "A1"} {"agency_id": "A2"}]}', None),
    ('{"enforcement_agency": [{"agency_id": "A1", "agency_id": "A2"}]}', "twice"),
    ('{"a": [], "a": []}', "twice"),
    ('{"enforcement_agency": [{"agency_id": NaN}]}', "NaN"),
    ('{"enforcement_agency": [{"agency_id": "\\ud800"}]}', "surrogate"),
    # the same inside a block of rows: the block is refused and the rows read one at a time
    ('{"enforcement_agency": [{"agency_id": "A0"}, {"agency_id": "A1", "agency_id": "A2"}, {"agency_id": "A3"}]}', "twice"),
    ('{"enforcement_agency": [{"agency_id": "A0"}, {"agency_id": NaN}, {"agency_id": "A3"}]}', "NaN"),
    ('{"enforcement_agency": [{"agency_id": "A0"}, {"agency_id": "\\ud800"}, {"agency_id": "A3"}]}', "surrogate"),
    ('{"enforcement_agency": [{"agency_id": "A0"}, {"agency_id": "A1",}, {"agency_id": "A3"}]}', None),
    ('{"standard_version": "1.0.0"} x', None),
    ('{"standard_version": "1.0.0", }', None),
    ('{"standard_version" "1.0.0"}', None),
    ('{"enforcement_agency": [{"agency_id": "A1"}]', None),
    ('{\n  "enforcement_agency": [\n    {"agency_id": "unterminated}\n  ]\n}', None),
    ('', None),
    ('[1, 2]', "list"),
    ('"text"', "str"),
]


@pytest.mark.parametrize("text, says", BROKEN)
@pytest.mark.parametrize("whole_limit", [jsonform.WHOLE_PARSE_BYTES, 0])
@pytest.mark.parametrize("chunk, block", [(5, 1 << 14), (1 << 20, 1)])
def test_a_broken_document_is_described_as_a_whole_parse_describes_it(text, says, whole_limit, chunk, block,
                                                                       tmp_path, monkeypatch):
    """Small documents are described by the whole parse; with the limit at 0 every one is
    described from the stream, read in tiny chunks or decoded in blocks: the words and the
    position are the same."""
    monkeypatch.setattr(jsonform, "_CHUNK", chunk)
    monkeypatch.setattr(jsonform, "_BLOCK", block)
    monkeypatch.setattr(jsonform, "WHOLE_PARSE_BYTES", whole_limit)
    p = tmp_path / "doc.json"
    p.write_text(text, encoding="utf-8")
    try:
        load_json(p)
        whole = None
    except JsonProblem as problem:
        whole = problem.detail
    collector = Collector()
    with pytest.raises(jsonform.JsonFormError):
        jsonform.json_to_csv_package(p, tmp_path / "out", PROFILE, collector)
    [tally] = collector.tallies.values()
    detail = tally.examples[0].params["detail"]
    if whole is not None:
        assert detail == whole
    else:                                   # a top level that is not an object is named
        assert f"top level is {says}" in detail["en"]
    if says and whole is not None:
        assert says in detail["en"]


def test_a_document_that_is_not_utf8_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonform, "WHOLE_PARSE_BYTES", 0)
    p = tmp_path / "doc.json"
    p.write_bytes('{"enforcement_agency": [{"name": "济南"}]}'.encode("gb18030"))
    collector = Collector()
    with pytest.raises(jsonform.JsonFormError):
        jsonform.json_to_csv_package(p, tmp_path / "out", PROFILE, collector)
    [tally] = collector.tallies.values()
    assert "UTF-8" in tally.examples[0].params["detail"]["en"]


def test_a_bom_is_allowed(tmp_path):
    p = tmp_path / "doc.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"enforcement_agency": [{"agency_id": "A1"}]}).encode())
    tables, findings = _streamed(p, tmp_path / "out")
    assert tables["enforcement_agency"][1][0] == "A1" and findings == []
