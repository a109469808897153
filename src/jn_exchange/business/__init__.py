"""Runs the business rules of the regulations (the catalogue in rules/business/*.yaml).

A business rule is data: its `sql` is a SELECT over the typed views (one per table, named as
the table, with `_rowid`), returning one row per offending record with the columns
`_table` (the resource to point at), `_rowid`, `_key`, and any further columns the rule's
message template names. `getvariable('as_of')` is the date the package is judged for. The
same SQL is shown in the docs and can be run by the city's own database."""

from __future__ import annotations

import datetime as dt

import duckdb

from jn_exchange.findings import Collector
from jn_exchange.masking import mask_value
from jn_exchange.rules import Rule, all_rules, make_finding


def business_rules() -> list[Rule]:
    return [r for r in all_rules() if r.level == "business" and r.sql]


def run_business_rules(engine, collector: Collector, as_of: dt.date | None = None) -> None:
    rules = [r for r in business_rules() if collector.enabled(r.code)]
    if not rules:
        return
    con = engine.con
    con.execute(f"SET VARIABLE as_of = DATE '{(as_of or dt.date.today()).isoformat()}'")
    for rule in rules:
        sql = rule.sql.strip().rstrip(";")
        try:
            n = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
            if not n:
                continue
            cur = con.execute(f"SELECT * FROM ({sql}) ORDER BY _table, _rowid LIMIT {collector.max_examples}")
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        except duckdb.Error as exc:  # a broken catalogue entry is our bug: say which rule
            raise RuntimeError(f"business rule {rule.code} failed: {exc}") from exc
        findings = []
        for values in rows:
            rec = dict(zip(names, values))
            table = rec.pop("_table")
            rowid = rec.pop("_rowid")
            key = rec.pop("_key", None)
            field = rec.pop("_field", None)
            loaded = engine.tables.get(table)
            row = loaded.line_of(int(rowid)) if loaded is not None and rowid is not None else None
            params = {k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v))
                      for k, v in rec.items()}
            findings.append(make_finding(rule.code, resource=table, row=row, field=field,
                                         key=mask_value(None if key is None else str(key)), **params))
        collector.add_counted(findings[0], int(n), findings[1:])
