"""What the pages are generated from: the committed package profile (through
`jn_exchange.profile`), each table's module, the rule registry, and the example package."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from docsgen import pages
from jn_exchange import profile as profile_mod


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def table_modules(prof: Any, root: Path) -> dict[str, str]:
    """Module of each table: from the profile when it says so, else from which schema/*.yaml
    file declares the class (plain YAML reading; linkml is not needed)."""
    out: dict[str, str] = {}
    try:
        resources = json.loads((profile_mod.GENERATED / "package-profile.json").read_text(encoding="utf-8"))["resources"]
    except (OSError, KeyError, ValueError):
        resources = []
    for res in resources:
        m = res.get("jn:module") or res.get("module")
        if m:
            out[res["name"]] = str(m)
    for name, spec in prof.tables.items():
        m = spec.raw.get("jn:module") or spec.raw.get("module")
        if m and name not in out:
            out[name] = str(m)
    missing = [t for t in prof.tables if t not in out]
    if missing:
        by_class: dict[str, str] = {}
        for path in sorted((root / "schema").glob("*.yaml")):
            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError):
                continue
            for cls in (doc.get("classes") or {}):
                by_class[_snake(cls)] = path.stem
        for t in missing:
            out[t] = by_class.get(t, "other")
    return out


def load_context(root: Path) -> tuple[pages.Ctx, list[Any]]:
    """The pages' context (profile, modules, example package under `root`) and every rule."""
    from jn_exchange.rules import all_rules

    profile_mod.load_profile.cache_clear()
    prof = profile_mod.load_profile()
    ctx = pages.Ctx(profile=prof, modules=table_modules(prof, root), examples_dir=root / "examples" / "jinan-sample")
    return ctx, list(all_rules())
