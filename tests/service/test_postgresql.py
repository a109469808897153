"""The same service on PostgreSQL, as in production: the migrations, the job queue (huey's SQL
storage with FOR UPDATE SKIP LOCKED), two workers, and the city's database of accepted data on a
real server started for the test (the fixture of tests/test_clients_postgresql.py): a reviewer's
acceptance loads it, and the next submission's row-level change, computed by a worker, reads it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from tests.service.conftest import PASSWORD, mutated_example, zipped
from tests.service.running import Service, WebUser, setup_org
from tests.test_clients_postgresql import pg  # noqa: F401 - the PostgreSQL server fixture


def test_service_on_postgresql(pg, tmp_path: Path):  # noqa: F811
    url = f"postgresql+psycopg://{pg.user}@127.0.0.1:{pg.port}/{pg.new_db()}"
    city_url = f"postgresql://{pg.user}@127.0.0.1:{pg.port}/{pg.new_db()}"
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD)
    svc = Service(tmp_path / "data", workers=2, database_url=url, city_database_url=city_url)
    token = setup_org(svc, pw)
    svc.admin("add-user", "rita", "--role", "reviewer", "--password-file", str(pw))
    packages = [zipped(mutated_example(tmp_path / f"p{i}", rows)) for i, rows in enumerate(([0, 1], [1, 2], []))]
    svc.start()
    try:
        ids = [svc.call("POST", f"/api/v1/submissions?filename={p.name}", token, p.read_bytes())["id"]
               for p in packages]
        verdicts = [svc.wait_final(i, token)["verdict"] for i in ids]
        assert verdicts == ["fail", "fail", "pass"]
        cmp = svc.call("GET", f"/api/v1/submissions/{ids[1]}/comparison", token)["comparison"]
        assert cmp["previous"]["id"] == ids[0]
        assert {s: [k for g in gs for k in g["keys"]] for s, gs in cmp["by_record"].items()} == {
            "new": ["TR0000003"], "fixed": ["TR0000001"], "still": ["TR0000002"]}
        # the office accepts the passing one: loaded into the city's database on PostgreSQL
        rita = WebUser(svc, "rita", PASSWORD)
        assert rita.call("POST", f"/api/v1/submissions/{ids[2]}/review", {"action": "accept",
                                                                            "period": "2025-12"})["review"]["state"] == "accepted"
        [load] = rita.call("GET", "/api/v1/city/loads")["loads"]
        assert (load["organisation"], load["period"], load["submission"]) == ("ORG-A", "2025-12", ids[2])
        # the next submission's change against it, computed by a worker from the PostgreSQL city database
        again = zipped(mutated_example(tmp_path / "p3", [0]))
        nxt = svc.call("POST", f"/api/v1/submissions?filename={again.name}&period=2025-12", token,
                       again.read_bytes())["id"]
        svc.wait_final(nxt, token)
        change = svc.call("GET", f"/api/v1/submissions/{nxt}/change", token)["change"]
        assert change["previous"]["submission_id"] is not None and change["previous"]["period"] == "2025-12"
        assert [(t["table"], t["changed"], t["examples"]["changed"]) for t in change["tables"]] == [
            ("training_record", 1, [{"key": "TR0000001", "fields": ["hours"]}])]
    finally:
        svc.stop()
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    city = create_engine(city_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        assert {"jn_city_loads", "training_record", "enforcement_agency"} <= set(inspect(city).get_table_names())
    finally:
        city.dispose()
    assert {"submissions", "audit_events", "alembic_version", "task"} <= tables
    assert not (tmp_path / "data" / "service.sqlite3").exists() and not (tmp_path / "data" / "queue.sqlite3").exists()
    assert not (tmp_path / "data" / "city.duckdb").exists()
