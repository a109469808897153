"""What an engine is told once, when it is made: nothing is set on it afterwards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jn_exchange.config import DEFAULT_MEMORY_LIMIT, Limits

__all__ = ["DEFAULT_MEMORY_LIMIT", "DUCKDB_SHARE", "EngineSettings", "duckdb_memory_limit", "size_in_bytes"]


# DuckDB's share of the memory limit given: the rest is for what it does not count (the reader's
# buffers, allocations outside its buffer pool) and Python. 100M rows (9.5 GB of CSV) under 4GB
# given to DuckDB whole peaked at 4.67 GB (RSS), over the limit; with this share, at 3.87 GB
DUCKDB_SHARE = 0.8

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B)\s*$", re.I)
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def size_in_bytes(limit: str) -> float | None:
    """'512MB', '4GB', '1GiB' in bytes (decimal units as DuckDB reads them); None if not a size."""
    m = _SIZE.match(limit)
    return float(m.group(1)) * _UNITS[m.group(2).upper()] if m and m.group(2).upper() in _UNITS else None


def duckdb_memory_limit(limit: str) -> str:
    """DuckDB's memory_limit for the limit the user gave the whole run (DUCKDB_SHARE of it); a
    text that is not a size is passed on for DuckDB to refuse in its own words."""
    given = size_in_bytes(limit)
    return f"{max(1, int(given * DUCKDB_SHARE / 10**6))}MB" if given else limit


@dataclass(frozen=True)
class EngineSettings:
    limits: Limits = field(default_factory=Limits)
    memory_limit: str = DEFAULT_MEMORY_LIMIT   # the run's; DuckDB gets its share, and spills to the work folder beyond it
    threads: int | None = None       # DuckDB's threads (None: its default, every core)
    # a package run through `jn-exchange pseudonymize` (descriptor "jn:pseudonymized": true):
    # keyed-hash fields hold HMAC-SHA256 hex, masked fields hold '*'
    pseudonymized: bool = False
    # the columns the typed views carry (None: all): binding ~30 casts per view for every
    # rule cost more than running the rules, so only the names the rules use are kept
    view_columns: frozenset[str] | None = None
    # statements every connection of the run starts with (DuckDB's variables belong to one
    # connection: the business rules' `as_of` is set once per worker, not once per rule)
    session: tuple[str, ...] = ()
