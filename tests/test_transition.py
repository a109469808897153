"""Rules added in a minor release that could fail a package conforming to the previous one are
warnings until the next major (docs/*/versioning.md): the registry makes them so from their
`transition:` line, their findings and pages say from when they are errors, and the office can
make them errors now with a config file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import jn_exchange.rules as rules_mod
from jn_exchange.cli import main
from jn_exchange.config import Config, Limits, RuleOverride
from jn_exchange.findings import Severity
from jn_exchange.rules import registry
from jn_exchange.validate import validate
from tests.test_versions import EXAMPLE_100

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 30)
# the rules 1.1.0 added that a 1.0.0 package can break (tests/test_release_upgrade.py shows the
# 1.0.0 example breaking two of them)
NEW_IN_1_1 = {"JN-COD-001", "JN-AGY-004", "JN-FLT-014", "JN-FLT-015", "JN-FLT-016", "JN-CELL-016"}


def test_the_rules_1_1_0_added_are_warnings_until_2_0_0():
    reg = registry()
    assert {c for c, r in reg.items() if r.in_transition} == NEW_IN_1_1
    for code in NEW_IN_1_1:
        r = reg[code]
        assert r.extra.get("since", "1.1.0") == "1.1.0"
        assert (r.severity, r.declared, r.error_from) == (Severity.WARNING, Severity.ERROR, "2.0.0")


def _entry(**extra):
    d = dict(registry()["JN-FLT-014"].__dict__)
    return {"code": "JN-X-001", "severity": "error", "level": "business", "title": d["title"], "message": d["message"],
            "description": d["description"], "fix": d["fix"], "basis": d["basis"], **extra}


def test_a_rule_in_transition_is_an_error_from_its_version_on(monkeypatch):
    monkeypatch.setattr(rules_mod, "STANDARD_VERSION", "2.0.0")
    r = rules_mod._to_rule(_entry(transition="2.0.0"))
    assert r.severity is Severity.ERROR and not r.in_transition and r.transition_note("zh") == ""
    monkeypatch.setattr(rules_mod, "STANDARD_VERSION", "1.9.3")
    r = rules_mod._to_rule(_entry(transition="2.0.0"))
    assert r.severity is Severity.WARNING and r.in_transition


@pytest.mark.parametrize("bad", [{"transition": "soon"}, {"transition": "2.0.0", "severity": "warning"}])
def test_a_transition_names_a_version_and_belongs_to_an_error(bad):
    with pytest.raises(ValueError):
        rules_mod._to_rule(_entry(**bad))


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("up") / "pkg"
    assert CliRunner().invoke(main, ["upgrade", str(EXAMPLE_100), str(out), "--no-check"]).exit_code == 0
    return out


def test_a_finding_of_a_rule_in_transition_says_when_it_becomes_an_error(upgraded):
    result = validate(upgraded, Config({}, Limits()), as_of=AS_OF)
    assert result.valid
    [tally] = [t for t in result.tallies if t.code == "JN-FLT-014"]
    f = tally.examples[0]
    assert tally.severity is Severity.WARNING
    assert f.message_zh.endswith("（过渡期：自 2.0.0 版起为错误）")
    assert f.message_en.endswith(" (in transition: an error from version 2.0.0)")


def test_the_office_can_make_a_rule_in_transition_an_error_now(upgraded, tmp_path):
    strict = Config({"JN-FLT-014": RuleOverride(severity=Severity.ERROR)}, Limits())
    result = validate(upgraded, strict, as_of=AS_OF)
    assert not result.valid and any(t.code == "JN-FLT-014" and t.severity is Severity.ERROR for t in result.tallies)
    cfg = tmp_path / "strict.yaml"
    cfg.write_text("rules:\n  JN-FLT-014: {severity: error}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(upgraded), "--config", str(cfg), "--as-of", AS_OF.isoformat()])
    assert r.exit_code == 1


def test_the_rule_list_and_pages_say_it(tmp_path):
    out = CliRunner().invoke(main, ["rules"]).output
    line = next(x for x in out.splitlines() if x.startswith("JN-COD-001"))
    assert "warning" in line and "（过渡期：自 2.0.0 版起为错误）" in line
    page = (ROOT / "docs" / "zh" / "rules" / "JN-COD-001.md").read_text(encoding="utf-8")
    assert "自 2.0.0 版起为“错误”" in page
    assert "from version 2.0.0" in (ROOT / "docs" / "en" / "rules" / "JN-COD-001.md").read_text(encoding="utf-8")
    assert not any("过渡期" in (ROOT / "docs" / "zh" / "rules" / f"{c}.md").read_text(encoding="utf-8")
                   for c in ("JN-SUP-001", "JN-CELL-001"))


def _with_cell(tmp_path: Path, table: str, field: str, value: str) -> Path:
    import csv
    pkg = tmp_path / "pkg"
    shutil.copytree(ROOT / "examples" / "jinan-sample", pkg)
    path = pkg / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index(field)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return pkg


def test_more_places_on_a_decimal_1_1_0_limited_are_a_warning_in_transition(tmp_path):
    result = validate(_with_cell(tmp_path, "case_file_review", "score", "85.555"), Config({}, Limits()), as_of=AS_OF)
    codes = {t.code: t for t in result.tallies}
    assert result.valid and "JN-CELL-003" not in codes
    f = codes["JN-CELL-016"].examples[0]
    assert codes["JN-CELL-016"].severity is Severity.WARNING and f.field == "score"
    assert "有 3 位小数，多于规定的 2 位（过渡期：自 2.0.0 版起为错误）" in f.message_zh


def test_a_decimal_limited_since_1_0_0_is_still_an_invalid_number(tmp_path):
    result = validate(_with_cell(tmp_path, "penalty_decision", "fine_amount", "1.555"), Config({}, Limits()), as_of=AS_OF)
    codes = {t.code for t in result.tallies}
    assert "JN-CELL-003" in codes and "JN-CELL-016" not in codes and not result.valid


def test_only_the_decimals_1_1_0_limited_are_in_transition():
    """The fields in transition are exactly the decimals that 1.0.0 left without a limit."""
    import json

    from jn_exchange.engine.types import places_in_transition
    from jn_exchange.profile import load_profile
    from jn_exchange.versions import release

    frozen = release("1.0.0").generated / "tableschemas"
    old = {(p.stem, f["name"]): f for p in frozen.glob("*.json") for f in json.loads(p.read_text(encoding="utf-8"))["fields"]}
    old_limited = {k for k, f in old.items() if f.get("jn:decimal_places")}
    profile = load_profile()
    decimals = {(t, f.name) for t, spec in profile.tables.items() for f in spec.fields if f.type == "number"}
    moving = {(t, f.name) for t, spec in profile.tables.items() for f in spec.fields if places_in_transition(f)}
    assert len(moving) == 8 and not moving & old_limited
    # every other decimal was limited already, or is new (limited from its first version)
    assert decimals - moving <= old_limited | (decimals - set(old))


def test_reports_say_whose_model_judged_the_package(tmp_path):
    import json
    r = CliRunner().invoke(main, ["validate", str(EXAMPLE_100), "--as-of", AS_OF.isoformat()])
    assert "包声明 1.0.0 · 按 1.0.0 的模型校验 · 校验器支持 1.1.0" in r.output
    out = tmp_path / "r.json"
    CliRunner().invoke(main, ["validate", str(EXAMPLE_100), "--format", "json", "-o", str(out)])
    assert json.loads(out.read_text(encoding="utf-8"))["model_version"] == "1.0.0"
    html = tmp_path / "r.html"
    CliRunner().invoke(main, ["validate", str(EXAMPLE_100), "--format", "html", "-o", str(html), "--lang", "en"])
    assert "judged by the 1.0.0 model" in html.read_text(encoding="utf-8")
    # a version the standard never released is not judged
    pkg = tmp_path / "pkg"
    shutil.copytree(ROOT / "examples" / "jinan-sample", pkg)
    desc = pkg / "datapackage.json"
    desc.write_text(desc.read_text(encoding="utf-8").replace('"standard_version": "1.1.0"', '"standard_version": "0.9.0"'),
                    encoding="utf-8")
    result = validate(pkg, Config({}, Limits()), as_of=AS_OF)
    assert result.model_version is None and any(t.code == "JN-PKG-004" for t in result.tallies)
