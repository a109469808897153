"""The generated JSON Schema in the clients a pipeline uses: `check-jsonschema` and Python
`jsonschema` with its format checker, on the JSON form (examples/jinan-sample.json and a
pseudonymised package converted to it). The commands are those docs/*/clients/json-schema.md shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests._need import missing

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "src" / "jn_exchange" / "generated"
FULL = GENERATED / "jn_exchange.schema.json"
PSEUDO = GENERATED / "jn_exchange.pseudonymized.schema.json"
EXAMPLE_JSON = ROOT / "examples" / "jinan-sample.json"
EXAMPLE = ROOT / "examples" / "jinan-sample"
DOCS = [ROOT / "docs" / lang / "clients" / "json-schema.md" for lang in ("zh", "en")]
JN = [sys.executable, "-m", "jn_exchange.cli"]
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"

# The docs page's Python check, word for word: numbers read as decimals (so that multipleOf 0.01
# is exact), date-times checked (the format checker needs `pip install 'jsonschema[format]'`).
PYTHON_CHECK = '''import json, sys
from decimal import Decimal
from jsonschema import Draft201909Validator

schema = json.load(open(sys.argv[1], encoding="utf-8"), parse_float=Decimal)
document = json.load(open(sys.argv[2], encoding="utf-8"), parse_float=Decimal)
validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/".join(map(str, e.absolute_path)), e.message)
sys.exit(1 if errors else 0)
'''

needs_cli = pytest.mark.skipif(missing("check_jsonschema"), reason="check-jsonschema (the dev extra) is not installed")


def python_check(schema: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PYTHON_CHECK, str(schema), str(document)], capture_output=True,
                          text=True, timeout=300)


def check_jsonschema(schema: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(document)], capture_output=True,
                          text=True, timeout=300)


def _with(tmp: Path, name: str, table: str, field: str, value: object, row: int = 0) -> Path:
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc[table][row][field] = value
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_docs_page_shows_the_check_the_tests_run():
    for page in DOCS:
        text = page.read_text(encoding="utf-8")
        assert PYTHON_CHECK.strip() in text, f"{page} does not show PYTHON_CHECK"
        assert "check-jsonschema --schemafile" in text


@needs_cli
def test_check_jsonschema_passes_the_example():
    done = check_jsonschema(FULL, EXAMPLE_JSON)
    assert done.returncode == 0, done.stdout + done.stderr


def test_python_jsonschema_with_formats_passes_the_example():
    done = python_check(FULL, EXAMPLE_JSON)
    assert done.returncode == 0, done.stdout + done.stderr


def test_format_checker_is_installed_for_date_times():
    """Without rfc3339-validator (the `format` extra) the format checker skips date-time silently."""
    from jsonschema import Draft201909Validator

    assert "date-time" in Draft201909Validator.FORMAT_CHECKER.checkers


@pytest.mark.parametrize("value, ok", [("2025-02-22T09:40:00+08:00", True), ("2025-02-22T01:40:00Z", True),
                                       ("2025-02-22T09:40:00", True), ("2025/02/22 09:40", False),
                                       ("2025-02-30T09:40:00+08:00", False)])
def test_datetimes_as_the_validator_reads_them(tmp_path, value, ok):
    doc = _with(tmp_path, "dt", "risk_event", "occurred_at", value)
    assert (python_check(FULL, doc).returncode == 0) is ok


@pytest.mark.parametrize("value, ok", [(2000.07, True), (0.07, True), (1070468.14, True), (2000.075, False)])
def test_money_has_two_decimals_when_read_as_decimals(tmp_path, value, ok):
    doc = _with(tmp_path, "money", "penalty_decision", "fine_amount", value)
    assert (python_check(FULL, doc).returncode == 0) is ok


@needs_cli
def test_check_jsonschema_divides_in_floating_point(tmp_path):
    """The limit the docs page states: a checker that reads JSON numbers as binary floats finds
    0.07 not a multiple of 0.01 (0.07 / 0.01 = 7.000000000000001); 2000.5 and 3 decimals it judges right."""
    assert check_jsonschema(FULL, _with(tmp_path, "a", "penalty_decision", "fine_amount", 0.07)).returncode == 1
    assert check_jsonschema(FULL, _with(tmp_path, "b", "penalty_decision", "fine_amount", 2000.5)).returncode == 0
    assert check_jsonschema(FULL, _with(tmp_path, "c", "penalty_decision", "fine_amount", 2000.075)).returncode == 1


@pytest.fixture(scope="module")
def pseudonymized_json(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("pseudo")
    key = tmp / "key"
    key.write_text("0123456789abcdef" * 4, encoding="ascii")
    subprocess.run([*JN, "pseudonymize", str(EXAMPLE), str(tmp / "pkg"), "--key-file", str(key)],
                   check=True, capture_output=True, timeout=600)
    subprocess.run([*JN, "convert", str(tmp / "pkg"), str(tmp / "pkg.json")], check=True, capture_output=True,
                   timeout=600)
    return tmp / "pkg.json"


def test_pseudonymized_schema_accepts_a_pseudonymized_package_the_full_one_does_not(pseudonymized_json):
    assert python_check(PSEUDO, pseudonymized_json).returncode == 0
    refused = python_check(FULL, pseudonymized_json)
    assert refused.returncode == 1
    assert "citizen_id_number" in refused.stdout and "mobile_phone" in refused.stdout


@needs_cli
def test_check_jsonschema_on_the_pseudonymized_package(pseudonymized_json):
    done = check_jsonschema(PSEUDO, pseudonymized_json)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pseudonymized_schema_still_refuses_clear_identity_numbers(tmp_path):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    assert python_check(PSEUDO, _with(tmp_path, "clear", "enforcement_officer", "citizen_id_number",
                                      doc["enforcement_officer"][0]["citizen_id_number"])).returncode == 1
