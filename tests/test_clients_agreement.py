"""Agreement on the defect corpus: every data defect of the conformance corpus (type, required,
code list, pattern, range, length, key and reference cases of tests/conformance/cases) is
refused by each client whose language can express it, and `CANNOT_SEE` lists, per client, the
cases it lets through and why. docs/*/clients/<client>.md show that list (a test holds them to it).

The clients: PostgreSQL (the full DDL, the docs' load script; the server of
test_clients_postgresql), the Pydantic models and the JSON Schema (Python jsonschema with
decimals and formats), the last two on the JSON form that `jn-exchange convert` writes. None of
them sees the business rules of the regulations (rules/business/*.yaml: cross-table SQL)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conformance.corpus import load_cases, materialize
from tests.test_clients_postgresql import Server, pg  # noqa: F401 - the session's PostgreSQL server

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "src" / "jn_exchange" / "generated"
DATA_RULES = {*(f"JN-CELL-{n:03d}" for n in range(1, 14)), "JN-KEY-001", "JN-KEY-002", "JN-REF-001"}
CASES = [c for c in load_cases() if c["rule"] in DATA_RULES and not c.get("passes")
         and c.get("form", "folder") == "folder"]

# What each client lets through, by corpus case, with the reason (shown on its docs page).
CANNOT_SEE: dict[str, dict[str, str]] = {
    "postgresql": {
        "JN-CELL-004-slash-date": "DATE reads 2019/1/1 as a date",
        "JN-CELL-004-after-multiline-cell": "DATE reads 2019/1/28 as a date",
        "JN-CELL-004-rows-after-multiline-cell": "DATE reads 2019/1/28 as a date",
        "JN-CELL-005-space-and-slashes": "TIMESTAMPTZ reads 2025/02/22 09:40 as a time",
        "JN-CELL-011-uscc-check-digit": "a check character (mod 31) is arithmetic, not a pattern",
        "JN-CELL-012-check-digit": "a check character (ISO 7064 MOD 11-2) is arithmetic, not a pattern",
        "JN-CELL-012-no-such-birthday": "the birth date inside the number is not checked",
        "JN-CELL-013-not-jinan": "the list of Jinan's county codes is not a pattern",
    },
    "pydantic": {
        "JN-CELL-002-decimal-in-integer": "lax mode reads 2024.0 as the integer 2024",
        "JN-CELL-011-uscc-check-digit": "a check character (mod 31) is arithmetic, not a pattern",
        "JN-CELL-012-check-digit": "a check character (ISO 7064 MOD 11-2) is arithmetic, not a pattern",
        "JN-CELL-012-no-such-birthday": "the birth date inside the number is not checked",
        "JN-CELL-013-not-jinan": "the list of Jinan's county codes is not a pattern",
        "JN-KEY-001-duplicate-agency": "a model validates one record at a time: no keys",
        "JN-KEY-002-duplicate-uscc": "a model validates one record at a time: no keys",
        "JN-REF-001-dangling-parent": "a model validates one record at a time: no references",
    },
    "json-schema": {
        "JN-CELL-011-uscc-check-digit": "a check character (mod 31) is arithmetic, not a pattern",
        "JN-CELL-012-check-digit": "a check character (ISO 7064 MOD 11-2) is arithmetic, not a pattern",
        "JN-CELL-012-no-such-birthday": "the birth date inside the number is not checked",
        "JN-CELL-013-not-jinan": "the list of Jinan's county codes is not a pattern",
        "JN-KEY-001-duplicate-agency": "JSON Schema has no keys across array items",
        "JN-KEY-002-duplicate-uscc": "JSON Schema has no keys across array items",
        "JN-REF-001-dangling-parent": "JSON Schema has no references between arrays",
    },
}


def _json_form(pkg: Path, out: Path) -> Path:
    from jn_exchange.tools import convert

    convert.run(pkg, out, lambda *_: None)
    return out


def _pydantic_refuses(doc: Path) -> bool:
    import pydantic

    from jn_exchange.generated import models

    try:
        models.ExchangePackage.model_validate_json(doc.read_bytes())
    except pydantic.ValidationError:
        return True
    return False


def _json_schema_refuses(doc: Path) -> bool:
    from jsonschema import Draft201909Validator

    schema = json.loads((GENERATED / "jn_exchange.schema.json").read_text(encoding="utf-8"), parse_float=Decimal)
    document = json.loads(doc.read_text(encoding="utf-8"), parse_float=Decimal)
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    return not validator.is_valid(document)


def test_the_corpus_has_data_defects_of_every_kind():
    assert {c["rule"] for c in CASES} >= DATA_RULES - {"JN-CELL-005"} and len(CASES) >= 20


def test_cannot_see_names_only_corpus_cases():
    ids = {c["id"] for c in CASES}
    for client, cases in CANNOT_SEE.items():
        assert set(cases) <= ids, f"{client}: unknown cases {sorted(set(cases) - ids)}"


@pytest.mark.parametrize("client", sorted(CANNOT_SEE))
def test_docs_page_lists_what_the_client_cannot_see(client):
    for lang in ("zh", "en"):
        text = (ROOT / "docs" / lang / "clients" / f"{client}.md").read_text(encoding="utf-8")
        missing = [case for case in CANNOT_SEE[client] if case not in text]
        assert not missing, f"docs/{lang}/clients/{client}.md does not list {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_each_client_refuses_what_it_can_express(case, pg: Server, tmp_path):  # noqa: F811
    pkg = materialize(case, tmp_path / "case")
    _, loaded = pg.load(pkg, "postgresql.sql", tmp_path, check=False)
    doc = _json_form(pkg, tmp_path / "case.json")
    refused = {"postgresql": loaded.returncode != 0, "pydantic": _pydantic_refuses(doc),
               "json-schema": _json_schema_refuses(doc)}
    expected = {client: case["id"] not in cases for client, cases in CANNOT_SEE.items()}
    assert refused == expected, {k: ("refused" if v else "let through") for k, v in refused.items()}
