"""The LinkML model in LinkML's own validator, as docs/*/clients/linkml.md says to use it:
`linkml-validate` passes the JSON form of the example and refuses a code that is not in its
list; on a CSV file it misreads every boolean (`'true' is not of type 'boolean'`), which is why
the page says to validate the JSON form. linkml is the build extra; these tests are slow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests._need import missing

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "jn_exchange.yaml"
EXAMPLE_JSON = ROOT / "examples" / "jinan-sample.json"
EXAMPLE = ROOT / "examples" / "jinan-sample"
DOCS = [ROOT / "docs" / lang / "clients" / "linkml.md" for lang in ("zh", "en")]
LINKML_VALIDATE = Path(sys.executable).parent / "linkml-validate"
COMMAND = "linkml-validate -s schema/jn_exchange.yaml -C ExchangePackage examples/jinan-sample.json"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(missing("linkml"), reason="linkml (the build extra) is not installed")]


def linkml_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINKML_VALIDATE), *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_docs_page_shows_the_command_the_tests_run():
    for page in DOCS:
        assert COMMAND in page.read_text(encoding="utf-8"), page


def test_json_form_of_the_example_passes():
    done = linkml_validate(*COMMAND.split()[1:])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No issues found" in done.stdout


def test_a_code_outside_its_list_is_refused(tmp_path):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc["enforcement_agency"][0]["agency_nature"] = "09"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = linkml_validate("-s", str(SCHEMA), "-C", "ExchangePackage", str(bad))
    assert done.returncode != 0 and "agency_nature" in done.stdout


def test_csv_booleans_are_misread():
    """The limit the docs page states: on CSV every boolean cell is text to linkml-validate."""
    done = linkml_validate("-s", str(SCHEMA), "-C", "EnforcementAgency", str(EXAMPLE / "enforcement_agency.csv"))
    assert "is not of type 'boolean'" in done.stdout
