"""Where the service keeps its state and the limits it enforces: one frozen object made once
from the command line (or the environment, for ASGI servers started by a process manager)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

ENV_PREFIX = "JN_EXCHANGE_"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    # SQLAlchemy URL; default: a SQLite file in the data directory (PostgreSQL in production)
    database_url: str = ""
    # the city's database of accepted data (jn_exchange.office.citydb): a DuckDB file in the
    # data directory by default, PostgreSQL in production (postgresql://…)
    city_database_url: str = ""
    # largest upload accepted, counted while it streams in (a city's yearly export zips to tens of MB)
    max_upload_bytes: int = 512 * 1024**2
    # days a stored package is kept; its receipt, findings and reports stay (0 = keep forever)
    retention_days: int = 365
    # validations run at once on this machine (each may use `memory_limit` and a core)
    workers: int = 2
    memory_limit: str = "1GB"
    # stored examples per rule and table: the record keys the comparison between submissions sees
    max_examples: int = 200
    # tries of one validation whose worker died or failed unexpectedly, then it is marked failed
    max_attempts: int = 3
    # a running job whose worker has not renewed its lease for this long is taken back
    lease_seconds: int = 60
    # failed logins per user name or address, and uploads per organisation, per window
    login_attempts: int = 5
    login_window_s: int = 900
    uploads_per_hour: int = 120
    session_hours: int = 8
    # "auto": Secure cookies unless the request is plain http to a loopback address (local use)
    secure_cookies: str = "auto"
    docs_base_url: str | None = None

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'service.sqlite3').resolve()}"

    @property
    def city_db_url(self) -> str:
        return self.city_database_url or f"duckdb:///{(self.data_dir / 'city.duckdb').resolve()}"

    @property
    def packages_dir(self) -> Path:
        return self.data_dir / "packages"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def incoming_dir(self) -> Path:
        return self.data_dir / "incoming"

    @property
    def receipt_key_file(self) -> Path:
        return self.data_dir / "receipt.key"

    def prepare(self) -> Settings:
        """Create the data folders, readable by the service's user only."""
        for d in (self.data_dir, self.packages_dir, self.reports_dir, self.incoming_dir):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700)
        for f in self.data_dir.glob("*.sqlite3*"):
            os.chmod(f, 0o600)
        return self

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes and ASGI factories."""
        env = {f"{ENV_PREFIX}DATA_DIR": str(self.data_dir.resolve()), f"{ENV_PREFIX}DATABASE_URL": self.db_url}
        for name in _INT_FIELDS:
            env[ENV_PREFIX + name.upper()] = str(getattr(self, name))
        env[f"{ENV_PREFIX}CITY_DATABASE_URL"] = self.city_db_url
        env[f"{ENV_PREFIX}MEMORY_LIMIT"] = self.memory_limit
        env[f"{ENV_PREFIX}SECURE_COOKIES"] = self.secure_cookies
        if self.docs_base_url:
            env[f"{ENV_PREFIX}DOCS_BASE_URL"] = self.docs_base_url
        return env


_INT_FIELDS = ("max_upload_bytes", "retention_days", "workers", "max_examples", "max_attempts", "lease_seconds",
               "login_attempts", "login_window_s", "uploads_per_hour", "session_hours")


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings from JN_EXCHANGE_* variables (JN_EXCHANGE_DATA_DIR is required)."""
    env = os.environ if environ is None else environ
    data_dir = env.get(f"{ENV_PREFIX}DATA_DIR")
    if not data_dir:
        raise ValueError(f"{ENV_PREFIX}DATA_DIR is not set: the service needs a data directory")
    s = Settings(Path(data_dir), database_url=env.get(f"{ENV_PREFIX}DATABASE_URL", ""))
    changes: dict[str, object] = {}
    for name in _INT_FIELDS:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw:
            try:
                changes[name] = int(raw)
            except ValueError:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be an integer, not {raw!r}") from None
    for name in ("city_database_url", "memory_limit", "secure_cookies", "docs_base_url"):
        if env.get(ENV_PREFIX + name.upper()):
            changes[name] = env[ENV_PREFIX + name.upper()]
    return replace(s, **changes)  # type: ignore[arg-type]
