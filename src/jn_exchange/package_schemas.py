"""The standard's Table Schemas as a package carries them, and the check that a package's
declared schemas are the standard's own.

Every package the tools write is self-contained: each table's schema is a copy of the
standard's, beside the data in `schemas/<table>.json` and referenced by that relative path, so
plain `frictionless validate datapackage.json` works offline. The canonical URL stays in the
resource as an identifier (`jn:schema`), never fetched. A pseudonymised package carries the
pseudonymised variants (what its keyed-hash and masked fields hold).

The validator reads the schema a package declares (relative path, inline, or the canonical URL,
which names the standard's own) and compares what constrains the data: fields, types, formats,
constraints, keys and missing values. A package cannot loosen the standard by editing its copy
(JN-PKG-014); a schema it declares but that cannot be read is reported too (JN-PKG-015)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jn_exchange import STANDARD_VERSION
from jn_exchange.descriptor import resolve_inside
from jn_exchange.findings import Collector
from jn_exchange.profile import GENERATED, Profile, load_profile
from jn_exchange.reader.jsondoc import JsonProblem, load_json
from jn_exchange.rules import make_finding, zh_en

SCHEMA_FOLDER = "schemas"
URL_BASE = "https://w3id.org/jn-exchange"
_MAX_SHOWN = 5   # differences named in one finding
# the standard's own field properties the validator enforces beyond Table Schema's
_ENFORCED = ("jn:decimal_places", "jn:identifier_scheme", "jn:codelist")


def canonical_url(table: str, version: str = STANDARD_VERSION) -> str:
    return f"{URL_BASE}/{version}/tableschemas/{table}.json"


def schema_path(table: str) -> str:
    """Where a package keeps a table's schema, relative to datapackage.json."""
    return f"{SCHEMA_FOLDER}/{table}.json"


def standard_schema_file(table: str, pseudonymized: bool = False, generated: Path = GENERATED) -> Path:
    """The standard's generated Table Schema of `table` (its pseudonymised variant if asked
    and generated); `generated`: the artifacts of another version (`Profile.folder`)."""
    variant = generated / "tableschemas-pseudonymized" / f"{table}.json"
    return variant if pseudonymized and variant.is_file() else generated / "tableschemas" / f"{table}.json"


def declare(resource: dict[str, Any], table: str, version: str | None = None) -> None:
    """Point a resource at the schema copy the package carries; keep the canonical URL (of
    `version`, default the current) as its id."""
    resource["schema"] = schema_path(table)
    resource["jn:schema"] = canonical_url(table, version or STANDARD_VERSION)


def write_schemas(folder: Path, tables: Iterable[str], pseudonymized: bool = False, generated: Path = GENERATED) -> None:
    """Copy the standard's Table Schemas of `tables` into `folder/schemas/`."""
    target = folder / SCHEMA_FOLDER
    target.mkdir(exist_ok=True)
    for t in tables:
        shutil.copyfile(standard_schema_file(t, pseudonymized, generated), target / f"{t}.json")


# ---------------------------------------------------------------------------------- the check
def check_declared_schemas(root: Path, descriptor: dict[str, Any], tables: Iterable[tuple[int, str]],
                           pseudonymized: bool, collector: Collector, max_bytes: int,
                           profile: Profile | None = None) -> None:
    """Compare the schema each table resource declares (by its index in `resources`) with the
    standard's own (of `profile`'s version; default the current). A resource that declares none
    is judged by the standard alone."""
    generated = profile.folder if profile is not None else GENERATED
    resources = descriptor.get("resources") or []
    for index, table in tables:
        declared = resources[index].get("schema") if isinstance(resources[index], dict) else None
        if declared is None:
            continue
        schema = _read_declared(root, table, declared, collector, max_bytes)
        if schema is None:
            continue
        diffs = differences(normative(schema), _standard_normative(table, pseudonymized, generated))
        if diffs:
            shown = "; ".join(diffs[:_MAX_SHOWN]) + (f" (+{len(diffs) - _MAX_SHOWN})" if len(diffs) > _MAX_SHOWN else "")
            collector.add(make_finding("JN-PKG-014", resource=table, count=len(diffs), detail=shown))


