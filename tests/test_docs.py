"""The standard's website, its sources: generated pages up to date, a page for every rule, table
and code list. The generator (`docsgen/`, run as `python -m docsgen`) is a tool of the
repository, not part of the installed package. The built site, in a browser: test_site.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click
import pytest

from docsgen import check_docs, rulepages
from jn_exchange.profile import load_profile
from jn_exchange.rules import all_rules
from tests.conformance.corpus import load_cases

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_generated_pages_are_up_to_date():
    problems = check_docs(DOCS)
    assert not problems, ("generated docs are stale; run `.venv/bin/python -m docsgen`:\n"
                          + "\n".join(problems[:30]))


def test_docs_generator_is_not_in_the_package():
    """It reads tests/, benchmarks/ and examples/ of the repository: nothing an installed package has."""
    import jn_exchange.cli

    assert importlib.util.find_spec("jn_exchange.docsgen") is None
    with click.Context(jn_exchange.cli.main) as ctx:
        names = jn_exchange.cli.main.list_commands(ctx)
    assert "convert" in names and "docs" not in names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rule_table_and_code_list_has_a_page(lang):
    missing = [f"rules/{r.code}.md" for r in all_rules() if not (DOCS / lang / "rules" / f"{r.code}.md").is_file()]
    profile = load_profile()
    missing += [f"reference/tables/{t}.md" for t in profile.tables
                if not (DOCS / lang / "reference" / "tables" / f"{t}.md").is_file()]
    missing += [f"reference/codelists/{c}.md" for c in profile.codelists
                if not (DOCS / lang / "reference" / "codelists" / f"{c}.md").is_file()]
    assert not missing, f"{lang}: no page for " + ", ".join(missing)


def test_every_corpus_mutation_is_said_in_words():
    """Rule pages describe each failing example in words, with the `describe` of its operation
    in tests/conformance/corpus.py; an operation without one would show up as raw JSON."""
    tables = set(load_profile().tables)
    raw = []
    for case in load_cases():
        for op in case.get("mutate") or []:
            for lang in ("zh", "en"):
                if rulepages.describe_op(op, lang, tables).startswith("`{"):
                    raw.append(f"{case['id']}: {op.get('op')}")
    assert not raw, "give these operations a describe in tests/conformance/corpus.py OPS: " + ", ".join(sorted(set(raw)))
