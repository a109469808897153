"""Quoting for the SQL the engine writes: every name and value that comes from a package or
the standard goes through `q` and `lit`. And `one_row`, for the answer of an aggregate query."""

from __future__ import annotations

from typing import Any

import duckdb


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + value.replace("'", "''") + "'"


def one_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The row of a query that has exactly one, such as an aggregate without GROUP BY."""
    row = con.execute(sql).fetchone()
    assert row is not None, "an aggregate without GROUP BY returns one row"
    return row
