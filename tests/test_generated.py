"""The committed, generated artifacts (src/jn_exchange/generated/): up to date with schema/,
and each usable on its own: DDL runs in DuckDB, Table Schemas have keys whose targets exist,
the Pydantic models validate a package, the JSON Schema is valid draft 2019-09."""

from __future__ import annotations

import enum
import importlib
import importlib.util
import json
import re
from pathlib import Path

import duckdb
import jsonschema
import pydantic
import pytest

import jn_exchange
from tests._need import missing, need

GENERATED = Path(jn_exchange.__file__).parent / "generated"
HAVE_LINKML = not (missing("linkml") or missing("linkml_runtime"))

AGENCY = {
    "agency_id": "JN-SFJ", "uscc": "11370100004188163X", "name": "济南市司法局", "agency_nature": "01",
    "admin_level": "1", "division_code": "370100", "accountability_authority": "370100",
    "is_supervision_body": True, "established_date": "2019-01-01",
}


def _json(rel: str):
    return json.loads((GENERATED / rel).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def profile() -> dict:
    return _json("package-profile.json")


@pytest.fixture(scope="module")
def schemas(profile) -> dict[str, dict]:
    return {r["name"]: _json(r["schema"]) for r in profile["resources"]}


@pytest.fixture(scope="module")
def models():
    return importlib.import_module("jn_exchange.generated.models")


@pytest.mark.skipif(not HAVE_LINKML, reason="linkml (the build extra) is not installed, so the artifacts cannot be "
                                            "regenerated to compare; pip install 'jn-exchange[build]'")
@pytest.mark.slow
def test_committed_artifacts_are_up_to_date(capsys):
    from jn_exchange.generate import run_generate

    code = run_generate(check=True)
    out = capsys.readouterr()
    assert code == 0, f"generated artifacts are stale; run `jn-exchange generate`:\n{out.out}{out.err}"


def test_generated_json_is_readable_chinese_with_sorted_keys():
    def sorted_pairs(pairs):
        keys = [k for k, _ in pairs]
        assert keys == sorted(keys), f"keys not sorted: {keys}"
        return dict(pairs)

    for path in sorted(GENERATED.rglob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n") or text.endswith("]\n"), f"{path.name}: no trailing newline"
        assert not re.search(r"\\u[3-9][0-9a-fA-F]{3}", text), f"{path.name}: Chinese escaped (ensure_ascii)"
        assert re.search(r"[\u4e00-\u9fff]", text), f"{path.name}: no Chinese text"
        json.loads(text, object_pairs_hook=sorted_pairs)


def test_profile_lists_every_table_schema_once(profile):
    names = [r["name"] for r in profile["resources"]]
    assert len(names) == len(set(names))
    on_disk = {p.stem for p in (GENERATED / "tableschemas").glob("*.json")}
    assert on_disk == set(names)
    for r in profile["resources"]:
        assert r["path"] == f"{r['name']}.csv" and r["schema"] == f"tableschemas/{r['name']}.json"
        assert r["module"] in {"organization", "enforcement", "supervision"}, r
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", profile["standard_version"])


def test_profile_order_puts_referenced_tables_first(profile, schemas):
    pos = {r["name"]: i for i, r in enumerate(profile["resources"])}
    refs = {name: {fk["reference"]["resource"] for fk in ts.get("foreignKeys", [])} - {"", name}
            for name, ts in schemas.items()}

    def reaches(a: str, b: str) -> bool:
        seen, todo = set(), [a]
        while todo:
            n = todo.pop()
            if n == b:
                return True
            if n not in seen:
                seen.add(n)
                todo.extend(refs[n])
        return False

    # a referenced table comes first, unless the two are in a reference cycle
    late = [(child, parent) for child in refs for parent in refs[child]
            if pos[parent] > pos[child] and not reaches(parent, child)]
    assert not late, f"tables listed before the tables they reference: {late}"


def test_every_table_schema_has_a_primary_key(schemas):
    for name, ts in schemas.items():
        names = [f["name"] for f in ts["fields"]]
        assert ts.get("primaryKey"), f"{name}: no primaryKey"
        assert all(k in names for k in ts["primaryKey"]), f"{name}: primaryKey names an unknown field"
        for uk in ts.get("uniqueKeys", []):
            assert isinstance(uk, list) and all(k in names for k in uk), f"{name}: bad unique key {uk}"
        assert len(names) == len(set(names)), f"{name}: duplicate field names"
        for f in ts["fields"]:
            assert f["type"] in {"string", "integer", "number", "date", "datetime", "boolean"}, (name, f["name"])
            assert re.search(r"[\u4e00-\u9fff]", f["title"]), f"{name}.{f['name']}: title is not Chinese"


def test_every_foreign_key_target_exists(schemas):
    for name, ts in schemas.items():
        for fk in ts.get("foreignKeys", []):
            target = fk["reference"]["resource"] or name
            assert target in schemas, f"{name}.{fk['fields']}: unknown table {target}"
            tnames = [f["name"] for f in schemas[target]["fields"]]
            assert all(f in tnames for f in fk["reference"]["fields"]), f"{name} -> {target}: unknown field"
            assert fk["reference"]["fields"] == schemas[target]["primaryKey"], f"{name} -> {target}: not its key"
            assert all(f in [x["name"] for x in ts["fields"]] for f in fk["fields"])


def test_codelist_fields_name_an_existing_codelist(schemas):
    codelists = {c["name"]: c for c in _json("codelists.json")}
    for name, ts in schemas.items():
        for f in ts["fields"]:
            if "jn:codelist" in f:
                codes = [v["code"] for v in codelists[f["jn:codelist"]]["values"]]
                assert f["constraints"]["enum"] == codes, f"{name}.{f['name']}"


def test_duckdb_ddl_creates_every_table(profile, schemas):
    con = duckdb.connect()
    con.execute((GENERATED / "ddl" / "duckdb.sql").read_text(encoding="utf-8"))
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {r["name"] for r in profile["resources"]}
    for name, ts in schemas.items():
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [name]).fetchall()]
        assert cols == [f["name"] for f in ts["fields"]], f"{name}: column order differs from the Table Schema"
    comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'enforcement_agency'").fetchone()[0]
    assert comment.startswith("行政执法单位")


