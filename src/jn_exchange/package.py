"""The one way to open what a user passed: a folder, a datapackage.json, a zip or the JSON form.

    source = identify(path)                       # its form; InputError when it is none
    open_package(source, profile, collector, limits, work) -> Package

A zip is unpacked by the zip guard and the JSON form written out as CSV, both into `work` (a
private folder the caller owns and removes); the descriptor is parsed by `descriptor` and every
problem becomes a finding in `collector`. The validator, every tool and the intake service call
this; none of them looks at the input's form or parses a descriptor on its own."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jn_exchange.config import Limits
from jn_exchange.descriptor import Fatal, ResourceRef, read_descriptor, resolve_inside
from jn_exchange.findings import Collector
from jn_exchange.profile import Profile, load_profile, load_version_profile
from jn_exchange.reader.jsondoc import JsonProblem, load_json

KINDS = ("folder", "descriptor", "zip", "json")


class InputError(Exception):
    """What was passed is not a package in any form (exit code 2): no finding can be made.
    `str()` is the English; `zh`, when given, the Chinese the command says by default."""

    def __init__(self, en: str, zh: str | None = None):
        super().__init__(en)
        self.zh = zh


@dataclass
class Source:
    """What the user passed, and its form (one of KINDS)."""
    path: Path
    kind: str

    @cached_property
    def sha256(self) -> str | None:
        """Of the zip or JSON file (a folder's is the validator's manifest hash)."""
        return file_sha256(self.path) if self.kind in ("zip", "json") else None


@dataclass
class Package:
    source: Source
    root: Path                    # the folder holding datapackage.json (private for zip/json)
    descriptor: dict[str, Any]
    resources: list[ResourceRef]  # every declared resource whose file can be read
    profile: Profile | None = None   # the model it was opened with (its declared version's, if asked)

    @property
    def tables(self) -> list[ResourceRef]:
        """The resources that are CSV tables of the standard."""
        return [r for r in self.resources if r.spec is not None]

    def table(self, name: str) -> ResourceRef | None:
        return next((r for r in self.tables if r.name == name), None)

    @property
    def standard_version(self) -> str | None:
        v = self.descriptor.get("standard_version")
        return v if isinstance(v, str) else None

    @property
    def pseudonymized(self) -> bool:
        return self.descriptor.get("jn:pseudonymized") is True

    @property
    def declared_names(self) -> frozenset[str]:
        resources = self.descriptor.get("resources")
        if not isinstance(resources, list):
            return frozenset()
        return frozenset(r["name"] for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str))


def identify(path: Path) -> Source:
    """Which form `path` is, judged from the file system and the first bytes only."""
    return Source(path, _kind(path))


def _kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise InputError(f"no such file or folder: {path}", f"找不到文件或文件夹：{path}")
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return "zip"
    if path.suffix.lower() == ".json":
        if path.name == "datapackage.json":
            return "descriptor"
        try:
            with path.open("rb") as fh:
                head = fh.read(1 << 16).decode("utf-8-sig", errors="replace")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc}", f"无法读取 {path}：{exc}") from exc
        return "descriptor" if '"resources"' in head else "json"
    raise InputError(f"{path} is not a folder, datapackage.json, .zip or JSON package document",
                     f"{path} 不是文件夹、datapackage.json、.zip 压缩包或 JSON 形式的交换包")


def unpack(source: Source, profile: Profile, collector: Collector, limits: Limits, work: Path) -> Path:
    """The folder that holds the package. Raises Fatal (after collecting the finding) when
    nothing can be read."""
    from jn_exchange.reader.jsonform import JsonFormError, json_to_csv_package
    from jn_exchange.reader.zipsafe import ZipRefused, extract_zip

    path, kind = source.path, source.kind
    if kind == "zip":
        try:
            return extract_zip(path, work / "package", limits)
        except ZipRefused as refused:
            collector.add(refused.finding)
            raise Fatal() from refused
    if kind == "json":
        try:
            return json_to_csv_package(path, work / "jsonform", profile, collector)
        except JsonFormError as exc:
            raise Fatal() from exc
    return path.parent if kind == "descriptor" else path


def open_package(source: Source, profile: Profile | None, collector: Collector, limits: Limits, work: Path, *,
                 accept_gb18030: bool = False) -> Package:
    """Open the package in any form. `profile` None: with the model of the version the package
    declares (`jn_exchange.versions`; the current one for a version it does not know). Raises
    Fatal when it cannot be read further (its finding is in `collector`)."""
    if profile is None and source.kind == "json":   # its CSV is written by the version's tables
        profile = _profile_of(_json_form_version(source.path))
    root = unpack(source, profile or load_profile(), collector, limits, work)
    if profile is None:
        profile = _profile_of(_declared_version(root, limits))
    desc, refs = read_descriptor(root, profile, collector, max_bytes=limits.max_descriptor_bytes,
                                 accept_gb18030=accept_gb18030)
    return Package(source, root, desc, refs, profile)


def _profile_of(declared: Any) -> Profile:
    from jn_exchange import versions

    verdict = versions.classify(declared)
    return load_version_profile(verdict.judged_by.version) if verdict.kind == "known" else load_profile()


def _declared_version(root: Path, limits: Limits) -> Any:
    """The descriptor's standard_version, read ahead of the descriptor's checks (which report
    whatever makes it unreadable)."""
    path = root / "datapackage.json"
    if resolve_inside(root, "datapackage.json") is None or not path.is_file():
        return None
    try:
        desc = load_json(path, max_bytes=limits.max_descriptor_bytes, accept_gb18030=True)
    except (JsonProblem, OSError):
        return None
    return desc.get("standard_version") if isinstance(desc, dict) else None


_JSON_FORM_VERSION = re.compile(rb'^\s*\{\s*"standard_version"\s*:\s*"([^"\\]{1,64})"')


def _json_form_version(path: Path) -> Any:
    """The JSON form's standard_version: from its first bytes where it is written first (as every
    writer of the standard does), else from the whole document."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).removeprefix(b"\xef\xbb\xbf")
        m = _JSON_FORM_VERSION.match(head)
        if m:
            return m.group(1).decode("utf-8", errors="replace")
        doc = load_json(path)
    except (JsonProblem, OSError):
        return None   # the reader of the JSON form reports it
    return doc.get("standard_version") if isinstance(doc, dict) else None


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
