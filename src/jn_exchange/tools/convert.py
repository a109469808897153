"""`jn-exchange convert IN OUT`: move a package between its forms.

IN is a filled workbook (.xlsx from `jn-exchange template`), a JSON package document, or a
package in CSV form (folder, datapackage.json or .zip); OUT's suffix says what to write:
`.xlsx` a workbook (the template pre-filled), `.json` the JSON form, `.zip` a zipped package,
anything else a package folder. Converting a CSV package to a CSV package is refused (nothing
to convert: `jn-exchange fix` repairs one).

The workbook and the JSON document are first written out as CSV files of every table in a
private folder (the JSON document by reader/jsonform.py, the reader `validate` uses); the
output is made from that folder by the same code as `jn-exchange sample` (descriptor, zip,
JSON form) and `jn-exchange template` (workbook). OUT is never overwritten; nothing is left
behind when the conversion fails."""

from __future__ import annotations

import contextlib
import csv
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from jn_exchange import STANDARD_VERSION
from jn_exchange.profile import Profile, TableSpec, load_profile
from jn_exchange.reader.table import TableReadError, read_records
from jn_exchange.tools._package import (
    ToolError,
    check_new_output,
    input_kind,
    new_file,
    new_folder,
    open_package,
    read_error_text,
)
from jn_exchange.tools.init_package import PACKAGE_TITLE, now_utc
from jn_exchange.tools.lang import count_en, say
from jn_exchange.tools.xlsx_template import (
    CODES_SHEET,
    FIRST_DATA_ROW,
    NAME_ROW,
    README_SHEET,
    TABLES_SHEET,
    FieldCodec,
    codecs,
    decimal_text,
    write_template,
)

Echo = Callable[[str], None]
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


@dataclass
class Source:
    paths: dict[str, Path]                 # table -> CSV file (UTF-8, header of field names)
    standard_version: str
    staged: Path | None = None             # folder holding every table at its standard path
    rows: dict[str, int] = dc_field(default_factory=dict)


# --------------------------------------------------------------------------- forms


def input_form(src: Path) -> str:
    """xlsx, json or package (folder, datapackage.json, zip)."""
    if not src.exists():
        raise ToolError(say(f"找不到文件或文件夹：{src}", f"no such file or folder: {src}"))
    suffix = src.suffix.lower()
    if suffix == ".xls":
        raise ToolError(say(f"{src} 是旧版 .xls 工作簿：请用 Excel 或 WPS 打开并另存为 .xlsx",
                            f"{src} is an old .xls workbook: open it in Excel or WPS and save it as .xlsx"))
    if src.is_file() and (suffix in XLSX_SUFFIXES or _is_xlsx_zip(src)):
        return "xlsx"
    try:
        kind = input_kind(src)
    except ToolError as exc:
        raise ToolError(say(f"{src} 不是 .xlsx 工作簿、JSON 形式的交换包或交换包（文件夹、datapackage.json、.zip）",
                            f"{src} is not a .xlsx workbook, a JSON package document or a package "
                            "(folder, datapackage.json, .zip)")) from exc
    return "json" if kind == "json" else "package"


