"""The cell rules, built from the registry: every rule of level `cell` declares in its YAML entry
(`rules/structural.yaml`) a `check` of three parts, and this module knows no rule by its code.

- `applies`: which fields it checks, by the keys of `SELECTORS` (all must hold), e.g.
  `{required: true}`, `{type: integer}`, `{constraint: enum}`, `{identifier_scheme: uscc}`;
- `when`: the SQL condition of a cell that breaks it, over the placeholders of `placeholders()`
  (`{c}` the column, `{valid}` the type's predicate, the guards `{typed_ok}` and
  `{pattern_ok}` that let a later rule judge only values that passed the earlier ones, and the
  field's constraints as SQL literals) and the identifier macros of `MACROS`;
- `params`: the message parameters, each computed from the example value by a function named
  in `PARAMS` (hints are Python).

Each field gets every rule whose selector matches, in registry order; all of a table's rules are
counted in one aggregate scan, and only the capped example rows are fetched into Python. A cell
too long for the reader (JN-FILE-009, a file rule) is checked here too, per file column."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache
from typing import Any

import duckdb

from jn_exchange import hints
from jn_exchange.config import Limits
from jn_exchange.engine.lines import LoadedTable
from jn_exchange.engine.messages import citizen_id_problem_text
from jn_exchange.engine.sql import lit, one_row, q
from jn_exchange.engine.types import logical_type, number_form, places_in_transition
from jn_exchange.findings import Collector, Finding
from jn_exchange.identifiers import JINAN_COUNTY_CODES, citizen_id_check_sql, uscc_check_sql
from jn_exchange.masking import show
from jn_exchange.profile import FieldSpec, Profile
from jn_exchange.rules import all_rules, make_finding
from jn_exchange.text import EDGE_SPACES

# In a pseudonymized package a keyed-hash field holds the hex HMAC, whatever it held before.
KEYED_HASH_PATTERN = "^[0-9a-f]{64}$"

# The identifier checks the rules' SQL calls, installed once per engine (expanded by DuckDB
# where used, so they cost what the inline SQL cost).
_COUNTIES = ", ".join(lit(x) for x in sorted(JINAN_COUNTY_CODES))
_EDGE = lit(EDGE_SPACES)
MACROS = {
    # the first or the last character (x is not empty) is one of text.EDGE_SPACES: a regex's
    # `[...]$` reads the whole value to find its end, and IN lists cost DuckDB more to plan
    "jn_edge_space": f"contains({_EDGE}, left(x, 1)) OR contains({_EDGE}, right(x, 1))",
    "jn_uscc_ok": uscc_check_sql("x"),
    "jn_citizen_id_ok": f"{citizen_id_check_sql('x')} AND try_strptime(substr(x, 7, 8), '%Y%m%d') IS NOT NULL",
    "jn_jinan_division_ok": f"(length(x) = 6 AND (x = '370100' OR x IN ({_COUNTIES}))) "
                            f"OR (length(x) > 6 AND substr(x, 1, 6) IN ({_COUNTIES}) AND substr(x, 7, 3) <> '000')",
}


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    for name, body in MACROS.items():
        con.execute(f"CREATE OR REPLACE MACRO {name}(x) AS ({body})")


@dataclass(frozen=True)
class CellField:
    """A field as the cell rules see it: the standard's field, or what a pseudonymized package
    holds in its place (a keyed hash: only its hex pattern, without a hint)."""
    spec: FieldSpec
    type: str                                  # the logical type's name (unknown types read as string)
    constraints: dict[str, Any]
    identifier_scheme: str | None
    masked: bool = False                       # pseudonymized by masking: a cell with '*' is not judged
    hinted: bool = True                        # False: a pattern mismatch has nothing to hint
    codes: dict[str, dict[str, Any]] = dc_field(default_factory=dict)   # the code list, for hints
    codelist_title: str = ""

    def has(self, constraint: str) -> bool:
        v = self.constraints.get(constraint)
        return v is not None and v != "" and v != []

    def show(self, value: str) -> str:
        """A value of this field as a hint may write it out (the masking policy)."""
        return show(value, self.spec) or ""


def _listed(want: Any) -> list[Any]:
    return want if isinstance(want, list) else [want]


SELECTORS: dict[str, Callable[[CellField, Any], bool]] = {
    "required": lambda f, want: f.spec.required == want,
    "type": lambda f, want: f.type in _listed(want),
    "constraint": lambda f, want: any(f.has(k) for k in _listed(want)),           # any of them
    "no_constraint": lambda f, want: not any(f.has(k) for k in _listed(want)),    # none of them
    "identifier_scheme": lambda f, want: f.identifier_scheme in _listed(want),
    "places_in_transition": lambda f, want: places_in_transition(f.spec) == want,
}

PARAMS: dict[str, Callable[[str | None, CellField], Any]] = {
    "integer_hint": lambda v, f: hints.number_hint(v or "", True, f.show),
    "decimal_hint": lambda v, f: hints.number_hint(v or "", False, f.show),
    "date_hint": lambda v, f: hints.date_hint(v or "", show=f.show),
    "datetime_hint": lambda v, f: hints.date_hint(v or "", with_time=True, show=f.show),
    "boolean_hint": lambda v, f: hints.boolean_hint(v or "", f.show),
    "codelist_title": lambda v, f: f.codelist_title,
    "code_hint": lambda v, f: hints.code_hint(v or "", f.codes),
    "pattern": lambda v, f: f.constraints["pattern"],
    "pattern_hint": lambda v, f: hints.pattern_hint(v or "", f.show) if f.hinted else "",
    "range": lambda v, f: f"[{_bound(f, 'minimum')}, {_bound(f, 'maximum')}]",
    "length": lambda v, f: len(v or ""),
    "max_length": lambda v, f: int(f.constraints["maxLength"]),
    "citizen_id_problem": lambda v, f: citizen_id_problem_text(v),
    "decimal_places": lambda v, f: int(f.spec.raw["jn:decimal_places"]),
    "places_given": lambda v, f: len((v or "").partition(".")[2]),
}


def _bound(f: CellField, key: str) -> Any:
    v = f.constraints.get(key)
    return "" if v is None else v


def placeholders(f: CellField, c: str) -> dict[str, str]:
    """What a rule's `when` may name, for field `f` held in column `c`."""
    cons = f.constraints
    ltype = logical_type(f.type)
    out = {"c": c}
    typed_ok = f"{c} IS NOT NULL"       # the value is there and of its type: the later rules judge it
    if ltype.valid is not None:
        out["valid"] = ltype.valid(c, f.spec)
        typed_ok = f"{typed_ok} AND {out['valid']}"
    if f.masked:
        typed_ok = f"{typed_ok} AND NOT contains({c}, '*')"   # a masked cell keeps only its length
    out["typed_ok"] = out["pattern_ok"] = typed_ok
    if f.has("enum"):
        out["enum"] = ", ".join(lit(str(x)) for x in cons["enum"])
    if f.has("pattern"):
        out["pattern"] = lit(cons["pattern"])
        out["pattern_ok"] = f"{typed_ok} AND regexp_full_match({c}, {out['pattern']})"
    # a missing bound is infinite, so a range with one bound needs no other SQL
    lo, hi = cons.get("minimum"), cons.get("maximum")
    out["minimum"] = "CAST('-infinity' AS DOUBLE)" if lo is None else str(float(lo))
    out["maximum"] = "CAST('infinity' AS DOUBLE)" if hi is None else str(float(hi))
    if f.has("maxLength"):
        out["max_length"] = str(int(cons["maxLength"]))
    if ltype.name == "number" and f.spec.raw.get("jn:decimal_places"):
        out["places_form"] = lit(number_form(f.spec, strict=True))
    return out


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")   # a regex's {64} or \x{00A0} is left alone


