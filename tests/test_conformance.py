"""The conformance corpus: every registered rule has a failing case whose expected findings
appear (and nothing else does), and the valid packages give no error or warning."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path

import pytest

from jn_exchange.config import Config, Limits
from jn_exchange.rules import registry
from jn_exchange.validate import validate
from tests.conformance.corpus import EXAMPLES, load_cases, materialize

CASES = load_cases()
AS_OF = dt.date(2026, 6, 30)  # the corpus is judged on a fixed date, so that results never drift


def _run(path: Path, limits: dict[str, int] | None = None):
    return validate(path, Config({}, Limits(**(limits or {}))), as_of=AS_OF)


def test_every_rule_has_a_failing_case():
    covered = {c["rule"] for c in CASES if not c.get("passes")}
    live = {code for code, r in registry().items() if not r.deprecated}   # a retired code is never reported
    missing = sorted(live - covered)
    assert not missing, f"rules without a failing conformance case: {missing}"


def test_every_expectation_has_an_exact_count():
    missing = [(c["id"], e["code"]) for c in CASES for e in c["expect"]
               if not isinstance(e.get("count"), int) or isinstance(e["count"], bool) or e["count"] < 1]
    assert not missing, f"expectations without a count: {missing}"


def test_case_limits_are_known_limits():
    names = {f.name for f in fields(Limits)}
    unknown = [(c["id"], k) for c in CASES for k in c.get("limits", {}) if k not in names]
    assert not unknown, unknown


def test_case_ids_unique_and_rules_known():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    unknown = {c["rule"] for c in CASES} - set(registry())
    assert not unknown


def _everyday(cases: list[dict]) -> set[str]:
    """The cases of the everyday loop (`pytest -m "not slow"`): the first failing case of every
    structural rule and of every business-rule file; CI runs all of them."""
    chosen: dict[str, str] = {}
    for c in cases:
        if c.get("passes"):
            continue
        family = c["rule"] if registry()[c["rule"]].level != "business" else c["_file"]
        chosen.setdefault(family, c["id"])
    return set(chosen.values())


EVERYDAY = _everyday(CASES)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"], marks=() if c["id"] in EVERYDAY else pytest.mark.slow)
                                  for c in CASES])
def test_case(case, tmp_path):
    result = _run(materialize(case, tmp_path), case.get("limits"))
    found = result.findings()
    for exp in case["expect"]:
        hits = [f for f in found if f.code == exp["code"]
                and ("resource" not in exp or f.resource == exp["resource"])
                and ("row" not in exp or f.row == exp["row"])
                and ("field" not in exp or f.field == exp["field"])]
        assert hits, f"expected {exp} not found; got {[(f.code, f.resource, f.row, f.field) for f in found]}"
        assert exact_count(result, exp) == exp["count"], f"{exp}: reported {exact_count(result, exp)}"
    allowed = {e["code"] for e in case["expect"]} | set(case.get("also", []))
    extra = sorted({(t.code, t.resource) for t in result.tallies if t.code not in allowed})
    assert not extra, f"unexpected findings: {extra}"
    if case.get("passes"):   # a boundary the rule must accept
        assert not case["expect"] and case["rule"] not in {f.code for f in found}
    else:
        assert case["rule"] in {e["code"] for e in case["expect"]}


def exact_count(result, exp: dict) -> int:
    """Counts are exact: the findings of the code in the resource (the report's tally; every
    resource when the expectation names none), whatever row or field the expectation names."""
    return sum(t.count for t in result.tallies
               if t.code == exp["code"] and ("resource" not in exp or t.resource == exp["resource"]))


VALID = sorted(p for p in EXAMPLES.iterdir() if (p / "datapackage.json").is_file()) if EXAMPLES.exists() else []


@pytest.mark.parametrize("package", VALID, ids=[p.name for p in VALID])
def test_valid_examples_give_no_error_or_warning(package):
    result = _run(package)
    bad = [(t.code, t.resource, t.count) for t in result.tallies if t.severity.value in ("error", "warning")]
    assert not bad, bad
    assert result.valid


def test_every_business_rule_has_data_to_pass_on_in_the_example():
    """The bundled example is every business rule's passing fixture: each table a rule reads
    has rows there, so a clean result means the rule looked and found nothing."""
    import csv

    from jn_exchange.business import business_rules
    example = EXAMPLES / "jinan-sample"
    empty = []
    for rule in business_rules():
        assert rule.reads, f"{rule.code} does not say which tables it reads"
        for table in rule.reads:
            with (example / f"{table}.csv").open(encoding="utf-8") as fh:
                if sum(1 for _ in csv.reader(fh)) < 2:
                    empty.append((rule.code, table))
    assert not empty, f"tables without rows in the example: {empty}"


def test_every_business_rule_reads_exactly_the_tables_its_sql_names():
    """`reads` decides which rules are skipped when a declared file cannot be read, so it must
    name every table the SQL uses (as a word), and no other."""
    import re

    from jn_exchange.business import business_rules
    from jn_exchange.profile import load_profile

    tables = set(load_profile().tables)
    for rule in business_rules():
        named = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule.sql)) & tables
        assert named == set(rule.reads), (rule.code, named ^ set(rule.reads))
