"""The standard as the validator sees it: the committed, generated package profile, Table
Schemas and code lists (never the LinkML model itself: linkml stays off the hot path)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

GENERATED = Path(__file__).parent / "generated"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    title: str
    type: str
    required: bool
    constraints: dict[str, Any]
    raw: dict[str, Any]

    @property
    def codelist(self) -> str | None:
        return self.raw.get("jn:codelist")

    @property
    def personal(self) -> bool:
        return bool(self.raw.get("jn:personal_data"))

    @property
    def identifier_scheme(self) -> str | None:
        return self.raw.get("jn:identifier_scheme")


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    path: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    unique_keys: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[dict[str, Any], ...]
    raw: dict[str, Any]

    def field(self, name: str) -> FieldSpec | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class Profile:
    standard_version: str
    tables: dict[str, TableSpec]           # in the profile's (dependency-friendly) order
    codelists: dict[str, dict[str, Any]]

    def codes(self, codelist: str) -> dict[str, dict[str, Any]]:
        return {v["code"]: v for v in self.codelists[codelist]["values"]}


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def load_profile() -> Profile:
    prof = _read(GENERATED / "package-profile.json")
    tables: dict[str, TableSpec] = {}
    for res in prof["resources"]:
        ts = _read(GENERATED / res["schema"])
        fields = tuple(
            FieldSpec(name=f["name"], title=f.get("title", f["name"]), type=f.get("type", "string"),
                      required=bool(f.get("constraints", {}).get("required")),
                      constraints=f.get("constraints", {}), raw=f)
            for f in ts["fields"])
        pk = ts.get("primaryKey") or []
        tables[res["name"]] = TableSpec(
            name=res["name"], title=res.get("title") or ts.get("title", res["name"]), path=res["path"],
            fields=fields, primary_key=tuple([pk] if isinstance(pk, str) else pk),
            unique_keys=tuple(tuple([u] if isinstance(u, str) else u) for u in ts.get("uniqueKeys", [])),
            foreign_keys=tuple(ts.get("foreignKeys", [])), raw=ts)
    cl = _read(GENERATED / "codelists.json")
    codelists = {c["name"]: c for c in cl} if isinstance(cl, list) else cl
    return Profile(prof["standard_version"], tables, codelists)
