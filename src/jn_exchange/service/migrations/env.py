"""Alembic's environment: the connection comes from `Database.upgrade` (or from the URL in the
config when a developer runs `alembic` by hand), the target metadata from `models`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from jn_exchange.service.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as c:
            _migrate(c)
        return
    _migrate(conn)


def _migrate(conn: Connection) -> None:
    # render_as_batch: SQLite alters a table by copying it, Alembic's batch mode does that
    context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
