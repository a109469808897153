"""Row-level change between two packages of one organisation (issue 16): per table, the records
added, removed and changed (by primary key, with the fields that changed), and the records whose
key changed while their content did not (`rekeyed`: a known pain of every change tracker, since
it breaks every reference to the record from outside the package).

Values are compared as the standard reads them, not as written: `12.5` and `12.50`, or
`2025-02-22T09:40:00+08:00` and `2025-02-22T01:40:00Z`, are the same value. A value that is not
of its field's type (a failing package) is compared as written. Only field names are shown,
never values, and record keys as the reports show them (a personal key field masked): a
change tracker must not become a way around the reports' masking.

`compare` reads two package folders in an in-memory DuckDB; `compute_for_submission` compares
a submission with the organisation's last accepted data in the city's database (the same period
if there is one, else the latest) and writes the result as JSON for the page and the API."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from jn_exchange.masking import show_key
from jn_exchange.office.citydb import CityDatabase
from jn_exchange.office.unpacked import unpacked
from jn_exchange.package import Package
from jn_exchange.profile import Profile, TableSpec, load_profile

# record keys listed per table and kind of change; the counts are exact
EXAMPLES = 200
_TYPES = {"date": "DATE", "datetime": "TIMESTAMPTZ", "number": "DECIMAL(38,10)", "integer": "BIGINT",
          "boolean": "BOOLEAN"}
KINDS = ("added", "removed", "changed", "rekeyed")


def _files(pkg: Package) -> dict[str, Path]:
    return {r["name"]: pkg.root / r["path"] for r in pkg.descriptor.get("resources", [])
            if isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("path"), str)
            and (pkg.root / r["path"]).is_file()}


def _canonical(spec: TableSpec, header: list[str]) -> str:
    """Each field of the table as comparable text: its typed value written one way, or the raw
    text where it is not of its type; NULL for an empty or absent cell."""
    out = []
    for f in spec.fields:
        if f.name not in header:
            out.append(f'NULL::VARCHAR AS "{f.name}"')
            continue
        raw = f'NULLIF("{f.name}", \'\')'
        t = _TYPES.get(f.type)
        expr = raw if t is None else f"coalesce(CAST(TRY_CAST({raw} AS {t}) AS VARCHAR), {raw})"
        out.append(f'{expr} AS "{f.name}"')
    return ", ".join(out)


def _header(path: Path) -> list[str]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh), [])


def _side(con: Any, name: str, spec: TableSpec, path: Path | None) -> int:
    """Table `name` of the side's canonical rows, one per key (the first); returns the number of
    rows left out because their key repeats (a failing package)."""
    keys = ", ".join(f'"{k}"' for k in spec.primary_key)
    if path is None:
        cols = ", ".join(f'NULL::VARCHAR AS "{f.name}"' for f in spec.fields)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {cols} LIMIT 0")
        return 0
    header = _header(path)
    columns = "{" + ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in header) + "}"
    source = (f"read_csv(?, header = true, columns = {columns}, delim = ',', quote = '\"', escape = '\"', "
              "null_padding = true, ignore_errors = true)")
    con.execute(f"CREATE TEMP TABLE {name}_all AS SELECT {_canonical(spec, header)} FROM {source}", [str(path)])
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_all "
                f"QUALIFY row_number() OVER (PARTITION BY {keys}) = 1")
    total = con.execute(f"SELECT (SELECT count(*) FROM {name}_all) - (SELECT count(*) FROM {name})").fetchone()[0]
    con.execute(f"DROP TABLE {name}_all")
    return int(total)


# a record's key inside the comparison: its parts joined by U+001F, an absent part as U+001E
_SEP, _NONE = "\x1f", "\x1e"


def _key(spec: TableSpec, alias: str) -> str:
    return "concat_ws(chr(31), " + ", ".join(f'coalesce({alias}."{k}", chr(30))' for k in spec.primary_key) + ")"


def _shown(spec: TableSpec, key: str) -> str | None:
    """A key as every report shows it (`masking.show_key`): a personal key field (an officer's
    or a counterpart's id) is masked by its field's policy."""
    parts = [None if v == _NONE else v for v in key.split(_SEP)]
    return show_key([(spec.field(k), v) for k, v in zip(spec.primary_key, parts)])


def compare_table(con: Any, spec: TableSpec, old: Path | None, new: Path | None) -> dict[str, Any]:
    """The change of one table between the old and the new package's file (None: absent)."""
    dup_old, dup_new = _side(con, "o", spec, old), _side(con, "n", spec, new)
    on = " AND ".join(f'o."{k}" = n."{k}"' for k in spec.primary_key)
    rest = [f.name for f in spec.fields if f.name not in spec.primary_key]
    kn = _key(spec, "n")
    con.execute(f"CREATE TEMP TABLE gone AS SELECT o.* FROM o ANTI JOIN n ON {on}")
    con.execute(f"CREATE TEMP TABLE came AS SELECT n.* FROM n ANTI JOIN o ON {on}")
    rekeyed: list[tuple[str, str]] = []
    if rest:
        # the same content under another key: content unique on both sides, so a pair is certain
        body = "md5(concat_ws(chr(31), " + ", ".join(f"coalesce(\"{c}\", chr(30))" for c in rest) + "))"
        rekeyed = con.execute(
            f"WITH g AS (SELECT {_key(spec, 'gone')} AS k, {body} AS h FROM gone QUALIFY count(*) OVER (PARTITION BY h) = 1),"
            f" c AS (SELECT {_key(spec, 'came')} AS k, {body} AS h FROM came QUALIFY count(*) OVER (PARTITION BY h) = 1)"
            " SELECT g.k, c.k FROM g JOIN c USING (h) ORDER BY g.k").fetchall()
    moved_from = {a for a, _ in rekeyed}
    moved_to = {b for _, b in rekeyed}
    removed = [k for (k,) in con.execute(f"SELECT {_key(spec, 'gone')} AS k FROM gone ORDER BY k").fetchall()
               if k not in moved_from]
    added = [k for (k,) in con.execute(f"SELECT {_key(spec, 'came')} AS k FROM came ORDER BY k").fetchall()
             if k not in moved_to]
    changed: list[dict[str, Any]] = []
    if rest:
        fields = "[" + ", ".join(f"CASE WHEN o.\"{c}\" IS DISTINCT FROM n.\"{c}\" THEN '{c}' END" for c in rest) + "]"
        changed = [{"key": k, "fields": list(fs)} for k, fs in con.execute(
            f"SELECT {kn} AS k, list_filter({fields}, lambda x: x IS NOT NULL) AS fs FROM o JOIN n ON {on} "
            "WHERE len(fs) > 0 ORDER BY k").fetchall()]
    before = con.execute("SELECT count(*) FROM o").fetchone()[0]
    after = con.execute("SELECT count(*) FROM n").fetchone()[0]
    for t in ("o", "n", "gone", "came"):
        con.execute(f"DROP TABLE {t}")
    by_field: dict[str, int] = {}
    for c in changed:
        for f in c["fields"]:
            by_field[f] = by_field.get(f, 0) + 1
    def shown(keys: list[str]) -> list[str | None]:
        return [_shown(spec, k) for k in keys[:EXAMPLES]]

    return {"table": spec.name, "title": spec.title, "key": list(spec.primary_key),
            "before": int(before) + dup_old, "after": int(after) + dup_new,
            "added": len(added), "removed": len(removed), "changed": len(changed), "rekeyed": len(rekeyed),
            "repeated_keys": {"before": dup_old, "after": dup_new},
            "changed_fields": dict(sorted(by_field.items(), key=lambda kv: (-kv[1], kv[0]))),
            "examples": {"added": shown(added), "removed": shown(removed),
                         "changed": [{"key": _shown(spec, c["key"]), "fields": c["fields"]} for c in changed[:EXAMPLES]],
                         "rekeyed": [{"from": _shown(spec, a), "to": _shown(spec, b)} for a, b in rekeyed[:EXAMPLES]]}}


def compare(old: Package | None, new: Package, profile: Profile | None = None, *,
            memory_limit: str | None = None, spill: Path | None = None) -> dict[str, Any]:
    """The change from package `old` (None: nothing before) to `new`, table by table, within
    `memory_limit` (spilling to `spill`) when given, as the service's validations are."""
    import duckdb

    profile = profile or load_profile()
    fo, fn = (_files(old) if old else {}), _files(new)
    config: dict[str, Any] = {"memory_limit": memory_limit} if memory_limit else {}
    if spill is not None:
        config["temp_directory"] = str(spill)
    con = duckdb.connect(config=config)
    try:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        tables = [compare_table(con, spec, fo.get(name), fn.get(name)) for name, spec in profile.tables.items()
                  if spec.primary_key and (name in fo or name in fn)]
    finally:
        con.close()
    totals = {k: sum(t[k] for t in tables) for k in ("before", "after", *KINDS)}
    return {"tables": [t for t in tables if any(t[k] for k in KINDS)], "unchanged_tables": sum(
        1 for t in tables if not any(t[k] for k in KINDS)), "totals": totals}


def compute_for_submission(city: CityDatabase, package_path: Path, *, submission_id: int, organisation: str,
                           out: Path, period: str | None = None, memory_limit: str | None = None) -> dict[str, Any]:
    """The change from the organisation's last accepted data (of `period` if it has that
    period, else its latest) to this submission's package; written to `out` as JSON."""
    loads = [x for x in city.loads(organisation) if x.submission_id != submission_id]
    prev = next((x for x in loads if x.period == period), None) or (loads[0] if loads else None)
    with tempfile.TemporaryDirectory(prefix="jn-change-") as tmp:
        new = unpacked(package_path, Path(tmp) / "new")
        old = None
        if prev is not None:
            folder = city.export(Path(tmp) / "old", organisation=organisation, period=prev.period)
            old = unpacked(folder, Path(tmp) / "old-open")
        result = compare(old, new, city.profile, memory_limit=memory_limit, spill=Path(tmp) / "spill")
    result = {"submission_id": submission_id, "organisation": organisation,
              "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "previous": None if prev is None else {"submission_id": prev.submission_id, "period": prev.period,
                                                     "loaded_at": prev.loaded_at.isoformat(timespec="seconds")},
              **result}
    part = out.with_suffix(".part")
    part.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(part, out)
    return result
