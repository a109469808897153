"""The city's database of accepted data (入库): every organisation's accepted packages in one
database, on the standard's own DDL (`generated/ddl/`), PostgreSQL in production and a DuckDB
file in the data directory otherwise.

Each table of the standard gets three leading columns: the organisation (its code), the
reporting period and the submission the row came from. Keys are the standard's keys within
one organisation's period: the primary key, unique keys and (PostgreSQL) foreign keys are the
standard's with (_organisation, _period) in front, so two agencies' `A0001` never collide.
DuckDB checks foreign keys too eagerly to replace referenced rows in one transaction, so its
city tables keep the checks, keys and unique keys but not the foreign keys (an accepted package
passed the validator's reference checks, JN-REF-*).

`load` replaces what the organisation has for the period, in one transaction: every table's
rows of that organisation and period are deleted and the package's inserted, and the load is
recorded in `jn_city_loads`; on any error nothing changes. `export` writes an organisation's
period back out as a package (datapackage.json, the CSV tables in the standard's forms) that
the validator accepts."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jn_exchange import STANDARD_VERSION
from jn_exchange.office.unpacked import UnpackError, unpacked
from jn_exchange.profile import GENERATED, Profile, TableSpec, load_profile

if TYPE_CHECKING:
    from jn_exchange.service.settings import Settings

PROVENANCE = ("_submission_id", "_organisation", "_period")
SCOPE = ("_organisation", "_period")
# DuckDB allows one writing process: the service's web and worker processes take turns
LOCK_WAIT_S = 60.0


class CityLoadError(Exception):
    """A load or export that did not happen (args: Chinese, English)."""


def city_ddl(dialect: str) -> str:
    """The standard's DDL of `dialect` (postgresql | duckdb) with the provenance columns, the keys
    scoped to an organisation's period, and the city's own table of loads."""
    text = (GENERATED / "ddl" / f"{dialect}.sql").read_text(encoding="utf-8")
    out = [f"-- The city's database: the standard's {dialect} DDL, each table scoped to an organisation's period.",
           *_tables(text, dialect), _LOADS.format(ts="TIMESTAMPTZ")]
    return "\n".join(out)


_BLOCK = re.compile(r'^CREATE TABLE "(\w+)" \(\n(.*?)\n\);\n', re.S | re.M)
_SCOPED = '"_organisation", "_period", '


def _tables(text: str, dialect: str) -> list[str]:
    out = []
    for m in _BLOCK.finditer(text):
        items = [line.strip().rstrip(",") for line in m.group(2).split("\n")]
        kept = ['"_submission_id" BIGINT NOT NULL', '"_organisation" TEXT NOT NULL', '"_period" TEXT NOT NULL']
        for item in items:
            if item.startswith(("PRIMARY KEY (", "UNIQUE (")):
                item = item.replace("(", "(" + _SCOPED, 1)
            elif item.startswith("FOREIGN KEY ("):
                if dialect == "duckdb":
                    continue
                item = item.replace("FOREIGN KEY (", "FOREIGN KEY (" + _SCOPED, 1)
                item = re.sub(r'(REFERENCES "\w+" \()', r"\1" + _SCOPED, item)
            kept.append(item)
        out.append(f'CREATE TABLE "{m.group(1)}" (\n    ' + ",\n    ".join(kept) + "\n);")
    comments = [line for line in text.split("\n") if line.startswith("COMMENT ON")]
    return out + comments


_LOADS = """CREATE TABLE jn_city_loads (
    organisation TEXT NOT NULL,
    period TEXT NOT NULL,
    submission_id BIGINT NOT NULL,
    standard_version TEXT NOT NULL,
    loaded_at {ts} NOT NULL,
    rows BIGINT NOT NULL,
    PRIMARY KEY (organisation, period)
);
CREATE TABLE jn_city_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"""


@dataclass(frozen=True)
class Load:
    organisation: str
    period: str
    submission_id: int
    standard_version: str
    loaded_at: dt.datetime
    rows: int


class CityDatabase:
    """The city's database at `url`: `duckdb:///path/to/city.duckdb` or `postgresql://…`
    (`postgresql+psycopg://…` as the service's own URL is written)."""

    def __init__(self, url: str, profile: Profile | None = None, memory_limit: str | None = None):
        if url.startswith("duckdb:///"):
            self.dialect, self.target = "duckdb", url.removeprefix("duckdb:///")
        elif url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
            self.dialect, self.target = "postgresql", re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url)
        else:
            raise ValueError(f"the city database is duckdb:///… or postgresql://…, not {url.split(':')[0]}")
        self.profile = profile or load_profile()
        self.url = url
        self.memory_limit = memory_limit   # DuckDB's, as the service's validations have

    @classmethod
    def from_settings(cls, settings: Settings) -> CityDatabase:
        return cls(settings.city_db_url, memory_limit=settings.memory_limit)

    # -- connections -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[Any]:
        if self.dialect == "postgresql":
            import psycopg

            try:
                conn = psycopg.connect(self.target, autocommit=False)
            except psycopg.Error as exc:
                reason = _first_line(exc)
                raise CityLoadError(f"市级数据库无法连接：{reason}", f"the city database cannot be reached: {reason}") from exc
            with conn:
                yield conn
            return
        import duckdb

        Path(self.target).parent.mkdir(parents=True, exist_ok=True)
        waited, dconn = 0.0, None
        while dconn is None:
            try:
                dconn = duckdb.connect(self.target, read_only=read_only and Path(self.target).exists(),
                                       config={"memory_limit": self.memory_limit} if self.memory_limit else {})
            except duckdb.Error as exc:
                if "lock" not in str(exc).lower():
                    reason = _first_line(exc)
                    raise CityLoadError(f"市级数据库无法打开：{reason}", f"the city database cannot be opened: {reason}") from exc
                if waited >= LOCK_WAIT_S:    # another process of the service holds the file this long
                    raise CityLoadError("市级数据库正忙，请稍后再试", "the city database is busy: try again later") from exc
                time.sleep(0.2)
                waited += 0.2
        try:
            yield dconn
        finally:
            dconn.close()

    def _cursor(self, conn: Any) -> Any:
        # a DuckDB cursor is another connection, outside the transaction: use the connection
        return conn if self.dialect == "duckdb" else conn.cursor()

    def _q(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.dialect == "duckdb" else sql

    def migrate(self) -> None:
        """Create the city's tables if they are not there; refuse a database of another version."""
        with self._connect() as conn:
            cur = self._cursor(conn)
            if self._has_meta(cur):
                cur.execute("SELECT value FROM jn_city_meta WHERE key = 'standard_version'")
                found = cur.fetchone()[0]
                if found != STANDARD_VERSION:
                    raise CityLoadError(f"市级数据库按 {found} 版建立，本服务为 {STANDARD_VERSION} 版",
                                        f"the city database is of version {found}, this service of {STANDARD_VERSION}")
                return
            for statement in _statements(city_ddl(self.dialect)):
                cur.execute(statement)
            cur.execute(self._q("INSERT INTO jn_city_meta VALUES ('standard_version', %s)"), [STANDARD_VERSION])
            conn.commit()

    def _has_meta(self, cur: Any) -> bool:
        cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'jn_city_meta'")
        return bool(cur.fetchone()[0])

    # -- loading -----------------------------------------------------------------------------

    def load(self, package_path: Path, *, submission_id: int, organisation: str, period: str) -> Load:
        """Replace the organisation's data of `period` by the package's, in one transaction."""
        self.migrate()
        with tempfile.TemporaryDirectory(prefix="jn-city-") as tmp:
            try:
                pkg = unpacked(package_path, Path(tmp))
            except UnpackError as exc:
                raise CityLoadError(*exc.args) from exc
            files = self._files(pkg.root, pkg.descriptor)
            with self._connect() as conn:
                try:
                    rows = self._replace(conn, files, submission_id, organisation, period)
                    conn.commit()
                except CityLoadError:
                    conn.rollback()
                    raise
                except Exception as exc:  # noqa: BLE001 - the database's reason, said to the office
                    conn.rollback()
                    reason = _first_line(exc)
                    raise CityLoadError(f"数据库拒绝了数据包，未作任何改动：{reason}",
                                        f"the database refused the package; nothing changed: {reason}") from exc
        return Load(organisation, period, submission_id, STANDARD_VERSION, dt.datetime.now(dt.UTC), rows)

    def _files(self, root: Path, descriptor: dict[str, Any]) -> list[tuple[TableSpec, Path, list[str]]]:
        """(table, file, header) of each resource, in the profile's order (referenced tables first)."""
        paths = {r.get("name"): r.get("path") for r in descriptor.get("resources", []) if isinstance(r, dict)}
        unknown = sorted(str(n) for n in paths if n not in self.profile.tables)
        if unknown:
            raise CityLoadError(f"数据包含本规范没有的表：{'、'.join(unknown)}",
                                f"the package has tables the standard does not: {', '.join(unknown)}")
        out = []
        for name, spec in self.profile.tables.items():
            rel = paths.get(name)
            if not isinstance(rel, str):
                continue
            path = root / rel
            with path.open(encoding="utf-8-sig", newline="") as fh:
                header = next(csv.reader(fh), [])
            extra = [c for c in header if spec.field(c) is None]
            if extra:
                raise CityLoadError(f"表 {name} 有本规范没有的列：{'、'.join(extra)}",
                                    f"table {name} has columns the standard does not: {', '.join(extra)}")
            out.append((spec, path, header))
        return out

    def _replace(self, conn: Any, files: list[tuple[TableSpec, Path, list[str]]], submission_id: int,
                 organisation: str, period: str) -> int:
        cur = self._cursor(conn)
        if self.dialect == "postgresql":
            cur.execute("SET LOCAL TIME ZONE 'Asia/Shanghai'")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cur.execute("SET TimeZone = 'Asia/Shanghai'")
            cur.execute("BEGIN TRANSACTION")
        for name in reversed(self.profile.tables):   # children first
            cur.execute(self._q(f'DELETE FROM "{name}" WHERE "_organisation" = %s AND "_period" = %s'),
                        [organisation, period])
        total = 0
        for spec, path, header in files:
            total += self._insert(cur, spec, path, header, [submission_id, organisation, period])
        cur.execute(self._q("DELETE FROM jn_city_loads WHERE organisation = %s AND period = %s"), [organisation, period])
        cur.execute(self._q("INSERT INTO jn_city_loads VALUES (%s, %s, %s, %s, %s, %s)"),
                    [organisation, period, submission_id, STANDARD_VERSION, dt.datetime.now(dt.UTC), total])
        return total

    def _insert(self, cur: Any, spec: TableSpec, path: Path, header: list[str], scope: list[Any]) -> int:
        cols = ", ".join(f'"{c}"' for c in header)
        into = f'INSERT INTO "{spec.name}" ("_submission_id", "_organisation", "_period", {cols}) '
        if self.dialect == "duckdb":
            # every cell as text, an empty one (quoted or not) as NULL, cast by the column's type
            names = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"
            picks = ", ".join(f'NULLIF("{c}", \'\')' for c in header)
            cur.execute(into + f"SELECT ?, ?, ?, {picks} FROM read_csv(?, header = true, columns = {names}, "
                               "delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8')",
                        [*scope, str(path)])
            return int(cur.fetchone()[0])
        cur.execute(f'CREATE TEMP TABLE jn_stage ON COMMIT DROP AS SELECT {cols} FROM "{spec.name}" WITH NO DATA')
        with cur.copy(f"COPY jn_stage ({cols}) FROM STDIN WITH (FORMAT csv, HEADER true, FORCE_NULL ({cols}))") as cp, \
                path.open("rb") as fh:
            head = fh.read(3)
            if head != b"\xef\xbb\xbf":
                cp.write(head)
            while chunk := fh.read(1 << 20):
                cp.write(chunk)
        cur.execute(into + f"SELECT %s, %s, %s, {cols} FROM jn_stage", scope)
        n = cur.rowcount
        cur.execute("DROP TABLE jn_stage")
        return int(n)

    # -- reading -----------------------------------------------------------------------------

    def loads(self, organisation: str | None = None) -> list[Load]:
        """What the city database holds: one load per organisation and period, newest first."""
        self.migrate()
        with self._connect(read_only=True) as conn:
            cur = self._cursor(conn)
            sql = ("SELECT organisation, period, submission_id, standard_version, extract(epoch FROM loaded_at), rows "
                   "FROM jn_city_loads")
            args: list[Any] = []
            if organisation is not None:
                sql, args = sql + " WHERE organisation = %s", [organisation]
            cur.execute(self._q(sql + " ORDER BY loaded_at DESC, organisation, period"), args)
            return [Load(r[0], r[1], int(r[2]), r[3], dt.datetime.fromtimestamp(float(r[4]), dt.UTC), int(r[5])) for r in cur.fetchall()]

    def latest(self, organisation: str, *, besides: int | None = None) -> Load | None:
        """The organisation's last accepted load (other than submission `besides`)."""
        return next((x for x in self.loads(organisation) if x.submission_id != besides), None)

    def count(self, table: str, organisation: str, period: str) -> int:
        if table not in self.profile.tables:
            raise ValueError(f"no such table: {table}")
        with self._connect(read_only=True) as conn:
            cur = self._cursor(conn)
            cur.execute(self._q(f'SELECT count(*) FROM "{table}" WHERE "_organisation" = %s AND "_period" = %s'),
                        [organisation, period])
            return int(cur.fetchone()[0])

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one read-only statement (the office's own questions); returns (columns, rows)."""
        with self._connect(read_only=True) as conn:
            cur = self._cursor(conn)
            try:
                if self.dialect == "postgresql":
                    cur.execute("SET TRANSACTION READ ONLY")
                    cur.execute("SET LOCAL TIME ZONE 'Asia/Shanghai'")
                else:
                    cur.execute("SET TimeZone = 'Asia/Shanghai'")
                cur.execute(sql)
                cols = [d[0] for d in cur.description or []]
                return cols, [tuple(r) for r in cur.fetchall()]
            except Exception as exc:  # noqa: BLE001 - the database's own reason, as one line
                reason = _first_line(exc)
                raise CityLoadError(f"查询失败：{reason}", f"the query failed: {reason}") from exc

    def export(self, out: Path, *, organisation: str, period: str) -> Path:
        """The organisation's data of `period` as a package in folder `out` (created; must not exist)."""
        from jn_exchange.office.cityexport import export

        return export(self, out, organisation=organisation, period=period)


def _statements(script: str) -> list[str]:
    """The DDL's statements (none has a ';' inside a literal but COMMENTs, which end the line)."""
    out, cur = [], []
    for line in script.split("\n"):
        if line.startswith("--") or not line.strip():
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            out.append("\n".join(cur))
            cur = []
    return out


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().split("\n")[0] or type(exc).__name__)[:300]
