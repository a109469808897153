"""The schema and the data directory: migrations that match the models, retention that removes
old packages but keeps receipts and reports, settings from the environment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, update

from jn_exchange.service.db import Database
from jn_exchange.service.models import Base, Submission
from jn_exchange.service.settings import from_env
from jn_exchange.service.storage import purge_expired
from tests.service.conftest import World, mutated_example, zipped


def test_migrations_build_exactly_the_models(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    db.upgrade()
    db.upgrade()        # idempotent
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == []


def test_retention_removes_old_packages_and_keeps_receipts_and_reports(world: World, tmp_path: Path):
    old = world.submit(zipped(mutated_example(tmp_path / "old", [0])))["id"]
    new = world.submit(zipped(mutated_example(tmp_path / "new", [])))["id"]
    with world.db.session() as s:
        s.execute(update(Submission).where(Submission.public_id == old).values(
            received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=world.settings.retention_days + 1)))
    with world.db.session() as s:
        assert purge_expired(s, world.settings) == 1
    with world.db.session() as s:
        kept = dict(s.execute(select(Submission.public_id, Submission.stored_path)).all())
    assert kept[old] is None and kept[new] is not None
    assert not (world.settings.packages_dir / old).exists() and (world.settings.packages_dir / new).exists()
    sub = world.client.get(f"/api/v1/submissions/{old}", headers=world.auth("a")).json()
    assert sub["package_kept"] is False and sub["verdict"] == "fail"
    assert world.client.get(f"/api/v1/submissions/{old}/report?format=text", headers=world.auth("a")).status_code == 200
    assert world.client.get(f"/api/v1/submissions/{old}/receipt", headers=world.auth("a")).json()["verdict"] == "fail"


def test_settings_from_the_environment(tmp_path: Path):
    s = from_env({"JN_EXCHANGE_DATA_DIR": str(tmp_path), "JN_EXCHANGE_LEASE_SECONDS": "7",
                  "JN_EXCHANGE_SECURE_COOKIES": "always"})
    assert (s.lease_seconds, s.secure_cookies, s.db_url) == (7, "always", f"sqlite:///{tmp_path.resolve()}/service.sqlite3")
    with pytest.raises(ValueError, match="LEASE_SECONDS"):
        from_env({"JN_EXCHANGE_DATA_DIR": str(tmp_path), "JN_EXCHANGE_LEASE_SECONDS": "soon"})
    with pytest.raises(ValueError, match="DATA_DIR"):
        from_env({})
