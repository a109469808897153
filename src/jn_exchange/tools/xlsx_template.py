"""The Excel form of a package (`jn-exchange template`, read back by `jn-exchange convert`).

Layout of the workbook, which convert relies on:

- `README` (first sheet): what the workbook is and how to fill it, in Chinese and English, and
  the list of sheets (with the table each one holds);
- one sheet per table: row 1 the Chinese titles (required fields start with `*` and are filled
  orange), row 2 the field names (the machine row that convert reads), data from row 3;
- `_codes` (hidden): one column per code list, values written `code · label`; every code-list
  column and every yes/no column has a drop-down list (data validation) on this range;
- `_tables` (hidden): sheet name -> table name and the standard version; Excel limits sheet
  names to 31 characters, so longer table names are shortened deterministically and this
  sheet says which table a sheet holds.

Cells: text columns are formatted as text (`@`) so that Excel keeps codes like `01` and
18-digit identity numbers as typed; dates are real Excel dates shown `yyyy-mm-dd`, date-times
real Excel date-times in Beijing time (`+08:00` is added on conversion); integers `0`, decimals
`0.00`. On conversion every cell becomes the text the standard wants (FieldCodec.to_text):
Excel dates and ISO text are both accepted, numbers are written as they are shown (the cell's
number of decimals) without rounding anything away, `code · label` keeps the code.

The workbook is written in openpyxl's streaming (write-only) mode, so pre-filling it from a
large package (`--from`) needs little memory."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jn_exchange import STANDARD_VERSION, __version__
from jn_exchange.masking import show_column
from jn_exchange.profile import FieldSpec, Profile, TableSpec
from jn_exchange.reader.table import TableReadError, open_table
from jn_exchange.tools._package import ToolError, read_error_text
from jn_exchange.tools.lang import say

README_SHEET, CODES_SHEET, TABLES_SHEET = "README", "_codes", "_tables"
RESERVED_SHEETS = (README_SHEET, CODES_SHEET, TABLES_SHEET)
TITLE_ROW, NAME_ROW, FIRST_DATA_ROW = 1, 2, 3
MAX_SHEET_NAME = 31
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_CHARS = 32_767
SEP = " · "
SEPARATORS = ("·", "・", "•")          # what people type between code and label
TZ = "+08:00"                           # Excel has no time zones: its date-times are Beijing time
# a date-time typed as text, without a zone: 2024-03-15 10:00, 2024-03-15T10:00:00
_TEXT_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")
BOOLEAN_LIST = "boolean"                # the yes/no list's column in _codes
BOOL_LABELS = {"true": "是", "false": "否"}
BOOL_WORDS = {"true": "true", "false": "false", "是": "true", "否": "false"}

TEXT_FMT, INT_FMT = "@", "0"
DATE_FMT, DATETIME_FMT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
DEFAULT_DECIMALS = 2                    # decimals of a number field unless it declares jn:decimal_places

_EXCEL_MIN_DATE = dt.date(1900, 3, 1)   # before this Excel's 1900 calendar is off by a day: keep as text
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})" + re.escape(TZ))
_DECIMAL_RE = re.compile(r"-?\d{1,15}(?:\.(\d{1,9}))?")
_FIXED_FMT_RE = re.compile(r"[#,]*0(?:\.(0+))?")


# --------------------------------------------------------------------------- sheet names


def sheet_names(tables: Iterable[str]) -> dict[str, str]:
    """Table -> sheet name. Names of up to 31 characters are kept; longer ones become their
    first 26 characters, `~` and 4 hex digits of their SHA-1 (the same name every time)."""
    out: dict[str, str] = {}
    for t in tables:
        if len(t) <= MAX_SHEET_NAME:
            out[t] = t
        else:
            out[t] = t[:MAX_SHEET_NAME - 5] + "~" + hashlib.sha1(t.encode()).hexdigest()[:4]
    taken = [s.lower() for s in out.values()]
    if len(set(taken)) != len(taken) or set(taken) & {s.lower() for s in RESERVED_SHEETS}:
        raise ToolError(say("两张表会用到同一个工作表名；请报告此问题", "two tables would share one sheet name; please report this"))  # cannot happen today
    return out


# --------------------------------------------------------------------------- cells


def _format_decimals(fmt: str | None) -> int | None:
    """Decimals shown by a plain fixed-point number format ('0', '0.00', '#,##0.0'); None for
    General, percentages, scientific and anything else."""
    if not fmt or fmt == "General":
        return None
    f = fmt.split(";")[0]
    f = re.sub(r'\[[^\]]*\]|"[^"]*"|\\.|_.|\*.', "", f).replace(" ", "")
    m = _FIXED_FMT_RE.fullmatch(f)
    return len(m.group(1) or "") if m else None


def plain_number(v: int | float) -> str:
    """Shortest text of a number: integers without `.0`, never an exponent."""
    if isinstance(v, int):
        return str(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    s = repr(v)
    if "e" in s or "E" in s:
        s = format(Decimal(s), "f")
    return s


def _round_trip_round(v: float, d: int) -> str | None:
    """v written with d decimals if that loses nothing but floating-point noise, else None."""
    r = round(v, d)
    if abs(v - r) > 1e-9 * max(1.0, abs(v)):
        return None
    if r == 0:
        r = 0.0  # no "-0.00"
    return f"{r:.{d}f}"


def _excel_serial_to_datetime(v: float, epoch: dt.datetime | None) -> dt.datetime | None:
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

    if not 1 <= v < 2_958_466:   # 1900-01-01 .. 9999-12-31
        return None
    try:
        d = from_excel(v, epoch or CALENDAR_WINDOWS_1900)
    except (ValueError, OverflowError):
        return None
    return d if isinstance(d, dt.datetime) else None


def _whole_seconds(v: dt.datetime) -> dt.datetime:
    """Excel keeps date-times as fractions of days: 14:47:59.999999 is 14:48:00."""
    if v.microsecond:
        v = (v + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    return v


@dataclass
class FieldCodec:
    """How one field's values go into a cell (to_excel, for --from) and back (to_text)."""

    field: FieldSpec
    kind: str                               # code, boolean, date, datetime, integer, number, string
    fmt: str                                # the column's number format
    codes: dict[str, str] = dc_field(default_factory=dict)      # code -> label
    by_label: dict[str, str] = dc_field(default_factory=dict)   # label -> code (unique labels)
    decimals: int | None = None             # default decimals when the cell's format says none

    @classmethod
    def of(cls, f: FieldSpec, profile: Profile) -> FieldCodec:
        if f.codelist and f.codelist in profile.codelists:
            codes = {v["code"]: v.get("label", "") for v in profile.codelists[f.codelist]["values"]}
            labels: dict[str, list[str]] = {}
            for c, lab in codes.items():
                labels.setdefault(lab, []).append(c)
            return cls(f, "code", TEXT_FMT, codes, {lab: cs[0] for lab, cs in labels.items() if len(cs) == 1 and lab})
        if f.type == "boolean":
            return cls(f, "boolean", TEXT_FMT, dict(BOOL_LABELS))
        if f.type == "date":
            return cls(f, "date", DATE_FMT)
        if f.type == "datetime":
            return cls(f, "datetime", DATETIME_FMT)
        if f.type == "integer":
            return cls(f, "integer", INT_FMT, decimals=0)
        if f.type == "number":
            d = f.raw.get("jn:decimal_places")
            d = d if isinstance(d, int) and 0 <= d <= 9 else DEFAULT_DECIMALS
            return cls(f, "number", "0" + ("." + "0" * d if d else ""), decimals=d)
        return cls(f, "string", TEXT_FMT)

    @property
    def choices(self) -> list[str] | None:
        if self.kind in ("code", "boolean"):
            return [f"{c}{SEP}{lab}" if lab else c for c, lab in self.codes.items()]
        return None

    # ---- package text -> cell

    def to_excel(self, text: str) -> tuple[Any, str]:
        """The value and number format of a pre-filled cell. A typed value (date, number) is
        used only when to_text gives back exactly `text`; anything else stays text, so that a
        package survives package -> workbook -> package unchanged."""
        if text == "":
            return None, self.fmt
        value: Any = None
        fmt = self.fmt
        if self.kind in ("code", "boolean"):
            lab = self.codes.get(text)
            value = f"{text}{SEP}{lab}" if lab else None
        elif self.kind == "date" and _DATE_RE.fullmatch(text):
            try:
                d = dt.date.fromisoformat(text)
                value = d if d >= _EXCEL_MIN_DATE else None
            except ValueError:
                pass
        elif self.kind == "datetime" and (m := _DATETIME_RE.fullmatch(text)):
            try:
                d = dt.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}")
                value = d if d.date() >= _EXCEL_MIN_DATE else None
            except ValueError:
                pass
        elif self.kind in ("integer", "number") and (m := _DECIMAL_RE.fullmatch(text)):
            places = len(m.group(1) or "")
            value = int(text) if places == 0 else float(text)
            fmt = "0" + ("." + "0" * places if places else "")
        if value is None or self.to_text(value, fmt)[0] != text:
            return text, TEXT_FMT
        return value, fmt

    # ---- cell -> package text

    def to_text(self, value: Any, fmt: str | None = None, epoch: dt.datetime | None = None) -> tuple[str, str | None]:
        """The package text of a cell, and a warning (or None)."""
        if value is None:
            return "", None
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, bool):
            return ("true" if value else "false"), None
        if isinstance(value, dt.datetime):
            return self._datetime(_whole_seconds(value))
        if isinstance(value, dt.date):
            return self._datetime(dt.datetime.combine(value, dt.time()))
        if isinstance(value, dt.time):
            return value.replace(microsecond=0).isoformat(), None
        if isinstance(value, (int, float)):
            return self._number(value, fmt, epoch)
        return str(value), None

    def _text(self, s: str) -> tuple[str, str | None]:
        if self.kind == "string":
            return s, None                  # free text is kept exactly as typed
        s = s.strip()
        if self.kind in ("date", "datetime"):
            typed = _TEXT_DATETIME.fullmatch(s)
            if typed:   # a date-time typed as text (2024-03-15 10:00): as a date-time cell
                try:
                    return self._datetime(dt.datetime.fromisoformat(f"{typed[1]}T{typed[2]}:{typed[3]}:{typed[4] or '00'}"))
                except ValueError:
                    return s, None          # no such day or time: left for validate to say
        if self.kind == "code":
            if s in self.codes:
                return s, None
            for sep in SEPARATORS:
                if sep in s:
                    head = s.split(sep, 1)[0].strip()
                    if head:
                        return head, None
            return self.by_label.get(s, s), None
        if self.kind == "boolean":
            for sep in SEPARATORS:
                if sep in s:
                    s = s.split(sep, 1)[0].strip()
                    break
            return BOOL_WORDS.get(s.lower(), BOOL_WORDS.get(s, s)), None
        return s, None

    def _datetime(self, v: dt.datetime) -> tuple[str, str | None]:
        """A date-time as its field takes it: with the zone in a datetime field (Excel's times
        are Beijing time), the day alone in a date field (a time there is said, not written)."""
        if self.kind == "datetime":
            return v.strftime("%Y-%m-%dT%H:%M:%S") + TZ, None
        if v.time() == dt.time():
            return v.date().isoformat(), None
        return v.date().isoformat(), say("日期字段中填的是日期时间，只写入了日期，时间未写入",
                                         "a date-time in a date field: the date is written, the time left out")

    def _number(self, v: int | float, fmt: str | None, epoch: dt.datetime | None) -> tuple[str, str | None]:
        if self.kind in ("date", "datetime"):
            when = _excel_serial_to_datetime(float(v), epoch)
            if when is not None:   # a date whose cell lost its date format (pasted values)
                return self._datetime(_whole_seconds(when))
            return plain_number(v), None
        if self.kind == "code":
            s = plain_number(v)
            if s not in self.codes and float(v).is_integer():
                padded = [c for c in self.codes if c.isdigit() and int(c) == int(v)]
                if len(padded) == 1:    # Excel turned 01 into 1
                    return padded[0], None
            return s, None
        warning = None
        if self.kind == "string" and isinstance(v, float) and abs(v) >= 1e15:
            warning = say("16 位以上的数字，Excel 只保留 15 位有效数字：请把该列设为文本格式后重新输入",
                          "a number of 16 or more digits, which Excel keeps to 15 significant digits only: "
                          "format the column as text and type it again")
        d = _format_decimals(fmt)
        if d is None and self.kind in ("integer", "number"):
            d = self.decimals
        if d is not None and self.kind != "string":   # written as shown, unless that would round
            if isinstance(v, int):
                return str(v) + ("." + "0" * d if d else ""), None
            text = _round_trip_round(v, d)
            if text is not None:
                return text, None
        return plain_number(v), warning


