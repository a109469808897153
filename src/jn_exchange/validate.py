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
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from jn_exchange import STANDARD_VERSION, __version__, business
from jn_exchange.config import Config, cap_listed_errors
from jn_exchange.descriptor import Fatal, ResourceRef, check_declared_size_and_hash, check_support
from jn_exchange.engine import Engine, EngineSettings
from jn_exchange.engine.keys import ForeignKey, KeyFindings
from jn_exchange.engine.settings import DEFAULT_MEMORY_LIMIT, size_in_bytes
from jn_exchange.filechecks import check_file, check_header
from jn_exchange.findings import Collector, ResourceStat, Severity, ValidationResult
from jn_exchange.package import InputError, file_sha256, identify, open_package
from jn_exchange.package_schemas import check_declared_schemas
from jn_exchange.profile import Profile, load_profile
from jn_exchange.reader.csvscan import scan_file
from jn_exchange.timelimit import Deadline

Progress = Callable[[str, int, int], None]


def validate(path: Path, config: Config, as_of: dt.date | None = None, fail_on: Severity = Severity.ERROR,
             progress: Progress | None = None, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> ValidationResult:
    started = time.perf_counter()
    as_of = as_of or dt.date.today()
    source = identify(path)
    try:
        profile = load_profile()
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"the standard's generated profile cannot be loaded: {exc}",
                         f"无法载入规范的生成文件：{exc}") from exc
    collector = Collector(config.overrides, config.limits.max_examples)
    stats: list[ResourceStat] = []
    declared_version: str | None = None
    model_version: str | None = None   # whose model judged it
    sha: str | None = None
    skipped: list[str] = []   # tables left out by --tables (config.tables)
    deadline = Deadline(config.limits.max_seconds)
    try:
        with deadline, tempfile.TemporaryDirectory(prefix="jn-exchange-") as tmp:
            work = Path(tmp)
            sha = source.sha256
            try:
                # judged by the model of the version it declares, while that version is supported
                pkg = open_package(source, None, collector, config.limits, work)
                check_support(pkg.standard_version, as_of, collector)
                profile = pkg.profile or profile
                declared_version = pkg.standard_version
                model_version = profile.standard_version
                check_declared_schemas(pkg.root, pkg.descriptor, [(r.index, r.name) for r in pkg.tables],
                                       pkg.pseudonymized, collector, config.limits.max_descriptor_bytes, profile)
                skipped = [r.name for r in pkg.tables if not config.checks_table(r.name)]
                checked = _check_tables(RunContext(
                    root=pkg.root, refs=tuple(r for r in pkg.tables if r.name not in skipped), work=work,
                    profile=profile, collector=collector,
                    config=config, as_of=as_of, memory_limit=memory_limit, progress=progress,
                    pseudonymized=pkg.pseudonymized, declared=pkg.declared_names, deadline=deadline))
                stats = checked.stats
                if sha is None and not skipped:   # files not read are not in the manifest
                    sha = checked.package_sha256()
            except Fatal:
                pass
    except Exception as exc:
        if deadline.expired:   # whatever the interrupted step raised: the time is up
            raise deadline.exceeded() from None
        if isinstance(exc, PermissionError):
            raise InputError(f"permission denied: {exc}", f"没有权限：{exc}") from exc
        if isinstance(exc, duckdb.OutOfMemoryException) or isinstance(exc.__cause__, duckdb.OutOfMemoryException):
            # a step that cannot spill (a hash table, a sort run) needs more than the limit given
            more = more_memory(memory_limit)
            raise InputError(f"the memory limit {memory_limit} is too small for this package (some steps cannot "
                             f"spill to disk); give more with --memory-limit, e.g. {more}",
                             f"内存上限 {memory_limit} 对这个交换包太小（有些步骤不能写到磁盘上）；"
                             f"请用 --memory-limit 给更多，例如 {more}") from exc
        raise
    deadline.check()   # a step interrupted at the end may have left findings of its own
    tallies = sorted(collector.tallies.values(), key=lambda t: (-t.severity.rank, t.code, t.resource or ""))
    left_out = cap_listed_errors(tallies, config.max_errors)
    return ValidationResult(
        standard_version=declared_version, validator_version=__version__,
        supported_standard_version=STANDARD_VERSION, as_of=as_of.isoformat(), source=str(path),
        source_kind=source.kind, package_sha256=sha,
        tallies=tallies, resources=stats, config=config.as_record(skipped, left_out),
        max_examples=config.limits.max_examples,
        fail_on=fail_on, duration_s=round(time.perf_counter() - started, 3), model_version=model_version)


def more_memory(limit: str) -> str:
    """A limit to suggest after `limit` ran out: four times it (at least 2GB), in GB."""
    given = size_in_bytes(limit) or 0
    return f"{max(2, int(-(-4 * given // 10**9)))}GB"


