"""`jn-exchange upgrade PACKAGE --to VERSION OUT`: a package of an older version of the standard
rewritten as VERSION, into a new folder, with every change logged (OUT/upgrade-log.json).

What the diff between the two versions asks of the data, and what is done:
- a table or a field removed: its file or column is dropped (the log counts the values lost);
- a required field added, a code removed that the data uses: cannot be made up, so it is listed
  for the vendor (with the count of rows concerned);
- everything else (new tables, optional fields, codes, tightened constraints): nothing to rewrite;
  the output is validated by VERSION's model at the end and what still fails is summarised;
- the declared version becomes VERSION and the carried Table Schemas become VERSION's.

Files not touched by a change are copied byte for byte. The input is never modified and OUT is
never overwritten (tools._package)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jn_exchange import versions
from jn_exchange.profile import load_version_profile
from jn_exchange.reader.table import TableReadError, read_records
from jn_exchange.release import snapshot
from jn_exchange.release.diff import Diff, compare
from jn_exchange.tools._package import (
    OpenPackage,
    ToolError,
    carry_standard_schemas,
    check_new_output,
    copy_resource,
    new_folder,
    open_package,
    out_path,
    refresh_integrity,
    write_json,
)

LOG_NAME = "upgrade-log.json"
Echo = Callable[[str], None]


@dataclass
class UpgradeLog:
    from_version: str
    to_version: str
    applied: list[dict[str, Any]] = field(default_factory=list)     # what was rewritten
    attention: list[dict[str, Any]] = field(default_factory=list)   # what the vendor must supply
    unchanged: list[dict[str, Any]] = field(default_factory=list)   # changes of the model that need no rewrite
    remaining: dict[str, int] = field(default_factory=dict)         # findings of the output, by rule code

    def as_record(self) -> dict[str, Any]:
        return {"from": self.from_version, "to": self.to_version, "applied": self.applied,
                "attention": self.attention, "model_changes_without_rewrite": self.unchanged,
                "validation_of_output": self.remaining}


def run(src: Path, to: str, out: Path, echo: Echo, *, check: bool = True, as_of: dt.date | None = None) -> int:
    """Returns the exit code: 0 the output validates as `to`, 1 it was written but needs the
    vendor's attention (listed). Problems that stop it raise ToolError."""
    target = versions.release(to)
    if target is None:
        raise ToolError(f"{to} is not a version this software knows ({', '.join(r.version for r in versions.RELEASES)})")
    check_new_output(out, src, folder=True)
    with open_package(src, None) as pkg:
        declared = pkg.standard_version
        source_rel = versions.release(declared) if declared else None
        if declared is None or source_rel is None:
            raise ToolError(f"{src} declares standard version {declared!r}, not one this software knows; "
                            "set standard_version to the version the package was made for")
        if source_rel.key >= target.key:
            raise ToolError(f"{src} declares {declared}; upgrade goes to a later version only (asked: {to})")
        diff = compare(snapshot.load(declared), snapshot.load(to))
        log = UpgradeLog(declared, to)
        with new_folder(out) as tmp:
            _rewrite(pkg, diff, target, tmp, log)
    if check:
        _validate_output(out, log, as_of)
        write_json(out / LOG_NAME, log.as_record())
    _report(log, out, echo)
    return 0 if not log.attention and not log.remaining.get("error") else 1


def _rewrite(pkg: OpenPackage, diff: Diff, target: versions.Release, tmp: Path, log: UpgradeLog) -> None:
    removed_tables = {c.where for c in diff.changes if c.rule == "table-removed"}
    removed_fields: dict[str, set[str]] = {}
    added_fields: dict[str, set[str]] = {}
    for c in diff.changes:
        if c.rule in ("field-removed", "field-added-optional", "field-added-required"):
            table, _, name = c.where.partition(".")
            (removed_fields if c.rule == "field-removed" else added_fields).setdefault(table, set()).add(name)
    order = {name: spec.field_names for name, spec in load_version_profile(target.version).tables.items()}
    desc = dict(pkg.descriptor)
    resources = [dict(r) if isinstance(r, dict) else r for r in desc.get("resources", [])]
    keep: list[Any] = []
    tables: list[tuple[int, str]] = []
    by_index = {r.index: r for r in pkg.resources}
    for i, res in enumerate(resources):
        ref = by_index.get(i)
        if ref is not None and ref.spec is not None and ref.name in removed_tables:
            log.applied.append({"change": "table-removed", "table": ref.name, "rows_dropped": _count_rows(ref.path)})
            continue
        keep.append(res)
        if ref is None:
            continue
        if ref.spec is not None and (removed_fields.get(ref.name) or added_fields.get(ref.name)):
            dest = out_path(tmp, ref.rel_path)
            dropped, added = _rewrite_columns(ref.path, dest, removed_fields.get(ref.name, set()),
                                              added_fields.get(ref.name, set()), order.get(ref.name, []))
            for name in sorted(dropped):
                log.applied.append({"change": "field-removed", "table": ref.name, "field": name, "values_dropped": dropped[name]})
            for name in added:
                log.applied.append({"change": "field-added", "table": ref.name, "field": name, "column": "empty"})
            if isinstance(res, dict):
                refresh_integrity(res, dest)
        else:
            copy_resource(ref.path, tmp, ref.rel_path)
        if ref.spec is not None:
            tables.append((len(keep) - 1, ref.name))
    desc["resources"] = keep
    log.applied.append({"change": "standard_version", "old": pkg.standard_version, "new": target.version})
    desc["standard_version"] = target.version
    carry_standard_schemas(desc, tmp, tables, pkg.pseudonymized, generated=target.generated)
    log.applied.append({"change": "table-schemas", "tables": len(tables), "version": target.version})
    _needs(pkg, diff, log)
    write_json(tmp / "datapackage.json", desc)
    write_json(tmp / LOG_NAME, log.as_record())


