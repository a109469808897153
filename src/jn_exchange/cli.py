"""The `jn-exchange` command. Sub-commands import their modules lazily so that
`jn-exchange validate --help` starts fast and never imports linkml."""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from jn_exchange import STANDARD_VERSION, __version__
from jn_exchange.config import DEFAULT_MEMORY_LIMIT, LIMIT_NAMES
from jn_exchange.tools.lang import lang_option
from jn_exchange.tools.usage import Group


class _Main(Group):
    """The top-level group. The tools' and the service's commands are imported when first needed
    (listing the commands, or running one of them), so that `validate` and its --help do not pay
    for importing them (about 15 ms of a --help that must stay under 0.1 s)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and _register_tools():
            cmd = super().get_command(ctx, cmd_name)
        return cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register_tools()
        return super().list_commands(ctx)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
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
              help="Write the report to FILE (its folder must exist) instead of standard output; "
                   "the verdict and where the report went are said on standard error.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the report and of every message.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity or worse occurs.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML/JSON file that switches rules off or changes their severity by code, and sets limits.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge the package as of this date (default: today), for reproducible results; from the "
                   "first day a text of the standard is in force to the end of the year after the last "
                   "year of holiday data.")
@click.option("--tables", "tables", metavar="A,B", default=None,
              help="Check only these tables (comma-separated names); the report names the tables skipped, "
                   "and references into them and business rules reading them are not judged.")
@click.option("--max-errors", type=click.IntRange(1, None), default=None, metavar="N",
              help="List at most N error findings in all (the counts of every rule stay exact, the verdict "
                   "stays fail, and the report says how many were not listed).")
@click.option("--max-examples", type=click.IntRange(1, 100000), default=None,
              help="Stored findings per rule and table (counts are always exact).")
@click.option("--memory-limit", default=DEFAULT_MEMORY_LIMIT, show_default=True,
              help="Memory the run may use: the engine takes 80% of it and spills to the run's private folder "
                   "beyond that (e.g. 4GB for 100M rows).")
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
             as_of, tables: str | None, max_errors: int | None, max_examples: int | None, memory_limit: str,
             progress: bool | None, docs_url: str | None, limit_options: tuple[str, ...]) -> None:
    """Validate an exchange package: a folder, a datapackage.json, a .zip, or a JSON document.

    Exit codes: 0 no finding reaches --fail-on; 1 one does; 2 the input could not be validated."""
    from jn_exchange.findings import Severity
    from jn_exchange.tools.lang import say, use

    use(lang)
    config, docs_base = _validate_config(config_path, limit_options, docs_url, tables, as_of, output)
    config.max_errors = max_errors
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
        click.echo(f"jn-exchange: {_input_error(exc, lang, config.limits.max_seconds)}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user; say what failed
        click.echo("jn-exchange: " + say(
            f"校验 {package} 时发生内部错误：{type(exc).__name__}: {exc}\n请连同所运行的命令一起报告此问题。",
            f"internal error while validating {package}: {type(exc).__name__}: {exc}\n"
            "Please report this with the command you ran."), err=True)
        sys.exit(EXIT_UNUSABLE)
    if show:
        click.echo("\r" + " " * 50 + "\r", err=True, nl=False)
    from jn_exchange.reports import write_report

    text = write_report(result, fmt, lang=lang, docs_base_url=docs_base)
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo("jn-exchange: " + say(f"无法写入 {output}：{exc.strerror or exc}",
                                             f"cannot write {output}: {exc.strerror or exc}"), err=True)
            sys.exit(EXIT_UNUSABLE)
        click.echo(_verdict_line(result, output), err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    sys.exit(EXIT_FAIL if result.fails() else EXIT_OK)


def _validate_config(config_path: Path | None, limit_options: tuple[str, ...], docs_url: str | None,
                     tables: str | None, as_of: Any, output: Path | None) -> tuple[Any, str | None]:
    """The run's configuration from the options, or one line in the user's language and exit 2:
    a report that cannot be written, or a day no rule can be judged on, is said before the run."""
    from jn_exchange.config import ConfigError, apply_limit_options, check_docs_base_url, load_config, parse_tables
    from jn_exchange.rules import registry
    from jn_exchange.tools.lang import current

    try:
        config = load_config(config_path, set(registry()))
        apply_limit_options(config.limits, limit_options)
        docs_base = check_docs_base_url(docs_url) if docs_url is not None else config.docs_base_url
        if tables is not None:
            from jn_exchange.profile import load_profile

            config.tables = parse_tables(tables, list(load_profile().tables))
        if as_of is not None:
            check_as_of(as_of.date())
        if output is not None:
            check_output(output)
    except ConfigError as exc:
        click.echo(f"jn-exchange: {exc.say(current())}", err=True)
        sys.exit(EXIT_UNUSABLE)
    return config, docs_base


def as_of_range() -> tuple[dt.date, dt.date]:
    """The days --as-of may name: from the first day a text the rules apply is in force (before
    it no business rule judges anything) to the end of the year after the last year of holiday
    data or of this year (past it deadlines are counted with weekends only, and a later date is
    a typing error)."""
    from jn_exchange.business.calendar import known_years
    from jn_exchange.business.texts import TEXTS

    last = max(max(known_years()), dt.date.today().year) + 1
    return min(t.start for t in TEXTS), dt.date(last, 12, 31)


def check_as_of(day: dt.date) -> None:
    from jn_exchange.config import ConfigError

    first, last = as_of_range()
    if not first <= day <= last:
        raise ConfigError(
            f"--as-of {day.isoformat()}：校验基准日须在 {first.isoformat()}（规则所依据的规定最早施行之日）"
            f"至 {last.isoformat()}（节假日数据可计算期限的范围）之间",
            f"--as-of {day.isoformat()}: the day must lie between {first.isoformat()} (the first day a text "
            f"the rules apply is in force) and {last.isoformat()} (the range the holiday calendar counts)")


def check_output(output: Path) -> None:
    """-o FILE goes into a folder that exists: a missing one is more often a typing error in a CI
    script than a wish, so it is refused rather than created."""
    from jn_exchange.config import ConfigError

    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise ConfigError(f"-o {output}：文件夹 {parent} 不存在（不会自动创建；请先建好或检查路径拼写）",
                          f"-o {output}: the folder {parent} does not exist (it is not created; make it first "
                          "or check the path)")


def _verdict_line(result: Any, output: Path) -> str:
    """The one line a run with -o says: the verdict, the counts, and where the report went."""
    from jn_exchange.findings import Severity
    from jn_exchange.reports._common import narrowed
    from jn_exchange.tools.lang import count_en, say

    e, w, i = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    only_zh, only_en = ("", "") if result.fails() else (narrowed(result, "zh"), narrowed(result, "en"))
    return say(f"{'不通过' if result.fails() else '通过'}{only_zh}（错误 {e} · 警告 {w} · 提示 {i}）：报告已写入 {output}",
               f"{'FAIL' if result.fails() else 'PASS'}{only_en} ({count_en(e, 'error')}, {count_en(w, 'warning')}, "
               f"{count_en(i, 'info finding')}): report written to {output}")


def _input_error(exc: Exception, lang: str, seconds: int) -> str:
    """What stopped the run, in the user's language: the opener's errors carry both (`zh`); the
    time limit is said here from its own numbers."""
    from jn_exchange.timelimit import TimeLimitExceeded

    if isinstance(exc, TimeLimitExceeded):   # its own text holds both languages in one line
        return (f"校验超过时间上限 {seconds} 秒（max_seconds），已停止，未写出报告；可用 --limit max_seconds=N "
                "或 --config 中的 limits.max_seconds 调高上限" if lang == "zh" else
                f"validation stopped after {seconds} s, the time limit (max_seconds); no report was written. "
                "Raise it with --limit max_seconds=N or limits.max_seconds in --config")
    zh = getattr(exc, "zh", None)
    return zh if lang == "zh" and zh else str(exc)


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
                                "title": r.title, "basis": r.basis, "docs_url": r.docs_url,
                                **({"error_from": r.error_from} if r.in_transition else {})} for r in rules],
                              ensure_ascii=False, indent=2))
        return
    for r in rules:
        later = r.transition_note(lang)   # a warning that becomes an error in a later version
        click.echo(f"{r.code:<14} {r.severity.value:<8} {r.level:<12} {r.title[lang]}{later}  [{r.basis}]")


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
@lang_option
def sample(out: Path, rows: int, seed: int, as_zip: bool, as_json: bool, checksums: bool,
           defects: float | None) -> None:
    """Write a realistic sample package of every table, valid by construction."""
    from jn_exchange.sample import generate_sample
    from jn_exchange.tools.lang import count_en, say

    if as_zip and as_json:
        raise click.UsageError(say("--zip 和 --json 不能同时使用", "--zip and --json exclude each other"))
    if defects and (as_zip or as_json):
        raise click.UsageError(say("--defects 只用于文件夹形式", "--defects works on the folder form"))
    try:
        path = generate_sample(out, rows, seed, as_zip=as_zip, as_json=as_json, checksums=checksums)
    except (FileExistsError, OSError) as exc:
        click.echo(f"jn-exchange: {_os_error(exc)}", err=True)
        sys.exit(EXIT_UNUSABLE)
    click.echo(say(f"已写出 {path}", f"wrote {path}"), err=True)
    if defects:
        from jn_exchange.sample.defects import inject_defects

        dest = out.with_name(out.name + "-defects")
        try:
            manifest = inject_defects(out, dest, rate=defects, seed=seed)
        except (FileExistsError, OSError) as exc:
            click.echo(f"jn-exchange: {_os_error(exc)}", err=True)
            sys.exit(EXIT_UNUSABLE)
        n = manifest["total"]
        click.echo(say(f"已写出 {dest}（{n} 处带标注的缺陷，见 {dest / 'defects.json'}）",
                       f"wrote {dest} ({count_en(n, 'labelled defect')} in {dest / 'defects.json'})"), err=True)


def _os_error(exc: OSError) -> str:
    """A file system error in the run's language (the system's own text for the reason)."""
    from jn_exchange.tools.lang import say

    if isinstance(exc, FileExistsError):   # the sample writer says "<path> exists[ and is not an empty folder]"
        where = exc.filename or str(exc).split(" exists")[0]
        return say(f"{where} 已存在（工具从不覆盖）；请给一个新的位置",
                   f"{where} already exists (the tools never overwrite); give a new place")
    return f"{exc.strerror or exc}{say('：', ': ')}{exc.filename}" if exc.filename else str(exc)


_tools_added = False
_tools_lock = threading.Lock()


def _register_tools() -> bool:
    """Add the tools' and the service's commands to `main` (once, whichever thread asks first;
    a failed import is raised and tried again next time); True when this call added them."""
    global _tools_added
    with _tools_lock:
        if _tools_added:
            return False
        from jn_exchange.service import cli as service_cli
        from jn_exchange.tools import cli_release, cli_repair, cli_sheets

        for cmd in [*cli_sheets.COMMANDS, *cli_repair.COMMANDS, *cli_release.COMMANDS, *service_cli.COMMANDS]:
            main.add_command(cmd)
        _tools_added = True
        return True


if __name__ == "__main__":  # pragma: no cover
    main()
