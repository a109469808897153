"""One version of the standard as the diff compares it: read from the version's generated
artifacts (package-profile.json, Table Schemas, codelists.json), never from LinkML, so that any
two versions compare without the build extra. A LinkML model file is generated first (that needs
the build extra, and is imported only then)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jn_exchange import versions


class SnapshotError(Exception):
    """The version or model cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Snapshot:
    version: str
    label: str                                  # what the user named (a version or a path)
    tables: dict[str, dict[str, Any]]           # name -> Table Schema (+ "jn:title" of the resource)
    codelists: dict[str, dict[str, Any]]        # name -> code list (values as in codelists.json)

    def fields(self, table: str) -> dict[str, dict[str, Any]]:
        return {f["name"]: f for f in self.tables[table].get("fields", [])}

    def codes(self, codelist: str) -> dict[str, dict[str, Any]]:
        return {v["code"]: v for v in self.codelists[codelist].get("values", [])}


def load(spec: str | Path) -> Snapshot:
    """A version number this software knows, a folder of generated artifacts (holding
    package-profile.json), or a LinkML model file (schema/jn_exchange.yaml of some version)."""
    text = str(spec)
    rel = versions.release(text)
    if rel is not None:
        return read_generated(rel.generated, text)
    path = Path(spec)
    if path.is_dir():
        folder = path / "generated" if (path / "generated" / "package-profile.json").is_file() else path
        if not (folder / "package-profile.json").is_file():
            raise SnapshotError(f"{path} holds no package-profile.json (a folder of generated artifacts)")
        return read_generated(folder, text)
    if path.is_file() and path.suffix in (".yaml", ".yml"):
        return _from_linkml(path)
    if versions.is_version(text):
        known = ", ".join(r.version for r in versions.RELEASES)
        raise SnapshotError(f"{text} is not a version this software knows ({known})")
    raise SnapshotError(f"{text} is neither a known version, a folder of generated artifacts nor a LinkML model file")


def read_generated(folder: Path, label: str) -> Snapshot:
    try:
        profile = _json(folder / "package-profile.json")
        tables = {}
        for res in profile["resources"]:
            ts = _json(folder / res["schema"])
            tables[res["name"]] = {**ts, "jn:title": res.get("title") or ts.get("title")}
        cl = _json(folder / profile.get("codelists", "codelists.json"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"cannot read the generated artifacts in {folder}: {exc}") from exc
    codelists = {c["name"]: c for c in cl} if isinstance(cl, list) else dict(cl)
    return Snapshot(str(profile.get("standard_version")), label, tables, codelists)


def _from_linkml(schema_file: Path) -> Snapshot:
    try:
        from jn_exchange.generate import build_artifacts
        from jn_exchange.generate.source import ModelError
    except ImportError as exc:
        raise SnapshotError(f"reading a LinkML model needs the build extra: pip install 'jn-exchange[build]' ({exc})") from exc
    try:
        files = build_artifacts(schema_file)
    except ModelError as exc:
        raise SnapshotError(f"{schema_file} cannot be generated: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - linkml raises many kinds; the user needs one line
        raise SnapshotError(f"{schema_file} cannot be read as a LinkML model: {type(exc).__name__}: {exc}") from exc
    with tempfile.TemporaryDirectory(prefix="jn-exchange-diff-") as tmp:
        for rel, text in files.items():
            if rel.endswith(".json"):
                target = Path(tmp) / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        return read_generated(Path(tmp), str(schema_file))


def _json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)
