"""Commands of the release machinery, registered by jn_exchange.cli (see tools/__init__.py):
`diff` (what changed between two versions of the standard, each change classified) and
`upgrade` (a package rewritten as a later version). Their modules (jn_exchange.release) are
imported inside the commands so that `jn-exchange --help` stays fast."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from jn_exchange.tools.cli_repair import EXIT_UNUSABLE, _echo, _guarded
from jn_exchange.tools.lang import current, lang_option


@click.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
def diff(old: str, new: str, fmt: str) -> None:
    """Every change between two versions of the standard's model, classified major / minor /
    patch by the written rules (the website's Versions page).

    OLD and NEW: a version this software knows (e.g. 1.0.0), a folder of generated artifacts
    (holding package-profile.json), or a LinkML model file (needs the build extra). Exit 0."""
    from jn_exchange.release import render
    from jn_exchange.release.diff import compare
    from jn_exchange.release.snapshot import SnapshotError, load

    try:
        result = compare(load(old), load(new))
    except SnapshotError as exc:
        click.echo(f"jn-exchange diff: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    click.echo(render.as_json(result) if fmt == "json" else render.as_text(result, current()), nl=False)


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--to", "to", metavar="VERSION", default=None, help="The version to upgrade to (default: the current).")
@click.option("--no-check", is_flag=True, help="Do not validate the output (faster on big packages).")
@lang_option
def upgrade(package: Path, out: Path, to: str | None, no_check: bool) -> None:
    """Rewrite PACKAGE (of an older version of the standard) as VERSION into the NEW folder OUT.

    Removed tables and fields are dropped, the declared version and the carried Table Schemas
    become VERSION's; what cannot be made up (a new required field, a removed code in use) is
    listed. Every change is logged in OUT/upgrade-log.json and the output is validated as
    VERSION. Exit 0: it validates; 1: written, but it needs the listed attention; 2: not written."""
    from jn_exchange import versions
    from jn_exchange.release import upgrade as upgrade_mod

    codes: list[int] = []
    _guarded("upgrade", lambda: codes.append(
        upgrade_mod.run(package, to or versions.current().version, out, _echo, check=not no_check)))
    sys.exit(codes[0] if codes else 0)


COMMANDS: list[click.Command] = [diff, upgrade]
