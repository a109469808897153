"""The service's commands: `serve`, `worker`, `submit`, and `service` (the office's
administration: organisations, users, roles, tokens, receipts, retention). Only click is
imported here; the service's libraries load inside the commands (`pip install
'jn-exchange[service]'`), so `jn-exchange --help` stays fast and `submit` needs none of them."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from jn_exchange.service.settings import Settings

EXTRA = "the service needs its libraries: pip install 'jn-exchange[service]'"


def _echo(msg: str) -> None:
    click.echo(msg, err=True)


def settings_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    @click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("jn-exchange-data"),
                  show_default=True, envvar="JN_EXCHANGE_DATA_DIR",
                  help="Database file (by default), stored packages, reports, the receipt key.")
    @click.option("--database-url", default="", envvar="JN_EXCHANGE_DATABASE_URL", metavar="URL",
                  help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: SQLite in --data-dir).")
    @click.option("--city-database-url", default="", envvar="JN_EXCHANGE_CITY_DATABASE_URL", metavar="URL",
                  help="The city's database of accepted data: postgresql://user@host/db "
                       "(default: a DuckDB file, city.duckdb, in --data-dir).")
    @functools.wraps(fn)
    def wrapper(data_dir: Path, database_url: str, city_database_url: str, **kw: Any) -> Any:
        os.umask(0o077)     # every file the service makes (database, queue, packages) is the service user's only
        from jn_exchange.service.settings import ENV_PREFIX, from_env

        # the finer settings (lease, attempts, rate limits, ...) come from JN_EXCHANGE_* variables
        env = {**os.environ, f"{ENV_PREFIX}DATA_DIR": str(data_dir), f"{ENV_PREFIX}DATABASE_URL": database_url,
               f"{ENV_PREFIX}CITY_DATABASE_URL": city_database_url}
        try:
            settings = from_env(env)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        return fn(settings, **kw)
    return wrapper


def _need_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import huey  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        raise click.ClickException(f"{EXTRA} ({exc})") from exc


def _spawn_worker(settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "jn_exchange.service.worker"],
                            env={**os.environ, **settings.to_env()})


def _supervise(settings: Settings, stop: threading.Event, holder: list[subprocess.Popen[bytes]]) -> None:
    """Restart the worker process if it ends while the service runs."""
    while not stop.wait(2.0):
        if holder[0].poll() is not None:
            _echo(f"jn-exchange serve: the worker process ended ({holder[0].returncode}); starting it again")
            holder[0] = _spawn_worker(settings)


@click.command()
@settings_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--workers", type=click.IntRange(0, 64), default=None,
              help="Validations at once on this machine (default 2; 0: no worker here, run `jn-exchange worker` "
                   "elsewhere).")
@click.option("--max-upload-mb", type=click.IntRange(1, 100_000), default=None, help="Largest upload (default 512).")
@click.option("--retention-days", type=click.IntRange(0, None), default=None,
              help="Days a stored package is kept (default 365; receipts, findings and reports stay); 0 keeps them.")
@click.option("--secure-cookies", type=click.Choice(["auto", "always", "never"]), default=None,
              help="auto (default): Secure cookies except over plain http to a loopback address.")
@click.option("--docs-url", default=None, metavar="BASE", help="Where the HTML reports' rule links point.")
def serve(settings: Settings, host: str, port: int, workers: int | None, max_upload_mb: int | None,
          retention_days: int | None, secure_cookies: str | None, docs_url: str | None) -> None:
    """Start the intake service (web page, API, validation workers) with its data in --data-dir.

    Options not given come from JN_EXCHANGE_* environment variables, else their defaults."""
    from dataclasses import replace

    _need_extra()
    import uvicorn

    from jn_exchange.service.app import create_app

    given = {"max_upload_bytes": max_upload_mb * 1024**2 if max_upload_mb else None, "retention_days": retention_days,
             "secure_cookies": secure_cookies, "docs_base_url": docs_url}
    settings = replace(settings, **{k: v for k, v in given.items() if v is not None})  # type: ignore[arg-type]
    workers = settings.workers if workers is None else workers
    if workers:
        settings = replace(settings, workers=workers)
    try:
        app = create_app(settings)
    except Exception as exc:  # noqa: BLE001 - a wrong URL or an unwritable folder: one line, exit 2
        _echo(f"jn-exchange serve: cannot start: {type(exc).__name__}: {exc}")
        sys.exit(2)
    stop, holder = threading.Event(), []
    if workers:
        holder.append(_spawn_worker(settings))
        threading.Thread(target=_supervise, args=(settings, stop, holder), daemon=True).start()
    _echo(f"jn-exchange serve: http://{host}:{port}/ (data in {settings.data_dir.resolve()}, {workers} workers)")
    try:
        uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info",
                    forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))
    finally:
        stop.set()
        for proc in holder:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@click.command()
@settings_options
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
def worker(settings: Settings, workers: int) -> None:
    """Run validation workers only (for worker machines sharing the service's PostgreSQL)."""
    from dataclasses import replace

    _need_extra()
    from jn_exchange.service.worker import run_consumer

    run_consumer(replace(settings, workers=workers))


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--server", required=True, envvar="JN_EXCHANGE_SERVER", help="The service's URL.")
@click.option("--token-file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File holding the organisation's API token (scope submit and read).")
@click.option("--wait", "wait_s", type=click.IntRange(1, None), default=3600, show_default=True,
              help="Seconds to wait for the verdict.")
@click.option("--report", type=click.Choice(["text", "json", "junit", "sarif"]), default=None,
              help="Also print the report in this format.")
def submit(package: Path, server: str, token_file: Path, wait_s: int, report: str | None) -> None:
    """Submit PACKAGE (folder, .zip, .json or .xlsx) to the intake service and wait for the verdict.

    Exit codes as `validate`: 0 passed, 1 failed, 2 unusable or not judged (or not submitted)."""
    from jn_exchange.service.client import Client, SubmitError, read_token
    from jn_exchange.service.client import submit as run

    try:
        code = run(package, Client(server, read_token(token_file, _echo)), _echo, wait_s, report)
    except SubmitError as exc:
        _echo(f"jn-exchange submit: {exc}")
        sys.exit(2)
    sys.exit(code)


def _commands() -> list[click.Command]:
    from jn_exchange.service.cli_admin import service

    return [serve, worker, submit, service]


COMMANDS: list[click.Command] = _commands()
