"""The cell rules (JN-CELL-*, and JN-FILE-009 for a cell too long): each is a SQL condition
on one column, counted for all of a table's rules in one aggregate scan; only the capped
example rows are fetched into Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from jn_exchange import hints
from jn_exchange.config import Limits
from jn_exchange.engine.lines import LoadedTable
from jn_exchange.engine.messages import citizen_id_problem_text
from jn_exchange.engine.sql import lit, q
from jn_exchange.engine.types import logical_type
from jn_exchange.findings import Collector, Finding
from jn_exchange.identifiers import (
    JINAN_COUNTY_CODES,
    citizen_id_check_sql,
    uscc_check_sql,
)
from jn_exchange.masking import mask_value
from jn_exchange.profile import FieldSpec, Profile
from jn_exchange.rules import make_finding


@dataclass
class CellCheck:
    code: str
    field: FieldSpec | None
    cond: str                     # SQL: this row breaks the rule
    col: str                      # the (quoted) column whose value a finding shows
    params: Callable[[str | None], dict[str, Any]] | None = None   # message parameters from the value


class CellRules:
    """The cell rules of every field, as the standard (and a pseudonymized package) has them."""

    def __init__(self, profile: Profile, pseudonymized: bool):
        self.profile = profile
        self.pseudonymized = pseudonymized

    def of_field(self, f: FieldSpec, c: str) -> list[CellCheck]:
        """The checks of field `f` held in column `c`, in the order the findings are made."""
        out: list[CellCheck] = []
        nn = f"{c} IS NOT NULL"
        if f.required:
            out.append(CellCheck("JN-CELL-001", f, f"{c} IS NULL", c))
        typed_ok = nn     # the value is there and of its type: the later rules judge it
        ltype = logical_type(f.type)
        if ltype.valid is not None and ltype.rule is not None:
            valid = ltype.valid(c, f)
            out.append(CellCheck(ltype.rule, f, f"{nn} AND NOT ({valid})", c,
                                 lambda v, h=ltype.hint: {"hint": h(v)} if h else {}))
            typed_ok = f"{nn} AND {valid}"
        treatment = f.raw.get("jn:exchange_treatment")
        if self.pseudonymized and treatment == "keyed_hash":
            pat = "^[0-9a-f]{64}$"
            out.append(CellCheck("JN-CELL-008", f, f"{nn} AND NOT regexp_full_match({c}, {lit(pat)})", c,
                                 lambda v, p=pat: {"pattern": p, "hint": ""}))
            return out
        if self.pseudonymized and treatment == "mask":
            typed_ok = f"{typed_ok} AND NOT contains({c}, '*')"   # a masked cell keeps only its length
        pattern_ok = self._constraints(f, c, typed_ok, out)
        out.extend(_identifier_checks(f, c, pattern_ok))
        return out

    def _constraints(self, f: FieldSpec, c: str, typed_ok: str, out: list[CellCheck]) -> str:
        """Adds the checks of the field's constraints (JN-CELL-007..010) to `out`; returns the
        condition "of its type and its pattern" the identifier checks build on."""
        cons = f.constraints
        if cons.get("enum"):
            codes = ", ".join(lit(str(x)) for x in cons["enum"])
            codelist = f.codelist
            lookup = self.profile.codes(codelist) if codelist in self.profile.codelists else \
                {str(x): {"code": str(x), "label": str(x)} for x in cons["enum"]}
            title = self.profile.codelists.get(codelist, {}).get("title", codelist or "")
            out.append(CellCheck("JN-CELL-007", f, f"{typed_ok} AND {c} NOT IN ({codes})", c,
                                 lambda v, lk=lookup, tt=title: {"codelist": tt, "hint": hints.code_hint(v, lk)}))
        pattern_ok = typed_ok
        if cons.get("pattern"):
            pat = cons["pattern"]
            out.append(CellCheck("JN-CELL-008", f, f"{typed_ok} AND NOT regexp_full_match({c}, {lit(pat)})", c,
                                 lambda v, p=pat: {"pattern": p, "hint": hints.pattern_hint(v)}))
            pattern_ok = f"{typed_ok} AND regexp_full_match({c}, {lit(pat)})"
        lo, hi = cons.get("minimum"), cons.get("maximum")
        if (lo is not None or hi is not None) and f.type in ("integer", "number"):
            conds = []
            if lo is not None:
                conds.append(f"try_cast({c} AS DOUBLE) < {float(lo)}")
            if hi is not None:
                conds.append(f"try_cast({c} AS DOUBLE) > {float(hi)}")
            rng = f"[{'' if lo is None else lo}, {'' if hi is None else hi}]"
            out.append(CellCheck("JN-CELL-009", f, f"{typed_ok} AND ({' OR '.join(conds)})", c,
                                 lambda v, r=rng: {"range": r}))
        if cons.get("maxLength"):
            n = int(cons["maxLength"])
            out.append(CellCheck("JN-CELL-010", f, f"{c} IS NOT NULL AND strlen({c}) > {n} AND length({c}) > {n}", c,
                                 lambda v, n=n: {"length": len(v or ""), "limit": n}))
        return pattern_ok


def _identifier_checks(f: FieldSpec, c: str, pattern_ok: str) -> list[CellCheck]:
    """The check digits and codes of an identifier field (JN-CELL-011..013)."""
    scheme = f.identifier_scheme
    if scheme == "uscc":
        return [CellCheck("JN-CELL-011", f, f"{pattern_ok} AND NOT ({uscc_check_sql(c)})", c)]
    if scheme == "citizen_id":
        return [CellCheck("JN-CELL-012", f,
                          f"{pattern_ok} AND NOT ({citizen_id_check_sql(c)} AND "
                          f"try_strptime(substr({c}, 7, 8), '%Y%m%d') IS NOT NULL)", c,
                          lambda v: {"problem": citizen_id_problem_text(v)})]
    if scheme == "jinan_division_code":
        counties = ", ".join(lit(x) for x in sorted(JINAN_COUNTY_CODES))
        return [CellCheck("JN-CELL-013", f,
                          f"{pattern_ok} AND NOT ((length({c}) = 6 AND ({c} = '370100' OR {c} IN ({counties}))) "
                          f"OR (length({c}) > 6 AND substr({c}, 1, 6) IN ({counties}) AND substr({c}, 7, 3) <> '000'))",
                          c)]
    return []


def check_cells(con: duckdb.DuckDBPyConnection, t: LoadedTable, rules: CellRules, limits: Limits,
                collector: Collector) -> None:
    """Every cell rule of one table: counts in one scan (two when a cell may be too long),
    then one query per broken rule for its examples."""
    checks: list[CellCheck] = []
    for f in t.spec.fields:
        col = t.columns.get(f.name)
        if col is not None:
            checks.extend(rules.of_field(f, q(col)))
    limit = limits.max_cell_chars
    huge = [CellCheck("JN-FILE-009", t.spec.field(header_name), f"length({q(col)}) > {limit}", q(col),
                      lambda v, h=header_name: {"length": len(v or ""), "limit": limit, "field": h})
            for col, header_name in t.file_columns.items()]
    if not (checks or huge) or t.rows == 0:
        return
    # Cell size: one aggregate over the longest cell in bytes (a bound on its characters)
    # instead of one per column, which cost DuckDB as much to plan as all the other checks;
    # the columns are counted only when a cell may be too long.
    longest = "max(greatest(" + ", ".join(f"strlen({h.col})" for h in huge) + "))" if huge else "0"
    *counts, widest = con.execute(
        "SELECT " + ", ".join([*(f"count_if({c.cond})" for c in checks), longest]) + f" FROM {t.raw}").fetchone()
    if widest and widest > limit:
        counts += con.execute(
            "SELECT " + ", ".join(f"count_if({h.cond})" for h in huge) + f" FROM {t.raw}").fetchone()
        checks += huge
    key_sql = _key_sql(t)
    for check, n in zip(checks, counts):
        if not n:
            continue
        ex = con.execute(
            f"SELECT rowid, {check.col}, {key_sql} FROM {t.raw} WHERE {check.cond} ORDER BY rowid "
            f"LIMIT {collector.max_examples}").fetchall()
        findings = [_cell_finding(t, check, rowid, value, key) for rowid, value, key in ex]
        collector.add_counted(findings[0], int(n), findings[1:])


def _key_sql(t: LoadedTable) -> str:
    """The row's primary key as one text, for the findings to name the record."""
    parts = [q(t.columns[k]) for k in t.spec.primary_key if k in t.columns]
    if not parts:
        return "NULL"
    return "concat_ws('|', " + ", ".join(parts) + ")"


def _cell_finding(t: LoadedTable, check: CellCheck, rowid: int, value: str | None, key: str | None) -> Finding:
    f = check.field
    params = check.params(value) if check.params else {}
    personal = bool(f and (f.personal or f.identifier_scheme == "citizen_id"))
    return make_finding(check.code, resource=t.spec.name, row=t.line_of(int(rowid)),
                        field=params.pop("field", None) or (f.name if f else None),
                        value=mask_value(value, personal), key=mask_value(key),
                        title=f.title if f else "", **params)