def render(when: str, values: dict[str, str]) -> str:
    def fill(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise ValueError(f"placeholder {{{m.group(1)}}} has no value for this field")
        return values[m.group(1)]
    return _PLACEHOLDER.sub(fill, when)


@dataclass(frozen=True)
class CellRule:
    """One cell rule's declared check, as the registry gives it."""
    code: str
    applies: dict[str, Any]
    when: str
    params: dict[str, str]
    # a regular expression found in a row's values of every column the rule checks, joined by
    # U+001F (SCREEN_JOIN), wherever some cell may break the rule, and never where none can: the
    # rule's per-column counts are made only when it finds something. One expression per table
    # instead of one per column (DuckDB spends ~0.1-0.4 ms setting up each expression of a query,
    # most of the time a small package takes), and the rules screening the same columns share
    # one search (one regex pass costs the same with two alternatives as with one: 1M rows)
    screen: str | None = None

    def matches(self, f: CellField) -> bool:
        return all(SELECTORS[k](f, want) for k, want in self.applies.items())


@lru_cache(maxsize=1)
def cell_rules() -> tuple[CellRule, ...]:
    """Every cell rule of the registry, in registry order; an unknown selector or parameter
    function fails here, once."""
    out = []
    for r in all_rules():
        if r.level != "cell":
            continue
        chk = r.check if isinstance(r.check, dict) else {}
        applies, params = chk.get("applies") or {}, chk.get("params") or {}
        unknown = (set(applies) - set(SELECTORS)) | (set(params.values()) - set(PARAMS))
        if "when" not in chk or unknown:
            raise ValueError(f"cell rule {r.code}: check needs `when`; unknown names {sorted(unknown)}")
        screen = chk.get("screen")
        out.append(CellRule(r.code, applies, chk["when"].strip(), params, screen and screen.strip()))
    return tuple(out)


@dataclass
class CellCheck:
    code: str
    field: CellField | FieldSpec | None
    cond: str                     # SQL: this row breaks the rule
    col: str                      # the (quoted) column whose value a finding shows
    params: Callable[[str | None], dict[str, Any]] | None = None   # message parameters from the value
    screen: str | None = None     # the rule's screen (CellRule.screen), not yet given its columns


class CellRules:
    """The cell rules of every field, as the standard (and a pseudonymized package) has them."""

    def __init__(self, profile: Profile, pseudonymized: bool):
        self.profile = profile
        self.pseudonymized = pseudonymized
        self.rules = cell_rules()

    def as_checked(self, f: FieldSpec) -> CellField:
        treatment = f.raw.get("jn:exchange_treatment") if self.pseudonymized else None
        ltype = logical_type(f.type).name
        if treatment == "keyed_hash":
            return CellField(f, ltype, {"pattern": KEYED_HASH_PATTERN}, None, hinted=False)
        codes: dict[str, dict[str, str]] = {}
        title = ""
        if f.constraints.get("enum"):
            cl = f.codelist
            codes = self.profile.codes(cl) if cl in self.profile.codelists else \
                {str(x): {"code": str(x), "label": str(x)} for x in f.constraints["enum"]}
            title = self.profile.codelists.get(cl or "", {}).get("title", cl or "")
        return CellField(f, ltype, f.constraints, f.identifier_scheme, masked=treatment == "mask",
                         codes=codes, codelist_title=title)

    def of_field(self, f: FieldSpec, c: str) -> list[CellCheck]:
        """The checks of field `f` held in column `c`, in the order the findings are made."""
        cf = self.as_checked(f)
        values = placeholders(cf, c)
        return [CellCheck(r.code, cf, render(r.when, values), c, _param_maker(r.params, cf), r.screen)
                for r in self.rules if r.matches(cf)]


def _param_maker(params: dict[str, str], f: CellField) -> Callable[[str | None], dict[str, Any]]:
    return lambda v: {name: PARAMS[fn](v, f) for name, fn in params.items()}


def cell_size_checks(t: LoadedTable, limits: Limits) -> list[CellCheck]:
    """JN-FILE-009 for every column of the file (known to the standard or not)."""
    limit = limits.max_cell_chars

    def params(header_name: str) -> Callable[[str | None], dict[str, Any]]:
        return lambda v: {"length": len(v or ""), "limit": limit, "field": header_name}

    return [CellCheck("JN-FILE-009", t.spec.field(header_name), f"length({q(col)}) > {limit}", q(col),
                      params(header_name))
            for col, header_name in t.file_columns.items()]


# a screen pays off from this many columns of a table on (below, the columns are counted at once)
SCREEN_FROM = 3
SCREEN_JOIN = "chr(31)"   # SQL: what a screen's values are joined by (a regex's \x1f)


def _screens(checks: list[CellCheck]) -> dict[str, tuple[str, ...]]:
    """One search per set of columns screened, as SQL → the rule codes it screens, for the rules
    worth screening in this table."""
    cols: dict[str, list[str]] = {}
    for c in checks:
        if c.screen is not None:
            cols.setdefault(c.code, []).append(c.col)
    patterns = {c.code: c.screen for c in checks if c.screen is not None}
    shared: dict[tuple[str, ...], list[str]] = {}
    for code, cs in cols.items():
        if len(cs) >= SCREEN_FROM:
            shared.setdefault(tuple(cs), []).append(code)
    return {f"regexp_matches(concat_ws({SCREEN_JOIN}, {', '.join(cs)}), "
            f"{lit('|'.join(f'(?:{patterns[code]})' for code in codes))})": tuple(codes)
            for cs, codes in shared.items()}


def check_cells(con: duckdb.DuckDBPyConnection, t: LoadedTable, rules: CellRules, limits: Limits,
                collector: Collector) -> None:
    """Every cell rule of one table: counts in one scan (two when a cell may be too long or a
    screened rule finds something), then one query per broken rule for its examples."""
    checks: list[CellCheck] = []
    for f in t.spec.fields:
        col = t.columns.get(f.name)
        if col is not None:
            checks.extend(c for c in rules.of_field(f, q(col)) if collector.enabled(c.code))
    limit = limits.max_cell_chars
    huge = cell_size_checks(t, limits) if collector.enabled("JN-FILE-009") else []
    if not (checks or huge) or t.rows == 0:
        return
    screens = _screens(checks)
    screened = {code for codes in screens.values() for code in codes}
    first = [c for c in checks if c.code not in screened]
    # Cell size: one aggregate over the longest cell in bytes (a bound on its characters)
    # instead of one per column, which cost DuckDB as much to plan as all the other checks;
    # the columns are counted only when a cell may be too long.
    longest = "max(greatest(" + ", ".join(f"strlen({h.col})" for h in huge) + "))" if huge else "0"
    *counted, widest = one_row(
        con, "SELECT " + ", ".join([*(f"count_if({c.cond})" for c in first),
                                    *(f"count_if({s})" for s in screens), longest]) + f" FROM {t.raw}")
    counts = dict(zip(map(id, first), counted[:len(first)]))
    flagged = {code for codes, n in zip(screens.values(), counted[len(first):]) if n for code in codes}
    second = [c for c in checks if c.code in flagged] + (huge if widest and widest > limit else [])
    if second:
        counts.update(zip(map(id, second),
                          one_row(con, "SELECT " + ", ".join(f"count_if({c.cond})" for c in second) + f" FROM {t.raw}")))
    key_sql = t.key_sql()
    for check in checks + huge:   # the findings in the checks' order, screened or not
        n = counts.get(id(check))
        if not n:
            continue
        ex = con.execute(
            f"SELECT rowid, {check.col}, {key_sql} FROM {t.raw} WHERE {check.cond} ORDER BY rowid "
            f"LIMIT {collector.max_examples}").fetchall()
        findings = [_cell_finding(t, check, rowid, value, key) for rowid, value, key in ex]
        collector.add_counted(findings[0], int(n), findings[1:])


def _cell_finding(t: LoadedTable, check: CellCheck, rowid: int, value: str | None,
                  key: list[str | None] | None) -> Finding:
    f = check.field.spec if isinstance(check.field, CellField) else check.field
    params = check.params(value) if check.params else {}
    return make_finding(check.code, resource=t.spec.name, row=t.line_of(int(rowid)),
                        field=params.pop("field", None) or (f.name if f else None),
                        value=show(value, f), key=t.shown_key(key), title=f.title if f else "", **params)
