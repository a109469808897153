"""What the model cites and promises: rules by their JN- codes (never a research draft's ids),
only rules that exist, and outside sources by article, or plainly marked as practice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jn_exchange.profile import GENERATED
from jn_exchange.rules import registry

DRAFT_ID = re.compile(r"(?<![A-Z-])[A-Z]{2}-\d\d(?!\d)")   # IN-02, PN-01, SV-04, ...
JN_CODE = re.compile(r"\bJN-[A-Z]+-\d{3}\b")
NAMED_LAW = re.compile(r"(法|条例|办法|规定)$")


def _texts(obj, key=None):
    """Every (key, string) of the generated model: descriptions, titles, annotations."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _texts(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from _texts(v, key)
    elif isinstance(obj, str):
        yield key, obj


@pytest.fixture(scope="module")
def model_texts() -> list[tuple[str, str]]:
    files = [*sorted((GENERATED / "tableschemas").glob("*.json")), GENERATED / "codelists.json"]
    return [kv for f in files for kv in _texts(json.loads(Path(f).read_text(encoding="utf-8")))]


def test_no_draft_rule_ids(model_texts):
    found = sorted({m for k, t in model_texts if k in ("description", "title") for m in DRAFT_ID.findall(t)})
    assert not found, f"the model cites research-draft rule ids: {found}"


def test_every_rule_the_model_names_exists(model_texts):
    rules = registry()
    named = {c for _, t in model_texts for c in JN_CODE.findall(t)}
    missing = sorted(c for c in named if c not in rules or rules[c].deprecated)
    assert named and not missing, f"the model promises checks that do not exist: {missing}"


def test_outside_sources_cite_an_article_or_say_practice(model_texts):
    parts = {p.strip() for k, t in model_texts if k in ("basis", "jn:basis") for p in t.split("；")}
    bad = sorted(p for p in parts if p.startswith("EXT ") and not p.startswith("EXT 实践：")
                 and (p.endswith("实践") or NAMED_LAW.search(p)))
    assert not bad, f"citations of a law without an article (cite one, or write 'EXT 实践：…'): {bad}"
