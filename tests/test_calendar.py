"""Day counting: the shipped holiday data, the Python functions and the DuckDB macros agree."""

import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jn_exchange.business import calendar

D = dt.date


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    calendar.install(c, 2030)
    return c


def test_years_shipped_are_contiguous_and_include_the_regulations_years():
    years = calendar.known_years()
    assert years == list(range(years[0], years[-1] + 1))
    assert {2024, 2025, 2026} <= set(years)


@pytest.mark.parametrize("day, workday", [
    (D(2025, 10, 1), False),    # National Day
    (D(2025, 10, 8), False),    # last day of the 2025 National Day / Mid-Autumn holiday
    (D(2025, 10, 11), True),    # Saturday make-up working day
    (D(2025, 9, 28), True),     # Sunday make-up working day
    (D(2025, 1, 28), False),    # Spring Festival eve
    (D(2025, 3, 3), True),      # an ordinary Monday
    (D(2025, 3, 8), False),     # an ordinary Saturday
    (D(2099, 1, 5), True),      # a year without data: a Monday is a working day
    (D(2099, 1, 3), False),
])
def test_is_workday(day, workday):
    assert calendar.is_workday(day) is workday


@pytest.mark.parametrize("start, days, end", [
    (D(2025, 7, 13), 30, D(2025, 8, 12)),   # ordinary: the 30th day, a Tuesday
    (D(2025, 5, 15), 30, D(2025, 6, 16)),   # the 30th day is a Saturday: Monday
    (D(2025, 9, 5), 30, D(2025, 10, 9)),    # the 30th day falls in the National Day holiday
    (D(2025, 9, 30), 7, D(2025, 10, 9)),
    (D(2025, 9, 21), 7, D(2025, 9, 28)),    # the 7th day is a make-up working Sunday: it stays
])
def test_deadline(start, days, end, con):
    assert calendar.deadline(start, days) == end
    assert con.execute("SELECT jn_deadline(?::DATE, ?)", [start, days]).fetchone()[0] == end


def test_add_and_count_workdays(con):
    assert calendar.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert con.execute("SELECT jn_add_workdays(DATE '2025-09-30', 1)").fetchone()[0] == D(2025, 10, 9)
    # 2025-09-28 (make-up Sunday), 29, 30, then 10-09, 10-10
    assert con.execute("SELECT jn_workdays_between(DATE '2025-09-26', DATE '2025-10-10')").fetchone()[0] == 5


@settings(max_examples=200, deadline=None)
@given(start=st.dates(D(2019, 1, 1), D(2027, 12, 31)), n=st.integers(1, 60))
def test_sql_macros_agree_with_python(start, n):
    c = _shared()
    got = c.execute("SELECT jn_deadline(?::DATE, ?), jn_add_workdays(?::DATE, ?)", [start, n, start, n]).fetchone()
    assert got == (calendar.deadline(start, n), calendar.add_workdays(start, n))


_CON = None


def _shared():
    global _CON
    if _CON is None:
        _CON = duckdb.connect()
        calendar.install(_CON, 2030)
    return _CON
