"""Jurisdiction and validity as data: each rule says which texts it applies (and so where and
when), its SQL applies exactly those by the record's own division and date through the named
macros, and JN-COD-001 judges every limited code by the model's annotations."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from jn_exchange.business import business_rules, scope, texts
from jn_exchange.business.texts import TEXTS, local_texts, text
from jn_exchange.profile import load_profile
from jn_exchange.rules import registry

# the scope macros and the texts each of them applies
SCOPE_MACROS = {"jn_sup_scope_003": {"003"}, "jn_sup_scope_004": {"004"}, "jn_sup_scope": {"003", "004"},
                "jn_fault_scope": {"004"}}
DIVISION_AWARE = ("jn_applies_", "jn_sup_scope_003(", "jn_sup_scope(", "jn_in_licheng(")
SENTINELS = {"2000-01-01", "9999-12-31"}   # open ends of a period, not a text's date


def _sql(rule) -> str:
    return re.sub(r"--[^\n]*", "", rule.sql)


def texts_in_sql(sql: str) -> set[str]:
    keys = sorted((t.key for t in TEXTS), key=len, reverse=True)   # 000_art11 before 000
    found = {k for k in keys for m in re.findall(rf"jn_(?:in_force|applies|start|end)_({re.escape(k)})\(", sql)
             if m == k}
    for macro, keys_of in SCOPE_MACROS.items():
        if re.search(rf"\b{macro}\(", sql):
            found |= keys_of
    return found


@pytest.mark.parametrize("rule", business_rules(), ids=lambda r: r.code)
def test_applies_says_what_the_sql_applies(rule):
    """`applies.texts` are the texts whose macros the SQL calls; `from` and `to` are their first
    and last day (no `to` while one of them has no end); a rule that applies no text has neither."""
    used = texts_in_sql(_sql(rule))
    declared = set(rule.applies.get("texts") or ())
    assert declared == used, f"applies.texts {sorted(declared)} but the SQL applies {sorted(used)}"
    if not used:
        assert "from" not in rule.applies and "to" not in rule.applies, "dates without a text that sets them"
        return
    ts = [text(k) for k in used]
    assert rule.applies.get("from") == min(t.start for t in ts).isoformat()
    end = None if any(t.end is None for t in ts) else max(t.end for t in ts if t.end).isoformat()
    assert rule.applies.get("to") == end


@pytest.mark.parametrize("rule", business_rules(), ids=lambda r: r.code)
def test_a_district_text_is_applied_by_the_records_division(rule):
    """002 and 003 are 历城区's: a rule applying them asks the record's division (jn_applies_NNN,
    the supervision scopes, or jn_in_licheng for 002's yearly checks), never only the date."""
    sql = _sql(rule)
    local = texts_in_sql(sql) & local_texts()
    if not local:
        return
    for key in local:
        assert f"jn_in_force_{key}(" not in sql, f"{rule.code} applies {key} by its date alone: use jn_applies_{key}"
    assert any(m in sql for m in DIVISION_AWARE), f"{rule.code} applies {sorted(local)} without a division"


@pytest.mark.parametrize("rule", business_rules(), ids=lambda r: r.code)
def test_every_date_scope_is_a_named_macro(rule):
    literals = set(re.findall(r"'(\d{4}-\d\d-\d\d)'", _sql(rule))) - SENTINELS
    assert not literals, f"{rule.code} writes dates {sorted(literals)}: name them in texts.py"


def test_code_rule_is_generated_from_the_model():
    """05-scope.yaml's JN-COD-001 is what the model makes (`python -m jn_exchange.business.scope`)."""
    assert scope.RULE_FILE.read_text(encoding="utf-8") == scope.rendered_rule_file(), \
        "JN-COD-001 is stale: run python -m jn_exchange.business.scope"


def test_every_table_with_a_limited_code_has_a_place():
    profile = load_profile()
    placed = scope.places(profile)
    tables = {t.name for t, _, _ in scope.scoped_fields(profile)}
    assert tables and tables <= set(placed)
    for p in placed.values():   # every chain of `within` ends at a record with its own date and agency
        seen = set()
        while p.within:
            assert p.table not in seen
            seen.add(p.table)
            p = placed[p.parent]
        assert p.event_date and p.agency


def test_a_codes_own_bounds_win_over_its_lists():
    b = {(x.codelist, x.code): x for x in scope.bounds(load_profile())}
    assert b[("ProcedureBasis", "1")].scope == texts.LICHENG
    assert b[("ProcedureBasis", "2")].scope is None and b[("ProcedureBasis", "2")].valid_from == "2025-02-01"
    assert b[("SupervisionStage", "1")].valid_to == "2027-02-28"     # from the list's annotations
    assert ("ProcedureBasis", "3") not in b                          # an unlimited code is not listed


def test_code_bounds_agree_with_the_texts():
    """A code limited to 历城区 and 003's dates is 003's: the model and texts.py agree."""
    t003 = text("003")
    for b in scope.bounds(load_profile()):
        if b.scope == texts.LICHENG and b.valid_to == t003.end.isoformat():
            assert b.valid_from == t003.start.isoformat(), (b.codelist, b.code)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    texts.install(c)
    scope.install(c)
    return c


@pytest.mark.parametrize("division, day, expected", [
    ("370112", "2025-03-01", True), ("370112001", "2027-02-28", True), ("370102", "2025-06-01", False),
    ("370112", "2027-03-01", False), ("370112", "2025-02-28", False), (None, "2025-06-01", None),
])
def test_applies_003_by_division_and_date(con, division, day, expected):
    assert con.execute("SELECT jn_applies_003(?, ?::DATE)", [division, day]).fetchone()[0] is expected


def test_a_city_text_applies_in_every_district(con):
    assert con.execute("SELECT jn_applies_004('370102', DATE '2025-02-01')").fetchone()[0] is True
    assert con.execute("SELECT jn_applies_004('370102', DATE '2025-01-31')").fetchone()[0] is False


@pytest.mark.parametrize("basis, division, day, expected", [
    ("1", "370112", "2025-06-01", True), ("1", "370102", "2025-06-01", False),
    ("1", "370112", "2027-03-01", False), ("2", "370102", "2025-02-01", True),
])
def test_supervision_scope_asks_the_supervising_bodys_division(con, basis, division, day, expected):
    assert con.execute("SELECT jn_sup_scope(?, ?, ?::DATE)", [basis, division, day]).fetchone()[0] is expected


def test_code_bounds_table_has_every_limited_code(con):
    n = con.execute("SELECT count(*) FROM jn_code_bounds").fetchone()[0]
    assert n == len(scope.bounds(load_profile())) > 50
    row = con.execute("SELECT valid_from, valid_to, scope FROM jn_code_bounds "
                      "WHERE codelist = 'ProcedureBasis' AND code = '1'").fetchone()
    assert row == (dt.date(2025, 3, 1), dt.date(2027, 2, 28), "370112")


def test_determination_types_list_the_situations_the_rules_accept():
    """DutyDeterminationType's situation_table says which situation tables a type rests on;
    JN-DET-001 (what a type needs) and JN-DET-003 (what a type may record) say the same."""
    kinds = {"duty": "DeterminationDutySituation", "tolerance": "DeterminationToleranceSituation",
             "reduction": "DeterminationReductionSituation", "no_tolerance": "DeterminationNoToleranceSituation"}
    accepted: dict[str, set[str]] = {}
    for t, kind in re.findall(r"\('(\d)', '(\w+)', '", registry()["JN-DET-001"].sql):
        accepted.setdefault(t, set()).add(kinds[kind])
    listed = {v["code"]: set(v["situation_table"].split())
              for v in load_profile().codelists["DutyDeterminationType"]["values"]}
    assert listed == accepted
