"""Benchmark: `jn-exchange validate` (all checks) against `frictionless validate` and a bare CSV
parse of the same generated packages, with recall on labelled defects. Not part of the tests.

    .venv/bin/python benchmarks/validator_speed.py [--sizes 10000,100000,1000000] [--with-10m]
        [--no-frictionless-above N] [--data DIR]

Each measurement runs in its own process; wall time and that process's peak RSS are recorded.
Writes benchmarks/validator-speed.md (the website's benchmark page embeds it: run
`.venv/bin/python -m docsgen` afterwards)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AS_OF = "2026-06-30"

# measured in a fresh process: wall seconds and the child's peak RSS (KiB on Linux)
_WRAP = ("import resource, subprocess, sys, time, json\n"
         "t = time.perf_counter()\n"
         "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
         "wall = time.perf_counter() - t\n"
         "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
         "print(json.dumps({'wall': wall, 'rss_mb': rss / 1024, 'rc': p.returncode, "
         "'err': p.stderr.decode('utf-8', 'replace')[-400:]}))\n")

BARE_CSV = ("import csv, sys, pathlib\n"
            "n = 0\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')):\n"
            "    with p.open(encoding='utf-8', newline='') as fh:\n"
            "        for _ in csv.reader(fh):\n"
            "            n += 1\n"
            "print(n)\n")

BARE_DUCKDB = ("import duckdb, sys, pathlib\n"
               "con = duckdb.connect()\n"
               "n = 0\n"
               "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')):\n"
               "    n += con.execute(f\"SELECT count(*) FROM read_csv('{p}', all_varchar=true, header=true)\").fetchone()[0]\n"
               "print(n)\n")


def measure(cmd: list[str], repeat: int = 1) -> dict:
    """Median wall time of `repeat` runs (each its own process; this machine's timings vary by
    ±15% from one minute to the next), every run's time, and the highest peak RSS."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    walls = sorted(r["wall"] for r in runs)
    return {**runs[-1], "wall": walls[len(walls) // 2], "walls": [r["wall"] for r in runs],
            "rss_mb": max(r["rss_mb"] for r in runs), "rc": max(r["rc"] for r in runs)}


def ensure_package(data: Path, rows: int) -> tuple[Path, Path]:
    pkg, bad = data / f"sample-{rows}", data / f"sample-{rows}-defects"
    if not (pkg / "datapackage.json").is_file():
        shutil.rmtree(pkg, ignore_errors=True)
        shutil.rmtree(bad, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([str(BIN / "jn-exchange"), "sample", str(pkg), "--rows", str(rows), "--seed", "1",
                        "--defects", "0.001"], check=True)
        print(f"  generated {rows:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
    return pkg, bad


def jn_findings(report: Path) -> list[dict]:
    doc = json.loads(report.read_text(encoding="utf-8"))
    return [{"code": f["code"], "resource": f.get("resource"), "row": f.get("row"), "field": f.get("field"),
             "severity": f["severity"]} for f in doc["findings"]]


def frictionless_places(report: Path) -> set[tuple[str, int, str]]:
    doc = json.loads(report.read_text(encoding="utf-8"))
    places = set()
    for task in doc.get("tasks", []):
        name = task.get("name") or Path(task.get("place", "")).stem
        for e in task.get("errors", []):
            places.add((name, e.get("rowNumber"), e.get("fieldName")))
    return places


def recall_frictionless(manifest: dict, places: set) -> dict:
    out: dict[str, list[int]] = {}
    for d in manifest["defects"]:
        hit = (d["resource"], d["row"], d["field"]) in places or (d["resource"], d["row"], None) in places
        out.setdefault(d["family"], [0, 0])
        out[d["family"]][0] += hit
        out[d["family"]][1] += 1
    return {k: v[0] / v[1] for k, v in sorted(out.items())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--with-10m", action="store_true")
    ap.add_argument("--no-frictionless-above", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing; the median is reported")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "jn-bench")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000_000] if args.with_10m else [])
    args.data.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "src"))
    from defect_recall import score  # beside this script (its folder is first on sys.path)

    rows_out, recall_out = [], []
    help_times = []
    for _ in range(5):
        help_times.append(measure([str(BIN / "jn-exchange"), "validate", "--help"])["wall"])
    cold = sorted(help_times)[2]
    for rows in sizes:
        print(f"{rows:,} rows", flush=True)
        pkg, bad = ensure_package(args.data, rows)
        real_rows = sum(sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in pkg.glob("*.csv"))
        mb = sum(p.stat().st_size for p in pkg.glob("*.csv")) / 1e6
        report = args.data / f"report-{rows}.json"
        jn = measure([str(BIN / "jn-exchange"), "validate", str(pkg), "--format", "json", "--output", str(report),
                      "--as-of", AS_OF], args.repeat)
        assert jn["rc"] == 0, jn
        bare = measure([sys.executable, "-c", BARE_CSV, str(pkg)], args.repeat)
        bare_db = measure([sys.executable, "-c", BARE_DUCKDB, str(pkg)], args.repeat)
        fl = None
        if rows <= args.no_frictionless_above:
            fdesc = pkg / "datapackage.json"   # self-contained: its schemas are beside the data
            fl = measure([str(BIN / "frictionless"), "validate", str(fdesc), "--json", "--limit-errors", "100000000"],
                         args.repeat)
            fdesc.unlink()
        rows_out.append((rows, real_rows, mb, jn, bare, bare_db, fl))
        print(f"  jn {jn['wall']:.2f}s {jn['rss_mb']:.0f}MB  bare-csv {bare['wall']:.2f}s  "
              f"bare-duckdb {bare_db['wall']:.2f}s  frictionless {fl['wall'] if fl else float('nan'):.1f}s", flush=True)
        # recall on the labelled defects (same rows, 0.1% of records broken)
        manifest = json.loads((bad / "defects.json").read_text(encoding="utf-8"))
        rep = args.data / f"report-{rows}-defects.json"
        subprocess.run([str(BIN / "jn-exchange"), "validate", str(bad), "--format", "json", "--output", str(rep),
                        "--as-of", AS_OF, "--max-examples", "100000"], capture_output=True)
        s = score(manifest, jn_findings(rep))
        fr = None
        if rows <= min(args.no_frictionless_above, 100_000):
            fdesc = bad / "datapackage.json"
            frep = args.data / f"frictionless-{rows}-defects.json"
            with frep.open("w") as fh:
                subprocess.run([str(BIN / "frictionless"), "validate", str(fdesc), "--json", "--limit-errors",
                                "100000000"], stdout=fh, stderr=subprocess.DEVNULL)
            fdesc.unlink()
            try:
                fr = recall_frictionless(manifest, frictionless_places(frep))
            except (json.JSONDecodeError, KeyError):
                fr = None
        recall_out.append((rows, manifest["total"], s, fr))
    write_markdown(rows_out, recall_out, cold, args.repeat)


def write_markdown(rows_out, recall_out, cold: float, repeat: int) -> None:
    today = dt.date.today().isoformat()
    lines = [
        "# Benchmark",
        "",
        f"Measured {today} on this project's CI-class machine ({os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}); each time is the median of {repeat} "
        "runs, each in its own process, taken one after the other so that jn-exchange and frictionless see the "
        "machine in the same state. Packages are `jn-exchange sample --rows N --seed 1` (every table of the standard; the row count "
        "is the total over all tables). 测试数据由 `jn-exchange sample` 生成，覆盖全部数据表。",
        "",
        "Redo: `.venv/bin/python benchmarks/validator_speed.py` (add `--with-10m` for 10M rows), then "
        "`.venv/bin/python -m docsgen`.",
        "",
    ]
    for _, real, _, jn, bare, _, fl in rows_out:   # the headline, before the wide table
        vs_fl = f"frictionless {fl['wall']:.1f} s ({fl['wall'] / jn['wall']:.0f}× slower 慢), " if fl else ""
        lines.append(f"- **{real:,} rows 行: jn-exchange {jn['wall']:.2f} s, {vs_fl}{jn['wall'] / bare['wall']:.1f}× "
                     f"a bare CSV parse 裸解析, peak 峰值 {jn['rss_mb']:.0f} MB**")
    lines += [
        "",
        "| rows 行数 | CSV MB | jn-exchange validate s | peak MB 峰值内存 | rows/s | bare CSV parse s (Python csv) | "
        "bare DuckDB read s | × bare csv | frictionless validate s | frictionless peak MB | frictionless ÷ jn |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _, real, mb, jn, bare, bare_db, fl in rows_out:
        fl_s = f"{fl['wall']:.1f}" if fl else "—"
        fl_m = f"{fl['rss_mb']:.0f}" if fl else "—"
        ratio = f"{fl['wall'] / jn['wall']:.0f}×" if fl else "—"
        lines.append(f"| {real:,} | {mb:.0f} | {jn['wall']:.2f} | {jn['rss_mb']:.0f} | {real / jn['wall']:,.0f} | "
                     f"{bare['wall']:.2f} | {bare_db['wall']:.2f} | {jn['wall'] / bare['wall']:.1f} | {fl_s} | "
                     f"{fl_m} | {ratio} |")
    lines += ["", "Every run (s) 每次运行:", ""]
    for _, real, _, jn, bare, _, fl in rows_out:
        runs = lambda m: ", ".join(f"{w:.2f}" for w in m["walls"])  # noqa: E731
        lines.append(f"- {real:,} rows: jn-exchange {runs(jn)}; bare CSV {runs(bare)}"
                     + (f"; frictionless {runs(fl)}" if fl else ""))
    lines += ["", f"Cold start of `jn-exchange validate --help`: {cold:.2f} s (median of 5).", "",
              "## Recall on labelled defects 缺陷检出率", "",
              "The same packages with 0.1% of records broken by `jn-exchange sample --defects 0.001` "
              "(defects.json says what was broken where). A defect counts as found when a finding of its rule "
              "names its table, row and field; frictionless is credited when any of its errors names the row "
              "(and field). False alarms: error or warning findings of structural rules at a row with no labelled "
              "defect. Business rules read several tables, so a defect in one record can rightly break a rule on "
              "a related record (a penalty kind written as its label leaves the decision's fine without kind 03): "
              "those are counted apart. On the clean packages every business rule gives no finding.",
              "",
              "| rows | defects | family | jn-exchange recall | frictionless recall |",
              "|---:|---:|---|---:|---:|"]
    for rows, total, s, fr in recall_out:
        for fam, v in s["recall"].items():
            frv = f"{fr.get(fam, 0):.2f}" if fr is not None else "—"
            lines.append(f"| {rows:,} | {v['labelled']} | {fam} | {v['recall']:.2f} | {frv} |")
        lines.append(f"| {rows:,} | {total} | false alarms | {s['false_alarms']} | |")
        lines.append(f"| {rows:,} | {total} | business findings on related records | {s['consequential']} | |")
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "validator-speed.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
