"""Where the validator's time goes, and the floor this engine cannot go under: the measurements
behind the benchmark page's "where the time goes" section. Not part of the tests.

    .venv/bin/python benchmarks/floors.py [--rows 1000000] [--repeat 5] [--data DIR]

Four measurements, each on a quiet machine:

0. **One statement.** What DuckDB takes to set up a statement and each condition in it, on a
   20-row table (nearly nothing to execute).

1. **Fixed cost.** A package of one data row per table (the example's first row of each file)
   has no data to speak of, so what its run costs is what every run costs: start-up, and the
   DuckDB statements the catalogue needs, each planned whatever the table's size. Measured as
   processes side by side (the CLI on it and on the example, the imports alone, DuckDB reading
   the same files into tables, `python -c pass`), and in process, one thread, with every
   statement timed and sorted by what it does.
2. **CPU by phase.** The same package and one of `--rows` rows validated on one thread, in
   process: the seconds of each phase (byte scan, load, cell checks, keys, foreign keys, business
   rules, ...) and the run's CPU seconds. Those divided by the cores are the shortest wall time the
   same work can take.
3. **The reads the targets are set against**, side by side: pyarrow reading every file, DuckDB
   reading every file into tables.

Writes benchmarks/floors.json; the website's benchmark page is rendered from it and from
validator-speed.json (`.venv/bin/python -m docsgen`)."""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validator_speed import (  # noqa: E402  (beside this script)
    BARE_DUCKDB,
    BARE_PYARROW,
    ROOT,
    data_rows,
    ensure_package,
    fresh_bytecode,
    side_by_side,
    validate_cmd,
)

RESULTS = ROOT / "benchmarks" / "floors.json"
AS_OF = dt.date(2026, 6, 30)

# a statement by what it does (its opening words), in the order the run makes them
KINDS: list[tuple[str, str]] = [
    ("load", r"CREATE TABLE raw_\d+ AS"),
    ("ragged_rows", r"(SELECT rowid, _shape|ALTER TABLE raw_|CREATE OR REPLACE TABLE raw_|SELECT count\(\*\) FROM raw_)"),
    ("rejects", r"SELECT line, error_type"),
    ("load_counts", r"SELECT \(SELECT count\(\*\) FROM raw_"),
    ("cells", r"SELECT count_if\("),
    ("keys", r"SELECT coalesce\(sum\(n\) - count\(\*\)"),
    ("foreign_keys", r"SELECT fk, count\(\*\)"),
    ("business_rules", r"SELECT \*, count\(\*\) OVER \(PARTITION BY _table\)"),
    ("typed_views", r"CREATE OR REPLACE VIEW"),
    ("examples", r"SELECT (c\.)?rowid"),
]


def kind_of(sql: str) -> str:
    head = sql.lstrip()[:120]
    return next((k for k, pattern in KINDS if re.match(pattern, head)), "other")


