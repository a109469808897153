"""Specific hints for a bad cell: why a value that a person would read as right is not in the
standard's form (2025/3/1, 2025年3月1日, full-width digits, stray spaces, labels instead of codes).
Computed only for the stored example findings, never per row. A hint that writes the value out
again writes it through `show`, the field's masking policy (`jn_exchange.masking`), so a hint
reveals no more of a personal value than the finding's value does."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any

from jn_exchange.text import drop_bom, half_width, strip_edges

Hint = dict[str, str]
Show = Callable[[str], str]
_NONE: Hint = {"zh": "", "en": ""}

# the full-width characters a hint points out (digits, letters, the ideographic space, ．－：);
# the value is then shown as `half_width` writes it (the one width policy: jn_exchange.text)
_FULLWIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\uff0e\uff0d\uff1a]")


def _h(zh: str, en: str) -> Hint:
    return {"zh": f"；{zh}", "en": f"; {en}"}


def _same(value: str) -> str:
    return value


def _common(value: str, show: Show) -> Hint | None:
    stripped = strip_edges(value)
    if "\ufeff" in value:
        return _h(f"值中有字节顺序标记 BOM（<U+FEFF>），常因把几个带 BOM 的 CSV 文件首尾拼接而混入行首；删去后应为 “{show(drop_bom(value))}”",
                  "the value holds a byte-order mark (<U+FEFF>), typically left at a line start by joining CSV files "
                  f"that each begin with one; without it: “{show(drop_bom(value))}”")
    if value != stripped:
        shown = show(stripped)
        return _h(f"值的首尾有空格，应为 “{shown}”", f"the value has leading/trailing spaces; write “{shown}”")
    if _FULLWIDTH.search(value):
        fixed = show(half_width(value))
        return _h(f"含全角字符，应写为半角 “{fixed}”", f"it has full-width characters; write “{fixed}”")
    return None


_DATE_FORMS = [
    (re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$"), "YYYY/M/D"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"), "YYYY年M月D日"),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "YYYY-M-D"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "YYYYMMDD"),
]


def date_hint(value: str, with_time: bool = False, show: Show = _same) -> Hint:
    common = _common(value, show)
    if common:
        return common
    v = value
    if with_time:
        m = re.match(r"^(\S+)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$", v)
        if m:
            d = _parse_date_like(m.group(1))
            if d:
                iso = f"{d.isoformat()}T{int(m.group(2)):02d}:{m.group(3)}:{m.group(4) or '00'}"
                return _h(f"日期时间应写为 {iso}", f"write the datetime as {iso}")
    d = _parse_date_like(v)
    if d:
        iso = d.isoformat() + ("T00:00:00" if with_time else "")
        return _h(f"应写为 ISO 8601 格式 {iso}", f"write it in ISO 8601 as {iso}")
    serial = excel_serial(v)
    if serial is not None:
        d = serial.date()
        return _h(f"这像是 Excel 的日期序号，对应 {d.isoformat()}（`jn-exchange fix --excel-dates` 可转换）",
                  f"this looks like an Excel date serial, i.e. {d.isoformat()} (`jn-exchange fix --excel-dates` "
                  "converts it)")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return _h("日历上没有这一天", "no such day in the calendar")
    return _NONE


_EXCEL_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)   # Excel's 1900 date system (Windows; what WPS writes too)


def excel_serial(v: str) -> dt.datetime | None:
    """The day (and time, from the fraction) of an Excel date serial of five digits (1927 to
    2173), to the second; None for anything else. A number in a date field is only a guess at a
    serial: callers say so."""
    if not _EXCEL_SERIAL.fullmatch(v):
        return None
    return _EXCEL_EPOCH + dt.timedelta(seconds=round(float(v) * 86400))


def _parse_date_like(v: str) -> dt.date | None:
    for rx, _ in _DATE_FORMS:
        m = rx.match(v)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def number_hint(value: str, integer: bool, show: Show = _same) -> Hint:
    common = _common(value, show)
    if common:
        return common
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value):
        plain = show(value.replace(",", ""))
        return _h(f"不要用千分位逗号，应为 {plain}", f"drop the thousands separators: {plain}")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(元|万元|人民币|RMB|¥|￥)?", value.replace("¥", "").replace("￥", ""))
    if m and m.group(2) == "万元":
        return _h("金额以元为单位，不带单位，如 1.5万元 写作 15000", "amounts are in yuan without unit; 1.5万元 is 15000")
    if m and m.group(2):
        plain = show(m.group(1))
        return _h(f"不要带单位或货币符号，应为 {plain}", f"no unit or currency sign: {plain}")
    if integer and re.fullmatch(r"-?\d+\.0+", value):
        whole = show(value.split(".")[0])
        return _h(f"整数不带小数部分，应为 {whole}", f"integers have no decimals: {whole}")
    if not integer and re.fullmatch(r"-?\d+\.\d{3,}", value):
        return _h("金额最多两位小数", "amounts have at most two decimals")
    return _NONE


_TRUE = {"是", "1", "y", "yes", "t", "真", "TRUE", "True"}
_FALSE = {"否", "0", "n", "no", "f", "假", "FALSE", "False"}


def boolean_hint(value: str, show: Show = _same) -> Hint:
    common = _common(value, show)
    if common:
        return common
    v = strip_edges(value)
    if v in _TRUE or v.lower() in _TRUE:
        return _h("应写为 true", "write true")
    if v in _FALSE or v.lower() in _FALSE:
        return _h("应写为 false", "write false")
    return _NONE


def code_hint(value: str, codes: dict[str, dict[str, Any]]) -> Hint:
    """Name the code a person most likely meant: by label, by zero padding, by width, by similarity."""
    v = half_width(strip_edges(value))
    if v in codes and v != value:
        return _h(f"应为 “{v}”（{codes[v]['label']}），去掉空格或全角字符", f"write “{v}” ({codes[v]['label']}) without spaces or full-width characters")
    for code, info in codes.items():
        if v == info.get("label") or v == info.get("token"):
            return _h(f"填的是名称，应填代码 {code}（{info['label']}）", f"this is the label; write the code {code} ({info['label']})")
    if v.isdigit():
        for code, info in codes.items():
            if code.isdigit() and code.lstrip("0") == v.lstrip("0") and code != v:
                return _h(f"前导零不能省略，应为 {code}（{info['label']}）", f"leading zeros matter: {code} ({info['label']})")
    labels = {info.get("label", ""): code for code, info in codes.items()}
    close = difflib.get_close_matches(v, list(labels), n=2, cutoff=0.5)
    if close:
        names = "、".join(f"{labels[c]}（{c}）" for c in close)
        names_en = ", ".join(f"{labels[c]} ({c})" for c in close)
        return _h(f"相近的代码：{names}", f"close codes: {names_en}")
    return _NONE


def pattern_hint(value: str, show: Show = _same) -> Hint:
    return _common(value, show) or _NONE
