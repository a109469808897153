"""Where and when a code may be used: the model's validity annotations applied by each record's
own division and event date (rule JN-COD-001, 05-scope.yaml).

The model says it as data:

- a code list, or one of its codes, carries `valid_from` / `valid_to` (the days its text is in
  force) and `scope` (the division code prefix where its text applies: `370112` for 历城区's
  texts); a code's own annotations win over its list's;
- a table says where its records stand: `event_date` (the fields giving the record's date, the
  first one filled wins) and `agency` (the field naming the agency whose `division_code` locates
  the record), or `within` (the foreign key of the record whose date and place it takes: a
  situation takes its determination's, which takes its supervision case's).

`install` writes the codes' bounds as the table `jn_code_bounds`; `rule_sql` writes the one
query that judges every coded field of every table against them, so the rule's SQL in the YAML
is generated from the model and `tests/test_scope.py` fails when it is stale
(`python -m jn_exchange.business.scope` rewrites it). The texts' own dates and divisions, which
the other rules apply, are in `texts.py`."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from jn_exchange.profile import Profile, TableSpec, load_profile

RULE_FILE = Path(__file__).resolve().parent.parent / "rules" / "business" / "05-scope.yaml"
BOUND_KEYS = ("valid_from", "valid_to", "scope")
AGENCIES = "enforcement_agency"


@dataclass(frozen=True)
class Bound:
    codelist: str
    code: str
    valid_from: str | None
    valid_to: str | None
    scope: str | None


@dataclass(frozen=True)
class Place:
    """Where a table's records stand: their own date and agency, or those of the record they
    belong to (`within`, a foreign key to `parent`)."""
    table: str
    event_date: tuple[str, ...] = ()
    agency: str | None = None
    within: str | None = None
    parent: str | None = None
    parent_key: str | None = None


def bounds(profile: Profile) -> list[Bound]:
    """Every code whose use is limited in time or place, with its effective bounds."""
    out = []
    for name, cl in profile.codelists.items():
        for v in cl["values"]:
            b = {k: v.get(k, cl.get(k)) for k in BOUND_KEYS}
            if any(b.values()):
                out.append(Bound(name, v["code"], b["valid_from"], b["valid_to"], b["scope"]))
    return out


def places(profile: Profile) -> dict[str, Place]:
    """The place of every table that declares one (`jn:event_date` + `jn:agency`, or `jn:within`)."""
    out: dict[str, Place] = {}
    for t in profile.tables.values():
        raw = t.raw
        if raw.get("jn:within"):
            fk = raw["jn:within"]
            ref = next(f["reference"] for f in t.foreign_keys if f["fields"] == [fk])
            out[t.name] = Place(t.name, within=fk, parent=ref["resource"], parent_key=ref["fields"][0])
        elif raw.get("jn:event_date"):
            out[t.name] = Place(t.name, tuple(str(raw["jn:event_date"]).split()), raw.get("jn:agency"))
    return out


def scoped_fields(profile: Profile) -> list[tuple[TableSpec, str, str]]:
    """(table, field, code list) of every field whose code list has a limited code."""
    limited = {b.codelist for b in bounds(profile)}
    return [(t, f.name, f.codelist) for t in profile.tables.values() for f in t.fields
            if f.codelist in limited]


def _located(place: Place, alias: str) -> tuple[str, str, str]:
    """The (date, division) expressions of a record of `place` under `alias`, and the join
    that gives them."""
    if place.within:
        p = f"loc_{place.parent}"
        return (f"{p}.event_date", f"{p}.division",
                f"LEFT JOIN {p} ON {p}.k = {alias}.{place.within}")
    date = (f"coalesce({', '.join(f'{alias}.{d}' for d in place.event_date)})" if len(place.event_date) > 1
            else f"{alias}.{place.event_date[0]}")
    a = f"a_{alias}"
    return date, f"{a}.division_code", f"LEFT JOIN {AGENCIES} {a} ON {a}.agency_id = {alias}.{place.agency}"


def _parents(profile: Profile, pl: dict[str, Place], tables: list[str]) -> list[str]:
    """The tables whose location a used table takes, parents before children."""
    need: list[str] = []

    def add(name: str) -> None:
        parent = pl[name].parent
        if parent:
            add(parent)
            if parent not in need:
                need.append(parent)
    for name in tables:
        add(name)
    return need


def rule_sql(profile: Profile) -> tuple[str, list[str]]:
    """JN-COD-001's query and the tables it reads."""
    pl = places(profile)
    fields = scoped_fields(profile)
    unplaced = sorted({t.name for t, _, _ in fields} - set(pl))
    if unplaced:
        raise ValueError(f"tables with limited codes but no place (event_date/agency or within): {unplaced}")
    used_tables = list(dict.fromkeys(t.name for t, _, _ in fields))
    ctes = []
    for name in _parents(profile, pl, used_tables):
        key = profile.tables[name].primary_key
        assert len(key) == 1, f"{name}: a record others are within has a one-field key"
        date, division, join = _located(pl[name], "x")
        ctes.append(f"loc_{name} AS (\n  SELECT x.{key[0]} AS k, {date} AS event_date, {division} AS division\n"
                    f"  FROM {name} x {join})")
    parts = []
    for t, field, codelist in fields:
        date, division, join = _located(pl[t.name], "x")
        parts.append(f"  SELECT '{t.name}' AS _table, x._rowid, '{field}' AS _field, '{codelist}' AS codelist,\n"
                     f"         x.{field} AS code, {date} AS event_date, {division} AS division\n"
                     f"  FROM {t.name} x {join}\n  WHERE x.{field} IS NOT NULL")
    ctes.append("used AS (\n" + "\n  UNION ALL\n".join(parts) + ")")
    sql = ("WITH " + ",\n".join(ctes) + "\n"
           "SELECT u._table, u._rowid, u._field, u.code AS value_code, b.codelist_title AS codelist, u.event_date,\n"
           "       coalesce(u.division, '—') AS division, b.allowed, b.allowed_en\n"
           "FROM used u JOIN jn_code_bounds b ON b.codelist = u.codelist AND b.code = u.code\n"
           "WHERE u.event_date < b.valid_from OR u.event_date > b.valid_to\n"
           "   OR (b.scope IS NOT NULL AND u.division NOT LIKE b.scope || '%')\n")
    reads = list(dict.fromkeys([*used_tables, *(p for p in _parents(profile, pl, used_tables)), AGENCIES]))
    return sql, reads


