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


def short_error(exc: Any) -> str:
    """The first line of an error (DuckDB's run on for lines)."""
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
