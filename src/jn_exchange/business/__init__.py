"""Runs the business rules of the regulations (the catalogue in rules/business/*.yaml).

A business rule is data: its `sql` is a SELECT over the typed views (one per table, named as
the table, with `_rowid`), returning one row per offending record with the columns
`_table` (the resource to point at), `_rowid`, `_key`, optionally `_field`, and any further
columns the rule's message template names. `getvariable('as_of')` is the date the package is
judged for; the day-counting macros of `calendar.py` and the macros of the texts' dates and
scopes of `texts.py` are installed first. The same SQL is shown in the docs and can be run by
the city's own database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor

import duckdb

from jn_exchange import versions
from jn_exchange.business import calendar, scope, texts
from jn_exchange.engine import Engine
from jn_exchange.findings import Collector
from jn_exchange.masking import masks, show
from jn_exchange.profile import FieldSpec, Profile
from jn_exchange.rules import Rule, all_rules, make_finding


def _param(v, field: FieldSpec | None):
    """A message parameter as the reports can carry it: dates in ISO form, decimals as their
    text (JSON has no decimal), strings shown by the policy of the field they are named after."""
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, str):
        return show(v, field)
    if isinstance(v, (bool, int, float)):
        return v
    return str(v)


def param_fields(rule: Rule, profile: Profile) -> dict[str, FieldSpec]:
    """The field each of a rule's output columns is named after, in the tables it reads (a
    parameter `officer_id` is masked as officer_id is, and `subject` as the rule's `shows`
    says); the masking one wins a tie."""
    by_name: dict[str, FieldSpec] = {}
    for name in rule.reads:
        spec = profile.tables.get(name)
        for f in spec.fields if spec else ():
            if f.name not in by_name or masks(f):
                by_name[f.name] = f
    aliases = {param: by_name[field] for param, field in rule.shows.items() if field in by_name}
    return {**by_name, **aliases}


def business_rules() -> list[Rule]:
    return [r for r in all_rules() if r.level == "business" and r.sql]


def names_used() -> frozenset[str]:
    """Every identifier in the rules' SQL and message templates: a superset of the columns
    they read from the typed views (a template may name a column a rule passes on with *)."""
    words: set[str] = set()
    for r in business_rules():
        for text in (r.sql or "", *r.message.values()):
            words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    return frozenset(words)


def wrap(rule: Rule, limit: int) -> str:
    """The rule's query with exact per-table counts and at most `limit` example rows per table,
    in one pass (a big package is scanned once per rule)."""
    assert rule.sql is not None, "only business rules (which all have sql) are wrapped"
    sql = rule.sql.strip().rstrip(";")
    return (f"SELECT *, count(*) OVER (PARTITION BY _table) AS _n FROM ({sql}) "
            f"QUALIFY row_number() OVER (PARTITION BY _table ORDER BY _rowid) <= {int(limit)} "
            f"ORDER BY _table, _rowid")


def session_sql(as_of: dt.date) -> tuple[str, ...]:
    """What every connection that runs the rules starts with: the date the package is judged for."""
    return (f"SET VARIABLE as_of = DATE '{as_of.isoformat()}'", "SET disabled_optimizers = 'common_subexpressions'")


def prepare(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    calendar.install(con, max(as_of.year, dt.date.today().year) + 5)
    texts.install(con)
    scope.install(con)   # the codes' bounds of JN-COD-001, from the model


def run_business_rules(engine: Engine, collector: Collector, as_of: dt.date, pool: ThreadPoolExecutor,
                       skip_tables: AbstractSet[str] = frozenset()) -> None:
    """Run every enabled rule in the caller's workers (shared with its other checks), except
    those reading a table in `skip_tables` (declared but unreadable: its structural finding
    says why). A table the package does not declare at all is an empty table, and rules judge
    it as such. `prepare` must have installed the calendar and macros first."""
    version = engine.profile.standard_version   # a rule with `since:` needs that version's model

    def has_rows(table: str) -> bool:
        loaded = engine.tables.get(table)
        return loaded is not None and loaded.rows > 0

    # a rule names records of the tables it reads: when all of them are empty it has nothing to
    # name, and planning its query would be most of its cost on a small package
    rules = [r for r in business_rules() if collector.enabled(r.code) and not set(r.reads) & set(skip_tables)
             and versions.applies_to(r.extra.get("since"), version) and any(has_rows(t) for t in r.reads)]
    if not rules:
        return

    def run(rule: Rule) -> tuple[Rule, list[str], list[tuple]]:
        con = engine.cursor()   # its session set `as_of` (session_sql)
        try:
            cur = con.execute(wrap(rule, collector.max_examples))
            return rule, [d[0] for d in cur.description], cur.fetchall()
        except duckdb.Error as exc:  # a broken catalogue entry is our bug: say which rule
            raise RuntimeError(f"business rule {rule.code} failed: {exc}") from exc

    results = list(pool.map(run, rules))
    for rule, names, rows in results:
        fields = param_fields(rule, engine.profile)
        recs = [dict(zip(names, values)) for values in rows]
        keys = {t: engine.keys_of(t, [r["_rowid"] for r in recs if r["_table"] == t and r["_rowid"] is not None])
                for t in {r["_table"] for r in recs}}
        by_table: dict[str, tuple[int, list]] = {}
        for rec in recs:
            table = rec.pop("_table")
            n = int(rec.pop("_n"))
            rowid = rec.pop("_rowid")
            field = rec.pop("_field", None)
            row = engine.line_of(table, rowid)
            params = {k: _param(v, fields.get(k)) for k, v in rec.items()}
            finding = make_finding(rule.code, resource=table, row=row, field=field,
                                   key=keys[table].get(rowid) if rowid is not None else None, **params)
            by_table.setdefault(table, (n, []))[1].append(finding)
        for n, findings in by_table.values():
            collector.add_counted(findings[0], n, findings[1:])
