"""What an engine is told once, when it is made: nothing is set on it afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field

from jn_exchange.config import Limits


@dataclass(frozen=True)
class EngineSettings:
    limits: Limits = field(default_factory=Limits)
    memory_limit: str = "1GB"        # DuckDB's; it spills to the work folder beyond it
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