def codecs(spec: TableSpec, profile: Profile) -> list[FieldCodec]:
    return [FieldCodec.of(f, profile) for f in spec.fields]


# --------------------------------------------------------------------------- writing


def _display_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


@dataclass
class _Styles:
    title: Any
    title_required: Any
    name: Any
    fill_required: Any
    fill_optional: Any
    fill_name: Any
    heading: Any
    bold: Any
    wrap: Any


def _styles() -> _Styles:
    from openpyxl.styles import Alignment, Font, PatternFill

    return _Styles(
        title=Font(bold=True), title_required=Font(bold=True, color="9C0006"),
        name=Font(color="808080", size=9),
        fill_required=PatternFill("solid", fgColor="FCE4D6"), fill_optional=PatternFill("solid", fgColor="DDEBF7"),
        fill_name=PatternFill("solid", fgColor="F2F2F2"),
        heading=Font(bold=True, size=14), bold=Font(bold=True),
        wrap=Alignment(wrap_text=True, vertical="center"))


def _readme_lines(tables: list[TableSpec], names: dict[str, str], prefilled: str | None) -> list[tuple[str, str]]:
    """(style, text) lines of the README sheet; style: h (heading), b (bold), '' (plain)."""
    shortened = [t for t in tables if names[t.name] != t.name]
    v = STANDARD_VERSION
    zh = [
        ("h", "济南市行政执法监督数据规范 · 数据填报模板"),
        ("", f"规范版本 {v} · 由 jn-exchange {__version__} 生成"
             + (f" · 已预填交换包 {prefilled} 的数据" if prefilled else "")),
        ("", ""),
        ("b", "这是什么"),
        ("", "本工作簿用于在 Excel（或 WPS）中填写交换包的数据。每张数据表一个工作表，填好后用 jn-exchange convert 转换为"),
        ("", "交换包（每张表一个 CSV 文件和 datapackage.json），再用 jn-exchange validate 校验。"),
        ("", ""),
        ("b", "怎样填写"),
        ("", "1. 第 1 行是字段的中文名称，带 * 且底色为橙色的是必填字段；把鼠标移到名称上可以看到字段说明。"),
        ("", "2. 第 2 行是字段名，转换程序按它识别各列：不要修改、删除或移动第 2 行，也不要改工作表名称。"),
        ("", "3. 从第 3 行起每行一条记录；空单元格表示没有值；空行会被跳过。"),
        ("", "4. 代码列有下拉列表，选项写作“代码 · 名称”（如“01 · 行政机关”），转换时只保留代码；也可以只填代码。"),
        ("", "5. 是/否列选择“true · 是”或“false · 否”。"),
        ("", "6. 日期按 yyyy-mm-dd 填写（如 2025-03-01），Excel 日期或这样写的文本都可以；日期时间按北京时间填写"
             "（如 2025-03-01 09:30:00），转换时加上 +08:00。"),
        ("", "7. 金额以元为单位，最多两位小数；文本列已设为文本格式，代码的前导零和 18 位身份号码不会丢失。"),
        ("", "8. README、_codes、_tables 三个工作表供转换程序使用（后两个已隐藏），请勿修改。"),
        ("", ""),
        ("b", "转换与校验"),
        ("", "jn-exchange convert 本工作簿.xlsx 输出文件夹"),
        ("", "jn-exchange validate 输出文件夹"),
    ]
    if shortened:
        zh.append(("", ""))
        zh.append(("", "Excel 的工作表名称最多 31 个字符，以下表的工作表名称已缩短（对应关系见文末的工作表一览和隐藏的 _tables 工作表）："))
        zh += [("", f"    {names[t.name]} → {t.name}（{t.title}）") for t in shortened]
    en = [
        ("", ""),
        ("h", "Jinan enforcement-supervision data standard · data entry workbook"),
        ("", f"Standard version {v} · made by jn-exchange {__version__}"
             + (f" · pre-filled from the package {prefilled}" if prefilled else "")),
        ("", ""),
        ("b", "What this is"),
        ("", "A workbook to enter a package's data in Excel (or WPS): one sheet per table. When it is filled, "
             "`jn-exchange convert` turns it into a package"),
        ("", "(one CSV file per table and datapackage.json), and `jn-exchange validate` checks that package."),
        ("", ""),
        ("b", "How to fill it"),
        ("", "1. Row 1 holds the Chinese titles; required fields start with * and are orange. Hover over a title "
             "for the field's description."),
        ("", "2. Row 2 holds the field names that convert reads: do not change, delete or move row 2, and do not "
             "rename the sheets."),
        ("", "3. One record per row from row 3; an empty cell is no value; empty rows are skipped."),
        ("", "4. Code columns have a drop-down list of `code · label` (e.g. `01 · 行政机关`); only the code is kept. "
             "Typing the bare code works too."),
        ("", "5. Yes/no columns: choose `true · 是` or `false · 否`."),
        ("", "6. Dates as yyyy-mm-dd (e.g. 2025-03-01), as Excel dates or as such text; date-times in Beijing time "
             "(e.g. 2025-03-01 09:30:00): convert adds +08:00."),
        ("", "7. Amounts in yuan, at most two decimals. Text columns are formatted as text, so leading zeros of "
             "codes and 18-digit identity numbers are kept."),
        ("", "8. The sheets README, _codes and _tables are used by convert (the last two are hidden): do not edit them."),
        ("", ""),
        ("b", "Convert and validate"),
        ("", "jn-exchange convert this-workbook.xlsx OUT_FOLDER"),
        ("", "jn-exchange validate OUT_FOLDER"),
    ]
    if shortened:
        en.append(("", ""))
        en.append(("", "Excel allows at most 31 characters in a sheet name; the sheets of these tables have "
                       "shorter names (see the list below and the hidden _tables sheet):"))
        en += [("", f"    {names[t.name]} → {t.name}") for t in shortened]
    return zh + en


