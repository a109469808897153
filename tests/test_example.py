"""The bundled example package against every generated artifact on its own: frictionless with
the Table Schemas, the JSON form with the JSON Schema and the Pydantic classes, and the CSVs
loaded into the DuckDB DDL with its primary and foreign keys enforced."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

import duckdb
import jsonschema
import pytest
from click.testing import CliRunner

import jn_exchange
from jn_exchange.cli import main
from jn_exchange.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jinan-sample"
EXAMPLE_JSON = ROOT / "examples" / "jinan-sample.json"
GENERATED = Path(jn_exchange.__file__).parent / "generated"


def test_every_table_has_rows_that_tie_together():
    prof = load_profile()
    for name, spec in prof.tables.items():
        with (EXAMPLE / spec.path).open(encoding="utf-8", newline="") as fh:
            assert sum(1 for _ in csv.reader(fh)) > 1, f"{name} has no rows"
    rows = {n: list(csv.DictReader((EXAMPLE / s.path).open(encoding="utf-8", newline=""))) for n, s in prof.tables.items()}
    # a supervision case through all six stages, a fault case with subjects and sanctions
    stages: dict[str, set[str]] = {}
    for r in rows["supervision_case_stage"]:
        stages.setdefault(r["supervision_case_id"], set()).add(r["stage"])
    assert any(s == {"1", "2", "3", "4", "5", "6"} for s in stages.values())
    subjects = {r["subject_id"]: r["subject_type"] for r in rows["fault_case_subject"]}
    assert {"1", "2"} <= set(subjects.values())
    assert any(r["subject_id"] in subjects for r in rows["unit_sanction"])
    # a penalty decision applying its discretion benchmark
    bench = {r["benchmark_id"] for r in rows["discretion_benchmark"]}
    assert any(r["benchmark_id"] in bench and r["discretion_statement"] for r in rows["penalty_decision"])


def test_json_form_is_valid_against_the_json_schema_and_the_pydantic_classes():
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    schema = json.loads((GENERATED / "jn_exchange.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert not problems, problems[:10]
    models = importlib.import_module("jn_exchange.generated.models")
    pkg = models.ExchangePackage(**doc)
    assert len(pkg.enforcement_agency) == len(doc["enforcement_agency"]) > 0
    # both forms carry the same data
    with (EXAMPLE / "penalty_decision.csv").open(encoding="utf-8", newline="") as fh:
        assert [r["action_id"] for r in csv.DictReader(fh)] == [r["action_id"] for r in doc["penalty_decision"]]


def _load_duckdb(ddl: str, package: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((GENERATED / "ddl" / ddl).read_text(encoding="utf-8"))
    for name, spec in load_profile().tables.items():   # the profile lists referenced tables first
        con.execute(f"INSERT INTO {name} SELECT * FROM read_csv(?, header=true, auto_detect=false, "
                    f"columns={{{', '.join(repr(f) + ': ' + repr('VARCHAR') for f in spec.field_names)}}})",
                    [str(package / spec.path)])
    return con


def test_a_pseudonymised_example_loads_into_the_pseudonymised_duckdb_ddl(tmp_path):
    (tmp_path / "key").write_text("9f" * 32, encoding="ascii")
    r = CliRunner().invoke(main, ["pseudonymize", str(EXAMPLE), str(tmp_path / "p"), "--key-file", str(tmp_path / "key")])
    assert r.exit_code == 0, r.output
    con = _load_duckdb("duckdb.pseudonymized.sql", tmp_path / "p")
    hashed = con.execute("SELECT citizen_id_number FROM enforcement_officer WHERE citizen_id_number IS NOT NULL").fetchall()
    assert hashed and all(len(h) == 64 for (h,) in hashed)
    with pytest.raises(duckdb.ConstraintException):   # the full profile's DDL refuses what it holds
        _load_duckdb("duckdb.sql", tmp_path / "p")


def test_example_loads_into_the_duckdb_ddl_with_keys_enforced():
    con = _load_duckdb("duckdb.sql", EXAMPLE)
    n = con.execute("SELECT count(*) FROM supervision_case_stage").fetchone()[0]
    assert n > 0
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO action_officer (action_id, officer_id, role) VALUES ('NO-SUCH-ACTION', 'X', '1')")
