"""Validation by the declared version: the registry, the frozen 1.0.0 (reproducible, and its example
valid by its own model), a package judged by the model of the version it declares, and the
findings for a version that is unknown or no longer supported."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from jn_exchange import STANDARD_VERSION, versions
from jn_exchange.config import Config, Limits
from jn_exchange.profile import load_profile, load_version_profile
from jn_exchange.validate import validate

FROZEN = Path(versions.__file__).parent / "1.0.0"
EXAMPLE_100 = FROZEN / "example" / "jinan-sample"
AS_OF = dt.date(2026, 6, 30)


def _run(path: Path, as_of: dt.date = AS_OF):
    return validate(path, Config({}, Limits()), as_of=as_of)


def _codes(result) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in result.tallies:
        out[t.code] = out.get(t.code, 0) + t.count
    return out


def _copy(tmp_path: Path, name: str = "pkg") -> Path:
    return Path(shutil.copytree(EXAMPLE_100, tmp_path / name))


def _set_descriptor(pkg: Path, **values) -> None:
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc.update(values)
    (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")


# ------------------------------------------------------------------------------ the registry
def test_the_registry_ends_with_the_version_this_software_implements():
    assert versions.current().version == STANDARD_VERSION
    assert versions.current().generated == load_profile().folder
    keys = [r.key for r in versions.RELEASES]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert load_profile().standard_version == STANDARD_VERSION   # generated/ was regenerated for it


def test_every_past_version_is_frozen_with_its_profile():
    for rel in versions.RELEASES[:-1]:
        assert rel.frozen is not None and rel.source_commit
        assert load_version_profile(rel.version).standard_version == rel.version


def test_support_ends_twelve_months_after_the_successor_is_released():
    a = versions.Release("1.0.0", dt.date(2026, 1, 31), Path("a"))
    b = versions.Release("1.1.0", dt.date(2027, 2, 28), Path("b"))
    releases = (a, b)
    assert versions.end_of_support(a, releases) == dt.date(2028, 2, 27)
    assert versions.end_of_support(b, releases) is None
    assert versions.classify("1.0.0", dt.date(2028, 2, 27), releases).kind == "known"
    assert versions.classify("1.0.0", dt.date(2028, 2, 28), releases).kind == "expired"
    assert versions.classify("1.0.5", None, releases).kind == "unknown"
    assert versions.classify("1.2.0", None, releases).kind == "newer"
    assert versions.classify("2.0.0", None, releases).kind == "other_major"
    assert versions.classify("v1", None, releases).kind == "invalid"
    unreleased = (a, versions.Release("1.1.0", None, Path("b")))
    assert versions.classify("1.0.0", dt.date(2099, 1, 1), unreleased).kind == "known"


def test_since_limits_a_rule_to_the_versions_that_have_its_model():
    assert versions.applies_to(None, "1.0.0")
    assert versions.applies_to("1.1.0", "1.1.0") and versions.applies_to("1.1.0", "1.2.3")
    assert not versions.applies_to("1.1.0", "1.0.0")


def test_every_since_of_a_rule_names_a_known_version():
    from jn_exchange.rules import all_rules

    known = {r.version for r in versions.RELEASES}
    bad = [(r.code, r.extra["since"]) for r in all_rules() if "since" in r.extra and r.extra["since"] not in known]
    assert not bad


# ------------------------------------------------------------------------------ the frozen 1.0.0
def test_frozen_1_0_0_is_unchanged():
    """versions/1.0.0 is what commit bf0dafc held; SHA256SUMS lists every file (a changed,
    added or removed file fails)."""
    listed = {}
    for line in (FROZEN / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name.removeprefix("./")] = digest
    present = {p.relative_to(FROZEN).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in FROZEN.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    assert present == listed


def model_findings(result) -> dict[str, int]:
    """The findings of the structural rules (the model's tables, fields, code lists, keys): the
    business rules are the current ones for every version, and a fixed rule may find what the
    1.0.0 example got wrong."""
    from jn_exchange.rules import registry

    business = {code for code, rule in registry().items() if rule.sql is not None}
    return {code: n for code, n in _codes(result).items() if code not in business}


def test_frozen_example_is_valid_by_the_frozen_model():
    result = _run(EXAMPLE_100)
    assert result.standard_version == "1.0.0"
    assert model_findings(result) == {}


def test_frozen_example_in_json_form_is_valid_by_the_frozen_model():
    assert model_findings(_run(FROZEN / "example" / "jinan-sample.json")) == {}


# ------------------------------------------------------------------------------ judged by its version
def _hours(pkg: Path, value: str) -> None:
    path = pkg / "training_record.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("hours")] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_a_1_0_0_package_is_judged_by_1_0_0s_model(tmp_path):
    """training_record.hours has two decimal places from 1.1.0 on: 1.255 conforms to 1.0.0, and
    the same data declared as 1.1.0 (with 1.1.0's schemas) is told of its third place (a warning
    while the limit is in transition, JN-CELL-016)."""
    old = _copy(tmp_path, "old")
    _hours(old, "1.255")
    assert model_findings(_run(old)) == {}

    new = tmp_path / "new"
    from jn_exchange.release.upgrade import run

    assert run(old, STANDARD_VERSION, new, lambda _: None, check=False) == 0
    found = model_findings(_run(new))
    assert found == {"JN-CELL-016": 1}, found


def test_a_field_required_by_a_later_version_is_not_required_of_an_older_package(tmp_path, monkeypatch):
    """A made-up later version 9.9 whose model is 1.0.0's and a required field: a package
    declaring 1.0.0 is judged without it, the same package declaring 9.9 lacks it."""
    later = tmp_path / "generated"
    shutil.copytree(versions.RELEASES[0].generated, later, ignore=shutil.ignore_patterns("*.py", "ddl"))
    ts_path = later / "tableschemas" / "training_record.json"
    ts = json.loads(ts_path.read_text(encoding="utf-8"))
    ts["fields"].append({"name": "hours_verified_by", "title": "学时核验人", "type": "string",
                         "constraints": {"required": True}})
    ts_path.write_text(json.dumps(ts, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(versions, "RELEASES", (*versions.RELEASES, versions.Release("9.9.0", None, later)))

    pkg = _copy(tmp_path, "pkg")
    _set_descriptor(pkg, standard_version="1.0.0")
    assert model_findings(_run(pkg)) == {}
    shutil.rmtree(pkg / "schemas")   # the carried copies are 1.0.0's: not the point here
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    for r in desc["resources"]:
        r.pop("schema", None)
    desc["standard_version"] = "9.9.0"
    (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    found = model_findings(_run(pkg))
    assert found == {"JN-HDR-001": 1}, found


# ------------------------------------------------------------------------------ unknown and expired
@pytest.mark.parametrize("declared, reason", [("1.0.5", "no such version"), ("0.9.0", "major"), ("2.0.0", "major")])
def test_a_version_the_standard_never_released_is_not_judged(tmp_path, declared, reason):
    pkg = _copy(tmp_path)
    _set_descriptor(pkg, standard_version=declared)
    result = _run(pkg)
    assert _codes(result) == {"JN-PKG-004": 1}
    finding = result.tallies[0].examples[0]
    assert declared in finding.message_en and reason in finding.message_en


def test_a_newer_minor_version_is_judged_by_the_current_with_a_warning(tmp_path):
    pkg = _copy(tmp_path)
    major, minor, _ = versions.current().key
    _set_descriptor(pkg, standard_version=f"{major}.{minor + 1}.0")
    found = _codes(_run(pkg))
    assert found.get("JN-PKG-005") == 1 and "JN-PKG-004" not in found


def test_a_version_past_its_support_is_not_judged():
    """With 1.1.0 released on 2026-12-05, 1.0.0 is judged until 2027-12-04 and not after."""
    assert versions.end_of_support(versions.release("1.0.0")) == dt.date(2027, 12, 4)
    assert "JN-PKG-004" not in _codes(_run(EXAMPLE_100, dt.date(2027, 12, 4)))
    late = _run(EXAMPLE_100, dt.date(2027, 12, 5))
    assert _codes(late) == {"JN-PKG-004": 1}
    message = late.tallies[0].examples[0].message_en
    assert "2027-12-04" in message and "upgrade" in message
