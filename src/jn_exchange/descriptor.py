"""The one parser of datapackage.json, and the package-level checks: version, resources, paths,
sizes and hashes. Returns every declared resource whose file can be read; never reads outside
the package folder. `jn_exchange.package` calls it for the validator and the tools alike."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jn_exchange import versions
from jn_exchange.findings import Collector
from jn_exchange.profile import Profile, TableSpec
from jn_exchange.reader.jsondoc import JsonProblem, load_json, not_an_object
from jn_exchange.rules import make_finding, zh_en

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_HASHES = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}


@dataclass
class ResourceRef:
    """A declared resource whose file exists inside the package folder."""
    index: int                   # position in descriptor["resources"]
    name: str
    rel_path: str
    path: Path                   # resolved, inside the package folder
    spec: TableSpec | None       # None: not a CSV table of the standard (JN-PKG-006/012 reported)
    declared_bytes: int | None = None
    declared_hash: tuple[str, str] | None = None   # (algorithm, hex)


class Fatal(Exception):
    """The package cannot be read further; the finding was already collected."""


def read_descriptor(root: Path, profile: Profile, collector: Collector, *, max_bytes: int | None = None,
                    accept_gb18030: bool = False) -> tuple[dict[str, Any], list[ResourceRef]]:
    """The descriptor and its readable resources. `accept_gb18030`: a descriptor in GB18030 is
    read without a finding (the repair tool `fix` exists to turn such packages into UTF-8)."""
    path = root / "datapackage.json"
    if not path.is_file():
        csvs = sorted(p.name for p in root.glob("*.csv"))[:5]
        detail = zh_en(f"{root.name}/ 中有 CSV 文件 {'、'.join(csvs)}，但没有描述文件",
                       f"{root.name}/ has CSV files ({', '.join(csvs)}) but no descriptor") if csvs else f"{root.name}/"
        collector.add(make_finding("JN-PKG-001", detail=detail))
        raise Fatal()
    if resolve_inside(root, "datapackage.json") is None:   # a link to a file elsewhere: not read
        collector.add(make_finding("JN-PKG-010", resource="datapackage.json", path=str(path.readlink())))
        raise Fatal()
    try:
        desc = load_json(path, max_bytes=max_bytes, accept_gb18030=accept_gb18030)
    except JsonProblem as problem:
        collector.add(make_finding("JN-PKG-002", detail=problem.detail))
        raise Fatal() from problem
    if not isinstance(desc, dict):
        collector.add(make_finding("JN-PKG-002", detail=not_an_object(desc)))
        raise Fatal()
    check_version(desc.get("standard_version"), collector)
    return desc, _resources(root, desc, profile, collector)


def check_version(declared: Any, collector: Collector) -> None:
    """The declared version against the versions this software knows (`jn_exchange.versions`):
    one it does not know stops the validation (a newer minor version is judged by the current)."""
    verdict = versions.classify(declared)
    if verdict.kind == "invalid":
        collector.add(make_finding("JN-PKG-003", value=json.dumps(declared, ensure_ascii=False)))
    elif verdict.kind == "newer":
        collector.add(make_finding("JN-PKG-005", value=declared, supported=versions.current().version))
    elif verdict.kind in ("other_major", "unknown"):
        _unsupported(declared, verdict, dt.date.today(), collector)


def check_support(declared: Any, as_of: dt.date, collector: Collector) -> None:
    """A known version whose support has ended on `as_of` stops the validation too."""
    verdict = versions.classify(declared, as_of)
    if verdict.kind == "expired":
        _unsupported(declared, verdict, as_of, collector)


def _unsupported(declared: str, verdict: versions.Verdict, as_of: dt.date, collector: Collector) -> None:
    collector.add(make_finding("JN-PKG-004", value=declared, reason=_unsupported_reason(verdict),
                               supported=", ".join(r.version for r in versions.supported(as_of))))
    raise Fatal()


def _unsupported_reason(verdict: versions.Verdict) -> dict[str, str]:
    if verdict.kind == "expired":
        return zh_en(f"对该版本的支持已于 {verdict.until} 结束，请用 jn-exchange upgrade 转换为 {versions.current().version}",
                     f"its support ended on {verdict.until}; convert the package with jn-exchange upgrade to "
                     f"{versions.current().version}")
    if verdict.kind == "other_major":
        return zh_en("主版本号不同的规范不兼容", "a different major version is incompatible")
    return zh_en("规范没有发布过这个版本", "the standard has no such version")


def _resources(root: Path, desc: dict[str, Any], profile: Profile, collector: Collector) -> list[ResourceRef]:
    resources = desc.get("resources")
    if not isinstance(resources, list) or not resources:
        collector.add(make_finding("JN-PKG-012", detail=zh_en("resources 必须是非空数组", "resources must be a non-empty array")))
        raise Fatal()
    out: list[ResourceRef] = []
    seen: dict[str, int] = {}
    declared_paths: set[Path] = set()
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            collector.add(make_finding("JN-PKG-012", detail=zh_en(f"resources[{i}] 缺少 name", f"resources[{i}] has no name")))
            continue
        name = res["name"]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 2:
            collector.add(make_finding("JN-PKG-011", resource=name,
                                       count=sum(1 for r in resources if isinstance(r, dict) and r.get("name") == name)))
        if seen[name] > 1:
            continue
        rel = res.get("path")
        if not isinstance(rel, str) or not rel:
            detail = zh_en(f"{name}：path 是列表（不支持多文件资源）", f"{name}: path is a list (multi-file resources are not supported)") \
                if isinstance(rel, list) else zh_en(f"{name}：缺少 path", f"{name}: no path")
            collector.add(make_finding("JN-PKG-012", resource=name, detail=detail))
            continue
        spec = profile.tables.get(name)
        if spec is None:
            collector.add(make_finding("JN-PKG-006", resource=name, hint=_name_hint(name, profile)))
            inside = resolve_inside(root, rel)
            if inside is not None:  # declared, if unknown: not also an undeclared file
                declared_paths.add(inside)
                if inside.is_file():   # the tools carry it through unchanged
                    out.append(ResourceRef(i, name, rel, inside, None))
            continue
        target = resolve_inside(root, rel)
        if target is None:
            collector.add(make_finding("JN-PKG-010", resource=name, path=rel))
            continue
        if not target.is_file():
            collector.add(make_finding("JN-PKG-007", resource=name, path=rel))
            continue
        fmt = str(res.get("format") or Path(rel).suffix.lstrip(".")).lower()
        if fmt != "csv":
            collector.add(make_finding("JN-PKG-012", resource=name, detail=zh_en(f"{name}：format {fmt!r} 不是 csv", f"{name}: format {fmt!r} is not csv")))
            out.append(ResourceRef(i, name, rel, target, None))
            continue
        declared_paths.add(target)
        ref = ResourceRef(i, name, rel, target, spec)
        if isinstance(res.get("bytes"), int):
            ref.declared_bytes = res["bytes"]
        h = res.get("hash")
        if isinstance(h, str) and h:
            algo, _, hexd = h.partition(":") if ":" in h else ("md5", "", h)
            algo = algo.lower()
            if algo in _HASHES:
                ref.declared_hash = (algo, hexd.lower())
            else:
                collector.add(make_finding("JN-PKG-012", resource=name, detail=zh_en(f"{name}：未知的哈希算法 {algo}", f"{name}: unknown hash algorithm {algo}")))
        out.append(ref)
    declared = {p.resolve() for p in declared_paths}
    for extra in sorted(root.rglob("*.csv")):
        if extra.resolve() not in declared:
            collector.add(make_finding("JN-PKG-013", path=str(extra.relative_to(root))))
    return out


def check_declared_size_and_hash(ref: ResourceRef, size: int, sha256: str, collector: Collector) -> None:
    if ref.declared_bytes is not None and ref.declared_bytes != size:
        collector.add(make_finding("JN-PKG-008", resource=ref.name, path=ref.rel_path, actual=size,
                                   declared=ref.declared_bytes))
    if ref.declared_hash:
        algo, declared = ref.declared_hash
        actual = sha256 if algo == "sha256" else _hash_file(ref.path, algo)
        if actual != declared:
            collector.add(make_finding("JN-PKG-009", resource=ref.name, path=ref.rel_path, algorithm=algo,
                                       actual=actual, declared=declared))


def _hash_file(path: Path, algo: str) -> str:
    h = hashlib.new(algo)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def resolve_inside(root: Path, rel: str) -> Path | None:
    """`rel` resolved against `root`, or None when it is a URL, absolute, or leads outside."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", rel) or rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return None
    p = (root / rel).resolve()
    r = root.resolve()
    if p != r and r not in p.parents:
        return None
    return p


def _name_hint(name: str, profile: Profile) -> dict[str, str]:
    by_title = {t.title: n for n, t in profile.tables.items()}
    if name in by_title:
        n = by_title[name]
        return {"zh": f"；“{name}”是表 {n} 的中文名称，资源名应为 {n}", "en": f"; “{name}” is the title of {n}: name it {n}"}
    close = difflib.get_close_matches(name.lower().replace("-", "_"), list(profile.tables), n=1, cutoff=0.6)
    if close:
        return {"zh": f"；是否指 {close[0]}？", "en": f"; did you mean {close[0]}?"}
    return {"zh": "", "en": ""}
