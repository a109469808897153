"""The texts' dates: one table, macros that agree with it, and rules that use them instead of
writing the dates again."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from jn_exchange.business import business_rules, texts
from jn_exchange.business.texts import TEXTS, text

ONE_DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    texts.install(c)
    return c


def test_table_is_consistent():
    assert len({t.key for t in TEXTS}) == len(TEXTS)
    assert all(t.end is None or t.start <= t.end for t in TEXTS)
    # 001 is 000's text before 令第295号: it ends the day before the amended 第十一条 starts
    assert text("001").end + ONE_DAY == text("000_art11").start
    assert text("001").start == text("000").start
    # rules judging "002, then 003" take the two periods as one span: they must overlap
    assert text("003").start <= text("002").end


@pytest.mark.parametrize("t", TEXTS, ids=lambda t: t.key)
def test_macros_agree_with_the_table(t, con):
    assert con.execute(f"SELECT jn_start_{t.key}()").fetchone()[0] == t.start
    edges = [t.start - ONE_DAY, t.start] + ([t.end, t.end + ONE_DAY] if t.end else [dt.date(2099, 12, 31)])
    for day in edges:
        got = con.execute(f"SELECT jn_in_force_{t.key}(?::DATE)", [day]).fetchone()[0]
        assert got is t.in_force(day), (t.key, day)
    if t.end:
        assert con.execute(f"SELECT jn_end_{t.key}()").fetchone()[0] == t.end


@pytest.mark.parametrize("basis, day, expected", [
    ("1", "2025-03-01", True), ("1", "2027-02-28", True), ("1", "2025-02-28", False), ("1", "2027-03-01", False),
    ("2", "2025-02-01", True), ("2", "2025-01-31", False), ("3", "2025-06-01", False),
])
def test_supervision_scope(basis, day, expected, con):
    # a 历城区 supervising body: the division is tests/test_scope.py's subject
    assert con.execute("SELECT jn_sup_scope(?, '370112', ?::DATE)", [basis, day]).fetchone()[0] is expected


def test_fault_scope_falls_back_to_the_verification_date(con):
    q = "SELECT jn_fault_scope(?::DATE, ?::DATE)"
    assert con.execute(q, [None, "2025-02-01"]).fetchone()[0] is True
    assert con.execute(q, ["2025-01-31", "2025-03-01"]).fetchone()[0] is False


def test_rules_do_not_repeat_the_texts_dates():
    dates = {d.isoformat() for t in TEXTS for d in (t.start, t.end) if d}
    years = {str(d)[:4] for d in dates}
    for rule in business_rules():
        sql = re.sub(r"--[^\n]*", "", rule.sql)   # comments may name them
        literals = set(re.findall(r"DATE '(\d{4}-\d\d-\d\d)'", sql)) | set(re.findall(r"'(\d{4}-\d\d-\d\d)", sql))
        assert not literals & dates, (rule.code, literals & dates)
        assert not set(re.findall(r"(?<![\d'-])(\d{4})(?![\d'-])", sql)) & years, rule.code
        assert "370112%" not in sql, rule.code   # jn_in_licheng


def test_every_macro_the_rules_call_is_installed(con):
    installed = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro'"
                                           " AND function_name LIKE 'jn_%'").fetchall()}
    called = {m for r in business_rules() for m in re.findall(r"\b(jn_[a-z0-9_]+)\(", r.sql)}
    day_counting = {"jn_deadline", "jn_add_workdays", "jn_workdays_between", "jn_calendar_known"}
    assert called - day_counting <= installed
