"""Commands of this module are registered by jn_exchange.cli (see tools/__init__.py).

`fix`, `export shuanggongshi` and `pseudonymize`. Their modules (fix.py, shuanggongshi.py,
pseudonymize.py) are imported inside the commands so that `jn-exchange --help` stays fast.
Bad input of any kind: one line on standard error, exit code 2, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from jn_exchange.tools.lang import lang_option, say

EXIT_UNUSABLE = 2


def _echo(line: str) -> None:
    click.echo(line, err=True)


def _guarded(what: str, fn: Callable[[], object]) -> None:
    """Run a tool: its problems become a message and an exit code, never a traceback (its
    return value is not used)."""
    from jn_exchange.tools._package import ToolError

    colon = say("：", ": ")
    try:
        fn()
    except ToolError as exc:
        click.echo(f"jn-exchange {what}{colon}{exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:   # strerror is the system's text (in the system's language)
        click.echo(f"jn-exchange {what}{colon}{exc.strerror or type(exc).__name__}"
                   f"{colon + str(exc.filename) if exc.filename else ''}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user; say what failed
        click.echo(f"jn-exchange {what}{colon}" + say(
            f"内部错误：{type(exc).__name__}: {exc}。请连同所运行的命令一起报告此问题。",
            f"internal error: {type(exc).__name__}: {exc}. Please report this with the command you ran."), err=True)
        sys.exit(EXIT_UNUSABLE)


@click.command()
@click.argument("src", metavar="IN", type=click.Path(path_type=Path))
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--excel-dates", is_flag=True,
              help="Read a five-digit number in a date or datetime field as an Excel date serial (1900 date "
                   "system: 45366 → 2024-03-15). Off by default: a number there may be something else. "
                   "Each conversion is logged (rule excel_date).")
@lang_option
def fix(src: Path, out: Path, excel_dates: bool) -> None:
    """Safe, explained repairs of package IN into the NEW folder OUT.

    GB18030/GBK → UTF-8, BOM, bare-CR or mixed line ends → LF (CRLF throughout is kept: it is
    valid), full-width digits and letters in codes, identifiers and dates, stray spaces,
    2025/3/1 and 2025年3月1日 dates → ISO, Chinese headers → field names; with --excel-dates,
    Excel date serials. Every changed cell is listed in OUT/fix-log.json (personal values
    masked); a table that needs no repair is copied byte for byte; whatever cannot be repaired
    safely is left for `jn-exchange validate`."""
    from jn_exchange.tools import fix as fix_mod

    _guarded("fix", lambda: fix_mod.run(src, out, _echo, excel_dates))


@click.group()
def export() -> None:
    """Export a package to other formats."""


@export.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.argument("out_csv", metavar="OUT.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--include-natural-persons", is_flag=True,
              help="Also export penalties of natural persons (with 证件类型 and 证件号码).")
@click.option("--source-agency", default=None, metavar="AGENCY_ID",
              help="数据来源单位 for every record (default: the 处罚机关 of each record).")
@click.option("--date-format", type=click.Choice(["iso", "slash"]), default="iso", show_default=True,
              help="Dates as 2025-03-01 (iso) or 2025/03/01 (slash).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "gb18030"]), default="utf-8",
              show_default=True, help="Encoding of OUT.csv (utf-8-sig for Excel).")
@lang_option
def shuanggongshi(package: Path, out_csv: Path, include_natural_persons: bool, source_agency: str | None,
                  date_format: str, encoding: str) -> None:
    """The national 双公示 administrative-penalty records (行政处罚信息, amounts in 万元) of PACKAGE:
    published penalty decisions, one record per party."""
    from jn_exchange.tools.shuanggongshi import export_shuanggongshi

    _guarded("export shuanggongshi", lambda: export_shuanggongshi(
        package, out_csv, include_natural_persons=include_natural_persons, source_agency=source_agency,
        date_format=date_format, encoding=encoding, echo=_echo))


@click.command()
@click.argument("src", metavar="IN", type=click.Path(path_type=Path))
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--key-file", type=click.Path(path_type=Path), default=None,
              help="File holding the city's secret key (at least 32 bytes). Never printed.")
@lang_option
def pseudonymize(src: Path, out: Path, key_file: Path | None) -> None:
    """Apply every field's exchange treatment to a copy: keyed hash (HMAC-SHA256, check
    characters verified first), mask, drop. Writes the NEW folder OUT."""
    from jn_exchange.tools import pseudonymize as pseudo

    _guarded("pseudonymize", lambda: pseudo.run(src, out, key_file, _echo))


COMMANDS: list[click.Command] = [fix, export, pseudonymize]
