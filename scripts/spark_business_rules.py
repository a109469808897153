"""The business-rule catalogue on Spark: what a province would run over the union of its cities'
packages, checked here against DuckDB on one package.

    .venv/bin/pip install -e '.[scale]'      # pyspark and sqlglot (Java 17 on the PATH)
    .venv/bin/python scripts/spark_business_rules.py PACKAGE [--rows-limit N] [--rules CODE,...]
        [--as-of YYYY-MM-DD] [--output spark-business-rules.json]

Each rule's `sql` (rules/business/*.yaml) is DuckDB SQL over the typed views. Here it is parsed
with sqlglot (DuckDB dialect), the macros it calls are expanded in place (as DuckDB itself
expands them: the day counting of business/calendar.py, the texts' dates and scopes of
business/texts.py, the identifier checks of engine/cells.py), `getvariable('as_of')` becomes a
date literal, the few Spark-specific rewrites of `REWRITES` are applied, and the result is
written as Spark SQL. Spark (master local[2]) reads each CSV as text, gives every record its
0-based `_rowid` (as DuckDB's rowid) and casts each field by its logical type (the cast of
engine/types.py, transpiled too); the calendar table is DuckDB's, shipped as data.

The same package is validated by `jn-exchange validate --format json --max-examples 100000`
(the reference findings), and the rules are also run one by one on DuckDB over the same typed
views (engine/views.py) for their times. The comparison (codes, tables, rows and counts; and the
rules' output values, DuckDB's own against Spark's) goes to --output and a summary to stdout.
Exit 0 when every rule agrees, 1 otherwise."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from jn_exchange import business
from jn_exchange.engine.cells import MACROS as CELL_MACROS
from jn_exchange.engine.cells import install_macros
from jn_exchange.engine.lines import LoadedTable
from jn_exchange.engine.sql import q
from jn_exchange.engine.types import logical_type
from jn_exchange.engine.views import create_typed_view
from jn_exchange.masking import show
from jn_exchange.profile import Profile, TableSpec, load_profile
from jn_exchange.rules import Rule

# --- the Spark-specific rewrites: one table, each with the sqlglot gap (or Spark difference) it covers


@dataclass(frozen=True)
class Rewrite:
    name: str
    reason: str
    apply: Callable[[exp.Expression], bool]     # rewrites the DuckDB-dialect tree in place; True if it did


def _full_match(tree: exp.Expression) -> bool:
    hits = list(tree.find_all(exp.RegexpFullMatch))
    for node in hits:
        pattern = node.expression
        anchored = exp.Literal.string(f"^(?:{pattern.name})$") if isinstance(pattern, exp.Literal) else \
            exp.func("concat", exp.Literal.string("^(?:"), pattern.copy(), exp.Literal.string(")$"))
        node.replace(exp.RegexpLike(this=node.this.copy(), expression=anchored))
    return bool(hits)


def _tuple_lists(tree: exp.Expression) -> bool:
    tuples = [t for a in tree.find_all(exp.Array) for t in a.expressions if isinstance(t, exp.Tuple)]
    if not tuples:
        return False
    for t in tuples:   # named members: Spark names an unnamed one after its column, so the array's types differ
        t.replace(exp.Struct(expressions=[exp.alias_(e.copy(), f"m{i}") for i, e in enumerate(t.expressions, 1)]))
    for b in list(tree.find_all(exp.Bracket)):
        index = b.expressions[0] if len(b.expressions) == 1 else None
        if isinstance(b.this, exp.Column) and isinstance(index, exp.Literal) and index.is_int:
            # sqlglot keeps the index 0-based in the tree (DuckDB's fv[1] is stored as 0)
            b.replace(exp.Dot(this=b.this.copy(), expression=exp.to_identifier(f"m{int(index.name) + 1}")))
    return True


@lru_cache(maxsize=1)
def _date_fields() -> frozenset[str]:
    """The fields whose logical type is date, in any table (engine/types.py's names)."""
    return frozenset(f.name for t in load_profile().tables.values() for f in t.fields if f.type == "date")


def _date_difference(tree: exp.Expression) -> bool:
    subs = [s for s in tree.find_all(exp.Sub)
            if all(isinstance(x, exp.Column) and x.name in _date_fields() for x in (s.left, s.right))]
    for s in subs:
        s.replace(exp.paren(exp.DateDiff(this=s.left.copy(), expression=s.right.copy(), unit=exp.var("DAY"))))
    return bool(subs)


# DuckDB reads a date written with '/' or ' ' between its parts (2024/6/17) and no partial date;
# Spark the reverse. A cell so written already has its cell finding, but a rule must still see
# the date DuckDB sees.
_DUCKDB_DATE = r"^\s*[0-9]+([-/ ])[0-9]{1,2}\1[0-9]{1,2}([^0-9]|$)"
_DATE_PARTS = r"^(\s*[0-9]+)[-/ ]([0-9]{1,2})[-/ ]([0-9]{1,2})"


_DATE_TYPES = (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ)


def _duckdb_dates(tree: exp.Expression) -> bool:
    casts = [c for c in tree.find_all(exp.TryCast) if c.to.this in _DATE_TYPES]
    for c in casts:
        text = c.this.copy()
        c.set("this", exp.Case().when(
            exp.RegexpLike(this=text, expression=exp.Literal.string(_DUCKDB_DATE)),
            exp.RegexpReplace(this=text.copy(), expression=exp.Literal.string(_DATE_PARTS),
                              replacement=exp.Literal.string("$1-$2-$3"))))
    return bool(casts)


REWRITES: tuple[Rewrite, ...] = (
    Rewrite("regexp_full_match", "sqlglot writes DuckDB's regexp_full_match unchanged, and Spark has no such "
            "function; RLIKE matches anywhere, so the pattern is anchored: x RLIKE '^(?:p)$'", _full_match),
    Rewrite("tuple lists", "sqlglot writes a DuckDB list of tuples [('f', x)] as ARRAY(('f', x)), which Spark "
            "rejects, and the tuple's fv[1] as fv[0]; Spark needs ARRAY(STRUCT('f' AS m1, x AS m2)) and fv.m1",
            _tuple_lists),
    Rewrite("date difference", "DuckDB's date - date is a number of days; sqlglot keeps the minus, which in Spark "
            "is an interval (no arithmetic with numbers): DATEDIFF(a, b)", _date_difference),
    Rewrite("DuckDB date text", "the typed views' TRY_CAST to DATE/TIMESTAMP: DuckDB reads 2024/6/17 and "
            "2024 6 17 and rejects 2024 or 2024-06, Spark the reverse; the text is normalised first (only a "
            "malformed cell, already a cell finding, differs)", _duckdb_dates),
)


# Spark settings for a local measurement run (not SQL rewrites; reported beside them)
SPARK_CONF: dict[str, tuple[str, str]] = {
    "spark.sql.shuffle.partitions": ("8", "the default 200 shuffle partitions is made for a cluster; on local[2] "
                                     "it turns every join into 200 tiny tasks"),
    "spark.ui.enabled": ("false", "no web server for a measurement run"),
}

# --- the macros, as DuckDB defines them, expanded where they are called

_MACRO = re.compile(r"CREATE OR REPLACE MACRO\s+(\w+)\s*\(([^)]*)\)\s+AS\s+(.*)", re.S | re.I)


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    body: exp.Expression


class _Recorder:
    """A DuckDB connection that also keeps every statement run through it (the macro definitions
    of business.prepare, read where they are written rather than copied here)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        self.statements.append(sql)
        return self.con.execute(sql) if params is None else self.con.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:   # data (jn_code_bounds), not a macro
        return self.con.executemany(sql, rows)


def prepare_duckdb(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, Macro]:
    """Install the calendar and every macro in `con` (as the validator does) and return the
    macros as sqlglot trees."""
    rec = _Recorder(con)
    business.prepare(rec, as_of)  # type: ignore[arg-type]
    install_macros(con)
    con.execute(f"SET VARIABLE as_of = DATE '{as_of.isoformat()}'")
    statements = [s for text in rec.statements for s in re.split(r";\s*(?=CREATE|$)", text)]
    statements += [f"CREATE OR REPLACE MACRO {name}(x) AS ({body})" for name, body in CELL_MACROS.items()]
    macros: dict[str, Macro] = {}
    for s in statements:
        m = _MACRO.match(s.strip())
        if m:
            params = tuple(p.strip() for p in m.group(2).split(",") if p.strip())
            macros[m.group(1).lower()] = Macro(m.group(1), params, sqlglot.parse_one(m.group(3), read="duckdb"))
    return macros


def expand_macros(tree: exp.Expression, macros: dict[str, Macro]) -> list[str]:
    """Replace every call of a macro by its body, its parameters by the call's arguments, until
    none is left (scopes call the texts' macros). Returns the macros expanded."""
    used: list[str] = []
    for _ in range(20):   # macros nest a few levels deep; a cycle would be a catalogue bug
        calls = [n for n in tree.find_all(exp.Anonymous) if n.name.lower() in macros]
        if not calls:
            return used
        for call in calls:
            m = macros[call.name.lower()]
            args = dict(zip(m.params, call.expressions))
            body = m.body.copy()
            params = [c for c in body.find_all(exp.Column) if not c.table and c.name in args]
            for c in params:   # collected first: an argument may itself be a column of that name
                c.replace(exp.paren(args[c.name].copy()))
            call.replace(exp.paren(body) if body is not call else body)
            used.append(m.name)
    raise RuntimeError("macro expansion does not end")


def _as_of_literal(tree: exp.Expression, as_of: dt.date) -> None:
    for node in list(tree.find_all(exp.Anonymous)):
        if node.name.lower() == "getvariable":
            node.replace(exp.cast(exp.Literal.string(as_of.isoformat()), "DATE"))


@dataclass
class Transpiled:
    code: str
    sql: str = ""
    rewrites: list[str] = field(default_factory=list)
    macros: list[str] = field(default_factory=list)
    error: str | None = None


def transpile(rule: Rule, macros: dict[str, Macro], as_of: dt.date) -> Transpiled:
    out = Transpiled(rule.code)
    try:
        tree = sqlglot.parse_one(rule.sql or "", read="duckdb")
        out.macros = sorted(set(expand_macros(tree, macros)))
        _as_of_literal(tree, as_of)
        out.rewrites = [r.name for r in REWRITES if r.apply(tree)]
        out.sql = tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except (sqlglot.errors.SqlglotError, RuntimeError) as exc:
        out.error = f"{type(exc).__name__}: {exc}"
    return out


def to_spark(duckdb_sql: str) -> str:
    """One DuckDB expression (a cast of engine/types.py) as Spark SQL, with the same rewrites."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    for r in REWRITES:
        r.apply(tree)
    return tree.sql(dialect="spark")


# --- the package: its tables' files (a --rows-limit run works on a copy of each table's first rows)


def package_tables(root: Path, profile: Profile, work: Path) -> dict[str, Path]:
    """Each standard table's CSV file, read through the one opener (a folder, zip or descriptor)."""
    from jn_exchange.config import Limits
    from jn_exchange.descriptor import Fatal
    from jn_exchange.findings import Collector
    from jn_exchange.package import identify, open_package

    try:
        pkg = open_package(identify(root), profile, Collector(), Limits(), work)
    except Fatal as exc:
        raise SystemExit(f"cannot open {root}: {exc}") from exc
    return {ref.name: ref.path for ref in pkg.tables}


def head_copy(root: Path, out: Path, rows: int) -> Path:
    """A copy of the folder package `root` with each CSV cut to its first `rows` records (and no
    declared sizes or hashes, which the cut would break)."""
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for res in desc.get("resources", []):
        res.pop("bytes", None)
        res.pop("hash", None)
        src, dst = root / res["path"], out / res["path"]
        dst.parent.mkdir(parents=True, exist_ok=True)
        with src.open(encoding="utf-8", newline="") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
            w = csv.writer(fout, lineterminator="\n")
            for i, rec in enumerate(csv.reader(fin)):
                if i > rows:
                    break
                w.writerow(rec)
    for extra in root.iterdir():   # the schemas folder and anything else the descriptor names
        if extra.is_dir() and not (out / extra.name).exists():
            shutil.copytree(extra, out / extra.name)
    (out / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


# --- DuckDB: the validator's findings, and each rule's time over the same typed views


@dataclass
class RuleRun:
    seconds: float = 0.0
    rows: list[tuple[str, int | None]] = field(default_factory=list)   # (_table, _rowid)
    values: list[tuple] = field(default_factory=list)                  # every output column, normalised
    cols: list[str] = field(default_factory=list)
    error: str | None = None


def validator_findings(root: Path, as_of: dt.date, out: Path) -> tuple[dict, float, float]:
    """The validator's JSON report of `root`, its wall time and its peak memory (MB)."""
    cmd = [str(Path(sys.executable).parent / "jn-exchange"), "validate", str(root), "--format", "json",
           "--max-examples", "100000", "--as-of", as_of.isoformat(), "--output", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"jn-exchange validate failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return json.loads(out.read_text(encoding="utf-8")), seconds, peak_mb


def _norm(v: Any) -> Any:
    """A rule's output value as both engines can be compared on."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return round(v, 6)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh), [])


def duckdb_rules(files: dict[str, Path], profile: Profile, rules: list[Rule], as_of: dt.date
                 ) -> tuple[dict[str, RuleRun], dict[str, Macro], list[tuple], float]:
    """Load each table as text, make the validator's typed views (engine/views.py) and run each
    rule's SQL alone. Returns the runs, the macros, the calendar's rows and the load time."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    t0 = time.perf_counter()
    names = business.names_used()
    for name, spec in profile.tables.items():
        path = files.get(name)
        if path is None:
            create_typed_view(con, spec, None, names)
            continue
        raw = f"raw_{name}"
        con.execute(f"CREATE TABLE {q(raw)} AS SELECT * FROM read_csv(?, all_varchar = true, header = true, "
                    "quote = '\"', escape = '\"', strict_mode = true)", [str(path)])
        columns = {c: c for c in _header(path)}
        rows = con.execute(f"SELECT count(*) FROM {q(raw)}").fetchone()[0]   # type: ignore[index]
        create_typed_view(con, spec, LoadedTable(spec, q(raw), columns, rows, scan=None), names)  # type: ignore[arg-type]
    load_s = time.perf_counter() - t0
    macros = prepare_duckdb(con, as_of)
    calendar = con.execute("SELECT day, workday, known, workday_seq FROM jn_calendar ORDER BY day").fetchall()
    bounds = con.execute("SELECT * FROM jn_code_bounds ORDER BY codelist, code").fetchall()
    runs: dict[str, RuleRun] = {}
    for rule in rules:
        run = runs[rule.code] = RuleRun()
        t = time.perf_counter()
        try:
            cur = con.execute(rule.sql or "")
            cols = [d[0] for d in cur.description]
            result = cur.fetchall()
        except duckdb.Error as exc:
            run.error = str(exc)
            continue
        run.seconds = time.perf_counter() - t
        _keep(run, cols, result)
    con.close()
    return runs, macros, (calendar, bounds), load_s


def _keep(run: RuleRun, cols: list[str], result: list) -> None:
    run.cols = list(cols)
    it, ir = cols.index("_table"), cols.index("_rowid")
    run.rows = sorted(((r[it], r[ir]) for r in result), key=lambda x: (x[0], -1 if x[1] is None else x[1]))
    run.values = sorted((tuple(_norm(v) for v in r) for r in result), key=repr)


# --- Spark: the typed views, the calendar, the rules


def spark_session(driver_memory: str) -> Any:
    from pyspark.sql import SparkSession

    b = SparkSession.builder.master("local[2]").appName("jn-exchange business rules")
    b = b.config("spark.driver.memory", driver_memory)
    for key, (value, _) in SPARK_CONF.items():
        b = b.config(key, value)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("OFF")   # a rule's Spark error is in the report
    return spark


def _with_rowid(df: Any) -> Any:
    """The record's 0-based position in its file, as DuckDB's rowid: the position inside each
    partition plus the records of the partitions before it, ordered by where each starts in the
    file (one small aggregate, no shuffle of the data and no Python per row)."""
    from pyspark.sql import functions as F

    df = df.withColumn("_mid", F.monotonically_increasing_id()).withColumn("_pid", F.spark_partition_id()) \
        .withColumn("_at", F.input_file_block_start())
    parts = df.groupBy("_pid").agg(F.count("*").alias("n"), F.min("_at").alias("at")).collect()
    offset, before = {}, 0
    for p in sorted(parts, key=lambda r: r["at"]):
        offset[p["_pid"]] = before
        before += p["n"]
    starts = F.create_map(*[x for pid, off in offset.items() for x in (F.lit(pid), F.lit(off))]) if offset \
        else F.create_map(F.lit(0), F.lit(0))
    first_id = F.shiftleft(F.col("_pid").cast("long"), 33)   # monotonically_increasing_id's partition bits
    return df.withColumn("_rowid", starts[F.col("_pid")] + F.col("_mid") - first_id).drop("_mid", "_pid", "_at")


def spark_views(spark: Any, files: dict[str, Path], profile: Profile) -> int:
    """One cached typed view per table, named as the table; returns the rows loaded. Tables load
    in a few threads: each is a couple of small Spark jobs, and they overlap on the two cores."""
    from concurrent.futures import ThreadPoolExecutor

    names = business.names_used()

    def one(spec: TableSpec) -> int:
        path = files.get(spec.name)
        if path is None:
            spark.sql(_empty_view_sql(spec, names)).createOrReplaceTempView(spec.name)
            return 0
        return _typed_view(spark, spec, path, names)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return sum(pool.map(one, profile.tables.values()))


def _typed_view(spark: Any, spec: TableSpec, path: Path, names: frozenset[str]) -> int:
    from pyspark import StorageLevel

    df = spark.read.csv(str(path), header=True, inferSchema=False, quote='"', escape='"',
                        encoding="UTF-8", mode="PERMISSIVE")
    present = set(df.columns)
    exprs = ["_rowid"]
    for f in spec.fields:
        if f.name in names:
            ltype = logical_type(f.type)
            typed = ltype.cast(q(f.name)) if f.name in present else ltype.null()
            exprs.append(f"{to_spark(typed)} AS `{f.name}`")
    typed_df = _with_rowid(df).selectExpr(*exprs).persist(StorageLevel.MEMORY_AND_DISK)
    rows = typed_df.count()
    typed_df.createOrReplaceTempView(spec.name)
    return int(rows)


def _empty_view_sql(spec: TableSpec, names: frozenset[str]) -> str:
    cols = [f"{logical_type(f.type).null()} AS {q(f.name)}" for f in spec.fields if f.name in names]
    return to_spark("SELECT NULL::BIGINT AS _rowid, " + ", ".join(cols) + " WHERE false")


def spark_calendar(spark: Any, tables: tuple[list[tuple], list[tuple]]) -> None:
    """DuckDB's jn_calendar (one row a day, from 2019 to a few years ahead) and jn_code_bounds
    (the codes' periods and districts, business/scope.py) as cached views."""
    calendar, bounds = tables
    df = spark.createDataFrame(calendar, "day DATE, workday BOOLEAN, known BOOLEAN, workday_seq BIGINT")
    df.cache().count()
    df.createOrReplaceTempView("jn_calendar")
    df = spark.createDataFrame(bounds, "codelist STRING, codelist_title STRING, code STRING, valid_from DATE, "
                                       "valid_to DATE, scope STRING, allowed STRING, allowed_en STRING")
    df.cache().count()
    df.createOrReplaceTempView("jn_code_bounds")


def spark_rules(spark: Any, transpiled: dict[str, Transpiled]) -> dict[str, RuleRun]:
    runs: dict[str, RuleRun] = {}
    for code, tr in transpiled.items():
        run = runs[code] = RuleRun()
        if tr.error:
            run.error = tr.error
            continue
        t = time.perf_counter()
        try:
            df = spark.sql(tr.sql)
            result = [tuple(r) for r in df.collect()]
        except Exception as exc:   # noqa: BLE001 - an analysis or runtime error of Spark is this rule's result
            run.error = f"{type(exc).__name__}: {str(exc)[:1500]}"
            continue
        run.seconds = time.perf_counter() - t
        _keep(run, df.columns, result)
    return runs


def jvm_peak_mb(spark: Any) -> float:
    """The Spark JVM's peak resident memory (VmHWM), read from /proc."""
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the comparison


def reference(doc: dict, codes: set[str]) -> tuple[Counter, dict[str, list], set[str]]:
    """From the validator's report: each (rule, table)'s exact count, each rule's findings as
    (table, file row), and the rules whose examples were capped."""
    counts: Counter = Counter()
    capped: set[str] = set()
    for t in doc.get("rules", []):
        if t["code"] in codes:
            counts[(t["code"], t.get("resource"))] += t["count"]
            if t.get("truncated"):
                capped.add(t["code"])
    rows: dict[str, list] = {c: [] for c in codes}
    for f in doc.get("findings", []):
        if f["code"] in codes:
            rows[f["code"]].append((f.get("resource"), f.get("row")))
    return counts, {c: sorted(v, key=repr) for c, v in rows.items()}, capped


def _file_rows(run: RuleRun) -> list:
    """A run's (table, file row): the header is line 1, so record k (0-based) is line k + 2 in a
    package that passed validation (no blank or rejected lines, no line breaks inside cells)."""
    return sorted(((t, None if r is None else r + 2) for t, r in run.rows), key=repr)


def _only(a: list[tuple], b: list[tuple], run: RuleRun, fields: dict, limit: int = 5) -> list:
    """Up to `limit` output rows in `a` and not in `b` (as multisets): what a disagreement looks
    like, each value shown as the validator's reports show it (the masking policy)."""
    rows = list((Counter(a) - Counter(b)).elements())[:limit]
    return [tuple(show(v, fields.get(c)) if isinstance(v, str) else v for c, v in zip(run.cols, r)) for r in rows]


def compare(rules: list[Rule], doc: dict, duck: dict[str, RuleRun], spark: dict[str, RuleRun],
            tr: dict[str, Transpiled]) -> list[dict]:
    codes = {r.code for r in rules}
    ref_counts, ref_rows, capped = reference(doc, codes)
    out = []
    profile = load_profile()
    for rule in rules:
        c = rule.code
        fields = business.param_fields(rule, profile)
        want = {t: n for (code, t), n in ref_counts.items() if code == c}
        d, s = duck[c], spark[c]
        got = dict(Counter(t for t, _ in s.rows))
        rows_ok = (set(ref_rows[c]) <= set(_file_rows(s))) if c in capped else ref_rows[c] == _file_rows(s)
        out.append({
            "code": c, "transpiled": "error" if tr[c].error else ("rewritten" if tr[c].rewrites else "as-is"),
            "rewrites": tr[c].rewrites, "macros_expanded": tr[c].macros,
            "duckdb_s": round(d.seconds, 4), "spark_s": round(s.seconds, 4),
            "validator_counts": want, "duckdb_counts": dict(Counter(t for t, _ in d.rows)), "spark_counts": got,
            "rows_agree": rows_ok, "counts_agree": want == got and s.error is None,
            "values_agree": d.values == s.values and d.error is None and s.error is None,
            "only_duckdb": _only(d.values, s.values, d, fields), "only_spark": _only(s.values, d.values, s, fields),
            "duckdb_error": d.error, "spark_error": s.error, "spark_sql": tr[c].sql,
        })
    return out


def summary(report: dict) -> str:
    lines = [f"{'rule':<12} {'sqlglot':<10} {'duckdb s':>9} {'spark s':>9} {'findings':>9}  agree  rewrites"]
    for r in report["rules"]:
        n = sum(r["validator_counts"].values())
        agree = "yes" if r["counts_agree"] and r["rows_agree"] and r["values_agree"] else \
            ("rows" if r["counts_agree"] and r["rows_agree"] else "NO")
        lines.append(f"{r['code']:<12} {r['transpiled']:<10} {r['duckdb_s']:>9.3f} {r['spark_s']:>9.3f} {n:>9}  "
                     f"{agree:<5}  {', '.join(r['rewrites'])}{'  ' + (r['spark_error'] or '')[:120] if r['spark_error'] else ''}")
    lines.append("\nSpark-specific rewrites (REWRITES), the rules that needed each and why:")
    for rw in report["rewrites"]:
        used = [r["code"] for r in report["rules"] if rw["name"] in r["rewrites"]] or ["the typed views' casts"]
        lines.append(f"- {rw['name']} ({', '.join(used)}): {rw['reason']}")
    lines += ["", json.dumps(report["totals"], indent=2, ensure_ascii=False)]
    return "\n".join(lines)


def totals(rows: list[dict], meta: dict) -> dict:
    return {
        **meta,
        "rules": len(rows),
        "as_is": sum(r["transpiled"] == "as-is" for r in rows),
        "rewritten": sum(r["transpiled"] == "rewritten" for r in rows),
        "transpile_errors": sum(r["transpiled"] == "error" for r in rows),
        "spark_errors": sum(r["spark_error"] is not None for r in rows),
        "agree_codes_tables_rows_counts": sum(r["counts_agree"] and r["rows_agree"] for r in rows),
        "agree_values_too": sum(r["counts_agree"] and r["rows_agree"] and r["values_agree"] for r in rows),
        "findings_validator": sum(sum(r["validator_counts"].values()) for r in rows),
        "findings_spark": sum(sum(r["spark_counts"].values()) for r in rows),
        "rules_with_findings": sum(bool(r["validator_counts"]) for r in rows),
        "duckdb_rules_s": round(sum(r["duckdb_s"] for r in rows), 3),
        "spark_rules_s": round(sum(r["spark_s"] for r in rows), 3),
    }


# --- the run


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("package", type=Path)
    ap.add_argument("--rows-limit", type=int, default=None,
                    help="work on a copy holding each table's first N records (a folder package)")
    ap.add_argument("--rules", default="", help="only these rule codes, comma-separated")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    ap.add_argument("--output", type=Path, default=Path("spark-business-rules.json"))
    ap.add_argument("--driver-memory", default="1g",
                    help="the Spark JVM's heap (local mode: the driver is the executor); 1g holds 1M rows")
    return ap.parse_args(argv)


def _selected(codes: str) -> list[Rule]:
    rules = business.business_rules()
    want = {c.strip() for c in codes.split(",") if c.strip()}
    unknown = want - {r.code for r in rules}
    if unknown:
        raise SystemExit(f"not business rules: {', '.join(sorted(unknown))}")
    return [r for r in rules if not want or r.code in want]


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    rules, profile = _selected(args.rules), load_profile()
    with tempfile.TemporaryDirectory(prefix="jn-spark-") as tmp:
        root = args.package
        if args.rows_limit:
            if not (root / "datapackage.json").is_file():
                raise SystemExit("--rows-limit works on a folder package")
            root = head_copy(root, Path(tmp) / "package", args.rows_limit)
        files = package_tables(root, profile, Path(tmp) / "open")
        doc, validator_s, validator_mb = validator_findings(root, args.as_of, Path(tmp) / "report.json")
        duck, macros, calendar_rows, duck_load_s = duckdb_rules(files, profile, rules, args.as_of)
        duck_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        transpiled = {r.code: transpile(r, macros, args.as_of) for r in rules}

        t0 = time.perf_counter()
        spark = spark_session(args.driver_memory)
        start_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = spark_views(spark, files, profile)
        spark_calendar(spark, calendar_rows)
        load_s = time.perf_counter() - t0
        runs = spark_rules(spark, transpiled)
        meta = {"package": str(args.package), "rows_limit": args.rows_limit, "rows": rows,
                "as_of": args.as_of.isoformat(), "spark": spark.version, "sqlglot": sqlglot.__version__,
                "duckdb": duckdb.__version__, "validator_s": round(validator_s, 3),
                "validator_peak_mb": round(validator_mb), "duckdb_load_s": round(duck_load_s, 3),
                "duckdb_process_peak_mb": round(duck_mb), "spark_start_s": round(start_s, 3),
                "spark_load_s": round(load_s, 3), "spark_jvm_peak_mb": round(jvm_peak_mb(spark)),
                "spark_conf": {k: v for k, (v, _) in SPARK_CONF.items()}}
        spark.stop()
    rows_out = compare(rules, doc, duck, runs, transpiled)
    report = {"totals": totals(rows_out, meta),
              "rewrites": [{"name": r.name, "reason": r.reason} for r in REWRITES],
              "spark_conf": {k: {"value": v, "reason": why} for k, (v, why) in SPARK_CONF.items()},
              "rules": rows_out}
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(summary(report))
    t = report["totals"]
    return 0 if t["agree_codes_tables_rows_counts"] == t["rules"] else 1


if __name__ == "__main__":
    sys.exit(main())