class _Timed:
    """A connection whose statements are timed by kind (the engine's statements all go through
    `Engine.con` / `Engine.cursor`)."""

    def __init__(self, con: Any, tally: Callable[[str, float, int], None]):
        self._con, self._tally = con, tally

    def execute(self, sql: str, *args: Any, **kw: Any) -> _Timed:
        t = time.perf_counter()
        self._con.execute(sql, *args, **kw)
        self._tally(kind_of(sql), time.perf_counter() - t, sql.count("count_if("))
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def one_row_package(example: Path, out: Path) -> Path:
    """The example with only its first data row in each file (hashes and sizes dropped)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    desc = json.loads((example / "datapackage.json").read_text(encoding="utf-8"))
    for r in desc.get("resources", []):
        r.pop("hash", None)
        r.pop("bytes", None)
    (out / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    for p in example.glob("*.csv"):
        with p.open(encoding="utf-8", newline="") as fh, (out / p.name).open("w", encoding="utf-8", newline="") as w:
            rows = csv.reader(fh)
            writer = csv.writer(w, lineterminator="\r\n" if b"\r\n" in p.read_bytes()[:4096] else "\n")
            writer.writerows(row for _, row in zip(range(2), rows))   # the header and one row
    return out


def in_process(pkg: Path, repeat: int) -> dict[str, Any]:
    """Validate `pkg` on one thread `repeat` times: the median run's seconds by phase, by
    statement kind, and its CPU seconds."""
    from jn_exchange import business
    from jn_exchange import validate as V
    from jn_exchange.config import Config, Limits
    from jn_exchange.engine.core import Engine

    lock = threading.Lock()
    phases: collections.defaultdict[str, float] = collections.defaultdict(float)
    stmts: collections.defaultdict[str, float] = collections.defaultdict(float)
    counts: collections.Counter[str] = collections.Counter()

    def tally(kind: str, dt_: float, conditions: int) -> None:
        with lock:
            stmts[kind] += dt_
            counts[kind] += 1
            if kind == "cells":
                counts["cell conditions"] += conditions

    def timed(owner: Any, name: str, label: str) -> Callable[[], None]:
        f = getattr(owner, name)

        def g(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                with lock:
                    phases[label] += time.perf_counter() - t
        setattr(owner, name, g)
        return lambda: setattr(owner, name, f)

    cpu_count, con_prop = os.cpu_count, Engine.con   # Engine.cursor() hands out this property's value too
    undo: list[Callable[[], None]] = []
    runs: list[dict[str, Any]] = []
    try:
        os.cpu_count = lambda: 1   # validate() sizes its workers and DuckDB's threads from this
        undo += [timed(V, "scan_file", "byte scan"), timed(Engine, "load", "load"),
                 timed(Engine, "check_cells", "cell checks"), timed(Engine, "check_keys", "keys"),
                 timed(Engine, "create_typed_view", "typed views"),
                 timed(Engine, "check_reference_group", "foreign keys"),
                 timed(business, "run_business_rules", "business rules"), timed(business, "prepare", "preparation"),
                 timed(V, "open_package", "opening"), timed(Engine, "__init__", "engine start")]
        Engine.con = property(lambda self: _Timed(con_prop.fget(self), tally))
        for _ in range(repeat):
            for c in (phases, stmts, counts):
                c.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            V.validate(pkg, Config({}, Limits()), as_of=AS_OF)
            # on one worker the rules queue behind the foreign keys submitted before them, and
            # run_business_rules waits for those too: their time is the foreign keys' phase
            phases["business rules"] -= phases["foreign keys"]
            runs.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                         "phases": dict(phases), "statements": {k: [counts[k], stmts[k]] for k in stmts},
                         "cell_conditions": counts["cell conditions"]})
    finally:
        for u in undo:
            u()
        Engine.con = con_prop
        os.cpu_count = cpu_count
    median = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    return {"wall": round(median["wall"], 3), "cpu": round(median["cpu"], 3),
            "cell_conditions": median["cell_conditions"],
            "phases": {k: round(v, 3) for k, v in sorted(median["phases"].items(), key=lambda kv: -kv[1])},
            "statements": {k: {"n": n, "s": round(s, 3)}
                           for k, (n, s) in sorted(median["statements"].items(), key=lambda kv: -kv[1][1])}}


IMPORTS = "import jn_exchange.validate, jn_exchange.reports"


def statement_costs(repeat: int = 200) -> dict[str, float]:
    """Milliseconds DuckDB takes, on one thread, for statements over a 20-row table of 20 text
    columns (so that nearly all of it is setting the statement up): one aggregate with no
    condition, with 20 IS NULL conditions, with 20 regular expressions, and 20 one-condition
    statements against one statement holding the 20."""
    import statistics

    import duckdb
    con = duckdb.connect(config={"threads": 1})
    cols = [f"c{i}" for i in range(20)]
    con.execute("CREATE TABLE t AS SELECT " + ", ".join(f"'v' || range AS {c}" for c in cols) + " FROM range(20)")

    def ms(*sqls: str) -> float:
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            for sql in sqls:
                con.execute(sql).fetchall()
            runs.append(time.perf_counter() - t)
        return round(statistics.median(runs) * 1000, 3)

    nulls = [f"count_if({c} IS NULL)" for c in cols]
    regexes = [f"count_if(NOT regexp_full_match({c}, '[0-9A-Za-z]{{1,{i + 5}}}'))" for i, c in enumerate(cols)]
    return {"bare": ms("SELECT count(*) FROM t"),
            "nulls_20": ms(f"SELECT {', '.join(nulls)} FROM t"),
            "regexes_20": ms(f"SELECT {', '.join(regexes)} FROM t"),
            "apart_20": ms(*(f"SELECT {n} FROM t" for n in nulls))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "jn-bench")
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    fresh_bytecode()
    cores = os.cpu_count() or 1
    example = ROOT / "examples" / "jinan-sample"
    out: dict[str, Any] = {"measured": dt.date.today().isoformat(), "cores": cores, "repeat": args.repeat,
                           "statement_ms": statement_costs()}
    print("one statement (ms):", out["statement_ms"], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        one = one_row_package(example, Path(tmp) / "one-row")
        report = Path(tmp) / "r.json"
        out["fixed"] = {"tables": len(list(one.glob("*.csv"))), "rows": data_rows(one),
                        "example_rows": data_rows(example), **side_by_side({
                            "example": validate_cmd(example, report),
                            "one_row": validate_cmd(one, report),
                            "imports": [sys.executable, "-c", IMPORTS],
                            "duckdb_read": [sys.executable, "-c", BARE_DUCKDB, str(one)],
                            "python": [sys.executable, "-c", "pass"]}, args.repeat)}
        print("fixed:", {k: v["wall"] for k, v in out["fixed"].items() if isinstance(v, dict)}, flush=True)
        out["one_row"] = in_process(one, args.repeat)
        print("one row per table, one thread:", out["one_row"], flush=True)
    out["example"] = in_process(example, args.repeat)
    print("example, one thread:", out["example"], flush=True)
    pkg, _ = ensure_package(args.data, args.rows, defects=False)
    big = in_process(pkg, args.repeat)
    out["big"] = {"rows": data_rows(pkg), **big,
                  **side_by_side({"pyarrow": [sys.executable, "-c", BARE_PYARROW, str(pkg)],
                                  "duckdb_read": [sys.executable, "-c", BARE_DUCKDB, str(pkg)]}, args.repeat)}
    # the shortest wall time the measured work allows on this machine's cores, all of them busy
    out["big"]["bound"] = round(big["cpu"] / cores, 3)
    print(f"{args.rows:,} rows, one thread:", out["big"], flush=True)
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}; now run .venv/bin/python -m docsgen")


if __name__ == "__main__":
    main()
