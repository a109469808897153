"""The vectorised engine: every table is loaded once into DuckDB as text columns (so every bad
cell is found with its row), then each check is a SQL expression. Counts are exact and come
from one aggregate scan per table; only the capped example rows are fetched into Python.

    core.py      Engine: the DuckDB connection, a cursor per worker, the loaded tables
    settings.py  EngineSettings: what an engine is told when it is made
    loading.py   read_csv into DuckDB; DuckDB's rejects and rows of the wrong width
    lines.py     LoadedTable and where its rows sit in the file
    types.py     the standard's logical types: valid-value SQL and typed-view casts
    cells.py     the cell rules
    keys.py      keys and foreign keys
    views.py     the typed views the business rules read
    messages.py  the engine's user-facing text
    sql.py       quoting"""

from __future__ import annotations

from jn_exchange.engine.core import Engine
from jn_exchange.engine.lines import LoadedTable
from jn_exchange.engine.settings import EngineSettings
from jn_exchange.engine.sql import lit, q

__all__ = ["Engine", "EngineSettings", "LoadedTable", "lit", "q"]
