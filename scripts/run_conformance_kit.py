"""Run a validator against the jn-exchange conformance kit and say, per case, whether it passed.

    python run_conformance_kit.py KIT --command "jn-exchange validate {input} --format json --as-of {as_of}"

KIT is the kit's zip or its unpacked folder (the one holding manifest.json). The command is run
once per case, without a shell, with these placeholders filled: {input} (absolute path of the
case's package, zip, JSON document or file), {as_of} (the date the kit is judged on), {config}
(a JSON file {"limits": {...}}: the safety limits the case is judged with, jn-exchange's names),
{output} (a file the command may write its report to instead of printing it), {case} and {rule}. The
report is JSON with `findings: [{code, resource, row, field}]` (the shape of jn-exchange's JSON
report); `rules: [{code, resource, count}]`, when given, supplies exact counts beyond the listed
findings. The exit code of the command is not judged: only what it reports.

A case passes when every expected finding is reported, the code is reported exactly `count`
times in the resource (in every resource when none is named) when the kit gives a count, no code outside the case's expected and `also` codes is reported (unless
--allow-extra), and a passing case (`passes`) does not report its rule. Exit code 0 when every
case passed, 1 otherwise, 2 when the kit or the command cannot be used.

Python standard library only: the script is shipped inside the kit."""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import shlex
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MATCH_KEYS = ("code", "resource", "row", "field")
# only these are filled in, so that any other braces of a command (a JSON literal) stay as they are
PLACEHOLDER = re.compile(r"\{(input|as_of|config|output|case|rule)\}")


class KitError(Exception):
    """The kit cannot be read: not a zip, no manifest.json, a manifest that is not the kit's."""


@dataclass
class Outcome:
    id: str
    rule: str
    passed: bool
    problems: list[str] = field(default_factory=list)


@contextmanager
def opened_kit(kit: Path) -> Iterator[Path]:
    """The folder holding manifest.json: the kit itself, or the zip unpacked into a temporary folder."""
    if kit.is_dir():
        manifests = sorted([*kit.glob("manifest.json"), *kit.glob("*/manifest.json")])
        if not manifests:
            raise KitError(f"no manifest.json in {kit}")
        yield manifests[0].parent
        return
    with tempfile.TemporaryDirectory(prefix="jn-kit-run-") as tmp:
        try:
            with zipfile.ZipFile(kit) as zf:
                zf.extractall(tmp)   # extractall keeps every member inside tmp
        except (zipfile.BadZipFile, OSError) as exc:
            raise KitError(f"cannot unpack {kit}: {exc}") from exc
        manifests = sorted(Path(tmp).glob("*/manifest.json"))
        if not manifests:
            raise KitError(f"no manifest.json in {kit}")
        yield manifests[0].parent