@cache
def _standard_normative(table: str, pseudonymized: bool, generated: Path = GENERATED) -> dict[str, Any]:
    """The standard's schema of `table` as compared (read once per process: the current full
    profile's is the one `load_profile` already holds)."""
    if not pseudonymized and generated == GENERATED:
        return normative(load_profile().tables[table].raw)
    with standard_schema_file(table, pseudonymized, generated).open(encoding="utf-8") as fh:
        return normative(json.load(fh))


def _read_declared(root: Path, table: str, declared: Any, collector: Collector, max_bytes: int) -> dict | None:
    if isinstance(declared, dict):
        return declared
    if not isinstance(declared, str) or not declared:
        _unreadable(collector, table, zh_en("schema 既不是路径也不是对象", "schema is neither a path nor an object"))
        return None
    if "://" in declared:
        if declared.split("/tableschemas/")[-1] == f"{table}.json" and declared.startswith(URL_BASE + "/"):
            return None   # the canonical URL names the standard's own schema (not fetched)
        _unreadable(collector, table, zh_en(f"{declared} 不是本规范的表结构，且不会被下载",
                                            f"{declared} is not the standard's schema and is never fetched"))
        return None
    path = resolve_inside(root, declared)
    if path is None or not path.is_file():
        _unreadable(collector, table, zh_en(f"包内没有文件 {declared}", f"no file {declared} in the package"))
        return None
    try:
        doc = load_json(path, max_bytes=max_bytes)
    except JsonProblem as exc:
        _unreadable(collector, table, zh_en(f"{declared}：{exc.detail['zh']}", f"{declared}: {exc.detail['en']}"))
        return None
    if not isinstance(doc, dict):
        _unreadable(collector, table, zh_en(f"{declared} 不是 JSON 对象", f"{declared} is not a JSON object"))
        return None
    return doc


def _unreadable(collector: Collector, table: str, detail: dict[str, str]) -> None:
    collector.add(make_finding("JN-PKG-015", resource=table, detail=detail))


def normative(schema: dict[str, Any]) -> dict[str, Any]:
    """What in a Table Schema constrains the data (titles and descriptions do not)."""
    fields = schema.get("fields")
    out: dict[str, Any] = {}
    for f in fields if isinstance(fields, list) else []:
        if isinstance(f, dict) and isinstance(f.get("name"), str):
            out[f"field {f['name']}"] = {"type": f.get("type", "string"), "format": f.get("format", "default"),
                                         "constraints": f.get("constraints") or {},
                                         **{k: f.get(k) for k in _ENFORCED if k in f}}
    pk = schema.get("primaryKey") or []
    out["primaryKey"] = [pk] if isinstance(pk, str) else pk
    out["uniqueKeys"] = schema.get("uniqueKeys") or []
    out["foreignKeys"] = schema.get("foreignKeys") or []
    out["missingValues"] = schema.get("missingValues", [""])
    return out


def differences(declared: dict[str, Any], standard: dict[str, Any]) -> list[str]:
    """Each way the declared schema differs from the standard's, in words."""
    out = []
    for key in sorted(set(declared) | set(standard)):
        a, b = declared.get(key), standard.get(key)
        if a == b:
            continue
        if a is None:
            out.append(f"{key}: missing")
        elif b is None:
            out.append(f"{key}: not in the standard")
        elif isinstance(a, dict) and isinstance(b, dict):
            out.extend(f"{key}.{k}: {_short(a.get(k))} ≠ {_short(b.get(k))}" for k in sorted(set(a) | set(b))
                       if a.get(k) != b.get(k))
        else:
            out.append(f"{key}: {_short(a)} ≠ {_short(b)}")
    return out


def _short(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:80] + "…"
