"""`jn-exchange service ...`: the office's administration from the command line (the first admin
has no other way in). Each change is written to the audit log with the actor `cli`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from jn_exchange.service.cli import _echo, _need_extra, settings_options
from jn_exchange.service.settings import Settings


@click.group()
def service() -> None:
    """Administer the intake service: organisations, users and roles, tokens, receipts, retention."""


@contextmanager
def _db(settings: Settings) -> Iterator[Any]:
    _need_extra()
    from jn_exchange.service.db import Database

    settings.prepare()
    db = Database(settings.db_url)
    try:
        db.upgrade()
        with db.session() as s:
            yield s
    finally:
        db.dispose()


def _org(s: Any, code: str) -> Any:
    from sqlalchemy import select

    from jn_exchange.service.models import Organisation

    org = s.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise click.ClickException(f"no organisation with code {code!r} (jn-exchange service add-org)")
    return org


@service.command()
@settings_options
def migrate(settings: Settings) -> None:
    """Create or upgrade the database schema (serve does it too)."""
    with _db(settings):
        pass
    _echo("database schema is current")


@service.command("add-org")
@settings_options
@click.argument("code")
@click.argument("name")
@click.option("--kind", type=click.Choice(["agency", "vendor"]), default="agency", show_default=True)
@click.option("--acting-for", default=None, metavar="CODE", help="For a vendor: the agency it submits for.")
def add_org(settings: Settings, code: str, name: str, kind: str, acting_for: str | None) -> None:
    """Register an organisation (CODE: e.g. its unified social credit code)."""
    from jn_exchange.service import audit
    from jn_exchange.service.models import Organisation

    with _db(settings) as s:
        agency = _org(s, acting_for).id if acting_for else None
        s.add(Organisation(code=code, name=name, kind=kind, acting_for_id=agency))
        audit.record(s, "organisation.created", subject=code, address="cli", name=name, kind=kind)
    _echo(f"organisation {code} added")


def _password(password_file: Path | None) -> str:
    if password_file:
        return password_file.read_text(encoding="utf-8").strip()
    return str(click.prompt("password", hide_input=True, confirmation_prompt=True))


@service.command("add-user")
@settings_options
@click.argument("username")
@click.option("--role", type=click.Choice(["submitter", "reviewer", "admin"]), required=True)
@click.option("--org", "org_code", default=None, metavar="CODE", help="The submitter's organisation.")
@click.option("--password-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Read the password from this file (default: ask).")
def add_user(settings: Settings, username: str, role: str, org_code: str | None, password_file: Path | None) -> None:
    """Add a user; the first admin is made this way."""
    from jn_exchange.service import audit
    from jn_exchange.service.models import User
    from jn_exchange.service.security import hash_password

    if (role == "submitter") != bool(org_code):
        raise click.UsageError("a submitter needs --org; reviewers and admins belong to no organisation")
    try:
        pw_hash = hash_password(_password(password_file))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    with _db(settings) as s:
        org_id = _org(s, org_code).id if org_code else None
        s.add(User(username=username, password_hash=pw_hash, role=role, organisation_id=org_id))
        audit.record(s, "user.created", organisation_id=org_id, subject=username, address="cli", role=role)
    _echo(f"user {username} ({role}) added")


@service.command("set-role")
@settings_options
@click.argument("username")
@click.argument("role", type=click.Choice(["submitter", "reviewer", "admin", "disabled"]))
@click.option("--org", "org_code", default=None, metavar="CODE")
def set_role(settings: Settings, username: str, role: str, org_code: str | None) -> None:
    """Change a user's role, or disable the user (their sessions end)."""
    from sqlalchemy import delete, select

    from jn_exchange.service import audit
    from jn_exchange.service.models import User, WebSession

    with _db(settings) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        before = user.role if user.active else "disabled"
        if role == "disabled":
            user.active = False
        else:
            org_id = _org(s, org_code).id if org_code else user.organisation_id
            if role == "submitter" and org_id is None:
                raise click.UsageError("a submitter needs --org")
            user.active, user.role = True, role
            user.organisation_id = org_id if role == "submitter" else None
        s.execute(delete(WebSession).where(WebSession.user_id == user.id))
        audit.record(s, "user.role_changed", user_id=None, organisation_id=user.organisation_id, subject=username,
                     address="cli", before=before, after=role)
    _echo(f"{username}: {before} -> {role}")