def test_postgresql_ddl_covers_every_table(profile):
    sql = (GENERATED / "ddl" / "postgresql.sql").read_text(encoding="utf-8")
    created = re.findall(r'^CREATE TABLE "([a-z_0-9]+)"', sql, flags=re.M)
    assert created == [r["name"] for r in profile["resources"]]


def test_models_validate_a_minimal_package(models):
    pkg = models.ExchangePackage(standard_version="1.0.0", enforcement_agency=[AGENCY])
    assert pkg.enforcement_agency[0].agency_nature == "01"
    data = json.loads(pkg.model_dump_json(exclude_none=True))
    assert models.ExchangePackage(**data).enforcement_agency[0].name == "济南市司法局"
    with pytest.raises(pydantic.ValidationError):
        models.ExchangePackage(standard_version="1.0.0", enforcement_agency=[{**AGENCY, "agency_nature": "09"}])
    with pytest.raises(pydantic.ValidationError):
        models.ExchangePackage(standard_version="1.0.0", enforcement_agency=[{**AGENCY, "uscc": "not-a-code"}])


def test_enum_members_are_english_tokens(models):
    codelists = {c["name"]: c for c in _json("codelists.json")}
    enums = {n: e for n, e in vars(models).items() if isinstance(e, type) and issubclass(e, enum.Enum)
             and e.__module__ == models.__name__}
    assert set(enums) == set(codelists), "an enum of codelists.json has no Pydantic class, or the reverse"
    for name, e in enums.items():
        members = list(e.__members__)
        assert all(m.isascii() and re.fullmatch(r"[a-z][a-z0-9_]*", m) for m in members), (name, members)
        values = codelists[name]["values"]
        assert members == [v["token"] for v in values], f"{name}: members are not the tokens"
        assert [m.value for m in e] == [v["code"] for v in values], f"{name}: values lost or reordered"


def test_json_schema_is_valid_draft_2019_09():
    js = _json("jn_exchange.schema.json")
    assert js["$schema"] == "https://json-schema.org/draft/2019-09/schema"
    jsonschema.Draft201909Validator.check_schema(js)
    validator = jsonschema.Draft201909Validator(js)
    validator.validate({"standard_version": "1.0.0", "enforcement_agency": [AGENCY]})
    assert not validator.is_valid({"standard_version": "1.0.0", "enforcement_agency": [{**AGENCY, "admin_level": "9"}]})
    assert re.search(r"[\u4e00-\u9fff]", js["$defs"]["EnforcementAgency"]["title"])


def test_container_has_exactly_one_attribute_per_table(profile, models):
    tables = {r["name"]: r["jn:class"] for r in profile["resources"]}
    js = _json("jn_exchange.schema.json")
    props = {k: v for k, v in js["properties"].items() if k != "standard_version"}
    assert set(props) == set(tables)
    for name, prop in props.items():
        assert "array" in prop["type"] and prop["items"]["$ref"] == f"#/$defs/{tables[name]}", name
    fields = set(models.ExchangePackage.model_fields) - {"standard_version"}
    assert fields == set(tables)


def test_table_schemas_are_valid_frictionless_descriptors(schemas):
    frictionless = need("frictionless", "dev")
    for name, ts in schemas.items():
        report = frictionless.Schema.validate_descriptor(ts)
        assert report.valid, f"{name}: {[e.message for e in report.errors][:3]}"
