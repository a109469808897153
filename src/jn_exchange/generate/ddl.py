"""CREATE TABLE statements for DuckDB and PostgreSQL, derived from the Table Schemas and the
package profile's table order (one mechanism for both dialects; not LinkML's gen-sqlddl).

DuckDB cannot add a foreign key after a table exists (no ALTER TABLE ... ADD FOREIGN KEY) and
checks a foreign key against the rows already stored, before the statement's own rows: a
self-referencing key would reject a CSV file loaded in one statement whose rows refer to each
other. The DuckDB file therefore omits self-references and references to tables created later,
with a comment; PostgreSQL keeps them (self-references inline, later tables by ALTER TABLE), all
DEFERRABLE INITIALLY DEFERRED, so a package loads in one transaction in any order.

Faithful types: decimals are NUMERIC with the model's scale (no bare DECIMAL, which DuckDB reads
as DECIMAL(18,3)), datetimes TIMESTAMPTZ (the standard's values carry `+08:00` or `Z`, or none:
Beijing time, so a loading session sets its time zone to Asia/Shanghai), and every pattern of the
Table Schema is a CHECK (PostgreSQL `~`, DuckDB `regexp_full_match`), so a database accepts what
the validator accepts in the file's cells. `ddl(..., profile="pseudonymized")` is the same over the
pseudonymised Table Schemas (generate.profiles)."""

from __future__ import annotations

from typing import Any

from jn_exchange.generate.source import ModelError

DIALECTS = ("duckdb", "postgresql")


def qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ql(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# the precision of every NUMERIC column; the scale is the field's jn:decimal_places
NUMERIC_PRECISION = 18


def sql_type(field: dict[str, Any], dialect: str) -> str:
    t = field.get("type", "string")
    if t == "integer":
        return "BIGINT"
    if t == "number":
        places = field.get("jn:decimal_places")
        if places is None:
            raise ModelError(f"{field['name']}: a decimal needs decimal_places (its scale in a database column)")
        return f"NUMERIC({NUMERIC_PRECISION},{int(places)})"
    if t == "date":
        return "DATE"
    if t == "datetime":
        return "TIMESTAMPTZ"
    if t == "boolean":
        return "BOOLEAN"
    max_length = field.get("constraints", {}).get("maxLength")
    if dialect == "postgresql":
        return f"VARCHAR({int(max_length)})" if max_length else "TEXT"
    return "VARCHAR"


def pattern_check(column: str, pattern: str, dialect: str) -> str:
    """A full match of the pattern: PostgreSQL's `~` searches, so the pattern is anchored."""
    if dialect == "duckdb":
        return f"regexp_full_match({column}, {ql(pattern)})"
    anchored = pattern if pattern.startswith("^") and pattern.endswith("$") else f"^(?:{pattern})$"
    return f"{column} ~ {ql(anchored)}"


def _num(v: Any) -> str:
    return str(v)


def column_sql(field: dict[str, Any], dialect: str) -> str:
    cons = field.get("constraints", {})
    col = qi(field["name"])
    parts = [col, sql_type(field, dialect)]
    if cons.get("required"):
        parts.append("NOT NULL")
    checks = []
    if cons.get("enum"):
        checks.append(f"{col} IN ({', '.join(ql(c) for c in cons['enum'])})")
    if cons.get("pattern"):
        checks.append(pattern_check(col, cons["pattern"], dialect))
    if dialect == "duckdb" and cons.get("maxLength"):
        checks.append(f"length({col}) <= {int(cons['maxLength'])}")
    if field.get("type") in ("integer", "number"):
        if cons.get("minimum") is not None:
            checks.append(f"{col} >= {_num(cons['minimum'])}")
        if cons.get("maximum") is not None:
            checks.append(f"{col} <= {_num(cons['maximum'])}")
    if checks:
        parts.append(f"CHECK ({' AND '.join(checks)})")
    return " ".join(parts)


def _comment(ts_or_field: dict[str, Any]) -> str:
    title = ts_or_field.get("title") or ts_or_field["name"]
    desc = ts_or_field.get("description") or ""
    return f"{title}：{desc}" if desc and desc != title else title


def create_table(ts: dict[str, Any], dialect: str, created: set[str]) -> tuple[str, list[str]]:
    """(CREATE TABLE statement, deferred ALTER TABLE statements for PostgreSQL)."""
    name = ts["name"]
    lines = [f"    {column_sql(f, dialect)}" for f in ts["fields"]]
    lines.append(f"    PRIMARY KEY ({', '.join(qi(k) for k in ts['primaryKey'])})")
    for uk in ts.get("uniqueKeys", []):
        lines.append(f"    UNIQUE ({', '.join(qi(k) for k in uk)})")
    notes: list[str] = []
    deferred: list[str] = []
    for fk in ts.get("foreignKeys", []):
        target = fk["reference"]["resource"] or name
        cols = ", ".join(qi(c) for c in fk["fields"])
        tcols = ", ".join(qi(c) for c in fk["reference"]["fields"])
        clause = f"FOREIGN KEY ({cols}) REFERENCES {qi(target)} ({tcols})"
        if dialect == "postgresql":     # checked at COMMIT: tables load in any order, cycles too
            clause += " DEFERRABLE INITIALLY DEFERRED"
        if dialect == "duckdb" and target == name:
            notes.append(f"-- {clause}: omitted, DuckDB checks a self-reference against stored rows only, "
                         "so rows of one load referring to each other would be rejected (the validator checks it)")
        elif target == name or target in created:
            lines.append(f"    {clause}")
        elif dialect == "duckdb":
            notes.append(f"-- {clause}: omitted, {target} is created later (a reference cycle) and DuckDB "
                         "cannot add a foreign key afterwards (the validator checks it)")
        else:
            deferred.append(f"ALTER TABLE {qi(name)} ADD {clause};")
    head = [f"-- {name}: {ts.get('title', name)}", *notes]
    stmt = "\n".join([*head, f"CREATE TABLE {qi(name)} (", ",\n".join(lines), ");"])
    comments = [f"COMMENT ON TABLE {qi(name)} IS {ql(_comment(ts))};"]
    comments += [f"COMMENT ON COLUMN {qi(name)}.{qi(f['name'])} IS {ql(_comment(f))};" for f in ts["fields"]]
    return stmt + "\n" + "\n".join(comments), deferred


PROFILE_NOTE = {
    "full": "-- Exchange profile: full (identity and phone fields in clear, held to their patterns).",
    "pseudonymized": "-- Exchange profile: pseudonymized (\"jn:pseudonymized\": true): keyed-hash fields hold 64 "
                     "lower-case hex digits, masked fields their clear form or a masked one (with '*').",
}
TIME_ZONE_NOTE = {
    "postgresql": "SET TIME ZONE 'Asia/Shanghai'",
    "duckdb": "SET TimeZone = 'Asia/Shanghai'",
}


def ddl(profile: dict[str, Any], schemas: dict[str, dict[str, Any]], dialect: str, exchange: str = "full") -> str:
    if dialect not in DIALECTS or exchange not in PROFILE_NOTE:
        raise ValueError(f"{dialect} / {exchange}")
    out = [f"-- {profile['title']}（jn-exchange {profile['standard_version']}）: {dialect} DDL",
           "-- Generated by `jn-exchange generate` from the Table Schemas; do not edit.",
           PROFILE_NOTE[exchange],
           "-- Datetimes are TIMESTAMPTZ: a value without an offset is Beijing time, so load in a session with",
           f"-- `{TIME_ZONE_NOTE[dialect]};` (values with +08:00 or Z are read as written).",
           "-- Tables are in the package profile's order: a referenced table comes first.", ""]
    created: set[str] = set()
    deferred_all: list[str] = []
    for res in profile["resources"]:
        stmt, deferred = create_table(schemas[res["name"]], dialect, created)
        created.add(res["name"])
        out += [stmt, ""]
        deferred_all += deferred
    if deferred_all:
        out += ["-- foreign keys to tables created later (reference cycles)", *deferred_all, ""]
    return "\n".join(out).rstrip() + "\n"
