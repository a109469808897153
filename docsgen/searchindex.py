"""One search index per language of the site.

mkdocs-static-i18n builds each language and merges every page into one search index at the
site root, so a Chinese reader's results mix in the English pages (and the other way round),
and every page of either language loads both. `split_by_language` rewrites that index as one
per language: the default language's at search/search_index.json, each other language's at
<locale>/search/search_index.json, where overrides/main.html tells the page to fetch it.

Each index also gets its own lunr pipeline. Material's worker stems the index but not the
query, so a stemmed index never matches a field name typed in full (`enforcement_agency` is
indexed as `enforcement_ag`); and lunr's trimmer treats Han characters as non-word characters
and strips them. Neither index is stemmed; the English one drops English stop words.
"""

from __future__ import annotations

import json
from pathlib import Path

INDEX = Path("search") / "search_index.json"
PIPELINES: dict[str, list[str]] = {"zh": [], "en": ["stopWordFilter"]}


def _locale_of(location: str, others: list[str]) -> str | None:
    head = location.split("/", 1)[0]
    return head if head in others else None


def split_by_language(site_dir: Path, default: str, others: list[str]) -> dict[str, int]:
    """Rewrite the merged index as one index per language; returns the entries per language.
    Locations stay relative to the site root (Material resolves them against its base URL)."""
    merged_path = site_dir / INDEX
    if not merged_path.is_file():
        return {}
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    docs: dict[str, list[dict]] = {lang: [] for lang in [default, *others]}
    for doc in merged["docs"]:
        docs[_locale_of(doc["location"], others) or default].append(doc)
    counts = {}
    for lang, entries in docs.items():
        config = dict(merged["config"], pipeline=PIPELINES.get(lang, []))
        target = site_dir / INDEX if lang == default else site_dir / lang / INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"config": config, "docs": entries}, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
        counts[lang] = len(entries)
    return counts