def write_template(out: Path, profile: Profile, tables: list[str] | None = None,
                   source: dict[str, Path] | None = None, source_label: str | None = None,
                   echo: Callable[[str], None] = lambda s: None) -> dict[str, int]:
    """Write the workbook `out` (the caller makes sure it is new). With `source` (table -> CSV
    file of a package), the sheets are pre-filled. Returns the rows written per table."""
    from openpyxl import Workbook

    chosen = [profile.tables[t] for t in (tables or list(profile.tables))]
    names = sheet_names(t.name for t in chosen)
    st = _styles()
    wb = Workbook(write_only=True)
    _write_readme(wb.create_sheet(README_SHEET), chosen, names, source_label, st)
    lists = _code_lists(profile)
    list_ref = {cname: f"'{CODES_SHEET}'!${_col(i)}$3:${_col(i)}${2 + max(1, len(vals))}"
                for i, (cname, vals) in enumerate(lists.items(), 1)}
    counts: dict[str, int] = {}
    try:
        for spec in chosen:
            ws = wb.create_sheet(names[spec.name])
            fcs = codecs(spec, profile)
            _lay_out_columns(ws, spec, fcs, list_ref)
            ws.append(_title_row(ws, spec, fcs, profile, st))
            ws.append([_cell(ws, f.name, st.name, st.fill_name, TEXT_FMT) for f in spec.fields])
            counts[spec.name] = _prefill(ws, spec, fcs, source[spec.name], echo) if source and spec.name in source else 0
    except BaseException:
        _abandon(wb)
        raise
    _write_codes(wb.create_sheet(CODES_SHEET), lists, profile)
    ws = wb.create_sheet(TABLES_SHEET)         # sheet -> table, read back by convert
    ws.sheet_state = "hidden"
    ws.append(["sheet", "table", "title", "standard_version"])
    for t in chosen:
        ws.append([names[t.name], t.name, t.title, STANDARD_VERSION])
    wb.save(out)
    return counts


