"""The conformance kit (scripts/build_conformance_kit.py) and its runner
(scripts/run_conformance_kit.py): the kit holds every case of the corpus with a manifest valid
against the schema it ships, its bytes are reproducible, and the runner, run the way a vendor
runs it (the copy inside the kit, in a subprocess), passes jn-exchange on every case and fails
an implementation that misses findings, miscounts or reports more."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from scripts.build_conformance_kit import (
    AS_OF,
    JN_COMMAND,
    MANIFEST_SCHEMA,
    RUNNER,
    build_kit,
    case_entry,
    manifest,
)
from scripts.run_conformance_kit import judge
from tests._need import need
from tests.conformance.corpus import load_cases
from tests.test_conformance import AS_OF as CORPUS_AS_OF

ROOT = Path(__file__).resolve().parent.parent
CASES = load_cases()
JN = Path(sys.executable).with_name("jn-exchange")
DOCS = [ROOT / "docs" / lang / "clients" / "conformance-kit.md" for lang in ("zh", "en")]


def _validator():
    jsonschema = need("jsonschema", "schemas")
    return jsonschema.Draft202012Validator(MANIFEST_SCHEMA, format_checker=jsonschema.FormatChecker())


def _form(case: dict[str, Any]) -> str:
    return case_entry(case, "cases/x")["form"]


def _sample() -> list[dict[str, Any]]:
    """A few cases that between them have every form, a passing boundary, tolerated codes and
    limits of their own."""
    chosen: dict[str, dict[str, Any]] = {}
    for c in CASES:
        chosen.setdefault(f"form:{_form(c)}", c)
        if c.get("passes"):
            chosen.setdefault("passes", c)
        if c.get("also"):
            chosen.setdefault("also", c)
        if c.get("limits"):
            chosen.setdefault("limits", c)
    return list({c["id"]: c for c in chosen.values()}.values())


def test_the_kit_judges_on_the_date_the_corpus_is_judged_on():
    assert AS_OF == CORPUS_AS_OF.isoformat()


def test_every_case_has_a_manifest_entry_valid_against_the_shipped_schema():
    doc = manifest([case_entry(c, f"cases/{c['id']}/package") for c in CASES])
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:10]]
    assert [c["id"] for c in doc["cases"]] == [c["id"] for c in CASES]
    assert all(c["describe"]["zh"] and c["describe"]["en"] for c in doc["cases"] if c["mutations"])


def test_the_schema_refuses_a_manifest_without_counts_as_integers():
    doc = manifest([case_entry(CASES[0], "cases/x/package")])
    doc["cases"][0]["expect"] = [{"code": "JN-CELL-001", "count": "two"}]
    assert not _validator().is_valid(doc)


@pytest.fixture(scope="module")
def small_kit(tmp_path_factory) -> Path:
    return build_kit(tmp_path_factory.mktemp("kit"), _sample())


def _kit_files(kit: Path) -> tuple[str, dict[str, Any], set[str]]:
    with zipfile.ZipFile(kit) as zf:
        names = set(zf.namelist())
        top = kit.stem
        doc = json.loads(zf.read(f"{top}/manifest.json"))
        schema = json.loads(zf.read(f"{top}/manifest.schema.json"))
        assert schema == MANIFEST_SCHEMA and zf.read(f"{top}/run_conformance_kit.py") == RUNNER.read_bytes()
    return top, doc, names


def assert_complete(kit: Path, cases: list[dict[str, Any]]) -> None:
    top, doc, names = _kit_files(kit)
    assert kit.name == f"jn-exchange-conformance-{doc['kit_version']}.zip"
    assert sorted(c["id"] for c in doc["cases"]) == sorted(c["id"] for c in cases)
    errors = list(_validator().iter_errors(doc))
    assert not errors, [e.message for e in errors[:10]]
    for c in doc["cases"]:
        entry = f"{top}/{c['input']}"
        assert entry in names or any(n.startswith(entry + "/") for n in names), f"{c['id']}: no {c['input']}"
    assert {n.split("/")[2] for n in names if n.startswith(f"{top}/cases/")} == {c["id"] for c in cases}


def test_the_kit_holds_every_chosen_case_and_its_bytes_are_reproducible(small_kit, tmp_path):
    assert {_form(c) for c in _sample()} == {_form(c) for c in CASES} >= {"folder", "zip", "file"}
    assert_complete(small_kit, _sample())
    again = build_kit(tmp_path, _sample())
    assert again.read_bytes() == small_kit.read_bytes()


def run_runner(kit: Path, command: str, *extra: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The runner as a vendor runs it: the kit's copy, on an interpreter without site-packages
    (the standard library only)."""
    (cwd / "run_conformance_kit.py").write_bytes(RUNNER.read_bytes())   # the kit's copy (checked: the same bytes)
    return subprocess.run([sys.executable, "-I", "-S", "run_conformance_kit.py", str(kit), "--command", command, *extra],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def test_jn_exchange_passes_every_case_of_the_kit(small_kit, tmp_path):
    done = run_runner(small_kit, JN_COMMAND.replace("jn-exchange", str(JN), 1), "--json", "results.json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["passed"] == results["total"] == len(_sample())


def test_an_implementation_that_sees_nothing_fails_the_failing_cases_only(small_kit, tmp_path):
    silent = f"{sys.executable} -c \"print('{{\\\"findings\\\": []}}')\" {{input}}"
    done = run_runner(small_kit, silent, "--json", "results.json", cwd=tmp_path)
    assert done.returncode == 1
    results = {c["id"]: c for c in json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["cases"]}
    for case in _sample():
        assert results[case["id"]]["passed"] == bool(case.get("passes")), results[case["id"]]
        if not case.get("passes"):
            assert results[case["id"]]["problems"][0].startswith("missing: code=" + case["expect"][0]["code"])


def test_the_runner_takes_the_unpacked_kit_too(small_kit, tmp_path):
    with zipfile.ZipFile(small_kit) as zf:
        zf.extractall(tmp_path / "unpacked")
    case = next(c for c in _sample() if c.get("passes"))
    command = JN_COMMAND.replace("jn-exchange", str(JN), 1)
    done = run_runner(tmp_path / "unpacked" / small_kit.stem, command, "--only", case["id"], cwd=tmp_path)
    assert done.returncode == 0 and f"PASS  {case['id']}" in done.stdout and "1/1 cases passed" in done.stdout


def test_a_command_without_a_report_fails_every_case(small_kit, tmp_path):
    done = run_runner(small_kit, f"{sys.executable} -c pass {{input}}", "--only", "*", cwd=tmp_path)
    assert done.returncode == 1 and "no JSON report" in done.stdout and "0/" in done.stdout


def test_a_file_that_is_not_a_kit_is_refused_in_one_line(tmp_path):
    (tmp_path / "not-a-kit.zip").write_bytes(b"PK\x03\x04 not really")
    done = run_runner(tmp_path / "not-a-kit.zip", "x {input}", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("run_conformance_kit: cannot unpack") and "Traceback" not in done.stderr


CASE = {"id": "X", "rule": "JN-CELL-001", "passes": False, "also": ["JN-FILE-003"],
        "expect": [{"code": "JN-CELL-001", "resource": "t", "row": 2, "field": "f", "count": 3}]}
WHERE = "code=JN-CELL-001, resource=t, row=2, field=f"


def _finding(row: int, code: str = "JN-CELL-001", resource: str = "t") -> dict[str, Any]:
    return {"code": code, "resource": resource, "row": row, "field": "f"}


def _tally(count: int, resource: str = "t") -> dict[str, Any]:
    return {"code": "JN-CELL-001", "resource": resource, "count": count}


@pytest.mark.parametrize(("report", "problem"), [
    ({"findings": [_finding(2), _finding(3), _finding(4)]}, None),
    ({"findings": [_finding(2), _finding(3), _finding(4), _finding(5, resource="u")]}, None),
    ({"findings": [_finding(2)], "rules": [_tally(3), _tally(1, "u")]}, None),          # examples capped, tallies exact
    ({"findings": [_finding(2), _finding(3)]}, f"count: {WHERE}: expected 3, reported 2"),
    ({"findings": [_finding(2)], "rules": [_tally(4)]}, f"count: {WHERE}: expected 3, reported 4"),
    ({"findings": [_finding(3), _finding(4), _finding(5)]}, f"missing: {WHERE}"),
    ({"findings": [_finding(2), _finding(3), _finding(4), _finding(1, "JN-FILE-003")]}, None),
    ({"findings": [_finding(2), _finding(3), _finding(4), _finding(1, "JN-HDR-001")]}, "unexpected: JN-HDR-001"),
    ({"findings": 7, "rules": "x"}, f"missing: {WHERE}"),
])
def test_judge(report, problem):
    assert judge(CASE, report) == ([problem] if problem else [])


def test_judge_allows_extra_codes_when_asked_and_a_boundary_must_not_report_its_rule():
    extra = {"findings": [_finding(2), _finding(3), _finding(4), _finding(1, "JN-HDR-001")]}
    assert judge(CASE, extra, allow_extra=True) == []
    boundary = {**CASE, "passes": True, "expect": []}
    assert judge(boundary, {"findings": [_finding(2)]}) == ["JN-CELL-001 reported on a case it must accept",
                                                            "unexpected: JN-CELL-001"]


def test_docs_show_the_commands_the_tests_run():
    for page in DOCS:
        text = page.read_text(encoding="utf-8")
        assert "python scripts/build_conformance_kit.py dist/" in text and JN_COMMAND in text, page


@pytest.mark.slow
def test_the_whole_corpus_is_in_the_kit_and_jn_exchange_passes_every_case(tmp_path):
    kit = build_kit(tmp_path / "dist", CASES)
    assert_complete(kit, CASES)
    done = run_runner(kit, JN_COMMAND.replace("jn-exchange", str(JN), 1), "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, "\n".join(ln for ln in done.stdout.splitlines() if not ln.startswith("PASS"))[-5000:]
