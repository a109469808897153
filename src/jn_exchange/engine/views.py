"""The typed views the business rules read: one per table, named as the table, with `_rowid`
and each field cast to its logical type (engine/types.py)."""

from __future__ import annotations

import duckdb

from jn_exchange.engine.lines import LoadedTable
from jn_exchange.engine.sql import q
from jn_exchange.engine.types import logical_type
from jn_exchange.profile import TableSpec


def create_typed_view(con: duckdb.DuckDBPyConnection, spec: TableSpec, t: LoadedTable | None,
                      view_columns: frozenset[str] | None) -> None:
    """The view of one table; a table that was not loaded (`t` None) gets an empty view.
    Only the fields in `view_columns` are kept (None: all)."""
    cols = []
    for f in spec.fields:
        if view_columns is not None and f.name not in view_columns:
            continue
        ltype = logical_type(f.type)
        typed = ltype.cast(q(t.columns[f.name])) if t and f.name in t.columns else ltype.null()
        cols.append(f"{typed} AS {q(f.name)}")
    if t is None:
        con.execute(f"CREATE OR REPLACE VIEW {q(spec.name)} AS SELECT NULL::BIGINT AS _rowid, "
                    + ", ".join(cols) + " WHERE false")
    else:
        con.execute(f"CREATE OR REPLACE VIEW {q(spec.name)} AS SELECT rowid AS _rowid, "
                    + ", ".join(cols) + f" FROM {t.raw}")
