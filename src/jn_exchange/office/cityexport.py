"""The city's database read back out: an organisation's period written as a package, each
column in the standard's own written form (datetimes in Beijing time with +08:00, booleans
`true`/`false`), which the validator accepts (tests/test_office_citydb.py round-trips the example)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from jn_exchange.engine.sql import lit
from jn_exchange.office.citydb import CityDatabase, CityLoadError
from jn_exchange.profile import TableSpec


def export(city: CityDatabase, out: Path, *, organisation: str, period: str) -> Path:
    """The organisation's data of `period` as a package in folder `out` (created; must not exist)."""
    from jn_exchange.sample.writer import package_name, write_descriptor

    load = next((x for x in city.loads(organisation) if x.period == period), None)
    if load is None:
        raise CityLoadError(f"市级数据库中没有 {organisation} 在 {period} 的数据",
                            f"the city database holds nothing of {organisation} for {period}")
    out.mkdir(parents=True)
    try:
        with city._connect(read_only=True) as conn:
            cur = city._cursor(conn)
            # datetimes are written in Beijing time (see _as_text): set once for every table
            cur.execute("SET TIME ZONE 'Asia/Shanghai'" if city.dialect == "postgresql"
                        else "SET TimeZone = 'Asia/Shanghai'")
            for spec in city.profile.tables.values():
                _write_table(city, cur, spec, out / spec.path, organisation, period)
        write_descriptor(out, city.profile, title=f"{organisation} {period}（市级数据库导出）",
                         created=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                         name=package_name(f"city-{organisation}-{period}"))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return out

def _write_table(city: CityDatabase, cur: Any, spec: TableSpec, dest: Path, organisation: str, period: str) -> None:
    cols = ", ".join(f"{_as_text(city, f.name, f.type)} AS \"{f.name}\"" for f in spec.fields)
    order = ", ".join(f'"{c}"' for c in spec.primary_key) or "1"
    select = (f'SELECT {cols} FROM "{spec.name}" WHERE "_organisation" = %s AND "_period" = %s '
              f"ORDER BY {order}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if city.dialect == "duckdb":
        literal = select.replace("%s", "{}").format(lit(organisation), lit(period))
        cur.execute(f"COPY ({literal}) TO {lit(str(dest))} (FORMAT csv, HEADER true)")
        return
    with dest.open("wb") as fh, cur.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER true)",
                                         [organisation, period]) as cp:
        for chunk in cp:
            fh.write(chunk)

def _as_text(city: CityDatabase, name: str, ftype: str) -> str:
    """A column in the standard's own written form (what the validator reads)."""
    c = f'"{name}"'
    if ftype == "boolean":
        return f"CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END"
    if ftype == "datetime":
        local = (f"to_char({c} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
                 if city.dialect == "postgresql" else f"strftime(timezone('Asia/Shanghai', {c}), '%Y-%m-%dT%H:%M:%S.%f')")
        # whole seconds without a fraction, a fraction without its trailing zeros
        return f"regexp_replace({local}, '\\.?0+$', '') || '+08:00'"
    return f"CAST({c} AS TEXT)" if ftype in ("date", "number", "integer") else c
