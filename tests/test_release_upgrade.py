"""`jn-exchange upgrade`: the 1.0.0 example becomes a package of the current version that the
current model accepts, every change logged; removed fields and tables are dropped and counted;
what cannot be made up is listed; the tool conventions (never overwrite, never inside the input,
one-line errors)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jn_exchange import STANDARD_VERSION, versions
from jn_exchange.cli import main
from jn_exchange.config import Config, Limits
from jn_exchange.release import upgrade
from jn_exchange.release.diff import Change, Diff
from jn_exchange.release.snapshot import load
from jn_exchange.rules import registry
from jn_exchange.validate import validate
from tests.test_versions import EXAMPLE_100, model_findings

AS_OF = dt.date(2026, 6, 30)


def _codes(result) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in result.tallies:
        out[t.code] = out.get(t.code, 0) + t.count
    return out


def test_the_1_0_0_example_upgrades_to_a_valid_current_package(tmp_path):
    out = tmp_path / "up"
    result = CliRunner().invoke(main, ["upgrade", str(EXAMPLE_100), str(out)])
    assert result.exit_code == 0, result.output   # it validates: what 1.1.0 adds is in transition
    desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["standard_version"] == STANDARD_VERSION
    assert all(f"/{STANDARD_VERSION}/tableschemas/" in r["jn:schema"] for r in desc["resources"])
    for r in desc["resources"]:   # the carried schemas are the current version's
        assert (out / r["schema"]).read_bytes() == (versions.current().generated / "tableschemas" / f"{r['name']}.json").read_bytes()
    upgraded = validate(out, Config({}, Limits()), as_of=AS_OF)
    assert upgraded.standard_version == STANDARD_VERSION
    assert model_findings(upgraded) == {}
    # the business rules are the same for both versions: upgrading adds no finding but those of
    # rules that need the new version's model (`since:`), on data a 1.0.0 package could not carry
    before = _codes(validate(EXAMPLE_100, Config({}, Limits()), as_of=AS_OF))
    after = _codes(upgraded)
    newer = {code for code, rule in registry().items() if not versions.applies_to(rule.extra.get("since"), "1.0.0")}
    assert {c: n for c, n in after.items() if c not in newer} == before
    today = validate(out, Config({}, Limits()))   # what upgrade itself checked (as of today)
    assert today.valid and not any(t.severity.value == "error" for t in today.tallies)
    # the warnings it leaves are those of rules in transition, and the tool says when they become errors
    in_transition = {t.code for t in today.tallies if registry()[t.code].in_transition}
    assert in_transition and f"{'、'.join(sorted(in_transition))} 在过渡期内为警告，自 2.0.0 版起为错误" in result.output
    log = json.loads((out / upgrade.LOG_NAME).read_text(encoding="utf-8"))
    assert log["from"] == "1.0.0" and log["to"] == STANDARD_VERSION
    assert {"change": "standard_version", "old": "1.0.0", "new": STANDARD_VERSION} in log["applied"]
    assert len(log["model_changes_without_rewrite"]) + len(log["attention"]) == len(_diff().changes)
    assert (EXAMPLE_100 / "datapackage.json").read_text(encoding="utf-8").count('"1.0.0"') == 1   # input untouched


def _diff() -> Diff:
    from jn_exchange.release.diff import compare

    return compare(load("1.0.0"), load(STANDARD_VERSION))


def test_removed_fields_and_tables_are_dropped_and_required_fields_listed(tmp_path, monkeypatch):
    """A diff that removes a field and a table and adds a required field (made up: the real
    1.0.0 → 1.1.0 diff has none of these)."""
    real = _diff()
    made_up = Diff(real.old, real.new, (Change("field-removed", "training_record.organizer_name"),
                                        Change("table-removed", "emergency_plan"),
                                        Change("field-added-required", "training_record.hours_verified_by")))
    monkeypatch.setattr(upgrade, "compare", lambda a, b: made_up)
    out = tmp_path / "up"
    code = upgrade.run(EXAMPLE_100, STANDARD_VERSION, out, lambda _: None, check=False)
    assert code == 1   # a required field cannot be made up
    header = (out / "training_record.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "organizer_name" not in header and "hours" in header
    assert not (out / "emergency_plan.csv").exists()
    desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert "emergency_plan" not in {r["name"] for r in desc["resources"]}
    log = json.loads((out / upgrade.LOG_NAME).read_text(encoding="utf-8"))
    dropped = next(a for a in log["applied"] if a.get("field") == "organizer_name")
    with (EXAMPLE_100 / "training_record.csv").open(encoding="utf-8", newline="") as fh:
        original = list(csv.reader(fh))
    i = original[0].index("organizer_name")
    assert dropped["values_dropped"] == sum(1 for row in original[1:] if row[i]) > 0
    assert log["attention"] == [{"change": "field-added-required", "table": "training_record",
                                 "field": "hours_verified_by", "rows_to_fill": len(original) - 1}]


def test_upgrade_never_overwrites_nor_writes_inside_the_input(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE_100, tmp_path / "pkg"))
    existing = tmp_path / "exists"
    existing.mkdir()
    (existing / "keep.txt").write_text("x")
    for out, says in ((existing, "never overwrite"), (pkg / "inside", "inside the input")):
        r = CliRunner().invoke(main, ["upgrade", str(pkg), str(out), "--lang", "en"])
        assert r.exit_code == 2 and says in r.output and "Traceback" not in r.output
    assert (existing / "keep.txt").read_text() == "x" and not (pkg / "inside").exists()


@pytest.mark.parametrize("to, says", [("1.0.0", "later version only"), ("7.0.0", "not a version this software knows")])
def test_upgrade_to_a_wrong_version_is_one_line_and_exit_2(tmp_path, to, says):
    r = CliRunner().invoke(main, ["upgrade", str(EXAMPLE_100), str(tmp_path / "out"), "--to", to])
    assert r.exit_code == 2 and says in r.output and not (tmp_path / "out").exists()


def test_upgrade_of_a_package_of_an_unknown_version_is_refused(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE_100, tmp_path / "pkg"))
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["standard_version"] = "0.9.0"
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    r = CliRunner().invoke(main, ["upgrade", str(pkg), str(tmp_path / "out")])
    assert r.exit_code == 2 and "0.9.0" in r.output