def _needs(pkg: OpenPackage, diff: Diff, log: UpgradeLog) -> None:
    """What the data must gain (required fields) or lose (removed codes in use) by hand."""
    for c in diff.changes:
        if c.rule in ("field-removed", "table-removed"):
            continue
        table, _, name = c.where.partition(".")
        ref = pkg.table(table)
        if c.rule in ("field-added-required", "field-required") and ref is not None:
            rows, empty = _empty_cells(ref.path, name)
            if empty:
                log.attention.append({"change": c.rule, "table": table, "field": name, "rows_to_fill": empty})
                continue
        elif c.rule == "code-removed":
            codelist, _, code = c.where.partition(":")
            uses = _code_uses(pkg, codelist, code)
            if uses:
                log.attention.append({"change": c.rule, "codelist": codelist, "code": code, "cells": uses})
                continue
        log.unchanged.append({"change": c.rule, "where": c.where, "level": c.level,
                              **({"property": c.prop} if c.prop else {})})


def _records(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        rows = [cells for _, cells in read_records(path)]
    except (TableReadError, UnicodeDecodeError, ValueError) as exc:
        raise ToolError(f"{path.name} cannot be read as UTF-8 CSV ({exc}); repair it with jn-exchange fix first") from exc
    return (rows[0] if rows else []), rows[1:]


def _count_rows(path: Path) -> int:
    return len(_records(path)[1])


def _empty_cells(path: Path, name: str) -> tuple[int, int]:
    header, rows = _records(path)
    if name not in header:
        return len(rows), len(rows)
    i = header.index(name)
    return len(rows), sum(1 for r in rows if i >= len(r) or not r[i].strip())


def _code_uses(pkg: OpenPackage, codelist: str, code: str) -> int:
    n = 0
    for ref in pkg.tables:
        assert ref.spec is not None
        bound = [f.name for f in ref.spec.fields if f.codelist == codelist]
        if not bound:
            continue
        header, rows = _records(ref.path)
        cols = [header.index(b) for b in bound if b in header]
        n += sum(1 for r in rows for i in cols if i < len(r) and r[i] == code)
    return n


def _rewrite_columns(src: Path, dest: Path, drop: set[str], add: set[str], order: list[str]) -> tuple[Counter[str], list[str]]:
    """The file with the columns of `drop` removed (non-empty values counted) and empty columns
    for the fields of `add`, the standard's fields in the target's order (other columns after
    them, as they were). Returns the values dropped by column and the columns added."""
    header, rows = _records(src)
    new = [h for h in [*order, *(h for h in header if h not in order)]
           if h not in drop and (h in header or h in add)]
    added = [h for h in new if h not in header]
    at = {h: i for i, h in enumerate(header)}
    lost: Counter[str] = Counter()
    with dest.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(new)
        for r in rows:
            for h in drop:
                if h in at and at[h] < len(r) and r[at[h]] != "":
                    lost[h] += 1
            w.writerow([r[at[h]] if h in at and at[h] < len(r) else "" for h in new])
    return lost, added


def _validate_output(out: Path, log: UpgradeLog, as_of: dt.date | None) -> None:
    from jn_exchange.config import Config, Limits
    from jn_exchange.validate import validate

    result = validate(out, Config({}, Limits()), as_of=as_of)
    counts: Counter[str] = Counter()
    for t in result.tallies:
        counts[t.severity.value] += t.count
        counts[t.code] += t.count
    log.remaining = dict(sorted(counts.items()))


def _report(log: UpgradeLog, out: Path, echo: Echo) -> None:
    from jn_exchange.rules import registry
    from jn_exchange.tools.lang import say

    echo(say(f"已写入 {out}：规范 {log.from_version} → {log.to_version}；改动 {len(log.applied)} 处，"
             f"{len(log.unchanged)} 项模型变更无需改写（见 {out / LOG_NAME}）",
             f"wrote {out}: standard {log.from_version} → {log.to_version}; {len(log.applied)} changes applied, "
             f"{len(log.unchanged)} model changes need no rewrite (see {out / LOG_NAME})"))
    for item in log.attention:
        what = ", ".join(f"{k}={v}" for k, v in item.items() if k != "change")
        echo(say(f"  需要处理：{item['change']}：{what}", f"  needs attention: {item['change']}: {what}"))
    errors = log.remaining.get("error", 0)
    warnings = log.remaining.get("warning", 0)
    if not log.remaining:
        echo(say(f"  按 {log.to_version} 校验输出：没有发现问题", f"  validation of the output as {log.to_version}: no findings"))
        return
    found = {k: v for k, v in log.remaining.items() if k.startswith("JN-")}
    codes = ", ".join(f"{k} ×{v}" for k, v in found.items())
    echo(say(f"  按 {log.to_version} 校验输出：错误 {errors} 处，警告 {warnings} 处" + (f"（{codes}）" if codes else ""),
             f"  validation of the output as {log.to_version}: {errors} errors, {warnings} warnings"
             + (f" ({codes})" if codes else "")))
    # what passes now only because its rule is in transition: to be mended before it is an error
    rules = registry()
    later = sorted({(rules[c].error_from or "", c) for c in found if c in rules and rules[c].in_transition})
    for version in sorted({v for v, _ in later}):
        which = [c for v, c in later if v == version]
        echo(say(f"  其中 {'、'.join(which)} 在过渡期内为警告，自 {version} 版起为错误：请在此之前补正",
                 f"  of these, {', '.join(which)} are warnings in transition and errors from version {version}: "
                 f"mend them before"))