def _items(report: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The objects of a list of the report (`findings`, `rules`); anything else counts as none."""
    value = report.get(key)
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _matches(finding: dict[str, Any], exp: dict[str, Any]) -> bool:
    return all(finding.get(k) == exp[k] for k in MATCH_KEYS if k in exp)


def _reported_count(report: dict[str, Any], exp: dict[str, Any]) -> int:
    """How many findings of the expectation's code are in its resource (every resource when it
    names none), whatever row or field it names: the exact tallies (`rules`) when the report has
    them, else the listed findings."""
    key = {k: exp[k] for k in ("code", "resource") if k in exp}
    if isinstance(report.get("rules"), list):
        return sum(t["count"] for t in _items(report, "rules") if _matches(t, key) and isinstance(t.get("count"), int))
    return sum(1 for f in _items(report, "findings") if _matches(f, key))


def judge(case: dict[str, Any], report: dict[str, Any], allow_extra: bool = False) -> list[str]:
    """What is wrong with `report` for `case` (empty: the case passed)."""
    problems = []
    for exp in case["expect"]:
        where = ", ".join(f"{k}={exp[k]}" for k in MATCH_KEYS if k in exp)
        if not any(_matches(f, exp) for f in _items(report, "findings")):
            problems.append(f"missing: {where}")
        elif "count" in exp and (n := _reported_count(report, exp)) != exp["count"]:
            problems.append(f"count: {where}: expected {exp['count']}, reported {n}")
    codes = {x.get("code") for x in _items(report, "findings") + _items(report, "rules")}
    if case["passes"] and case["rule"] in codes:
        problems.append(f"{case['rule']} reported on a case it must accept")
    extra = sorted(str(c) for c in codes - {e["code"] for e in case["expect"]} - set(case["also"]))
    if extra and not allow_extra:
        problems.append("unexpected: " + ", ".join(extra))
    return problems


def run_case(case: dict[str, Any], root: Path, command: str, as_of: str, timeout: float,
             allow_extra: bool) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="jn-kit-case-") as tmp:
        output, config = Path(tmp) / "report.json", Path(tmp) / "config.json"
        config.write_text(json.dumps({"limits": case.get("limits", {})}), encoding="utf-8")
        values = {"input": str((root / case["input"]).resolve()), "as_of": as_of, "config": str(config),
                  "output": str(output), "case": case["id"], "rule": case["rule"]}
        argv = [PLACEHOLDER.sub(lambda m: values[m.group(1)], part) for part in shlex.split(command)]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=tmp)
        except subprocess.TimeoutExpired:
            return Outcome(case["id"], case["rule"], False, [f"no report within {timeout:g} s"])
        except OSError as exc:
            return Outcome(case["id"], case["rule"], False, [f"cannot run the command: {exc}"])
        text = output.read_text(encoding="utf-8") if output.is_file() else done.stdout
        try:
            report = json.loads(text)
            if not isinstance(report, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            tail = done.stderr.strip().splitlines()[-1:] or [""]
            return Outcome(case["id"], case["rule"], False,
                           [f"no JSON report (exit code {done.returncode}): {exc}; {tail[0][:200]}"])
    problems = judge(case, report, allow_extra)
    return Outcome(case["id"], case["rule"], not problems, problems)


def run_kit(kit: Path, command: str, only: list[str] | None = None, jobs: int = 1, timeout: float = 300,
            allow_extra: bool = False) -> tuple[dict[str, Any], list[Outcome]]:
    with opened_kit(kit) as root:
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except ValueError as exc:
            raise KitError(f"{root / 'manifest.json'} is not JSON: {exc}") from exc
        if not isinstance(manifest, dict) or "as_of" not in manifest or not isinstance(manifest.get("cases"), list):
            raise KitError(f"{root / 'manifest.json'} is not a kit's manifest")
        cases = [c for c in manifest["cases"] if not only or any(fnmatch.fnmatchcase(c["id"], p) for p in only)]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            outcomes = list(pool.map(lambda c: run_case(c, root, command, manifest["as_of"], timeout, allow_extra),
                                     cases))
    return manifest, outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a validator against the jn-exchange conformance kit.")
    parser.add_argument("kit", type=Path, help="the kit's zip or unpacked folder")
    parser.add_argument("--command", required=True,
                        help="the validator's command line, with {input} (and optionally {as_of}, {config}, {output}, {case}, {rule})")
    parser.add_argument("--only", action="append", metavar="PATTERN", help="run only the cases whose id matches (glob)")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at the same time")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per case")
    parser.add_argument("--allow-extra", action="store_true", help="do not fail a case for codes it does not expect")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the per-case results as JSON")
    args = parser.parse_args(argv)
    if "{input}" not in args.command:
        parser.error("--command must contain {input}")
    if not args.kit.exists():
        parser.error(f"no kit at {args.kit}")
    try:
        manifest, outcomes = run_kit(args.kit, args.command, args.only, args.jobs, args.timeout, args.allow_extra)
    except KitError as exc:
        print(f"run_conformance_kit: {exc}", file=sys.stderr)
        return 2
    for o in outcomes:
        print(f"{'PASS' if o.passed else 'FAIL'}  {o.id}" + "".join(f"\n      {p}" for p in o.problems))
    passed = sum(o.passed for o in outcomes)
    print(f"\n{passed}/{len(outcomes)} cases passed (kit {manifest['kit_version']}, standard {manifest['standard_version']})")
    if args.json:
        args.json.write_text(json.dumps({"kit_version": manifest["kit_version"], "passed": passed, "total": len(outcomes),
                                         "cases": [o.__dict__ for o in outcomes]}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0 if outcomes and passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