def _is_xlsx_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def output_form(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix in (".xls", ".xlsm", ".csv"):
        raise ToolError(say(f"无法写出 {out}：输出只能是文件夹、.zip、.json 或 .xlsx 文件",
                            f"cannot write {out}: OUT is a folder, a .zip, a .json or a .xlsx file"))
    return {".xlsx": "xlsx", ".json": "json", ".zip": "zip"}.get(suffix, "folder")


# --------------------------------------------------------------------------- warnings


class Warnings:
    """Warnings on standard error, one line each; cell warnings are counted per sheet and column."""

    def __init__(self, echo: Echo):
        self.echo = echo
        self.lines: list[str] = []
        self.cells: dict[tuple[str, str, str], list[int]] = {}

    def line(self, text: str) -> None:
        self.lines.append(say(f"警告：{text}", f"warning: {text}"))

    def cell(self, sheet: str, column: str, row: int, text: str) -> None:
        entry = self.cells.setdefault((sheet, column, text), [0, row])
        entry[0] += 1

    def flush(self) -> None:
        """Say the warnings (called once the input has been read: a failure says one line only)."""
        for (sheet, column, text), (count, row) in self.cells.items():
            self.line(say(f"工作表 {sheet!r} 的 {column} 列：{text}（{count} 个单元格，首个在第 {row} 行）",
                          f"sheet {sheet!r} column {column}: {text} ({count_en(count, 'cell')}, first in row {row})"))
        self.cells.clear()
        for line in self.lines:
            self.echo(line)
        self.lines.clear()


# --------------------------------------------------------------------------- workbook -> CSV


def _load_workbook(src: Path) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(src, read_only=True, data_only=True)
    except InvalidFileException as exc:
        raise ToolError(say(f"{src} 不是 Excel .xlsx 工作簿：{exc}", f"{src} is not an Excel .xlsx workbook: {exc}")) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, SyntaxError,
            EOFError, OSError) as exc:
        raise ToolError(say(f"{src} 不是可读取的 Excel .xlsx 工作簿（{type(exc).__name__}: {exc}）",
                            f"{src} is not a readable Excel .xlsx workbook ({type(exc).__name__}: {exc})")) from exc


