"""The `jn-exchange` command. Sub-commands import their modules lazily so that
`jn-exchange validate --help` starts fast and never imports linkml."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from jn_exchange import STANDARD_VERSION, __version__
from jn_exchange.config import LIMIT_NAMES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jn-exchange",
                      message=f"%(prog)s %(version)s (standard {STANDARD_VERSION})")
def main() -> None:
    """济南市行政执法监督数据规范 jn-exchange: validate and build exchange packages."""
    # SIGTERM (what `timeout`, service managers and CI runners send) unwinds like Ctrl-C, so that
    # every private temporary folder (an unpacked package, the engine's spill files) is removed
    signal.signal(signal.SIGTERM, _terminated)


EXIT_TERMINATED = 128 + signal.SIGTERM


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_TERMINATED)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the artifacts (default: the package's generated/ folder).")
@click.option("--check", is_flag=True, help="Do not write; exit 1 if a committed artifact is stale.")
def generate(out_dir: Path | None, check: bool) -> None:
    """Generate JSON Schema, Pydantic, Table Schemas and DDL from schema/ (needs the [build] extra)."""
    try:
        from jn_exchange.generate import run_generate
    except ImportError as exc:  # linkml is a build-time dependency only
        raise click.ClickException(
            f"generation needs the build extra: pip install 'jn-exchange[build]' ({exc})") from exc
    sys.exit(run_generate(out_dir=out_dir, check=check))


EXIT_OK, EXIT_FAIL, EXIT_UNUSABLE = 0, 1, 2
FORMATS = ("text", "json", "html", "junit", "sarif")


@main.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of standard output.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the text and HTML reports.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity or worse occurs.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML/JSON file that switches rules off or changes their severity by code, and sets limits.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge the package as of this date (default: today), for reproducible results.")
@click.option("--max-examples", type=click.IntRange(1, 100000), default=None,
              help="Stored findings per rule and table (counts are always exact).")
@click.option("--memory-limit", default="512MB", show_default=True,
              help="Memory the engine may use before spilling to the run's private folder (e.g. 4GB).")
@click.option("--limit", "limit_options", metavar="NAME=VALUE", multiple=True,
              help="Set a safety limit (repeatable; over limits: in --config), a positive integer: "
                   + ", ".join(LIMIT_NAMES) + ". E.g. --limit max_rows_per_table=100000000 --limit max_seconds=3600. "
                   "Past max_seconds the run stops with exit 2 and no report.")
@click.option("--docs-url", "docs_url", metavar="BASE", default=None,
              help="Where the HTML report's rule links point: an office's copy of the standard's website "
                   "(http(s) or file URL, or a folder relative to the report). Default: docs_base_url in "
                   "--config, else the public site.")
@click.option("--progress/--no-progress", default=None, help="Progress on standard error (default: when it is a terminal).")
def validate(package: Path, fmt: str, output: Path | None, lang: str, fail_on: str, config_path: Path | None,
             as_of, max_examples: int | None, memory_limit: str, progress: bool | None,
             docs_url: str | None, limit_options: tuple[str, ...]) -> None:
    """Validate an exchange package: a folder, a datapackage.json, a .zip, or a JSON document.

    Exit codes: 0 no finding reaches --fail-on; 1 one does; 2 the input could not be validated."""
    from jn_exchange.config import ConfigError, apply_limit_options, check_docs_base_url, load_config
    from jn_exchange.findings import Severity
    from jn_exchange.rules import registry

    try:
        config = load_config(config_path, set(registry()))
        apply_limit_options(config.limits, limit_options)
        docs_base = check_docs_base_url(docs_url) if docs_url is not None else config.docs_base_url
    except ConfigError as exc:
        click.echo(f"jn-exchange: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    if max_examples:
        config.limits.max_examples = max_examples
    show = sys.stderr.isatty() if progress is None else progress

    def report_progress(name: str, i: int, total: int) -> None:
        if show:
            click.echo(f"\r[{i}/{total}] {name:<40}", err=True, nl=False)

    from jn_exchange.validate import InputError
    from jn_exchange.validate import validate as run

    try:
        result = run(package, config, as_of=as_of.date() if as_of else None, fail_on=Severity(fail_on),
                     progress=report_progress, memory_limit=memory_limit)
    except InputError as exc:
        click.echo(f"jn-exchange: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user; say what failed
        click.echo(f"jn-exchange: internal error while validating {package}: {type(exc).__name__}: {exc}\n"
                   "Please report this with the command you ran.", err=True)
        sys.exit(EXIT_UNUSABLE)
    if show:
        click.echo("\r" + " " * 50 + "\r", err=True, nl=False)
    from jn_exchange.reports import write_report

    text = write_report(result, fmt, lang=lang, docs_base_url=docs_base)
    if output:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"jn-exchange: cannot write {output}: {exc}", err=True)
            sys.exit(EXIT_UNUSABLE)
        if fmt != "text":
            click.echo(("PASS" if not result.fails() else "FAIL") + f": report written to {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    sys.exit(EXIT_FAIL if result.fails() else EXIT_OK)


@main.command(name="rules")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_cmd(lang: str, fmt: str) -> None:
    """List every rule: code, severity, level, title and basis."""
    from jn_exchange.rules import all_rules

    rules = list(all_rules())
    if fmt == "json":
        import json

        click.echo(json.dumps([{"code": r.code, "severity": r.severity.value, "level": r.level,
                                "title": r.title, "basis": r.basis, "docs_url": r.docs_url} for r in rules],
                              ensure_ascii=False, indent=2))
        return
    for r in rules:
        click.echo(f"{r.code:<14} {r.severity.value:<8} {r.level:<12} {r.title[lang]}  [{r.basis}]")


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--rows", type=click.IntRange(500, None), default=2000, show_default=True,
              help="About how many rows in total, over all tables.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.option("--zip", "as_zip", is_flag=True, help="Write OUT.zip instead of a folder.")
@click.option("--json", "as_json", is_flag=True, help="Write the JSON form OUT.json instead of a folder.")
@click.option("--checksums", is_flag=True, help="Declare each file's bytes and sha256 hash in datapackage.json.")
@click.option("--defects", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Also write OUT-defects/ with labelled defects in about this share of eligible "
                   "records, and OUT-defects/defects.json saying what was broken where.")
def sample(out: Path, rows: int, seed: int, as_zip: bool, as_json: bool, checksums: bool,
           defects: float | None) -> None:
    """Write a realistic sample package of every table, valid by construction."""
    from jn_exchange.sample import generate_sample

    if as_zip and as_json:
        raise click.UsageError("--zip and --json exclude each other")
    try:
        path = generate_sample(out, rows, seed, as_zip=as_zip, as_json=as_json, checksums=checksums)
    except (FileExistsError, OSError) as exc:
        click.echo(f"jn-exchange: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    click.echo(f"wrote {path}", err=True)
    if defects:
        from jn_exchange.sample.defects import inject_defects

        if as_zip or as_json:
            raise click.UsageError("--defects works on the folder form")
        dest = out.with_name(out.name + "-defects")
        try:
            manifest = inject_defects(out, dest, rate=defects, seed=seed)
        except (FileExistsError, OSError) as exc:
            click.echo(f"jn-exchange: {exc}", err=True)
            sys.exit(EXIT_UNUSABLE)
        click.echo(f"wrote {dest} ({manifest['total']} labelled defects in {dest / 'defects.json'})", err=True)


def _register_tools() -> None:
    from jn_exchange.tools import cli_release, cli_repair, cli_sheets

    for cmd in [*cli_sheets.COMMANDS, *cli_repair.COMMANDS, *cli_release.COMMANDS]:
        main.add_command(cmd)


_register_tools()

if __name__ == "__main__":  # pragma: no cover
    main()
