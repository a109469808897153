"""Hints for bad cells, masking, and the --config file."""

from __future__ import annotations

import pytest

from jn_exchange import hints
from jn_exchange.config import ConfigError, load_config
from jn_exchange.findings import Severity
from jn_exchange.masking import mask_value

CODES = {"01": {"code": "01", "label": "行政机关", "token": "administrative_organ"},
         "02": {"code": "02", "label": "法律法规授权的组织", "token": "authorized_organization"}}


@pytest.mark.parametrize("value, expect", [
    ("2025/3/1", "2025-03-01"), ("2025年3月1日", "2025-03-01"), ("2025.3.1", "2025-03-01"),
    ("20250301", "2025-03-01"), ("2025-3-1", "2025-03-01"), (" 2025-03-01", "2025-03-01"),
    ("２０２５-０３-０１", "2025-03-01"), ("45717", "2025-03-01"),
])
def test_date_hints_name_the_iso_form(value, expect):
    h = hints.date_hint(value)
    assert expect in h["zh"] and expect in h["en"]


def test_datetime_hint():
    assert "2025-03-01T09:30:00" in hints.date_hint("2025/3/1 9:30", with_time=True)["en"]


def test_impossible_day():
    assert "no such day" in hints.date_hint("2025-02-30")["en"]


@pytest.mark.parametrize("value, fragment", [
    ("1,000", "1000"), ("500元", "500"), ("1.5万元", "15000"), ("60.0", "60"), ("６０", "60"),
])
def test_number_hints(value, fragment):
    assert fragment in hints.number_hint(value, integer=value == "60.0")["en"]


def test_code_hints():
    assert "01" in hints.code_hint("行政机关", CODES)["zh"]
    assert "leading zeros" in hints.code_hint("1", CODES)["en"]
    assert "“01”" in hints.code_hint(" 01", CODES)["zh"]
    assert "close codes" in hints.code_hint("法律授权的组织", CODES)["en"]
    assert hints.code_hint("zzz", CODES) == {"zh": "", "en": ""}


def test_boolean_hints():
    assert "true" in hints.boolean_hint("是")["en"]
    assert "false" in hints.boolean_hint("0")["en"]


def test_mask_personal_and_id_like():
    assert mask_value("张三丰", personal=True) != "张三丰"
    shown = mask_value("当事人身份证号370102199001011234，电话13812345678")
    assert "199001011" not in shown and "12345678" not in shown
    assert mask_value("2025-03-01") == "2025-03-01"
    assert len(mask_value("x" * 10000)) < 200


def test_config_file(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("rules:\n  JN-HDR-005: off\n  JN-FILE-006: {severity: error}\nlimits:\n  max_cell_chars: 10\n")
    cfg = load_config(p, {"JN-HDR-005", "JN-FILE-006"})
    assert not cfg.overrides["JN-HDR-005"].enabled
    assert cfg.overrides["JN-FILE-006"].severity is Severity.ERROR
    assert cfg.limits.max_cell_chars == 10
    assert cfg.as_record()["rules"]["JN-HDR-005"] == {"enabled": False}


@pytest.mark.parametrize("text", [
    "rules:\n  JN-NOPE-001: off\n", "rules:\n  JN-HDR-005: {severity: fatal}\n", "limits:\n  max_cell_chars: -1\n",
    "colour: blue\n", "[1, 2", "- a\n- b\n",
])
def test_bad_config_is_a_clear_error(tmp_path, text):
    p = tmp_path / "c.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError):
        load_config(p, {"JN-HDR-005"})


def test_one_width_policy_for_hints_fix_and_identifiers() -> None:
    """Full-width ASCII and U+3000 become half-width; nothing else (NFKC would also rewrite ￥,
    circled digits and CJK compatibility characters)."""
    from jn_exchange.identifiers import normalize_citizen_id
    from jn_exchange.text import half_width, strip_edges

    assert half_width("ＡＢ１２：－．\u3000") == "AB12:-. "
    assert half_width("￥①\uf900") == "￥①\uf900"
    assert strip_edges("\u200b 01\u3000\ufeff") == "01"
    assert "“01 ①”" in hints.pattern_hint("０１ ①")["zh"]
    assert normalize_citizen_id("１１０１０５\u200b１９４９１２３１００２ｘ") == "11010519491231002X"


def test_file_check_details_are_bilingual(tmp_path) -> None:
    from jn_exchange.filechecks import check_file
    from jn_exchange.findings import Collector
    from jn_exchange.reader.csvscan import scan_file

    p = tmp_path / "t.csv"
    p.write_bytes(b"\na,b\n")
    collector = Collector()
    assert not check_file("t", "t.csv", scan_file(p, tmp_path / "w"), collector)
    [f] = [f for t in collector.tallies.values() for f in t.examples if f.code == "JN-FILE-011"]
    assert "the first line is blank" in f.message_en and "/" not in f.message_en
    assert "第一行是空行" in f.message_zh and "first line" not in f.message_zh