@service.command("add-token")
@settings_options
@click.option("--org", "org_code", required=True, metavar="CODE")
@click.option("--name", required=True)
@click.option("--scopes", default="submit,read", show_default=True)
@click.option("--days", type=click.IntRange(1, 730), default=90, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the token to this new file (mode 600) instead of standard output.")
def add_token(settings: Settings, org_code: str, name: str, scopes: str, days: int, out: Path | None) -> None:
    """Issue an API token for an organisation; it is shown once."""
    import os

    from jn_exchange.service import audit
    from jn_exchange.service.security import new_token

    with _db(settings) as s:
        org = _org(s, org_code)
        try:
            row, raw = new_token(s, org.id, name, [x.strip() for x in scopes.split(",") if x.strip()], days)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        audit.record(s, "token.created", organisation_id=org.id, subject=f"token:{row.id}", address="cli",
                     scopes=row.scopes, days=days)
    if out:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(raw + "\n")
        _echo(f"token {row.id} written to {out}")
    else:
        click.echo(raw)


@service.command("revoke-token")
@settings_options
@click.argument("token_id", type=int)
def revoke_token(settings: Settings, token_id: int) -> None:
    """Revoke an API token by its number."""
    from jn_exchange.service import audit
    from jn_exchange.service.models import ApiToken, utcnow

    with _db(settings) as s:
        row = s.get(ApiToken, token_id)
        if row is None:
            raise click.ClickException(f"no token {token_id}")
        row.revoked_at = row.revoked_at or utcnow()
        audit.record(s, "token.revoked", organisation_id=row.organisation_id, subject=f"token:{row.id}", address="cli")
    _echo(f"token {token_id} revoked")


@service.command("verify-receipt")
@settings_options
@click.argument("receipt", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def verify_receipt(settings: Settings, receipt: Path) -> None:
    """Check a receipt's signature with the key in --data-dir (exit 0 valid, 1 not)."""
    from jn_exchange.service.receipts import load_key, verify

    try:
        doc = json.loads(receipt.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise click.ClickException(f"{receipt} is not a JSON receipt: {exc}") from exc
    if not settings.receipt_key_file.is_file():
        raise click.ClickException(f"no receipt key in {settings.data_dir}")
    ok = verify(doc, load_key(settings.receipt_key_file))
    click.echo(f"{'VALID' if ok else 'INVALID'}: receipt {doc.get('submission') if isinstance(doc, dict) else '?'}")
    sys.exit(0 if ok else 1)


@service.command()
@settings_options
@click.option("--retention-days", type=click.IntRange(1, None), required=True)
def purge(settings: Settings, retention_days: int) -> None:
    """Delete stored packages older than the retention period now (serve also does it hourly)."""
    from dataclasses import replace

    from jn_exchange.service.storage import purge_expired

    settings = replace(settings, retention_days=retention_days)
    with _db(settings) as s:
        n = purge_expired(s, settings)
    _echo(f"{n} stored packages removed")


@service.command("city-export")
@settings_options
@click.option("--organisation", "--org", "organisation", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="PERIOD", help="2025-12, 2025-Q4 or 2025")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="A new folder for the package.")
def city_export(settings: Settings, organisation: str, period: str, output: Path) -> None:
    """Write an organisation's period from the city's database as a package (it validates)."""
    from jn_exchange.office.citydb import CityDatabase, CityLoadError

    if output.exists():
        raise click.ClickException(f"{output} exists: give a new folder")
    try:
        CityDatabase.from_settings(settings).export(output, organisation=organisation, period=period)
    except CityLoadError as exc:
        raise click.ClickException(f"{exc.args[0]} ({exc.args[1]})") from exc
    _echo(f"{organisation} {period}: package written to {output}")


@service.command("city-query")
@settings_options
@click.argument("sql")
def city_query(settings: Settings, sql: str) -> None:
    """Run one read-only SQL statement on the city's database; the result as CSV on stdout."""
    import csv

    from jn_exchange.office.citydb import CityDatabase, CityLoadError

    try:
        cols, rows = CityDatabase.from_settings(settings).query(sql)
    except CityLoadError as exc:
        raise click.ClickException(f"{exc.args[0]} ({exc.args[1]})") from exc
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(cols)
    out.writerows(rows)
