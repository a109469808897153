"""The same service on PostgreSQL, as in production: the migrations, the job queue (huey's SQL
storage with FOR UPDATE SKIP LOCKED) and two workers on a real server started for the test
(the fixture of tests/test_clients_postgresql.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from tests.service.conftest import PASSWORD, mutated_example, zipped
from tests.service.running import Service, setup_org
from tests.test_clients_postgresql import pg  # noqa: F401 - the PostgreSQL server fixture


def test_service_on_postgresql(pg, tmp_path: Path):  # noqa: F811
    url = f"postgresql+psycopg://{pg.user}@127.0.0.1:{pg.port}/{pg.new_db()}"
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD)
    svc = Service(tmp_path / "data", workers=2, database_url=url)
    token = setup_org(svc, pw)
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
    finally:
        svc.stop()
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"submissions", "audit_events", "alembic_version", "task"} <= tables
    assert not (tmp_path / "data" / "service.sqlite3").exists() and not (tmp_path / "data" / "queue.sqlite3").exists()