def _allowed(b: Bound, division_names: dict[str, str]) -> tuple[str, str]:
    if b.valid_from and b.valid_to:
        when_zh, when_en = f"{b.valid_from} 至 {b.valid_to}", f"from {b.valid_from} to {b.valid_to}"
    elif b.valid_from:
        when_zh, when_en = f"{b.valid_from} 起", f"from {b.valid_from}"
    elif b.valid_to:
        when_zh, when_en = f"{b.valid_to} 及以前", f"up to {b.valid_to}"
    else:
        when_zh, when_en = "任何日期", "on any day"
    if b.scope:
        where = division_names.get(b.scope, b.scope)
        return f"{when_zh}、区划 {b.scope}（{where}）", f"{when_en}, in division {b.scope} ({where})"
    return when_zh, when_en


DIVISIONS = {"370112": "历城区", "3701": "济南市"}


def install(con: duckdb.DuckDBPyConnection, profile: Profile | None = None) -> None:
    """Create `jn_code_bounds` (one row per limited code) from the model's annotations."""
    profile = profile or load_profile()
    rows = []
    for b in bounds(profile):
        zh, en = _allowed(b, DIVISIONS)
        rows.append((b.codelist, profile.codelists[b.codelist].get("title", b.codelist), b.code,
                     b.valid_from, b.valid_to, b.scope, zh, en))
    types = ("VARCHAR", "VARCHAR", "VARCHAR", "DATE", "DATE", "VARCHAR", "VARCHAR", "VARCHAR")
    con.execute("CREATE OR REPLACE TABLE jn_code_bounds (codelist VARCHAR, codelist_title VARCHAR, code VARCHAR,"
                " valid_from DATE, valid_to DATE, scope VARCHAR, allowed VARCHAR, allowed_en VARCHAR)")
    if rows:
        # one statement of columns: an INSERT per row (executemany) took a tenth of a second,
        # most of the business rules' preparation on a small package
        lists = ", ".join(f"unnest(?::{t}[])" for t in types)
        con.execute(f"INSERT INTO jn_code_bounds SELECT {lists}", [list(c) for c in zip(*rows)])


_GENERATED = re.compile(r"(  reads: \[)[^\]]*(\]\n  sql: \|\n)(.*)\Z", re.S)


def rendered_rule_file(profile: Profile | None = None) -> str:
    """05-scope.yaml with JN-COD-001's `reads` and `sql` as the model makes them."""
    sql, reads = rule_sql(profile or load_profile())
    text = RULE_FILE.read_text(encoding="utf-8")
    body = "".join(f"    {line}\n" if line else "\n" for line in sql.rstrip("\n").split("\n"))
    new, n = _GENERATED.subn(lambda m: m.group(1) + ", ".join(reads) + m.group(2) + body, text)
    if n != 1:
        raise ValueError(f"{RULE_FILE.name}: its last entry must end with `reads` and `sql`")
    return new


def main() -> int:
    RULE_FILE.write_text(rendered_rule_file(), encoding="utf-8")
    print(f"wrote {RULE_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
