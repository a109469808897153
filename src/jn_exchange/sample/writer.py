"""Streams sample rows into one CSV per table and writes datapackage.json; optionally zips the
folder and writes the JSON form. Rows go to disk as they are made: nothing holds a table."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from jn_exchange import STANDARD_VERSION
from jn_exchange.package_schemas import declare, write_schemas
from jn_exchange.profile import Profile, TableSpec

SAMPLE_TITLE = "济南市行政执法监督数据交换包（样例）"
SAMPLE_CREATED = "2026-01-31T00:00:00Z"  # fixed, so that the same seed gives the same bytes


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


class PackageWriter:
    def __init__(self, out: Path, profile: Profile):
        self.out = out
        self.profile = profile
        out.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, Any] = {}
        self._writers: dict[str, Any] = {}
        self.counts: dict[str, int] = {name: 0 for name in profile.tables}
        for name, spec in profile.tables.items():  # every table, header first, even if it stays empty
            fh = (out / spec.path).open("w", encoding="utf-8", newline="")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(spec.field_names)
            self._files[name], self._writers[name] = fh, w

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def row(self, table: str, **values: Any) -> dict[str, Any]:
        spec: TableSpec = self.profile.tables[table]
        unknown = set(values) - set(spec.field_names)
        if unknown:  # a generator bug, not a data problem
            raise KeyError(f"{table}: no fields {sorted(unknown)}")
        self._writers[table].writerow([cell(values.get(f)) for f in spec.field_names])
        self.counts[table] += 1
        return values

    def close(self, checksums: bool = False, title: str = "", created: str = SAMPLE_CREATED,
              name: str | None = None) -> Path:
        for fh in self._files.values():
            fh.close()
        return write_descriptor(self.out, self.profile, title=title or SAMPLE_TITLE, created=created,
                                checksums=checksums, name=name)


def package_name(folder_name: str) -> str:
    """A descriptor `name` (lower case letters, digits, `-._`) made from a folder name."""
    name = re.sub(r"[^a-z0-9._-]+", "-", folder_name.lower().replace("_", "-")).strip("-.")
    return name or "package"


def package_descriptor(profile: Profile, *, name: str, title: str, created: str,
                       standard_version: str = STANDARD_VERSION, folder: Path | None = None) -> dict[str, Any]:
    """datapackage.json of a package that holds every table of the profile at its standard path.
    With `folder`, each resource also declares its bytes and sha256 hash (read from the folder)."""
    resources = []
    for tname, spec in profile.tables.items():
        res: dict[str, Any] = {"name": tname, "path": spec.path, "format": "csv",
                               "mediatype": "text/csv", "encoding": "utf-8", "title": spec.title,
                               "profile": "tabular-data-resource"}
        declare(res, tname)
        if folder is not None:
            data = (folder / spec.path).read_bytes()
            res["bytes"] = len(data)
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resources.append(res)
    return {
        "name": name,
        "title": title,
        "profile": "tabular-data-package",
        "standard_version": standard_version,
        "created": created,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }


def write_descriptor(folder: Path, profile: Profile, *, title: str, created: str, checksums: bool = False,
                     standard_version: str = STANDARD_VERSION, name: str | None = None) -> Path:
    """Write folder/datapackage.json for the tables of the profile (see package_descriptor), and
    the copies of their Table Schemas it refers to (folder/schemas/)."""
    desc = package_descriptor(profile, name=name or folder.name.lower().replace("_", "-"), title=title,
                              created=created, standard_version=standard_version,
                              folder=folder if checksums else None)
    write_schemas(folder, profile.tables)
    path = folder / "datapackage.json"
    path.write_text(json.dumps(desc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def zip_package(folder: Path, dest: Path) -> Path:
    """A zip of the package with fixed timestamps (same seed, same bytes)."""
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(2026, 1, 31, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as src, zf.open(info, "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    return dest


def _typed(value: str, ftype: str) -> Any:
    """The JSON value of a cell; text that does not parse as its field's type stays text (the
    JSON Schema check then reports it)."""
    if value == "":
        return None
    try:
        if ftype == "integer":
            return int(value)
        if ftype == "number":
            d = Decimal(value)
            if not d.is_finite():
                return value
            return int(d) if d == d.to_integral_value() and "." not in value else float(d)
    except (ValueError, ArithmeticError):
        return value
    if ftype == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def json_form(folder: Path, profile: Profile, dest: Path, *, paths: dict[str, Path] | None = None,
              standard_version: str = STANDARD_VERSION) -> Path:
    """The same data as one JSON document ({standard_version, <table>: [records]}), streamed table
    by table; empty cells are left out of a record. `paths` (table -> CSV file) defaults to every
    table of the profile at its standard path in `folder`; tables not in `paths` are left out."""
    paths = paths if paths is not None else {name: folder / spec.path for name, spec in profile.tables.items()}
    with dest.open("w", encoding="utf-8") as out:
        out.write('{\n  "standard_version": ' + json.dumps(standard_version))
        for name, spec in profile.tables.items():
            if name not in paths:
                continue
            types = {f.name: f.type for f in spec.fields}
            out.write(f',\n  "{name}": [')
            first = True
            for rec in _records(paths[name]):
                obj = {k: _typed(v, types.get(k, "string")) for k, v in rec.items()
                       if k is not None and isinstance(v, str) and v != ""}
                out.write(("\n    " if first else ",\n    ") + json.dumps(obj, ensure_ascii=False))
                first = False
            out.write("]" if first else "\n  ]")
        out.write("\n}\n")
    return dest


def _records(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)
