"""`jn-exchange validate`: the flow from what the user passed to a ValidationResult.

    input (folder | datapackage.json | zip | JSON document)
      -> package (safe unpack, JSON form to CSV, descriptor: the one opener)
      -> reader (byte scan of each file)
      -> package, file and header rules
      -> engine (DuckDB: cell, key and reference checks; typed views)
      -> business rules of the regulations
      -> ValidationResult (report writers take it from there)

Everything written goes to a private temporary folder that is removed at the end."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from jn_exchange import STANDARD_VERSION, __version__, business
from jn_exchange.config import Config
from jn_exchange.descriptor import Fatal, check_declared_size_and_hash
from jn_exchange.engine import Engine
from jn_exchange.filechecks import check_file, check_header
from jn_exchange.findings import Collector, ResourceStat, Severity, ValidationResult
from jn_exchange.package import InputError, identify, open_package
from jn_exchange.profile import load_profile
from jn_exchange.reader.csvscan import scan_file

Progress = Callable[[str, int, int], None]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def validate(path: Path, config: Config, as_of: dt.date | None = None, fail_on: Severity = Severity.ERROR,
             progress: Progress | None = None, memory_limit: str = "1GB") -> ValidationResult:
    started = time.perf_counter()
    as_of = as_of or dt.date.today()
    source = identify(path)
    try:
        profile = load_profile()
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"the standard's generated profile cannot be loaded: {exc}") from exc
    collector = Collector(config.overrides, config.limits.max_examples)
    stats: list[ResourceStat] = []
    declared_version: str | None = None
    sha: str | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="jn-exchange-") as tmp:
            work = Path(tmp)
            sha = source.sha256
            try:
                pkg = open_package(source, profile, collector, config.limits, work)
                declared_version = pkg.standard_version
                sha = _check_tables(pkg.root, pkg.tables, work, profile, collector, config, stats, progress, sha,
                                   memory_limit, as_of, pseudonymized=pkg.pseudonymized,
                                   declared=pkg.declared_names)
            except Fatal:
                pass
    except PermissionError as exc:
        raise InputError(f"permission denied: {exc}") from exc
    return ValidationResult(
        standard_version=declared_version, validator_version=__version__,
        supported_standard_version=STANDARD_VERSION, as_of=as_of.isoformat(), source=str(path),
        source_kind=source.kind, package_sha256=sha,
        tallies=sorted(collector.tallies.values(), key=lambda t: (-t.severity.rank, t.code, t.resource or "")),
        resources=stats, config=config.as_record(), max_examples=config.limits.max_examples,
        fail_on=fail_on, duration_s=round(time.perf_counter() - started, 3))


def _check_tables(root: Path, refs, work: Path, profile, collector: Collector, config: Config,
                  stats: list[ResourceStat], progress: Progress | None, sha: str | None, memory_limit: str,
                  as_of: dt.date, pseudonymized: bool = False, declared: frozenset[str] = frozenset()) -> str | None:
    # Tables are loaded and checked by `workers` threads at once, one table's Python scan
    # overlapping another's DuckDB queries; DuckDB gets the cores left per worker (one on the
    # 2-core target, measured faster than two threads per query: its parallel CSV reader costs
    # more than it gains on files of tens of MB, and the workers already fill the cores)
    workers = max(1, min(4, os.cpu_count() or 2))
    engine = Engine(work / "engine", profile, collector, config.limits, memory_limit=memory_limit,
                    threads=max(1, (os.cpu_count() or 2) // workers))
    engine.pseudonymized = pseudonymized
    engine.view_columns = business.names_used()
    manifest: list[str] = [f"datapackage.json\t{_sha256(root / 'datapackage.json')}"]
    try:
        order = {name: i for i, name in enumerate(profile.tables)}
        refs = sorted(refs, key=lambda r: order[r.name])
        total = len(refs)
        done = iter(range(1, total + 1))   # next() is atomic enough for a progress count

        def check_one(ref) -> tuple[str, ResourceStat]:
            engine.bind_thread()
            scan = scan_file(ref.path, work / "transcoded")
            stat = ResourceStat(ref.name, ref.rel_path, None, ref.spec.title)
            check_declared_size_and_hash(ref, scan.size, scan.sha256, collector)
            if check_file(ref.name, ref.rel_path, scan, collector):
                rename = check_header(ref.spec, scan.header or [], collector)
                table = engine.load(ref.spec, scan, scan.header or [], rename)
                if table is not None:
                    stat.rows = table.rows
                    engine.check_cells(table)
                    engine.check_keys(table)
                    engine.create_typed_view(ref.name)
            if progress:
                progress(ref.name, next(done), total)
            return f"{ref.rel_path}\t{scan.sha256}", stat

        def refs_of(group):
            engine.bind_thread()
            return engine.check_reference_group(group)

        def install_calendar() -> None:
            engine.bind_thread()
            business.prepare(engine.con, as_of)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            prepared = pool.submit(install_calendar)   # the business rules' calendar, while tables load
            for line, stat in pool.map(check_one, refs):   # results in profile order
                manifest.append(line)
                stats.append(stat)
            if progress:
                progress("references", total, total)
            # once every table is loaded: foreign keys and the business rules, in the same workers
            # (their queries overlap each other's Python work)
            ref_checks = [pool.submit(refs_of, group) for group in engine.reference_groups()]
            engine.create_missing_views()
            # a rule cannot judge a table whose declared file could not be read: it would see no rows
            unreadable = ({r.name for r in refs} | set(declared)) - set(engine.tables)
            prepared.result()
            business.run_business_rules(engine, collector, as_of, pool, skip_tables=unreadable)
            for _, findings, n in sorted((x for f in ref_checks for x in f.result()), key=lambda x: x[0]):
                collector.add_counted(findings[0], n, findings[1:])
    finally:
        engine.close()
    if sha is None:  # a folder: hash of the manifest of its declared files
        sha = hashlib.sha256("\n".join(sorted(manifest)).encode()).hexdigest()
    return sha