def _text(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ("" if v is None else str(v))


def _read_tables_sheet(wb: Any, src: Path, profile: Profile, warn: Warnings) -> tuple[dict[str, str], str]:
    if TABLES_SHEET not in wb.sheetnames:
        raise ToolError(say(f"{src} 不是 jn-exchange 工作簿：没有 {TABLES_SHEET} 工作表（请用 `jn-exchange template` 生成工作簿）",
                            f"{src} is not a jn-exchange workbook: it has no {TABLES_SHEET} sheet "
                            "(make the workbook with `jn-exchange template`)"))
    rows = [[_text(v) for v in row] for row in wb[TABLES_SHEET].iter_rows(values_only=True)]
    header = rows[0] if rows else []
    if "sheet" not in header or "table" not in header:
        raise ToolError(say(f"{src}：{TABLES_SHEET} 工作表第 1 行没有 sheet 和 table 列；它被改动过，或不是 "
                            "`jn-exchange template` 生成的",
                            f"{src}: the {TABLES_SHEET} sheet has no 'sheet' and 'table' columns in row 1; "
                            "it was changed or not made by `jn-exchange template`"))
    i_sheet, i_table = header.index("sheet"), header.index("table")
    i_version = header.index("standard_version") if "standard_version" in header else None
    mapping: dict[str, str] = {}
    version = ""
    for row in rows[1:]:
        sheet = row[i_sheet] if i_sheet < len(row) else ""
        table = row[i_table] if i_table < len(row) else ""
        if not sheet and not table:
            continue
        if table not in profile.tables:
            warn.line(say(f"{TABLES_SHEET} 列出的 {table!r} 不是本规范的表；其工作表被忽略",
                          f"{TABLES_SHEET} lists {table!r}, which is not a table of the standard; its sheet is ignored"))
            continue
        mapping[sheet] = table
        if i_version is not None and i_version < len(row) and row[i_version] and not version:
            version = row[i_version]
    if not mapping:
        raise ToolError(say(f"{src}：{TABLES_SHEET} 工作表没有列出本规范的任何表",
                            f"{src}: the {TABLES_SHEET} sheet lists no table of the standard"))
    return mapping, version or STANDARD_VERSION


def _column_map(spec: TableSpec, names: list[Any], sheet: str, warn: Warnings) -> tuple[list[tuple[int, int]], list[int]]:
    """Row 2 -> [(column index, field index)] and the indexes of ignored, named columns.
    Field names are expected; Chinese titles (with or without the *) are understood too."""
    lookup: dict[str, int] = {}
    titles: dict[str, list[int]] = {}
    for i, f in enumerate(spec.fields):
        lookup[f.name] = i
        titles.setdefault(f.title, []).append(i)
    for title, idx in titles.items():
        if len(idx) == 1:
            lookup.setdefault(title, idx[0])
            lookup.setdefault("*" + title, idx[0])
    mapped: list[tuple[int, int]] = []
    ignored: list[int] = []
    seen: set[int] = set()
    for ci, v in enumerate(names):
        name = _text(v)
        if not name:
            continue
        fi = lookup.get(name)
        if fi is None:
            ignored.append(ci)
            continue
        if fi in seen:
            warn.line(say(f"工作表 {sheet!r}：字段 {spec.fields[fi].name} 在第 {NAME_ROW} 行出现两次；第二列被忽略",
                          f"sheet {sheet!r}: field {spec.fields[fi].name} appears twice in row {NAME_ROW}; "
                          "the second column is ignored"))
            continue
        seen.add(fi)
        mapped.append((ci, fi))
    if not mapped:
        raise ToolError(say(f"工作表 {sheet!r} 第 {NAME_ROW} 行没有字段名（convert 读取这一行，如 {spec.fields[0].name}）；"
                            "它必须保持 `jn-exchange template` 写出时的样子",
                            f"sheet {sheet!r} has no field names in row {NAME_ROW} (the row convert reads, "
                            f"with e.g. {spec.fields[0].name}); it must stay as `jn-exchange template` wrote it"))
    missing = [f.name for i, f in enumerate(spec.fields) if i not in seen]
    if missing:
        warn.line(say(f"工作表 {sheet!r} 没有 {'、'.join(missing)} 列；写为空值",
                      f"sheet {sheet!r} has no column for {', '.join(missing)}; written empty"))
    return mapped, ignored


def _read_sheet(ws: Any, sheet: str, spec: TableSpec, fcs: list[FieldCodec], dest: Path, epoch: Any,
                warn: Warnings) -> int:
    rows = ws.iter_rows()
    next(rows, None)                                  # row 1: titles, for people
    names_row = next(rows, None)
    names = [c.value for c in names_row] if names_row else []
    mapped, ignored = _column_map(spec, names, sheet, warn)
    ignored_with_data: set[int] = set()
    n = 0
    with dest.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(spec.field_names)
        for r, row in enumerate(rows, FIRST_DATA_ROW):
            texts = [""] * len(fcs)
            for ci, fi in mapped:
                if ci >= len(row):
                    continue
                c = row[ci]
                value = c.value
                if value is None:
                    continue
                text, problem = fcs[fi].to_text(value, getattr(c, "number_format", None), epoch)
                if problem:
                    warn.cell(sheet, spec.fields[fi].name, r, problem)
                texts[fi] = text
            for ci in ignored:
                if ci < len(row) and _text(row[ci].value):
                    ignored_with_data.add(ci)
            if all(t.strip() == "" for t in texts):
                continue                              # empty row (or only spaces): skipped
            w.writerow(texts)
            n += 1
    if ignored_with_data:
        cols = ", ".join(_text(names[ci]) for ci in sorted(ignored_with_data))
        warn.line(say(f"工作表 {sheet!r}：列 {cols} 不是 {spec.name} 的字段；其数据未写入",
                      f"sheet {sheet!r}: columns {cols} are not fields of {spec.name}; their data is left out"))
    return n


def read_workbook(src: Path, stage: Path, profile: Profile, echo: Echo) -> Source:
    """Every table of the workbook as a CSV file in `stage` (tables without a sheet: header only)."""
    warn = Warnings(echo)
    wb = _load_workbook(src)
    try:
        mapping, version = _read_tables_sheet(wb, src, profile, warn)
        present = {s.lower(): s for s in wb.sheetnames}
        epoch = getattr(wb, "epoch", None)
        for s in wb.sheetnames:
            if s not in RESERVED and s not in mapping and s.lower() not in {m.lower() for m in mapping}:
                warn.line(say(f"工作表 {s!r} 不是模板中的表；已忽略", f"sheet {s!r} is not a table of the template; ignored"))
        rows: dict[str, int] = {}
        for sheet, table in mapping.items():
            spec = profile.tables[table]
            actual = present.get(sheet.lower())
            if actual is None:
                warn.line(say(f"工作簿中没有工作表 {sheet!r}（表 {table}）；该表写为空表",
                              f"the workbook has no sheet {sheet!r} (table {table}); the table is written empty"))
                continue
            ws = wb[actual]
            if not hasattr(ws, "iter_rows"):
                warn.line(say(f"{actual!r} 不是普通工作表；表 {table} 写为空表",
                              f"sheet {actual!r} is not a worksheet; table {table} is written empty"))
                continue
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()                  # do not trust the stored sheet size
            try:
                rows[table] = _read_sheet(ws, actual, spec, codecs(spec, profile), stage / spec.path, epoch, warn)
            except (zipfile.BadZipFile, KeyError, ValueError, TypeError, SyntaxError, EOFError, OSError) as exc:
                raise ToolError(say(f"无法读取 {src} 的工作表 {actual!r}（{type(exc).__name__}: {exc}）",
                                    f"sheet {actual!r} of {src} cannot be read ({type(exc).__name__}: {exc})")) from exc
    finally:
        wb.close()
    for table, spec in profile.tables.items():
        if table not in rows:
            _header_only(stage / spec.path, spec)
    if version != STANDARD_VERSION:
        warn.line(say(f"该工作簿是按规范 {version} 生成的；本 jn-exchange 实现的是 {STANDARD_VERSION}",
                      f"the workbook was made for standard {version}; this jn-exchange implements {STANDARD_VERSION}"))
    warn.flush()
    return Source({t: stage / s.path for t, s in profile.tables.items()}, version, stage, rows)


RESERVED = (README_SHEET, CODES_SHEET, TABLES_SHEET)


def _header_only(path: Path, spec: TableSpec) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(spec.field_names)


# --------------------------------------------------------------------------- JSON document -> CSV


def _canonical(text: str, fc: FieldCodec) -> str:
    """The JSON form holds numbers, not their text: 97.0 is written as the standard writes it
    (97.00 for a field of two decimals, 3 for an integer), without changing any digit."""
    if fc.kind == "integer":
        m = re.fullmatch(r"(-?\d+)\.0+", text)
        return m.group(1) if m else text
    if fc.kind == "number" and fc.decimals is not None:
        return decimal_text(text, fc.decimals) or text
    return text


def stage_json(pkg: Any, stage: Path, profile: Profile, warn: Warnings, version: str) -> Source:
    rows: dict[str, int] = {}
    for res in pkg.resources:
        if res.spec is None:
            warn.line(say(f"{res.name!r} 不是本规范的表；未写入", f"{res.name!r} is not a table of the standard; left out"))
            continue
        spec = res.spec
        fcs = {fc.field.name: fc for fc in codecs(spec, profile)}
        n = 0
        # the file jsonform wrote from the document: its header holds the document's keys
        records = read_records(res.path)
        with (stage / spec.path).open("w", encoding="utf-8", newline="") as out:
            header = next(records, (1, []))[1]
            w = csv.writer(out, lineterminator="\n")
            w.writerow(header)
            cols = [fcs.get(h) for h in header]
            for _, row in records:
                w.writerow([_canonical(v, fc) if fc is not None and v else v for v, fc in zip(row, cols)])
                n += 1
        rows[spec.name] = n
    for table, spec in profile.tables.items():
        if table not in rows:
            _header_only(stage / spec.path, spec)
    return Source({t: stage / s.path for t, s in profile.tables.items()}, version, stage, rows)


# --------------------------------------------------------------------------- run


@contextlib.contextmanager
def read_source(src: Path, form: str, profile: Profile, echo: Echo) -> Iterator[Source]:
    warn = Warnings(echo)
    with tempfile.TemporaryDirectory(prefix="jn-exchange-convert-") as tmp:
        stage = Path(tmp) / "stage"
        stage.mkdir()
        if form == "xlsx":
            yield read_workbook(src, stage, profile, echo)
            return
        with open_package(src, profile) as pkg:
            declared = pkg.descriptor.get("standard_version")
            if not isinstance(declared, str) or not declared:
                warn.line(say(f"{src} 未声明 standard_version；输出声明为 {STANDARD_VERSION}",
                              f"{src} declares no standard_version; the output declares {STANDARD_VERSION}"))
                declared = STANDARD_VERSION
            if form == "json":
                source = stage_json(pkg, stage, profile, warn, declared)
                warn.flush()
                yield source
                return
            for res in pkg.resources:
                if res.spec is None:
                    warn.line(say(f"资源 {res.name!r} 不是本规范的表；未写入",
                                  f"resource {res.name!r} is not a table of the standard; left out"))
            warn.flush()
            yield Source({r.name: r.path for r in pkg.resources if r.spec is not None}, declared)


def run(src: Path, out: Path, echo: Echo) -> Path:
    profile = load_profile()
    fin, fout = input_form(src), output_form(out)
    if fin == "package" and fout in ("folder", "zip"):
        raise ToolError(say(f"{src} 已经是 CSV 形式的交换包：只能转换为 .json 或 .xlsx（修复交换包请用 `jn-exchange fix`）",
                            f"{src} is already a package in CSV form: convert it to .json or .xlsx "
                            "(`jn-exchange fix` repairs a package)"))
    if fin == fout:
        other = ".json" if fin == "xlsx" else ".xlsx"
        raise ToolError(say(f"{src} 已经是{'Excel 工作簿' if fin == 'xlsx' else 'JSON 形式的交换包'}：输出必须是另一种形式"
                            f"（交换包文件夹、.zip、{other}）",
                            f"{src} is already {'an Excel workbook' if fin == 'xlsx' else 'a JSON package document'}: "
                            f"OUT must be another form (a package folder, .zip, {other})"))
    check_new_output(out, src, folder=fout == "folder")
    try:
        with read_source(src, fin, profile, echo) as source:
            if fout in ("folder", "zip"):
                _write_package(source, out, fout, profile)
            elif fout == "json":
                from jn_exchange.sample.writer import json_form

                with new_file(out) as tmp:
                    json_form(source.staged or Path("."), profile, tmp, paths=source.paths,
                              standard_version=source.standard_version)
            else:
                with new_file(out) as tmp:
                    rows = write_template(tmp, profile, source=source.paths, source_label=src.name, echo=echo)
                source.rows = rows
    except TableReadError as exc:
        raise ToolError(read_error_text(exc, advice=True)) from exc
    except UnicodeDecodeError as exc:     # the JSON form's writer reads the CSV files itself
        raise ToolError(say(f"{src} 中有 CSV 文件不是 UTF-8 文本：请先用 `jn-exchange fix` 修复交换包",
                            f"a CSV file of {src} is not UTF-8 text: repair the package first with "
                            "`jn-exchange fix`")) from exc
    except csv.Error as exc:
        raise ToolError(say(f"无法读取 {src} 中的 CSV 文件：{exc}", f"a CSV file of {src} cannot be read: {exc}")) from exc
    if source.rows:
        filled = sum(1 for n in source.rows.values() if n)
        n_rows = sum(source.rows.values())
        echo(say(f"已写出 {out}：{filled} 张表共 {n_rows} 行",
                 f"wrote {out}: {count_en(n_rows, 'row')} in {count_en(filled, 'table')}"))
    else:
        echo(say(f"已写出 {out}", f"wrote {out}"))
    if fout in ("folder", "zip", "json"):
        echo(say(f"下一步：jn-exchange validate {out}", f"next: jn-exchange validate {out}"))
    return out


def _write_package(source: Source, out: Path, form: str, profile: Profile) -> None:
    from jn_exchange.sample.writer import package_name, write_descriptor, zip_package

    assert source.staged is not None
    name = package_name((out.stem if form == "zip" else out.name) or "package")
    write_descriptor(source.staged, profile, title=PACKAGE_TITLE, created=now_utc(),
                     standard_version=source.standard_version, name=name)
    if form == "zip":
        with new_file(out) as tmp:
            zip_package(source.staged, tmp)
        return
    with new_folder(out) as tmp:
        shutil.copytree(source.staged, tmp, dirs_exist_ok=True)
