"""Commands of this module are registered by jn_exchange.cli (see tools/__init__.py).

`init` (an empty, valid package), `template` (an Excel workbook to enter a package's data,
optionally pre-filled from a package) and `convert` (workbook, JSON document and CSV package
into one another). Their modules (init_package.py, xlsx_template.py, convert.py) and openpyxl
are imported inside the commands so that `jn-exchange --help` stays fast.
Bad input of any kind: one line on standard error, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import click

from jn_exchange.tools.cli_repair import _echo, _guarded
from jn_exchange.tools.lang import count_en, lang_option, say


@click.command()
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path))
@lang_option
def init(out: Path) -> None:
    """An empty package in the NEW folder OUT (or an empty existing one): datapackage.json with
    the standard version and one CSV file per table, header only. Valid as it stands."""
    from jn_exchange.tools import init_package

    _guarded("init", lambda: init_package.run(out, _echo))


@click.command()
@click.argument("out", metavar="OUT.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tables", default=None, metavar="A,B",
              help="Only these tables (comma-separated table names); default: every table.")
@click.option("--from", "source", type=click.Path(path_type=Path), default=None, metavar="PACKAGE",
              help="Pre-fill the sheets with the rows of PACKAGE (folder, datapackage.json, .zip or JSON).")
@lang_option
def template(out: Path, tables: str | None, source: Path | None) -> None:
    """An Excel workbook (OUT.xlsx, new) to enter a package's data: a README sheet, one sheet per
    table (row 1 Chinese titles, * = required; row 2 field names; data from row 3), drop-down
    lists for code lists and yes/no fields. Turn it into a package with `jn-exchange convert`."""

    def go() -> None:
        from jn_exchange.profile import load_profile
        from jn_exchange.tools._package import ToolError, check_new_output, new_file, open_package
        from jn_exchange.tools.xlsx_template import parse_tables, write_template

        profile = load_profile()
        if out.suffix.lower() != ".xlsx":
            raise ToolError(say(f"{out}：工作簿的文件名必须以 .xlsx 结尾", f"{out}: the workbook's name must end in .xlsx"))
        chosen = parse_tables(tables, profile)
        check_new_output(out, source, folder=False)
        if source is None:
            with new_file(out) as tmp:
                write_template(tmp, profile, chosen, echo=_echo)
            n = len(chosen or profile.tables)
            _echo(say(f"已写出 {out}：{n} 个表工作表；填好后运行 `jn-exchange convert {out} 输出文件夹`",
                      f"wrote {out}: {count_en(n, 'table sheet')}; fill them, then "
                      f"`jn-exchange convert {out} OUT_FOLDER`"))
            return
        from jn_exchange.tools.convert import input_form

        if input_form(source) == "xlsx":
            raise ToolError(say(f"--from {source}：请给一个交换包（文件夹、datapackage.json、.zip 或 JSON），而不是工作簿",
                                f"--from {source}: give a package (folder, datapackage.json, .zip or JSON), "
                                "not a workbook"))
        with open_package(source, profile) as pkg:
            paths = {r.name: r.path for r in pkg.resources if r.spec is not None}
            with new_file(out) as tmp:   # a file that cannot be read is a ToolError of write_template
                rows = write_template(tmp, profile, chosen, source=paths, source_label=source.name, echo=_echo)
        n_rows = sum(rows.values())
        _echo(say(f"已写出 {out}：{source} 的 {n_rows} 行，共 {len(rows)} 个表工作表",
                  f"wrote {out}: {count_en(n_rows, 'row')} of {source} in {count_en(len(rows), 'table sheet')}"))

    _guarded("template", go)


@click.command()
@click.argument("src", metavar="IN", type=click.Path(path_type=Path))
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path))
@lang_option
def convert(src: Path, out: Path) -> None:
    """Convert a package between its forms; OUT must be new.

    \b
    IN.xlsx (filled template)  -> OUT folder, OUT.zip or OUT.json
    IN.json (JSON document)    -> OUT folder, OUT.zip or OUT.xlsx
    IN package (folder, datapackage.json, .zip) -> OUT.json or OUT.xlsx

    In a workbook, `code · label` keeps the code, Excel dates become ISO dates (date-times get
    +08:00), numbers are written as shown without rounding, empty rows are skipped and
    sheets that are not tables are ignored with a warning."""
    from jn_exchange.tools import convert as convert_mod

    _guarded("convert", lambda: convert_mod.run(src, out, _echo))


COMMANDS: list[click.Command] = [init, template, convert]
