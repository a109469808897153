"""The engine's words in findings: user-facing text is bilingual (`{"zh": .., "en": ..}`),
error texts are cut to a size a report can show (values: `jn_exchange.masking.clip`)."""

from __future__ import annotations

from typing import Any

from jn_exchange.identifiers import citizen_id_problem

_ID_PROBLEM = {
    "birth_date": {"zh": "出生日期码不是有效日期", "en": "the birth-date part is not a valid date"},
    "check_digit": {"zh": "校验码错误", "en": "wrong check character"},
    "length": {"zh": "长度不是18位", "en": "not 18 characters"},
    "charset": {"zh": "含有非法字符", "en": "invalid characters"},
}


def citizen_id_problem_text(value: str | None) -> dict[str, str]:
    """Why an identity number is wrong (JN-CELL-012's `problem`), in both languages."""
    p = citizen_id_problem(value or "") or "check_digit"
    return dict(_ID_PROBLEM.get(p, {"zh": p, "en": p}))


def short_error(exc: Any) -> dict[str, str]:
    """The first line of a reader's error (DuckDB's run on for lines), in both languages: its
    own words in English, and in Chinese what it is about, with its words labelled as the
    parser's (they are not translated)."""
    text = str(exc).strip().splitlines()
    raw = text[0][:300] if text else type(exc).__name__
    about = next((zh for key, zh in _READER_ZH if key in raw.lower()), "读取器无法解析")
    return {"zh": f"{about}（解析器原文：{raw}）", "en": raw}


# what DuckDB's CSV reader says, by a phrase of its message (lower case), in Chinese
_READER_ZH = (
    ("unterminated quote", "引号没有闭合"),
    ("quote", "引号使用不当"),
    ("invalid unicode", "含有无效的 UTF-8 字节"),
    ("maximum line size", "一行超过读取器的长度上限"),
    ("expected number of columns", "字段数与表头不一致"),
    ("out of memory", "内存不足"),
)
