"""identifiers.py: check characters (Python and DuckDB SQL), division codes, masking, generators."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jn_exchange import identifiers as ids
from jn_exchange.identifiers import (
    CITIZEN_ID_CHECK_CHARS,
    JINAN_COUNTY_CODES,
    JINAN_DISTRICT_COUNTY_CODES,
    USCC_CHARSET,
    citizen_id_check_char,
    citizen_id_check_sql,
    citizen_id_problem,
    division_name,
    generate_citizen_id,
    generate_uscc,
    is_jinan_division_code,
    is_valid_citizen_id,
    is_valid_uscc,
    jinan_county_of,
    normalize_citizen_id,
    organization_code_check_char,
    uscc_check_char,
    uscc_check_sql,
    uscc_problem,
)
from jn_exchange.masking import mask_identifier

AS_OF = date(2025, 7, 2)
DIGITS = "0123456789"

# ------------------------------------------------------------------ strategies
seeds = st.integers(min_value=0, max_value=2**32 - 1)
divisions = st.text(alphabet=DIGITS, min_size=6, max_size=6).filter(lambda s: s[0] != "0")
birth_dates = st.dates(min_value=date(1850, 1, 1), max_value=AS_OF)
sexes = st.sampled_from(["M", "F"])


@st.composite
def usccs(draw: st.DrawFn) -> str:
    rng = random.Random(draw(seeds))
    return generate_uscc(rng, draw(divisions), authority=draw(st.sampled_from("123456789ANY")),
                         category=draw(st.sampled_from(USCC_CHARSET)))


@st.composite
def citizen_ids(draw: st.DrawFn) -> str:
    return generate_citizen_id(random.Random(draw(seeds)), draw(divisions), draw(birth_dates), draw(sexes))


# ------------------------------------------------------------------ known examples
def test_known_uscc() -> None:
    # A real organization's code (verified by computation: GB 11714 body M000100Y + 4, USCC check 3).
    assert is_valid_uscc("91350100M000100Y43")
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert organization_code_check_char("M000100Y") == "4"
    assert uscc_problem("91350100M000100Y44") == "check_digit"
    assert uscc_problem("91350100M000100Y4") == "length"
    assert uscc_problem("91350100m000100Y43") == "charset"  # lower case is not in the charset
    assert uscc_problem("91350100M0001O0Y43") == "charset"  # letter O is excluded
    assert uscc_problem("B1350100M000100Y43") == "registration_authority"


def test_known_citizen_ids() -> None:
    # GB 11643—1999 examples.
    assert is_valid_citizen_id("11010519491231002X")
    assert is_valid_citizen_id("440524188001010014")
    assert citizen_id_check_char("11010519491231002") == "X"
    assert citizen_id_problem("11010519491231002x") == "charset"
    assert citizen_id_problem("110105194912310021") == "check_digit"
    assert citizen_id_problem("11010519491231002") == "length"
    assert citizen_id_problem("11010519490230002X") == "birth_date"  # 30 February
    assert citizen_id_problem("11010518491231002X") == "birth_date"  # before 1850
    assert citizen_id_problem("１1010519491231002X") == "charset"  # full-width digit


def test_birth_date_not_in_future() -> None:
    code = generate_citizen_id(random.Random(0), "370102", date(2025, 7, 3), "M")
    assert citizen_id_problem(code, as_of=date(2025, 7, 2)) == "birth_date"
    assert citizen_id_problem(code, as_of=date(2025, 7, 3)) is None
    future = generate_citizen_id(random.Random(0), "370102", date.today() + timedelta(days=1), "F")
    assert citizen_id_problem(future) == "birth_date"  # default as_of is today


def test_check_char_rejects_bad_input() -> None:
    for bad in ("", "9135010M000100Y4", "91350100M000100Y4Z", "91350100M000I00Y4"):
        with pytest.raises(ValueError):
            uscc_check_char(bad)
    for bad in ("1101051949123100", "1101051949123100X", "１1010519491231002"):
        with pytest.raises(ValueError):
            citizen_id_check_char(bad)


def test_normalize_citizen_id() -> None:
    assert normalize_citizen_id(" 110105 19491231 002x ") == "11010519491231002X"
    assert normalize_citizen_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert normalize_citizen_id("\u3000110105194912310 02X\u00a0") == "11010519491231002X"
    assert is_valid_citizen_id(normalize_citizen_id("11010519491231002x"))


# ------------------------------------------------------------------ properties
@given(usccs())
def test_generated_uscc_valid(code: str) -> None:
    assert uscc_problem(code) is None
    assert organization_code_check_char(code[8:16]) == code[16]  # realistic 主体标识码


@given(citizen_ids())
def test_generated_citizen_id_valid(code: str) -> None:
    assert citizen_id_problem(code, as_of=AS_OF) is None


@given(seeds, divisions, birth_dates, sexes)
def test_citizen_id_generator_fields(seed: int, division: str, born: date, sex: str) -> None:
    code = generate_citizen_id(random.Random(seed), division, born, sex)
    assert code[:6] == division and code[6:14] == born.strftime("%Y%m%d") and code[14:17] != "000"
    assert int(code[16]) % 2 == (1 if sex == "M" else 0)
    assert code == generate_citizen_id(random.Random(seed), division, born, sex)  # deterministic


def test_generators_deterministic() -> None:
    a = [generate_uscc(random.Random(7)) for _ in range(3)]
    assert len(set(a)) == 1 and a[0][2:8] == "370102"
    rng1, rng2 = random.Random(42), random.Random(42)
    assert [generate_uscc(rng1) for _ in range(50)] == [generate_uscc(rng2) for _ in range(50)]
    with pytest.raises(ValueError):
        generate_uscc(random.Random(0), division="3701")
    with pytest.raises(ValueError):
        generate_uscc(random.Random(0), authority="B")
    with pytest.raises(ValueError):
        generate_citizen_id(random.Random(0), "370102", date(1990, 1, 1), "X")


@given(usccs(), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_uscc_single_substitution_detected(code: str, pos: int, ch: str) -> None:
    if code[pos] == ch:
        return
    changed = code[:pos] + ch + code[pos + 1:]
    assert not is_valid_uscc(changed)
    if pos > 0:  # the registration-authority check may fire first at position 0
        assert uscc_problem(changed) == "check_digit"


@given(citizen_ids(), st.integers(0, 17), st.sampled_from(DIGITS + "X"))
def test_citizen_id_single_substitution_detected(code: str, pos: int, ch: str) -> None:
    if code[pos] == ch:
        return
    changed = code[:pos] + ch + code[pos + 1:]
    assert not is_valid_citizen_id(changed, as_of=AS_OF)
    assert citizen_id_problem(changed, as_of=AS_OF) is not None
    if not 6 <= pos < 14:  # outside the birth date, only the check character can catch it
        assert citizen_id_problem(changed, as_of=AS_OF) in ("check_digit", "charset")


def test_all_single_substitutions_exhaustive() -> None:
    """Not sampled: every position × every other charset character, on a few hundred codes."""
    rng = random.Random(2015)
    for _ in range(200):
        u = generate_uscc(rng, division=rng.choice(sorted(JINAN_COUNTY_CODES)))
        for pos in range(18):
            for ch in USCC_CHARSET:
                if ch != u[pos]:
                    assert uscc_check_char((u[:pos] + ch + u[pos + 1:])[:17]) != (u[:pos] + ch + u[pos + 1:])[17]
        c = generate_citizen_id(rng, "370102", date(1950, 1, 1) + timedelta(days=rng.randrange(25000)),
                                rng.choice("MF"))
        for pos in range(18):
            for ch in DIGITS + ("X" if pos == 17 else ""):
                if ch != c[pos]:
                    v = c[:pos] + ch + c[pos + 1:]
                    assert citizen_id_check_char(v[:17]) != v[17]


# ------------------------------------------------------------------ SQL agrees with Python
def _sql_eval(expr_of, values: list[str | None]) -> list[bool | None]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    if values:
        con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    rows = con.execute(f'SELECT i, {expr_of(chr(34) + "v" + chr(34))} FROM t ORDER BY i').fetchall()
    return [r[1] for r in rows]


def _uscc_check_ok(v: str) -> bool:
    # What the SQL checks: 18 charset characters and the check character (the registration
    # authority is left to the column's regex).
    return len(v) == 18 and all(ch in USCC_CHARSET for ch in v) and uscc_check_char(v[:17]) == v[17]


def _citizen_check_ok(v: str) -> bool:
    # What the SQL checks: 17 ASCII digits and the check character (the birth date is checked separately).
    return (len(v) == 18 and all(ch in DIGITS for ch in v[:17]) and v[17] in DIGITS + "X"
            and citizen_id_check_char(v[:17]) == v[17])


def _mutations(rng: random.Random, valid: list[str], alphabet: str) -> list[str]:
    out = []
    for v in valid:
        pos = rng.randrange(18)
        out.append(v[:pos] + rng.choice(alphabet) + v[pos + 1:])  # may or may not still be valid
        out.append(v[:17] + rng.choice(alphabet))                  # random check character
    return out


@pytest.mark.slow
def test_uscc_sql_matches_python() -> None:
    rng = random.Random(32100)
    valid = [generate_uscc(rng, division=rng.choice(["370102", "370171", "110105", "350100"]),
                           authority=rng.choice("123456789ANY"), category=rng.choice(USCC_CHARSET))
             for _ in range(3000)]
    randoms = ["".join(rng.choice(USCC_CHARSET) for _ in range(18)) for _ in range(2000)]
    oddities = ["91350100M000100Y43", "91350100m000100Y43", "91350100M000100Y4", "91350100M000100Y433",
                "91350100M0001O0Y43", "", " 91350100M000100Y43", "９1350100M000100Y43", None]
    values = valid + _mutations(rng, valid, USCC_CHARSET + "IOSVZa") + randoms + oddities
    got = _sql_eval(uscc_check_sql, values)
    for v, g in zip(values, got):
        if v is None:
            assert g is None
            continue
        assert g is _uscc_check_ok(v), v
    assert sum(g is True for g in got) >= 3000


@pytest.mark.slow
def test_citizen_id_sql_matches_python() -> None:
    rng = random.Random(11643)
    valid = [generate_citizen_id(rng, rng.choice(["370102", "370126", "110105"]),
                                 date(1900, 1, 1) + timedelta(days=rng.randrange(45000)), rng.choice("MF"))
             for _ in range(3000)]
    randoms = ["".join(rng.choice(DIGITS) for _ in range(17)) + rng.choice(DIGITS + "X") for _ in range(2000)]
    oddities = ["11010519491231002X", "11010519491231002x", "1101051949123100X", "11010519491231002XX",
                "１1010519491231002X", "", "A1010519491231002X", None]
    values = valid + _mutations(rng, valid, DIGITS + "Xx") + randoms + oddities
    got = _sql_eval(citizen_id_check_sql, values)
    for v, g in zip(values, got):
        if v is None:
            assert g is None
            continue
        assert g is _citizen_check_ok(v), v
    assert sum(g is True for g in got) >= 3000


@pytest.mark.slow
@settings(max_examples=50)
@given(st.lists(st.text(alphabet=USCC_CHARSET + DIGITS * 3 + "Xx I", min_size=0, max_size=20), max_size=30))
def test_sql_never_errors_on_arbitrary_text(values: list[str]) -> None:
    for expr_of, py in ((uscc_check_sql, _uscc_check_ok), (citizen_id_check_sql, _citizen_check_ok)):
        assert _sql_eval(expr_of, values) == [py(v) for v in values]


def test_sql_accepts_expressions() -> None:
    con = duckdb.connect()
    assert con.execute(f"SELECT {uscc_check_sql(chr(39) + '91350100M000100Y43' + chr(39))}").fetchone() == (True,)
    assert con.execute(f"SELECT {citizen_id_check_sql('upper(' + chr(39) + '11010519491231002x' + chr(39) + ')')}"
                       ).fetchone() == (True,)
    assert duckdb.sql(f"SELECT {uscc_check_sql(chr(39) + '91350100M000100Y44' + chr(39))}").fetchall() == [(False,)]


# ------------------------------------------------------------------ divisions
def test_division_codes() -> None:
    assert len(JINAN_DISTRICT_COUNTY_CODES) == 12 and JINAN_COUNTY_CODES == JINAN_DISTRICT_COUNTY_CODES | {"370171"}
    for ok in ("370100", "370102", "370126", "370171", "370102001", "370102001000", "370112104215", "370171010"):
        assert is_jinan_division_code(ok), ok
    for bad in ("370101", "370125", "370181", "371202", "370000", "370102000", "370102000123", "37010200",
                "3701020011", "37010200100", "37O102", "３70102", "", "370102 ", "110105"):
        assert not is_jinan_division_code(bad), bad
    assert not is_jinan_division_code(None)  # type: ignore[arg-type]
    assert jinan_county_of("370112104215") == "370112"
    assert jinan_county_of("370102") == "370102"
    assert jinan_county_of("370100") is None and jinan_county_of("370102000") is None
    assert division_name("370100") == "济南市"
    assert division_name("370114") == "章丘区"
    assert division_name("370171") == "济南高新技术产业开发区"
    assert division_name("370124003") == "平阴县"
    assert division_name("370181") is None


@given(st.text(alphabet=DIGITS, min_size=6, max_size=6), st.text(alphabet=DIGITS, min_size=3, max_size=3),
       st.text(alphabet=DIGITS, min_size=0, max_size=3).filter(lambda s: len(s) in (0, 3)))
def test_division_property(county: str, town: str, village: str) -> None:
    code = county + town + village
    assert is_jinan_division_code(code) == (county in JINAN_COUNTY_CODES and town != "000")
    assert is_jinan_division_code(county) == (county in JINAN_COUNTY_CODES or county == "370100")


def test_names_cover_constants() -> None:
    assert set(ids.JINAN_DIVISION_NAMES) == JINAN_COUNTY_CODES | {"370100"}
    assert all(ids.JINAN_DIVISION_NAMES[c][-1] in "区县" for c in JINAN_DISTRICT_COUNTY_CODES)


# ------------------------------------------------------------------ masking
@given(citizen_ids())
def test_mask_id_keeps_only_ends(code: str) -> None:
    m = mask_identifier(code)
    assert len(m) == 18 and m[:6] == code[:6] and m[16:] == code[16:] and m[6:16] == "*" * 10
    assert code[6:14] not in m  # the birth date never shows


@given(st.text(min_size=0, max_size=40))
def test_mask_never_leaks(value: str) -> None:
    m = mask_identifier(value)
    assert len(m) == len(value)
    if len(value) >= 1:  # something is always hidden, and never more than 8 characters shown
        assert "*" in m and sum(1 for c in m if c != "*") <= min(8, len(value) - 1) + value.count("*")
    if len(value) > 2 and len(value) != 18:
        assert m[0] == value[0] and m[-1] == value[-1] and set(m[1:-1]) == {"*"}


def test_mask_examples() -> None:
    assert mask_identifier("11010519491231002X") == "110105**********2X"
    assert mask_identifier("91350100M000100Y43") == "913501**********43"
    assert mask_identifier("13912345678") == "1*********8"
    assert mask_identifier("张三丰") == "张*丰"
    assert mask_identifier("张三") == "张*"
    assert mask_identifier("") == ""


def test_check_chars_constant() -> None:
    assert CITIZEN_ID_CHECK_CHARS == "10X98765432" and len(USCC_CHARSET) == 31
    assert not set("IOSVZ") & set(USCC_CHARSET)
