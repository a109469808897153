"""Day counting for the deadlines of the regulations.

Reading (stated on every deadline rule's page): the five texts say "N日内" without saying
which days, so a period counts calendar days from the day after the event (民法典 第二百零一条)
and, when its last day is a public holiday or rest day, ends on the next working day
(民法典 第二百零三条). Working days follow China's annual holiday notices, shipped as data
(`data/holidays.yaml`, one entry per year): Monday-Friday work and Saturday-Sunday rest unless
the notice says otherwise. A year that is not in the data is counted with weekends only, and
the validator says so (JN-CAL-001) instead of silently guessing.

The same calendar is a DuckDB table (`jn_calendar`) with three macros used by the rules:
`jn_deadline(d, n)`, `jn_add_workdays(d, n)` and `jn_workdays_between(a, b)`."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources

import yaml

FIRST_DAY = dt.date(2019, 1, 1)   # the first year of holiday data; earlier days fall back to d + n


@lru_cache(maxsize=1)
def holiday_data() -> dict[int, dict[str, frozenset[dt.date]]]:
    text = resources.files("jn_exchange").joinpath("data/holidays.yaml").read_text(encoding="utf-8")
    years = (yaml.safe_load(text) or {}).get("years") or {}
    return {int(y): {"rest": frozenset(v.get("rest") or ()), "work": frozenset(v.get("work") or ())}
            for y, v in years.items()}


def known_years() -> list[int]:
    return sorted(holiday_data())


def is_workday(day: dt.date) -> bool:
    y = holiday_data().get(day.year)
    if y is not None:
        if day in y["work"]:
            return True
        if day in y["rest"]:
            return False
    return day.weekday() < 5


def deadline(start: dt.date, days: int) -> dt.date:
    """Last day of a period of `days` days counted from the day after `start`."""
    end = start + dt.timedelta(days=days)
    while not is_workday(end):
        end += dt.timedelta(days=1)
    return end


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start`."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        n -= is_workday(day)
    return day


def install(con, last_year: int) -> None:
    """Create `jn_calendar` (FIRST_DAY to the end of `last_year`) and the day-counting macros."""
    data = holiday_data()
    off = [d for y in data.values() for d in y["rest"]]
    work = [d for y in data.values() for d in y["work"]]
    # one statement per list (an INSERT per day took a tenth of a second)
    con.execute("CREATE OR REPLACE TEMP TABLE jn_cal_off AS SELECT unnest(?::DATE[]) AS day", [off])
    con.execute("CREATE OR REPLACE TEMP TABLE jn_cal_work AS SELECT unnest(?::DATE[]) AS day", [work])
    years = ", ".join(str(y) for y in data) or "NULL"
    con.execute(f"""
        CREATE OR REPLACE TABLE jn_calendar AS
        WITH days AS (
            SELECT CAST(d AS DATE) AS day
            FROM generate_series(DATE '{FIRST_DAY.isoformat()}', DATE '{last_year}-12-31', INTERVAL 1 DAY) t(d)),
        flagged AS (
            SELECT day,
                   CASE WHEN day IN (SELECT day FROM jn_cal_work) THEN true
                        WHEN day IN (SELECT day FROM jn_cal_off) THEN false
                        ELSE isodow(day) <= 5 END AS workday,
                   year(day) IN ({years}) AS known
            FROM days)
        SELECT day, workday, known,
               sum(CASE WHEN workday THEN 1 ELSE 0 END) OVER (ORDER BY day) AS workday_seq
        FROM flagged ORDER BY day""")
    # the last day of an n-day period after d, moved off rest days and holidays
    con.execute("""CREATE OR REPLACE MACRO jn_deadline(d, n) AS
        coalesce((SELECT min(c.day) FROM jn_calendar c WHERE c.day >= d + CAST(n AS INTEGER) AND c.workday),
                 d + CAST(n AS INTEGER))""")
    con.execute("""CREATE OR REPLACE MACRO jn_add_workdays(d, n) AS
        (SELECT min(c.day) FROM jn_calendar c WHERE c.workday AND c.workday_seq =
            (SELECT s.workday_seq FROM jn_calendar s WHERE s.day = d) + CAST(n AS INTEGER))""")
    con.execute("""CREATE OR REPLACE MACRO jn_workdays_between(a, b) AS
        (SELECT y.workday_seq FROM jn_calendar y WHERE y.day = b)
        - (SELECT x.workday_seq FROM jn_calendar x WHERE x.day = a)""")
    con.execute("""CREATE OR REPLACE MACRO jn_calendar_known(d) AS
        coalesce((SELECT c.known FROM jn_calendar c WHERE c.day = d), false)""")
