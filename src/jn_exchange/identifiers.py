"""Chinese identifiers used by the standard: 统一社会信用代码 (GB 32100—2015), 公民身份号码
(GB 11643—1999) and Jinan's 行政区划代码; their check characters in Python and as DuckDB SQL
(the validator checks millions of rows without Python UDFs), and generators for sample data
(masking for reports is `jn_exchange.masking`).

Standard library only: the validator imports this on its hot path.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from jn_exchange.text import drop_spaces, half_width

if TYPE_CHECKING:  # generators take a random.Random; the validator never imports random
    import random

__all__ = [
    "USCC_CHARSET", "USCC_WEIGHTS", "USCC_REGISTRATION_AUTHORITIES",
    "CITIZEN_ID_WEIGHTS", "CITIZEN_ID_CHECK_CHARS",
    "JINAN_CITY_CODE", "JINAN_HIGH_TECH_ZONE_CODE", "JINAN_DISTRICT_COUNTY_CODES",
    "JINAN_COUNTY_CODES", "JINAN_DIVISION_NAMES",
    "uscc_check_char", "is_valid_uscc", "uscc_problem", "uscc_check_sql",
    "organization_code_check_char",
    "citizen_id_check_char", "is_valid_citizen_id", "citizen_id_problem", "citizen_id_check_sql",
    "normalize_citizen_id", "normalize_uscc",
    "is_jinan_division_code", "jinan_county_of", "division_name",
    "generate_uscc", "generate_citizen_id",
]

# --------------------------------------------------------------------------- 统一社会信用代码
# GB 32100—2015: 31 characters, digits and upper-case letters without I O S V Z (confusable).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
# Weights are 3**i mod 31; all non-zero mod the prime 31, so every single substitution is caught.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# 登记管理部门代码 (first character): 1-9 departments, A 中央军委改革和编制办公室, N 农业, Y 其他.
USCC_REGISTRATION_AUTHORITIES = frozenset("123456789ANY")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given (ValueError if not 17 charset chars)."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError(f"need 17 characters of {USCC_CHARSET!r}")
    s = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - s % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """What is wrong with a USCC: "length", "charset", "registration_authority", "check_digit", or None.

    Strict: lower case is a charset error (the standard has upper case only); callers that want
    to repair should upper-case first.
    """
    if len(code) != 18:
        return "length"
    if any(ch not in _USCC_VALUE for ch in code):
        return "charset"
    if code[0] not in USCC_REGISTRATION_AUTHORITIES:
        return "registration_authority"
    if uscc_check_char(code[:17]) != code[17]:
        return "check_digit"
    return None


def is_valid_uscc(code: str) -> bool:
    return isinstance(code, str) and uscc_problem(code) is None


_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def organization_code_check_char(first8: str) -> str:
    """GB 11714 组织机构代码 check character: USCC positions 9-17 are such a code (主体标识码).
    Only used to generate realistic codes; validation does not require it (legacy codes exist)."""
    if len(first8) != 8 or any(ch not in _ALNUM for ch in first8):
        raise ValueError("need 8 characters 0-9 A-Z")
    vals = [int(ch, 36) for ch in first8]  # 0-9 → 0-9, A-Z → 10-35
    c = 11 - sum(v * w for v, w in zip(vals, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


# --------------------------------------------------------------------------- 公民身份号码
# GB 11643—1999: weights 2**(17-i) mod 11 (all non-zero mod the prime 11), check "10X98765432"[Σ mod 11].
CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")


def citizen_id_check_char(first17: str) -> str:
    """The 18th character of a citizen id number whose first 17 ASCII digits are given."""
    if len(first17) != 17 or any(ch not in _DIGITS for ch in first17):
        raise ValueError("need 17 ASCII digits")
    s = sum(int(ch) * w for ch, w in zip(first17, CITIZEN_ID_WEIGHTS))
    return CITIZEN_ID_CHECK_CHARS[s % 11]


def citizen_id_problem(code: str, as_of: date | None = None) -> str | None:
    """What is wrong with a citizen id number: "length", "charset", "birth_date", "check_digit", or None.

    The birth date (characters 7-14) must be a real date, year >= 1850, not after `as_of`
    (default: today). Lower-case x is a charset error: the standard writes X
    (use normalize_citizen_id() to repair).
    """
    if len(code) != 18:
        return "length"
    if any(ch not in _DIGITS for ch in code[:17]) or (code[17] not in _DIGITS and code[17] != "X"):
        return "charset"
    try:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1850 or born > (as_of or date.today()):
        return "birth_date"
    if citizen_id_check_char(code[:17]) != code[17]:
        return "check_digit"
    return None


def is_valid_citizen_id(code: str, as_of: date | None = None) -> bool:
    return isinstance(code, str) and citizen_id_problem(code, as_of) is None


def normalize_uscc(value: str) -> str:
    """Repair form of a USCC: spaces removed, full-width to ASCII, upper case (uscc_problem is strict)."""
    return drop_spaces(half_width(value)).upper()


def normalize_citizen_id(value: str) -> str:
    """Repair form of a citizen id number: spaces (those vendors paste from Word or Excel, see
    jn_exchange.text) removed, full-width digits and letters to ASCII, x → X.
    Does not validate (the repair tool validates the result)."""
    return drop_spaces(half_width(value)).upper()


# --------------------------------------------------------------------------- DuckDB SQL
# Explicit sums of 17 terms: no lambdas (their syntax changed across DuckDB versions) and no
# Python UDFs. Each expression is guarded by a regex so that it is FALSE (never an error or a
# wrong TRUE) for values of the wrong length or charset; NULL stays NULL.


def uscc_check_sql(col: str) -> str:
    """DuckDB boolean expression: TRUE when `col` (SQL expression) is 18 USCC charset characters
    with the correct check character. Does not check the registration-authority character."""
    c = f"({col})"
    cs = f"'{USCC_CHARSET}'"
    terms = " + ".join(f"(instr({cs}, substr({c}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(USCC_WEIGHTS))
    return (f"(regexp_full_match({c}, '[0-9A-HJ-NPQRTUWXY]{{18}}') AND "
            f"(31 - ({terms}) % 31) % 31 = instr({cs}, substr({c}, 18, 1)) - 1)")


def citizen_id_check_sql(col: str) -> str:
    """DuckDB boolean expression: TRUE when `col` (SQL expression) is 17 ASCII digits plus a
    correct check character (0-9 or upper-case X). Does not check the birth date."""
    c = f"({col})"
    terms = " + ".join(f"(ascii(substr({c}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(CITIZEN_ID_WEIGHTS))
    return (f"(regexp_full_match({c}, '[0-9]{{17}}[0-9X]') AND "
            f"substr('{CITIZEN_ID_CHECK_CHARS}', ({terms}) % 11 + 1, 1) = substr({c}, 18, 1))")


# --------------------------------------------------------------------------- 济南 区划代码
JINAN_CITY_CODE = "370100"
# 国家统计局统计用区划代码: 高新区 is a statistical (not administrative) county-level code.
JINAN_HIGH_TECH_ZONE_CODE = "370171"
_DISTRICT_COUNTY_NAMES = {
    "370102": "历下区", "370103": "市中区", "370104": "槐荫区", "370105": "天桥区",
    "370112": "历城区", "370113": "长清区", "370114": "章丘区", "370115": "济阳区",
    "370116": "莱芜区", "370117": "钢城区", "370124": "平阴县", "370126": "商河县",
}
JINAN_DISTRICT_COUNTY_CODES = frozenset(_DISTRICT_COUNTY_NAMES)
# County-level codes a Jinan division code may start with (the 12 districts/counties and 高新区).
JINAN_COUNTY_CODES = JINAN_DISTRICT_COUNTY_CODES | {JINAN_HIGH_TECH_ZONE_CODE}
JINAN_DIVISION_NAMES: dict[str, str] = {
    JINAN_CITY_CODE: "济南市", **_DISTRICT_COUNTY_NAMES,
    JINAN_HIGH_TECH_ZONE_CODE: "济南高新技术产业开发区",
}


def is_jinan_division_code(code: str) -> bool:
    """6 digits: 370100 or a county-level code (incl. 370171); 9 or 12 digits (town / village
    level): a county-level prefix and a town part (digits 7-9) that is not 000."""
    if not isinstance(code, str) or len(code) not in (6, 9, 12) or any(ch not in _DIGITS for ch in code):
        return False
    if len(code) == 6:
        return code == JINAN_CITY_CODE or code in JINAN_COUNTY_CODES
    return code[:6] in JINAN_COUNTY_CODES and code[6:9] != "000"


def jinan_county_of(code: str) -> str | None:
    """The 6-digit county-level code a valid Jinan division code lies in; None for 370100 itself
    (city level) and for anything that is not a Jinan division code."""
    if is_jinan_division_code(code) and code != JINAN_CITY_CODE:
        return code[:6]
    return None


def division_name(code: str) -> str | None:
    """Name of a Jinan division code; for town/village codes, the name of their county (town names
    are not kept here: they change too often to hard-code)."""
    if code == JINAN_CITY_CODE:
        return JINAN_DIVISION_NAMES[code]
    county = jinan_county_of(code)
    return JINAN_DIVISION_NAMES[county] if county else None


# --------------------------------------------------------------------------- generators
def _check_division(division: str) -> None:
    if len(division) != 6 or any(ch not in _DIGITS for ch in division):
        raise ValueError(f"division must be 6 ASCII digits: {division!r}")


def generate_uscc(rng: random.Random, division: str = "370102", authority: str = "9",
                  category: str = "1") -> str:
    """A valid USCC (default 9/1: 工商 / 企业). The 主体标识码 is a GB 11714-valid organization code:
    either 8 digits or the post-2015 "MA" + 6 charset characters form. Deterministic given `rng`."""
    _check_division(division)
    if authority not in USCC_REGISTRATION_AUTHORITIES or len(category) != 1 or category not in _USCC_VALUE:
        raise ValueError("bad registration authority or category")
    if rng.random() < 0.5:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    else:
        body = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
    first17 = authority + category + division + body + organization_code_check_char(body)
    return first17 + uscc_check_char(first17)


_MALE = {"M", "m", "1", "男", "male"}
_FEMALE = {"F", "f", "2", "女", "female"}


def generate_citizen_id(rng: random.Random, division: str, birth_date: date, sex: str) -> str:
    """A valid citizen id number; `sex` "M"/"F" (also "1"/"2", "男"/"女"): the sequence code is
    odd for men, even for women (GB 11643 §5.3), never 000. Deterministic given `rng`."""
    _check_division(division)
    if sex in _MALE:
        seq = 2 * rng.randrange(500) + 1
    elif sex in _FEMALE:
        seq = 2 * rng.randrange(1, 500)
    else:
        raise ValueError(f"sex must be M or F: {sex!r}")
    first17 = f"{division}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{seq:03d}"
    return first17 + citizen_id_check_char(first17)