def _abandon(wb: Any) -> None:
    """Close the sheets of a workbook that will not be saved: openpyxl's write-only sheets left
    open print "Exception ignored" tracebacks when the interpreter exits."""
    for ws in wb.worksheets:
        if not ws.closed:
            try:
                ws.close()
            except Exception:  # noqa: BLE001 - only tidying up after the error being raised
                pass


def _cell(ws: Any, value: Any, font: Any = None, fill: Any = None, fmt: str | None = None, align: Any = None) -> Any:
    """A write-only cell; text that starts with `=` stays text, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value=value)
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if fmt is not None:
        c.number_format = fmt
    if align is not None:
        c.alignment = align
    if isinstance(value, str) and value.startswith("="):
        c.data_type = "s"
    return c


def _write_readme(ws: Any, chosen: list[TableSpec], names: dict[str, str], source_label: str | None,
                  st: _Styles) -> None:
    for letter, width in zip("ABCD", (44, 40, 30, 60)):
        ws.column_dimensions[letter].width = width
    for style, text in _readme_lines(chosen, names, source_label):
        ws.append([_cell(ws, text, st.heading if style == "h" else st.bold if style == "b" else None)])
    ws.append([])
    ws.append([_cell(ws, "工作表一览 · Sheets", st.bold)])
    ws.append([_cell(ws, h, st.bold, st.fill_name) for h in ("工作表 Sheet", "表名 Table", "中文名称 Title", "备注 Note")])
    for t in chosen:
        note = ("名称超过 31 个字符，已缩短 · table name longer than 31 characters, sheet name shortened"
                if names[t.name] != t.name else "")
        ws.append([_cell(ws, names[t.name]), _cell(ws, t.name), _cell(ws, t.title), _cell(ws, note)])


def _code_lists(profile: Profile) -> dict[str, list[str]]:
    """The drop-down lists, in their column order in _codes: yes/no first, then every code list."""
    lists: dict[str, list[str]] = {BOOLEAN_LIST: [f"{c}{SEP}{lab}" for c, lab in BOOL_LABELS.items()]}
    for cname, cl in profile.codelists.items():
        lists[cname] = [f"{v['code']}{SEP}{v['label']}" if v.get("label") else v["code"] for v in cl["values"]]
    return lists


def _write_codes(ws: Any, lists: dict[str, list[str]], profile: Profile) -> None:
    """_codes (hidden): one column per list, row 1 its name, row 2 its title, values from row 3."""
    ws.sheet_state = "hidden"
    titles = {BOOLEAN_LIST: "是/否"} | {c: str(cl.get("title", "")) for c, cl in profile.codelists.items()}
    columns = [[cname, titles[cname], *vals] for cname, vals in lists.items()]
    for r in range(max(len(c) for c in columns)):
        ws.append([c[r] if r < len(c) else None for c in columns])


def _lay_out_columns(ws: Any, spec: TableSpec, fcs: list[FieldCodec], list_ref: dict[str, str]) -> None:
    """Frozen title rows, column widths and formats, and the drop-down list of each coded column."""
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.row_dimensions[TITLE_ROW].height = 32
    for i, (f, fc) in enumerate(zip(spec.fields, fcs), 1):
        letter = _col(i)
        width = max(_display_width(f.title) + 4, len(f.name) + 2, 10)
        if fc.kind == "date":
            width = max(width, 12)
        elif fc.kind == "datetime":
            width = max(width, 20)
        elif fc.choices:
            width = max(width, min(40, max(_display_width(c) for c in fc.choices) + 3))
        dim = ws.column_dimensions[letter]
        dim.width = min(width, 50)
        dim.number_format = fc.fmt   # applies to what is typed into new cells of the column
        if fc.choices:
            list_name = BOOLEAN_LIST if fc.kind == "boolean" else f.codelist
            assert list_name is not None   # a column with choices is yes/no or has a code list (FieldCodec.of)
            ref = list_ref[list_name]
            dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                                errorStyle="warning", errorTitle="不在列表中 · not in the list",
                                error="请从下拉列表中选择（也可以只填代码）。Choose from the list (or type the bare code).")
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{EXCEL_MAX_ROWS}")
            ws.data_validations.append(dv)


def _title_row(ws: Any, spec: TableSpec, fcs: list[FieldCodec], profile: Profile, st: _Styles) -> list[Any]:
    """Row 1: the Chinese titles (* and orange when required), each with a note on the field."""
    from openpyxl.comments import Comment

    titles = []
    for f, fc in zip(spec.fields, fcs):
        c = _cell(ws, ("*" if f.required else "") + f.title, st.title_required if f.required else st.title,
                  st.fill_required if f.required else st.fill_optional, TEXT_FMT, st.wrap)
        note = [f"{f.title}（{f.name}）", f"{'必填 required' if f.required else '选填 optional'} · {f.type}"
                + (f" · {fc.fmt}" if fc.kind in ("date", "datetime", "number") else "")]
        if f.codelist and f.codelist in profile.codelists:
            note.append(f"代码表 code list: {profile.codelists[f.codelist].get('title', '')} ({f.codelist})")
        if f.raw.get("description"):
            note.append(str(f.raw["description"]))
        comment = Comment("\n".join(note)[:1500], "jn-exchange")
        comment.width, comment.height = 320, 160
        c.comment = comment
        titles.append(c)
    return titles


def _prefill(ws: Any, spec: TableSpec, fcs: list[FieldCodec], path: Path, echo: Callable[[str], None]) -> int:
    """Stream the CSV file of one table into its sheet; returns the number of records."""
    try:
        table = open_table(path, spec)
        if table is None:
            return 0
        by_name = {fc.field.name: i for i, fc in enumerate(fcs)}
        where = [by_name.get(n) for n in table.names]
        unknown = [show_column(h, i, spec) for i, (h, w) in enumerate(zip(table.header, where)) if w is None]
        if unknown:
            echo(say(f"警告：{spec.name}：列 {'、'.join(unknown)} 不是该表的字段，未写入",
                     f"warning: {spec.name}: columns {', '.join(unknown)} are not fields of the table; left out"))
        n = 0
        for _, row in table.records:
            if all(v == "" for v in row):
                continue
            n += 1
            if n > EXCEL_MAX_ROWS - FIRST_DATA_ROW + 1:
                raise ToolError(say(f"{spec.name} 的行数超过一个 Excel 工作表能容纳的 {EXCEL_MAX_ROWS - FIRST_DATA_ROW + 1} 行",
                                    f"{spec.name} has more rows than an Excel sheet can hold "
                                    f"({EXCEL_MAX_ROWS - FIRST_DATA_ROW + 1})"))
            ws.append(_prefilled_row(ws, spec, fcs, row, where, n))
    except TableReadError as exc:
        raise ToolError(read_error_text(exc, path.name, advice=True)) from exc
    return n


def _prefilled_row(ws: Any, spec: TableSpec, fcs: list[FieldCodec], row: list[str], where: list[int | None],
                   n: int) -> list[Any]:
    from openpyxl.utils.exceptions import IllegalCharacterError

    values: list[Any] = [None] * len(fcs)
    for text, w in zip(row, where):
        if w is None or text == "":
            continue
        if len(text) > EXCEL_MAX_CELL_CHARS:
            raise ToolError(say(f"{spec.name} 第 {n} 条记录的 {fcs[w].field.name} 超过 {EXCEL_MAX_CELL_CHARS} 个字符，"
                                "Excel 单元格容纳不下",
                                f"{spec.name} record {n} field {fcs[w].field.name}: more than "
                                f"{EXCEL_MAX_CELL_CHARS} characters, which an Excel cell cannot hold"))
        value, fmt = fcs[w].to_excel(text)
        try:
            values[w] = _cell(ws, value, fmt=fmt)
        except IllegalCharacterError as exc:
            raise ToolError(say(f"{spec.name} 第 {n} 条记录的 {fcs[w].field.name} 含 Excel 单元格不能容纳的控制字符",
                                f"{spec.name} record {n} field {fcs[w].field.name}: a control character "
                                "that an Excel cell cannot hold")) from exc
    return values


def parse_tables(option: str | None, profile: Profile) -> list[str] | None:
    """`--tables a,b` -> the tables in the profile's order; unknown names are an error."""
    if not option:
        return None
    wanted = [t.strip() for t in option.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in profile.tables]
    if unknown:
        import difflib

        hints = [say(f"{u}（是否指 {m[0]}？）", f"{u} (did you mean {m[0]}?)")
                 if (m := difflib.get_close_matches(u, list(profile.tables), 1)) else u for u in unknown]
        raise ToolError(say(f"不是本规范的表：{'、'.join(hints)}（完整模板的 README 工作表列出了所有表）",
                            f"not tables of the standard: {', '.join(hints)} (the README sheet of a full template "
                            "lists every table)"))
    if not wanted:
        raise ToolError(say("--tables 未列出任何表名", "--tables names no table"))
    return [t for t in profile.tables if t in wanted]


def decimal_text(text: str, places: int) -> str | None:
    """`text` with exactly `places` decimals if that changes no digit, else None ("97.0" -> "97.00")."""
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    try:
        d = Decimal(text)
        q = d.quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, ValueError):
        return None
    return f"{q:f}" if q == d else None
