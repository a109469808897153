"""The engine: one in-memory DuckDB database (spilling to the private work folder, so memory
stays bounded on packages larger than RAM), a cursor per worker thread, and the tables loaded
so far. Each check lives in its own module; this class gives them the connection."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from jn_exchange.engine import cells, keys, views
from jn_exchange.engine.lines import LoadedTable
from jn_exchange.engine.loading import TableLoader
from jn_exchange.engine.settings import EngineSettings, duckdb_memory_limit
from jn_exchange.findings import Collector
from jn_exchange.profile import Profile, TableSpec
from jn_exchange.reader.csvscan import FileScan


class Engine:
    def __init__(self, workdir: Path, profile: Profile, collector: Collector, settings: EngineSettings):
        spill = workdir / "spill"
        spill.mkdir(parents=True, exist_ok=True)
        cfg: dict[str, Any] = {"temp_directory": str(spill), "memory_limit": duckdb_memory_limit(settings.memory_limit),
                               "preserve_insertion_order": True}
        if settings.threads:
            cfg["threads"] = settings.threads
        self._main = duckdb.connect(":memory:", config=cfg)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._n = 0
        self.profile = profile
        self.collector = collector
        self.settings = settings
        self.tables: dict[str, LoadedTable] = {}
        self._cell_rules = cells.CellRules(profile, settings.pseudonymized)
        cells.install_macros(self._main)   # the identifier checks the cell rules' SQL calls
        for sql in settings.session:
            self._main.execute(sql)

    # ------------------------------------------------------------------ connection
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the one in-memory database (tables are loaded by a few
        threads at once: DuckDB runs their queries concurrently, Python scans overlap them)."""
        return getattr(self._local, "con", None) or self._main

    def bind_thread(self) -> None:
        """Give the calling (worker) thread its own cursor."""
        if getattr(self._local, "con", None) is None:
            con = self._main.cursor()
            for sql in self.settings.session:
                con.execute(sql)
            self._local.con = con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's own cursor, made on first use."""
        self.bind_thread()
        return self.con

    def close(self) -> None:
        self._main.close()

    # ------------------------------------------------------------------ one table
    def load(self, spec: TableSpec, scan: FileScan, columns_in_file: list[str],
             rename: dict[str, str]) -> LoadedTable | None:
        """Load a CSV (already scanned) as text columns; None when DuckDB cannot read it (a
        finding says why). `rename` maps a file column to the standard field name."""
        with self._lock:
            self._n += 1
            n = self._n
        loader = TableLoader(self.con, self.collector, self.settings.limits, self.settings.view_columns)
        t = loader.load(n, spec, scan, columns_in_file, rename)
        if t is not None:
            self.tables[spec.name] = t
        return t

    def check_cells(self, t: LoadedTable) -> None:
        cells.check_cells(self.con, t, self._cell_rules, self.settings.limits, self.collector)

    def check_keys(self, t: LoadedTable) -> None:
        keys.check_keys(self.con, t, self.collector)

    def create_typed_view(self, name: str) -> None:
        """The typed view of one table for the business rules (created by the worker that
        loaded the table, while other tables load)."""
        views.create_typed_view(self.con, self.profile.tables[name], self.tables.get(name),
                                self.settings.view_columns)

    # ------------------------------------------------------------------ every table loaded
    def reference_groups(self) -> list[list[keys.ForeignKey]]:
        return keys.reference_groups(self.tables, self.profile)

    def check_reference_group(self, group: list[keys.ForeignKey]) -> list[keys.KeyFindings]:
        return keys.check_reference_group(self.con, self.tables, group, self.collector.max_examples)

    def create_missing_views(self) -> None:
        """An empty typed view for every table the package did not load."""
        for name in self.profile.tables:
            if name not in self.tables:
                self.create_typed_view(name)

    def keys_of(self, table: str, rowids: list[int]) -> dict[int, str | None]:
        """The record keys (as reports show them) of some rows of a loaded table."""
        loaded = self.tables.get(table)
        if loaded is None or not rowids:
            return {}
        ids = ", ".join(str(int(r)) for r in rowids)
        rows = self.cursor().execute(f"SELECT rowid, {loaded.key_sql()} FROM {loaded.raw} "
                                     f"WHERE rowid IN ({ids})").fetchall()
        return {int(r): loaded.shown_key(k) for r, k in rows}

    def line_of(self, table: str, rowid: int | None) -> int | None:
        """The file line of a row of a loaded table; None for a table not loaded or no row."""
        loaded = self.tables.get(table)
        return loaded.line_of(int(rowid)) if loaded is not None and rowid is not None else None
