"""The one way to read a JSON document a vendor sent (datapackage.json, the JSON form of a
package). Whatever the document holds, the result is either its value or a JsonProblem whose
`detail` ({zh, en}) the caller puts into its finding; never a traceback:
- a size above the caller's limit is refused before anything is read;
- the encoding is UTF-8 (a BOM is allowed; GB18030 only where the caller accepts it);
- an object with the same name twice is ambiguous (which value counts?): refused, naming it;
- NaN and ±Infinity are not JSON: refused;
- an unpaired surrogate escape (\\ud800) is not a character: refused;
- nesting beyond Python's recursion limit is refused;
- an integer too long for Python to convert (over 4,300 digits) is kept as its text, so the
  cell rules judge it like the same text in a CSV file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jn_exchange.rules import zh_en

_MAX_INT_DIGITS = 4000   # below Python's int-from-string limit (4,300 digits)


class JsonProblem(Exception):
    """The document cannot be taken as JSON; `detail` says why in both languages."""

    def __init__(self, detail: dict[str, str]):
        super().__init__(detail["en"])
        self.detail = detail


def load_json(path: Path, *, max_bytes: int | None = None, accept_gb18030: bool = False) -> Any:
    """The value of the JSON document at `path` (see the module's docstring)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise JsonProblem(zh_en(f"文件有 {size:,} 字节，超过上限 {max_bytes:,} 字节",
                                    f"the file has {size:,} bytes, more than the limit of {max_bytes:,}"))
        raw = path.read_bytes()
    except OSError as exc:
        raise JsonProblem(zh_en(f"无法读取：{exc.strerror or exc}", f"cannot be read: {exc.strerror or exc}")) from exc
    return parse_json(raw, accept_gb18030=accept_gb18030)


def parse_json(raw: bytes, *, accept_gb18030: bool = False) -> Any:
    text = _decode(raw, accept_gb18030)
    try:
        value = json.loads(text, object_pairs_hook=_unique_names, parse_constant=_no_constant,
                           parse_int=_integer)
        if _SURROGATE_ESCAPE.search(text):   # rare: only then is the whole value walked
            _no_lone_surrogate(value)
        return value
    except json.JSONDecodeError as exc:
        raise JsonProblem(json_problem(exc)) from exc
    except RecursionError as exc:
        raise JsonProblem(zh_en("嵌套层数过多", "nested too deeply")) from exc


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _no_lone_surrogate(value: Any) -> None:
    """A \\ud800 escape without its pair is no character: no file name, CSV cell or report
    can hold it (UTF-8 cannot encode it). Paired escapes (an emoji) are characters and pass."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        code = f"\\u{ord(exc.object[exc.start]):04x}"
        raise JsonProblem(zh_en(f"含有不成对的代理码位 {code}，它不是字符", f"holds an unpaired surrogate {code}, which is not a character")) from exc


def _decode(raw: bytes, accept_gb18030: bool) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if accept_gb18030:
            try:
                return raw.decode("gb18030")
            except UnicodeDecodeError:
                pass
        raise JsonProblem(not_utf8()) from exc


def not_utf8() -> dict[str, str]:
    return zh_en("不是 UTF-8 编码（GBK/GB18030？）", "not UTF-8 (GBK/GB18030?)")


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)   # in C; only a short dict says a name came twice
    if len(out) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise duplicate_name(name)
            seen.add(name)
    return out


def duplicate_name(name: str) -> JsonProblem:
    shown = name if len(name) <= 60 else name[:60] + "…"
    return JsonProblem(zh_en(f"对象中名称 “{shown}” 出现了不止一次", f"the name “{shown}” appears twice in one object"))


def _no_constant(name: str) -> Any:
    raise JsonProblem(zh_en(f"{name} 不是 JSON 的合法值", f"{name} is not a JSON value"))


class IntegerText(str):
    """An integer too long to convert, kept as the text it was written as."""


def _integer(text: str) -> int | str:
    return int(text) if len(text) <= _MAX_INT_DIGITS else IntegerText(text)


def json_problem(exc: json.JSONDecodeError) -> dict[str, str]:
    return json_problem_at(exc.msg, exc.lineno, exc.colno)


# the json module's messages (its complete list, Python 3.11-3.13), said in Chinese; the English
# message keeps the module's own words
_JSON_ZH = {
    "Expecting value": "此处应当是一个值",
    "Expecting ',' delimiter": "此处应当是逗号",
    "Expecting ':' delimiter": "此处应当是冒号",
    "Expecting property name enclosed in double quotes": "此处应当是用双引号括起的名称",
    "Unterminated string starting at": "字符串没有结束（缺少右引号）",
    "Invalid control character at": "字符串中有未转义的控制字符",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\uXXXX escape": "无效的 \\u 转义序列",
    "Extra data": "JSON 值结束后还有多余的内容",
    "Illegal trailing comma before end of object": "对象的最后一项后面多了逗号",
    "Illegal trailing comma before end of array": "数组的最后一项后面多了逗号",
    "Expecting value, got trailing comma": "最后一项后面多了逗号",
}
_KIND_ZH = {"list": "数组", "str": "字符串", "int": "数字", "float": "数字", "bool": "布尔值", "NoneType": "null"}


def json_problem_at(msg: str, lineno: int, colno: int) -> dict[str, str]:
    zh = _JSON_ZH.get(msg) or f"JSON 语法错误（解析器原文：{msg}）"
    return zh_en(f"第 {lineno} 行第 {colno} 列：{zh}", f"line {lineno} column {colno}: {msg}")


def not_an_object(value: Any) -> dict[str, str]:
    kind = type(value).__name__
    return zh_en(f"顶层是{_KIND_ZH.get(kind, kind)}，不是对象", f"top level is {kind}, not an object")