@dataclass(frozen=True)
class RunContext:
    """What the table checks of one validation work with."""
    root: Path                        # the folder holding datapackage.json
    refs: tuple[ResourceRef, ...]     # the declared tables whose files can be read
    work: Path                        # the run's private folder
    profile: Profile
    collector: Collector
    config: Config
    as_of: dt.date
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    progress: Progress | None = None
    pseudonymized: bool = False
    declared: frozenset[str] = frozenset()   # every resource name the descriptor declares
    deadline: Deadline | None = None          # the run's time limit


@dataclass
class TablesChecked:
    stats: list[ResourceStat] = field(default_factory=list)   # one per table, in profile order
    manifest: list[str] = field(default_factory=list)         # "path<TAB>sha256" of every file read

    def package_sha256(self) -> str:
        """A folder's identity: the hash of the manifest of its declared files."""
        return hashlib.sha256("\n".join(sorted(self.manifest)).encode()).hexdigest()


def _check_tables(run: RunContext) -> TablesChecked:
    # Tables are loaded and checked by `workers` threads at once, one table's Python scan
    # overlapping another's DuckDB queries; DuckDB gets the cores left per worker (one on the
    # 2-core target, measured faster than two threads per query: its parallel CSV reader costs
    # more than it gains on files of tens of MB, and the workers already fill the cores)
    workers = max(1, min(4, os.cpu_count() or 2))
    checked = TablesChecked(manifest=[f"datapackage.json\t{file_sha256(run.root / 'datapackage.json')}"])
    settings = EngineSettings(limits=run.config.limits, memory_limit=run.memory_limit,
                              threads=max(1, (os.cpu_count() or 2) // workers), pseudonymized=run.pseudonymized,
                              view_columns=business.names_used(), session=business.session_sql(run.as_of))
    engine = Engine(run.work / "engine", run.profile, run.collector, settings)
    deadline = run.deadline
    if deadline is not None:   # every connection of the run stops when the time is up
        deadline.track(engine.con)
    try:
        order = {name: i for i, name in enumerate(run.profile.tables)}
        refs = sorted(run.refs, key=lambda r: order[r.name])
        total = len(refs)
        done = iter(range(1, total + 1))   # next() is atomic enough for a progress count

        def check_one(ref: ResourceRef) -> tuple[str, ResourceStat]:
            line, stat = _check_table(engine, run, ref)
            if run.progress:
                run.progress(ref.name, next(done), total)
            return line, stat

        track = (lambda: deadline.track(engine.cursor())) if deadline is not None else None
        with ThreadPoolExecutor(max_workers=workers, initializer=track) as pool:
            # the business rules' calendar, while tables load
            prepared = pool.submit(lambda: business.prepare(engine.cursor(), run.as_of))
            for line, stat in pool.map(check_one, refs):   # results in profile order
                checked.manifest.append(line)
                checked.stats.append(stat)
            if run.progress:
                run.progress("references", total, total)
            # once every table is loaded: foreign keys and the business rules, in the same workers
            # (their queries overlap each other's Python work)
            # a rule or a reference cannot judge a table whose declared file could not be read (its
            # file finding says why): it would see no rows
            unreadable = ({r.name for r in refs} | set(run.declared)) - set(engine.tables)
            ref_checks = [pool.submit(_check_references, engine, group) for group in engine.reference_groups()
                          if group[0].target not in unreadable]
            engine.create_missing_views()
            prepared.result()
            business.run_business_rules(engine, run.collector, run.as_of, pool, skip_tables=unreadable)
            for _, findings, n in sorted((x for f in ref_checks for x in f.result()), key=lambda x: x[0]):
                run.collector.add_counted(findings[0], n, findings[1:])
    finally:
        engine.close()
    return checked


def _check_table(engine: Engine, run: RunContext, ref: ResourceRef) -> tuple[str, ResourceStat]:
    """One table, in a worker: its file, its header, then the engine's checks and its typed
    view. Returns its manifest line and its stat."""
    spec = ref.spec
    assert spec is not None   # run.refs are Package.tables: resources with a spec
    engine.bind_thread()
    check_time = run.deadline.check if run.deadline is not None else (lambda: None)
    check_time()
    scan = scan_file(ref.path, run.work / "transcoded", on_chunk=check_time)
    stat = ResourceStat(ref.name, ref.rel_path, None, spec.title)
    check_declared_size_and_hash(ref, scan.size, scan.sha256, run.collector)
    if check_file(ref.name, ref.rel_path, scan, run.collector):
        rename = check_header(spec, scan.header or [], run.collector)
        check_time()
        table = engine.load(spec, scan, scan.header or [], rename)
        if table is not None:
            stat.rows = table.rows
            check_time()
            engine.check_cells(table)
            check_time()
            engine.check_keys(table)
            engine.create_typed_view(ref.name)
    return f"{ref.rel_path}\t{scan.sha256}", stat


def _check_references(engine: Engine, group: list[ForeignKey]) -> list[KeyFindings]:
    engine.bind_thread()
    return engine.check_reference_group(group)
