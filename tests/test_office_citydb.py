"""The city's database of accepted data (jn_exchange.office.citydb): the standard's DDL scoped to
an organisation's period, a load that replaces in one transaction and changes nothing when it
fails, rows traceable to their submission, and an export that validates and gives back what was
loaded. On the embedded DuckDB default and on a real PostgreSQL server (the fixture of
tests/test_clients_postgresql.py)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from jn_exchange.config import Config, Limits
from jn_exchange.office.citydb import PROVENANCE, CityDatabase, CityLoadError, city_ddl
from jn_exchange.profile import GENERATED, load_profile
from jn_exchange.validate import validate
from tests.test_clients_postgresql import pg  # noqa: F401 - the PostgreSQL server fixture

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jinan-sample"
PROFILE = load_profile()


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _edit(pkg: Path, table: str, row: int, **cells: str) -> None:
    rows = _rows(pkg / f"{table}.csv")
    for k, v in cells.items():
        rows[row + 1][rows[0].index(k)] = v
    with (pkg / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _copy(tmp: Path, name: str) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp / name))


def test_city_ddl_scopes_every_key_to_an_organisation_period():
    standard = (GENERATED / "ddl" / "postgresql.sql").read_text(encoding="utf-8")
    for dialect in ("postgresql", "duckdb"):
        ddl = city_ddl(dialect)
        tables = re.findall(r'CREATE TABLE "(\w+)" \(\n(.*?)\n\);', ddl, re.S)
        assert [t for t, _ in tables] == list(PROFILE.tables)
        for name, body in tables:
            lines = [x.strip().rstrip(",") for x in body.split("\n")]
            assert lines[:3] == ['"_submission_id" BIGINT NOT NULL', '"_organisation" TEXT NOT NULL',
                                 '"_period" TEXT NOT NULL'], name
            keys = [x for x in lines if x.startswith(("PRIMARY KEY", "UNIQUE", "FOREIGN KEY"))]
            assert keys and all('("_organisation", "_period", ' in x for x in keys), name
            # every column of the standard's table is there
            assert len(lines) - 3 - len(keys) == len(PROFILE.tables[name].fields), name
        fks = ddl.count("FOREIGN KEY (")
        # DuckDB cannot replace referenced rows in one transaction: its city tables omit them
        assert fks == (standard.count("FOREIGN KEY (") if dialect == "postgresql" else 0)
        assert ddl.count('REFERENCES "') == fks and ddl.count(') REFERENCES "') == fks


def _city(tmp: Path) -> CityDatabase:
    return CityDatabase(f"duckdb:///{tmp / 'city.duckdb'}")


def _count_all(city: CityDatabase, org: str, period: str) -> int:
    return sum(city.count(t, org, period) for t in PROFILE.tables)


def _example_rows() -> int:
    return sum(len(_rows(EXAMPLE / spec.path)) - 1 for spec in PROFILE.tables.values()
               if (EXAMPLE / spec.path).exists())


def test_load_replaces_the_organisation_period_and_keeps_the_others(tmp_path):
    city = _city(tmp_path)
    n = _example_rows()
    first = city.load(EXAMPLE, submission_id=1, organisation="ORG-A", period="2025-12")
    assert first.rows == n
    city.load(EXAMPLE, submission_id=2, organisation="ORG-B", period="2025-12")   # same keys, another agency
    city.load(EXAMPLE, submission_id=3, organisation="ORG-A", period="2025-11")   # same keys, another period
    smaller = _copy(tmp_path, "smaller")
    rows = _rows(smaller / "training_record.csv")
    with (smaller / "training_record.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows[:-5])
    city.load(smaller, submission_id=4, organisation="ORG-A", period="2025-12")
    assert _count_all(city, "ORG-A", "2025-12") == n - 5
    assert _count_all(city, "ORG-B", "2025-12") == n and _count_all(city, "ORG-A", "2025-11") == n
    assert {(x.organisation, x.period): x.submission_id for x in city.loads()} == {
        ("ORG-A", "2025-12"): 4, ("ORG-B", "2025-12"): 2, ("ORG-A", "2025-11"): 3}
    assert city.latest("ORG-A").submission_id == 4 and city.latest("ORG-A", besides=4).submission_id == 3
    # every row names the submission it came from
    import duckdb

    con = duckdb.connect(str(tmp_path / "city.duckdb"), read_only=True)
    try:
        got = con.execute('SELECT DISTINCT "_submission_id" FROM training_record WHERE "_organisation" = \'ORG-A\' '
                          "AND \"_period\" = '2025-12'").fetchall()
        cols = [r[0] for r in con.execute("DESCRIBE training_record").fetchall()][:3]
    finally:
        con.close()
    assert got == [(4,)] and tuple(cols) == PROVENANCE


def test_a_failing_load_changes_nothing(tmp_path):
    city = _city(tmp_path)
    city.load(EXAMPLE, submission_id=1, organisation="ORG-A", period="2025-12")
    before = _count_all(city, "ORG-A", "2025-12")
    bad = _copy(tmp_path, "bad")
    _edit(bad, "training_record", 0, hours="99")                  # fine
    _edit(bad, "enforcement_agency", 0, agency_nature="99")       # not in the code list: the CHECK refuses it
    with pytest.raises(CityLoadError) as err:
        city.load(bad, submission_id=2, organisation="ORG-A", period="2025-12")
    assert "nothing changed" in err.value.args[1] and "未作任何改动" in err.value.args[0]
    assert _count_all(city, "ORG-A", "2025-12") == before
    assert [x.submission_id for x in city.loads()] == [1]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(CityLoadError):
        city.load(broken, submission_id=3, organisation="ORG-A", period="2025-12")
    assert [x.submission_id for x in city.loads()] == [1]


def _sorted_tables(folder: Path) -> dict[str, list[list[str]]]:
    out = {}
    for spec in PROFILE.tables.values():
        if (folder / spec.path).exists():
            rows = _rows(folder / spec.path)
            out[spec.name] = [rows[0], *sorted(rows[1:])]
    return out


def _roundtrip(city: CityDatabase, tmp: Path) -> None:
    city.load(EXAMPLE, submission_id=7, organisation="ORG-A", period="2025")
    out = city.export(tmp / "out", organisation="ORG-A", period="2025")
    result = validate(out, Config({}, Limits()), as_of=dt.date(2026, 12, 5))
    assert result.valid, [f.code for f in result.findings]
    assert _sorted_tables(out) == _sorted_tables(EXAMPLE)   # what was loaded, value for value
    with pytest.raises(CityLoadError):
        city.export(tmp / "none", organisation="ORG-Z", period="2025")
    assert not (tmp / "none").exists()


def test_export_gives_back_what_was_loaded_and_validates(tmp_path):
    _roundtrip(_city(tmp_path), tmp_path)


def test_postgresql_load_replace_rollback_and_export(pg, tmp_path):  # noqa: F811
    city = CityDatabase(f"postgresql+psycopg://{pg.user}@127.0.0.1:{pg.port}/{pg.new_db()}")
    _roundtrip(city, tmp_path)
    n = _example_rows()
    city.load(EXAMPLE, submission_id=8, organisation="ORG-B", period="2025")
    assert _count_all(city, "ORG-B", "2025") == n
    # a reference to an agency the package lacks: the deferred foreign key refuses it at COMMIT
    orphan = _copy(tmp_path, "orphan")
    _edit(orphan, "training_record", 0, officer_id="NOBODY")
    with pytest.raises(CityLoadError) as err:
        city.load(orphan, submission_id=9, organisation="ORG-B", period="2025")
    assert "foreign key" in err.value.args[1].lower()
    assert _count_all(city, "ORG-B", "2025") == n
    assert {x.submission_id for x in city.loads()} == {7, 8}
    # an instant written in UTC is the same instant: stored once, exported in Beijing time
    utc = _copy(tmp_path, "utc")
    _edit(utc, "risk_event", 0, occurred_at="2025-02-22T01:40:00Z")
    city.load(utc, submission_id=10, organisation="ORG-C", period="2025")
    out = city.export(tmp_path / "utc-out", organisation="ORG-C", period="2025")
    assert _rows(out / "risk_event.csv")[1][2] == "2025-02-22T09:40:00+08:00"
    # the office's questions are read-only
    cols, rows = city.query('SELECT "_organisation", count(*) AS n FROM training_record GROUP BY 1 ORDER BY 1')
    assert cols == ["_organisation", "n"] and rows == [("ORG-A", 135), ("ORG-B", 135), ("ORG-C", 135)]
    with pytest.raises(CityLoadError):
        city.query("DELETE FROM training_record")
    assert city.count("training_record", "ORG-A", "2025") == 135


def test_the_office_queries_and_exports_from_the_command_line(tmp_path):
    import subprocess
    import sys

    url = f"duckdb:///{tmp_path / 'city.duckdb'}"
    _city(tmp_path).load(EXAMPLE, submission_id=1, organisation="ORG-A", period="2025-12")
    base = [sys.executable, "-m", "jn_exchange.cli", "service"]
    opts = ["--data-dir", str(tmp_path / "data"), "--city-database-url", url]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args, *opts], capture_output=True, text=True, timeout=120)

    done = run("city-query", 'SELECT "_period", count(*) AS n FROM enforcement_agency GROUP BY 1')
    assert done.returncode == 0 and done.stdout.splitlines() == ["_period,n", "2025-12,14"], done.stderr
    refused = run("city-query", "DELETE FROM enforcement_agency")
    assert refused.returncode == 1 and "查询失败" in refused.stderr and "Traceback" not in refused.stderr
    assert run("city-query", "SELECT count(*) FROM enforcement_agency").stdout.splitlines()[1] == "14"
    done = run("city-export", "--org", "ORG-A", "--period", "2025-12", "-o", str(tmp_path / "pkg"))
    assert done.returncode == 0 and (tmp_path / "pkg" / "datapackage.json").is_file(), done.stderr
    missing = run("city-export", "--org", "ORG-A", "--period", "2024", "-o", str(tmp_path / "none"))
    assert missing.returncode == 1 and "holds nothing" in missing.stderr and not (tmp_path / "none").exists()


def test_every_form_of_a_package_loads_the_same_rows(tmp_path):
    """A submission may be a zip, the JSON form or a filled workbook: the city database gets the
    same rows from each (opened by the validator's own opener; a workbook through `convert`)."""
    from click.testing import CliRunner

    from jn_exchange.cli import main
    from jn_exchange.sample.writer import json_form, zip_package

    doc = json_form(EXAMPLE, PROFILE, tmp_path / "example.json")
    book = tmp_path / "example.xlsx"
    res = CliRunner().invoke(main, ["template", str(book), "--from", str(EXAMPLE), "--lang", "en"])
    assert res.exit_code == 0, res.output
    forms = {"zip": zip_package(EXAMPLE, tmp_path / "example.zip"), "json": doc, "xlsx": book}
    city = _city(tmp_path)
    got = {}
    for i, (form, path) in enumerate(forms.items()):
        city.load(path, submission_id=i, organisation=form, period="2025")
        out = city.export(tmp_path / f"out-{form}", organisation=form, period="2025")
        got[form] = _sorted_tables(out)
    assert got["json"] == got["zip"] == got["xlsx"] == _sorted_tables(EXAMPLE) | {
        t: [r[0]] for t, r in got["zip"].items() if t not in _sorted_tables(EXAMPLE)}
