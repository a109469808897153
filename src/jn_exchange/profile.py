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
    folder: Path = GENERATED               # where its generated artifacts are (a past version's frozen copy)

    def codes(self, codelist: str) -> dict[str, dict[str, Any]]:
        return {v["code"]: v for v in self.codelists[codelist]["values"]}


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def load_profile() -> Profile:
    """The profile of the version this software implements."""
    return _load(GENERATED)


@lru_cache(maxsize=8)
def load_version_profile(version: str) -> Profile:
    """The profile of a released version of the standard (KeyError: not one this software
    knows); see `jn_exchange.versions`."""
    from jn_exchange import versions

    rel = versions.release(version)
    if rel is None:
        raise KeyError(f"standard version {version} is not known to this software")
    return load_profile() if rel.frozen is None else _load(rel.generated)


def _load(folder: Path) -> Profile:
    prof = _read(folder / "package-profile.json")
    tables: dict[str, TableSpec] = {}
    for res in prof["resources"]:
        ts = _read(folder / res["schema"])
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
    cl = _read(folder / "codelists.json")
    codelists = {c["name"]: c for c in cl} if isinstance(cl, list) else cl
    return Profile(prof["standard_version"], tables, codelists, folder)
