"""Metadata every element of the LinkML model must carry (schema/README.md): Chinese titles,
descriptions, `basis` citations of the regulations, personal-data marking, code-list tokens and
validity dates; and linkml-lint passes with the committed configuration."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests._need import need

need("linkml_runtime", "build")
from linkml_runtime import SchemaView  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema" / "jn_exchange.yaml"
OUR_SCHEMAS = "https://w3id.org/jn-exchange/"

CJK = re.compile(r"[\u3400-\u9fff]")
# one part of a basis, `；`-separated: an article of 000-004, a task of 002, a section of 002
# (一、目标要求 / 三、组织实施（三）, which are not tasks), or an external source
CITATION = re.compile(r"^(00[0-4] · (第[一二三四五六七八九十百]+条|任务\d+)"
                      r"|002 · [一二三四五六七八九十]+(（[一二三四五六七八九十]+）)?$"
                      r"|EXT .+)")
PERSONAL_VALUES = {"personal", "sensitive"}
TREATMENTS = {"clear", "mask", "keyed_hash", "drop"}
# attributes that hold personal data, by name or by Chinese title (names of persons, ID numbers,
# phones, addresses, informants, witnesses); fields of organisations (单位/机关/机构) excepted
PERSONAL_NAME = re.compile(r"(^|_)(citizen_id|id_number|id_card|phone|mobile|telephone|address|informant|"
                           r"witness|complainant|person_name|contact_name|contact_person|full_name)(_|$)")
PERSONAL_TITLE = re.compile(r"(姓名|身份证|证件号码|身份号码|电话|手机|住址|地址|住所|举报人|投诉人|见证人|联系人)")
ORGANISATION_TITLE = re.compile(r"(单位|机关|机构|部门|组织)")
TOKEN = re.compile(r"^[a-z][a-z0-9_]*$")

pytestmark = pytest.mark.slow   # loads the LinkML model (linkml): schema checks run in CI


@pytest.fixture(scope="module")
def sv() -> SchemaView:
    return SchemaView(str(SCHEMA))


def _ann(element) -> dict[str, str]:
    from jsonasobj2 import items

    a = element.annotations or {}
    pairs = a.items() if isinstance(a, dict) else items(a)
    return {str(k): str(getattr(v, "value", v)) for k, v in pairs}


def _ours(element) -> bool:
    return str(element.from_schema or "").startswith(OUR_SCHEMAS)


def _elements(sv: SchemaView):
    """(kind, label, element) for classes, attributes, enums, permissible values and types."""
    for cname, cls in sv.all_classes().items():
        yield "class", cname, cls
        for slot in sv.class_induced_slots(cname):
            yield "attribute", f"{cname}.{slot.name}", slot
    for ename, enum in sv.all_enums().items():
        yield "enum", ename, enum
        for code, pv in (enum.permissible_values or {}).items():
            yield "value", f"{ename}.{code}", pv
    for tname, t in sv.all_types().items():
        if _ours(t):
            yield "type", tname, t


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n  " + "\n  ".join(problems[:200])


def test_every_element_has_a_chinese_title_and_a_description(sv):
    problems = []
    for kind, label, el in _elements(sv):
        if not (el.title and CJK.search(el.title)):
            problems.append(f"{kind} {label}: title {el.title!r} is not Chinese")
        if not (el.description and el.description.strip()):
            problems.append(f"{kind} {label}: no description")
    assert not problems, _report(problems)


def test_classes_attributes_and_enums_cite_a_basis(sv):
    problems = []
    for kind, label, el in _elements(sv):
        if kind in ("value", "type"):
            continue
        basis = _ann(el).get("basis")
        if not basis:
            problems.append(f"{kind} {label}: no basis annotation")
            continue
        bad = [p for p in basis.split("；") if not CITATION.match(p.strip()) or p != p.strip()]
        if bad:
            problems.append(f"{kind} {label}: basis parts not a citation: {bad}")
    assert not problems, _report(problems)


def test_personal_data_is_marked(sv):
    problems = []
    for cname in sv.all_classes():
        for slot in sv.class_induced_slots(cname):
            a = _ann(slot)
            label = f"{cname}.{slot.name} ({slot.title})"
            if "personal_data" in a or "exchange_treatment" in a:
                if a.get("personal_data") not in PERSONAL_VALUES or a.get("exchange_treatment") not in TREATMENTS:
                    problems.append(f"{label}: personal_data={a.get('personal_data')!r} "
                                    f"exchange_treatment={a.get('exchange_treatment')!r}")
                continue
            rng = slot.range or "string"
            if rng in sv.all_enums() or rng in sv.all_classes() or rng in ("boolean", "date", "datetime",
                                                                              "integer", "decimal"):
                continue
            title = slot.title or ""
            if (PERSONAL_NAME.search(slot.name) or PERSONAL_TITLE.search(title)) and not ORGANISATION_TITLE.search(title):
                problems.append(f"{label}: looks like personal data but has no personal_data/exchange_treatment")
    assert not problems, _report(problems)


def test_every_enum_value_has_a_unique_token(sv):
    problems = []
    for ename, enum in sv.all_enums().items():
        seen: dict[str, str] = {}
        for code, pv in (enum.permissible_values or {}).items():
            token = _ann(pv).get("token")
            if not token or not TOKEN.match(token):
                problems.append(f"{ename}.{code}: token {token!r} is not an english_snake_token")
            elif token in seen:
                problems.append(f"{ename}.{code}: token {token!r} also used by {seen[token]}")
            else:
                seen[token] = code
    assert not problems, _report(problems)


def test_validity_dates_are_iso_dates(sv):
    problems = []
    for kind, label, el in _elements(sv):
        a = _ann(el)
        dates = {}
        for tag in ("valid_from", "valid_to"):
            if tag in a:
                try:
                    dates[tag] = dt.date.fromisoformat(a[tag])
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", a[tag])
                except (ValueError, AssertionError):
                    problems.append(f"{kind} {label}: {tag}={a[tag]!r} is not YYYY-MM-DD")
        if len(dates) == 2 and dates["valid_from"] > dates["valid_to"]:
            problems.append(f"{kind} {label}: valid_from after valid_to")
    assert not problems, _report(problems)


def test_no_multivalued_attributes_outside_the_container(sv):
    roots = [c for c in sv.all_classes().values() if c.tree_root]
    assert [c.name for c in roots] == ["ExchangePackage"]
    problems = [f"{cname}.{s.name}" for cname in sv.all_classes() if cname != "ExchangePackage"
                for s in sv.class_induced_slots(cname) if s.multivalued]
    assert not problems, "multivalued attributes (use a link class instead): " + ", ".join(problems)


def test_every_table_has_a_primary_key(sv):
    problems = []
    for cname, cls in sv.all_classes().items():
        if cls.tree_root:
            continue
        idents = [s.name for s in sv.class_induced_slots(cname) if s.identifier]
        pk = (cls.unique_keys or {}).get("primary_key")
        if len(idents) + (pk is not None) != 1:
            problems.append(f"{cname}: identifiers {idents}, unique_keys.primary_key {'yes' if pk else 'no'}")
    assert not problems, _report(problems)


def test_linkml_lint_passes_on_every_schema_file():
    need("linkml", "build")
    from jn_exchange.generate.lint import lint_problems

    problems = lint_problems()
    assert not problems, _report(problems)


def test_linkml_lint_cli_passes_on_the_entry_schema():
    exe = Path(sys.executable).with_name("linkml-lint")
    if not exe.exists():
        pytest.skip("linkml-lint is not installed beside this Python")
    res = subprocess.run([str(exe), "--config", str(ROOT / ".linkmllint.yaml"), str(SCHEMA)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


def test_a_reference_to_a_personal_field_is_personal_too():
    """A foreign key shows the same value as the field it points to: when that field is masked
    as personal, so is the reference (else a record key would show what the target hides)."""
    from jn_exchange.masking import masks
    from jn_exchange.profile import load_profile

    profile = load_profile()
    unmasked = []
    for name, spec in profile.tables.items():
        for fk in spec.foreign_keys:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            target = profile.tables.get(ref.get("resource") or name)
            target_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            for f, tf in zip(fields, target_fields):
                mine, theirs = spec.field(f), target.field(tf) if target else None
                if mine and theirs and masks(theirs) and not masks(mine):
                    unmasked.append(f"{name}.{f} -> {ref.get('resource')}.{tf}")
    assert not unmasked, unmasked
