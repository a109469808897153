"""The typed views the business rules read: one per table, named as the table, with `_rowid`
and each field as its logical type (engine/types.py), from the typed columns the load stored
(engine/derived.py)."""

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
        if t is None or f.name not in t.columns:
            typed = ltype.null()
        else:   # the value the load stored, or the text of a text field
            typed = t.derived.typed_column(f.name) or ltype.cast(q(t.columns[f.name]))
        cols.append(f"{typed} AS {q(f.name)}")
    if t is None:
        con.execute(f"CREATE OR REPLACE VIEW {q(spec.name)} AS SELECT NULL::BIGINT AS _rowid, "
                    + ", ".join(cols) + " WHERE false")
    else:
        con.execute(f"CREATE OR REPLACE VIEW {q(spec.name)} AS SELECT rowid AS _rowid, "
                    + ", ".join(cols) + f" FROM {t.raw}")
