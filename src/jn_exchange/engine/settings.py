"""What an engine is told once, when it is made: nothing is set on it afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field

from jn_exchange.config import Limits

# DuckDB's memory before it spills to the run's private folder: 10M rows (1 GB of CSV) peak at
# 670 MB under it, against 1.15 GB under 1 GB, for 14% more CPU; up to about 2M rows nothing spills
DEFAULT_MEMORY_LIMIT = "512MB"


@dataclass(frozen=True)
class EngineSettings:
    limits: Limits = field(default_factory=Limits)
    memory_limit: str = DEFAULT_MEMORY_LIMIT   # DuckDB's; it spills to the work folder beyond it
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
