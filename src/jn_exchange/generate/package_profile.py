"""The package profile: which tables a package has, their files and Table Schemas, in a
dependency-friendly order (a referenced table before the tables that reference it)."""

from __future__ import annotations

from typing import Any

from linkml_runtime import SchemaView


def dependency_order(schemas: dict[str, dict[str, Any]]) -> list[str]:
    """Tables ordered so that referenced tables come first (Kahn's algorithm; ties and cycles
    are broken by model order, so the result is stable). Self-references are ignored."""
    index = {name: i for i, name in enumerate(schemas)}
    deps: dict[str, set[str]] = {}
    for name, ts in schemas.items():
        deps[name] = {fk["reference"]["resource"] for fk in ts.get("foreignKeys", [])
                      if fk["reference"]["resource"] not in ("", name)}
    done: list[str] = []
    placed: set[str] = set()
    remaining = list(schemas)
    while remaining:
        ready = [n for n in remaining if deps[n] <= placed]
        # a cycle: take the earliest table of the model order and go on
        nxt = min(ready, key=index.__getitem__) if ready else min(remaining, key=index.__getitem__)
        done.append(nxt)
        placed.add(nxt)
        remaining.remove(nxt)
    return done


def package_profile(sv: SchemaView, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    schema = sv.schema
    resources = []
    for name in dependency_order(schemas):
        ts = schemas[name]
        resources.append({
            "name": name, "path": f"{name}.csv", "title": ts["title"], "schema": f"tableschemas/{name}.json",
            "module": ts["jn:module"], "jn:class": ts["jn:class"],
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        })
    return {
        "standard": "jn-exchange",
        "standard_version": str(schema.version),
        "title": schema.title,
        "description": (schema.description or "").strip(),
        "license": schema.license,
        "codelists": "codelists.json",
        "json_schema": "jn_exchange.schema.json",
        "resources": resources,
    }
