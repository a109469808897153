"""The masking policy (jn_exchange.masking): what a report shows of a value, by the field's
marking in the model."""

from __future__ import annotations

import pytest

from jn_exchange.masking import (
    mask_line_cells,
    mask_numbers,
    mask_personal,
    masks,
    show,
    show_header_cell,
    show_key,
)
from jn_exchange.profile import load_profile

P = load_profile()
OFFICER = P.tables["enforcement_officer"]
NAME, OFFICER_ID, PHONE = OFFICER.field("name"), OFFICER.field("officer_id"), OFFICER.field("mobile_phone")
AGENCY = P.tables["enforcement_agency"].field("agency_id")
SCORE = P.tables["officer_annual_assessment"].field("score")
SITUATION = P.tables["subject_aggravating_situation"].field("situation")
EXECUTED = P.tables["staff_sanction"].field("executed_date")


def test_the_fields_used_here_are_marked_as_the_tests_assume():
    assert NAME.personal and OFFICER_ID.personal and SCORE.personal and SITUATION.personal and EXECUTED.personal
    assert not P.tables["enforcement_agency"].field("agency_id").personal


@pytest.mark.parametrize("field, value, shown", [
    (NAME, "张三丰", "张*丰"),
    (OFFICER_ID, "P0000001", "P******1"),
    (PHONE, "13912345678", "1*********8"),
    (SCORE, "120", "120"),                      # a number names no one
    (SCORE, "1,000", "1,000"),
    (SCORE, "张三", "张*"),                      # ... unless it is not a number
    (SITUATION, "99", "99"),                    # a code, known or not, in its shape
    (SITUATION, "张三丰", "张*丰"),
    (EXECUTED, "2025年3月1日", "2025年3月1日"),
    (EXECUTED, "王五丰收", "王**收"),
    (AGENCY, "11370100141777630U", "11370100141777630U"),   # not personal: in clear
    (None, "身份证 370102199309083530", "身份证 370102**********30"),   # the safety net
    (None, "电话13912345678", "电话139****5678"),
    (None, "旧证 370102850101123", "旧证 3*************3"),
])
def test_show(field, value, shown):
    assert show(value, field) == shown


def test_a_code_label_of_a_personal_code_field_is_shown():
    label = next(iter(P.codes(SITUATION.codelist).values()))["label"]
    assert not masks(SITUATION, label) and masks(SITUATION, "张三丰")


def test_a_value_and_its_corrected_form_reveal_the_same_characters():
    assert mask_personal(" 张三丰 ") == " 张*丰 "
    assert mask_personal("张三丰") == "张*丰"
    assert mask_personal("１８１２３４５６７８９")[1:-1] == mask_personal("18123456789")[1:-1]


def test_a_key_is_shown_part_by_part():
    action_officer = P.tables["action_officer"]
    parts = [(action_officer.field("action_id"), "A202500000001"), (action_officer.field("officer_id"), "P0000013")]
    assert show_key(parts) == "A202500000001|P******3"
    assert show_key([(AGENCY, None)]) is None


def test_a_header_cell_is_masked_by_the_field_at_its_position_unless_it_is_name_shaped():
    assert show_header_cell("张三丰", NAME) == "张*丰"
    assert show_header_cell("备注", NAME) == "备*"
    assert show_header_cell("remarks_2", NAME) == "remarks_2"
    assert show_header_cell("备注", AGENCY) == "备注"
    assert show_header_cell("P0000001", OFFICER_ID) == "P******1"   # a data row's key is no field name


def test_a_ragged_line_masks_each_cell_by_every_field_it_may_belong_to():
    fields = [AGENCY, NAME, None, None]
    assert mask_line_cells(["a1", "张三丰", "x", "y"], fields) == ["a1", "张*丰", "x", "y"]
    # one field too many: the cell after the extra one may be the name
    assert mask_line_cells(["a1", "多", "张三丰", "y"], fields, shift_left=1) == ["a1", "*", "张*丰", "y"]
    # one too few: the name may have moved left
    assert mask_line_cells(["张三丰", "y"], fields, shift_right=1) == ["张*丰", "*"]


def test_the_safety_net_leaves_other_text_alone():
    assert mask_numbers("案件 A202500000001 于 2025-03-01") == "案件 A202500000001 于 2025-03-01"


def test_the_fix_log_masks_a_value_and_its_repair_alike():
    from jn_exchange.tools.fix import _shown

    assert (_shown(" 张三丰", NAME), _shown("张三丰", NAME, " 张三丰")) == (" 张*丰", "张*丰")
    assert (_shown("１３９１２３４５６７８", PHONE), _shown("13912345678", PHONE, "１３９１２３４５６７８")) == \
        ("１*********８", "1*********8")


def test_a_huge_personal_value_is_shown_cut_like_any_other():
    remarks = P.tables["officer_annual_assessment"].field("remarks")
    shown = show("范" * 40000, remarks)
    assert shown is not None and shown.startswith("范*") and len(shown) < 140
