"""Quoting for the SQL the engine writes: every name and value that comes from a package or
the standard goes through these two."""

from __future__ import annotations


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + value.replace("'", "''") + "'"
