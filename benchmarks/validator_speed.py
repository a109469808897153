"""Benchmark: `jn-exchange validate` (all checks) beside the floors of the same files, measured
side by side in one run: pyarrow reading every CSV file, DuckDB reading them into tables (the
columns given), a Python csv parse, frictionless validate; the JSON form beside the CSV form of
the same data; the example package beside `python -c pass`; recall on labelled defects. Not
part of the tests.

    .venv/bin/python benchmarks/validator_speed.py [--sizes 10000,200000,1000000] [--with-10m]
        [--with-100m] [--frictionless-up-to N] [--repeat 3] [--data DIR]

Each measurement runs in its own process (wall time and that process's peak RSS), the commands
of one size taken in turn, `--repeat` rounds; the median and the fastest round are kept (the page
compares the validator's median with the floors' fastest round). Writes
benchmarks/validator-speed.json; the website's benchmark page is rendered from it in each
language (`.venv/bin/python -m docsgen`). pyarrow comes with the `bench` extra."""

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
RESULTS = ROOT / "benchmarks" / "validator-speed.json"

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

# every file into a DuckDB table, its columns given as text (what the validator's load does
# before any check), in one process
BARE_DUCKDB = ("import csv, duckdb, sys, pathlib\n"
               "con = duckdb.connect()\n"
               "for i, p in enumerate(sorted(pathlib.Path(sys.argv[1]).glob('*.csv'))):\n"
               "    with p.open(encoding='utf-8', newline='') as fh:\n"
               "        header = next(csv.reader(fh))\n"
               "    cols = '{' + ', '.join(f\"'c{j}': 'VARCHAR'\" for j in range(len(header))) + '}'\n"
               "    con.execute(f\"CREATE TABLE t{i} AS SELECT * FROM read_csv('{p}', columns={cols}, header=true, \"\n"
               "                f\"auto_detect=false, delim=',', quote='\\\"')\")\n")

# every file read by pyarrow's multi-threaded CSV reader into Arrow tables, with the system
# allocator: arrow's default (mimalloc) paid up to a second of system time when another process
# had just run (1M rows right after a validation: 0.25-0.65 s, the slow runs with 0.3-0.75 s of
# system time; the system allocator: 0.29-0.30 s in four such runs). It still varies in the
# benchmark's rounds (0.30-0.54 s), so the page takes a floor's fastest round
BARE_PYARROW = ("import sys, pathlib\n"
                "import pyarrow\n"
                "from pyarrow import csv\n"
                "pool = pyarrow.system_memory_pool()\n"
                "n = 0\n"
                "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')):\n"
                "    n += csv.read_csv(p, memory_pool=pool).num_rows\n"
                "print(n)\n")


def fresh_bytecode() -> None:
    """Every module of the package compiled, as an installed package is: a checkout run with
    PYTHONDONTWRITEBYTECODE compiles each changed module again in every process (measured: 17 ms
    of a 0.09 s `--help`)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "jn_exchange")], check=True)


def side_by_side(cmds: dict[str, list[str]], repeat: int) -> dict[str, dict]:
    """Each command `repeat` times, the commands taken in turn in each round, so that all of
    them see the machine in the same states (its speed drifts by ±15% from minute to minute)."""
    runs: dict[str, list[dict]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            out = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, check=True)
            runs[name].append(json.loads(out.stdout))
    result = {}
    for name, rs in runs.items():
        walls = sorted(r["wall"] for r in rs)
        result[name] = {"wall": round(walls[len(walls) // 2], 3), "best": round(walls[0], 3),
                        "walls": [round(r["wall"], 3) for r in rs],
                        "rss_mb": round(max(r["rss_mb"] for r in rs)), "rc": max(r["rc"] for r in rs),
                        "err": rs[-1]["err"][-200:]}
    return result


def ensure_package(data: Path, rows: int, defects: bool = True) -> tuple[Path, Path]:
    pkg, bad = data / f"sample-{rows}", data / f"sample-{rows}-defects"
    if not (pkg / "datapackage.json").is_file() or (defects and not (bad / "defects.json").is_file()):
        shutil.rmtree(pkg, ignore_errors=True)
        shutil.rmtree(bad, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([str(BIN / "jn-exchange"), "sample", str(pkg), "--rows", str(rows), "--seed", "1",
                        *(["--defects", "0.001"] if defects else [])], check=True)
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


def validate_cmd(path: Path, report: Path, *extra: str) -> list[str]:
    return [str(BIN / "jn-exchange"), "validate", str(path), "--format", "json", "--output", str(report),
            "--as-of", AS_OF, "--no-progress", *extra]


def frictionless_cmd(pkg: Path) -> list[str]:
    return [str(BIN / "frictionless"), "validate", str(pkg / "datapackage.json"), "--json",
            "--limit-errors", "100000000"]


def csv_megabytes(pkg: Path) -> float:
    return round(sum(p.stat().st_size for p in pkg.glob("*.csv")) / 1e6, 1)


def data_rows(pkg: Path) -> int:
    return sum(sum(1 for _ in p.open("rb")) - 1 for p in pkg.glob("*.csv"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,200000,1000000")
    ap.add_argument("--with-10m", action="store_true")
    ap.add_argument("--with-100m", action="store_true", help="about 10 GB of CSV, generated once (about 40 min)")
    ap.add_argument("--memory-limit-100m", default="4GB")
    ap.add_argument("--only-100m", action="store_true",
                    help="measure the 100M-row package only, keeping the other results of the file")
    ap.add_argument("--frictionless-up-to", type=int, default=200_000)
    ap.add_argument("--json-rows", type=int, default=1_000_000, help="the JSON form beside the CSV form (0: skip)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing; the median is reported")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "jn-bench")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000_000] if args.with_10m else [])
    fresh_bytecode()
    args.data.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "src"))
    from defect_recall import score  # beside this script (its folder is first on sys.path)

    if args.only_100m:   # the other figures stay as measured; this one is added to them
        out = json.loads(RESULTS.read_text(encoding="utf-8"))
        out["huge"] = _huge(args)
        out["huge"]["measured"] = dt.date.today().isoformat()
        RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}; now run .venv/bin/python -m docsgen")
        return
    out: dict = {"measured": dt.date.today().isoformat(), "cores": os.cpu_count(),
                 "python": f"{platform.python_implementation()} {platform.python_version()}",
                 "repeat": args.repeat, "sizes": [], "recall": []}
    start = side_by_side({"help": [str(BIN / "jn-exchange"), "validate", "--help"],
                          "python": [sys.executable, "-c", "pass"]}, 5)
    out["help"], out["python_start"] = start["help"], start["python"]
    example = ROOT / "examples" / "jinan-sample"
    out["example"] = {"rows": data_rows(example), **side_by_side(
        {"jn": validate_cmd(example, args.data / "report-example.json"),
         "python": [sys.executable, "-c", "pass"]}, max(args.repeat, 5))}
    print(f"example {out['example']['jn']['wall']:.2f}s, --help {out['help']['wall']:.2f}s", flush=True)
    for rows in sizes:
        pkg, bad = ensure_package(args.data, rows)
        cmds = {"jn": validate_cmd(pkg, args.data / f"report-{rows}.json"),
                "pyarrow": [sys.executable, "-c", BARE_PYARROW, str(pkg)],
                "duckdb": [sys.executable, "-c", BARE_DUCKDB, str(pkg)],
                "csv": [sys.executable, "-c", BARE_CSV, str(pkg)]}
        if rows <= args.frictionless_up_to:
            cmds["frictionless"] = frictionless_cmd(pkg)
        m = side_by_side(cmds, args.repeat)
        assert m["jn"]["rc"] == 0, m["jn"]
        out["sizes"].append({"rows": data_rows(pkg), "mb": csv_megabytes(pkg), **m})
        print(f"{rows:,}: " + ", ".join(f"{k} {v['wall']:.2f}s {v['rss_mb']}MB" for k, v in m.items()), flush=True)
        # recall on the labelled defects (same rows, 0.1% of records broken)
        manifest = json.loads((bad / "defects.json").read_text(encoding="utf-8"))
        rep = args.data / f"report-{rows}-defects.json"
        subprocess.run(validate_cmd(bad, rep, "--max-examples", "100000"), capture_output=True)
        s = score(manifest, jn_findings(rep))
        fr = None
        if rows <= min(args.frictionless_up_to, 100_000):
            frep = args.data / f"frictionless-{rows}-defects.json"
            with frep.open("w") as fh:
                subprocess.run(frictionless_cmd(bad), stdout=fh, stderr=subprocess.DEVNULL)
            try:
                fr = recall_frictionless(manifest, frictionless_places(frep))
            except (json.JSONDecodeError, KeyError):
                fr = None
        out["recall"].append({"rows": rows, "defects": manifest["total"], "jn": s, "frictionless": fr})
    if args.json_rows:
        pkg, _ = ensure_package(args.data, args.json_rows, defects=False)
        doc = args.data / f"json-{args.json_rows}.json"
        if not doc.is_file():
            subprocess.run([str(BIN / "jn-exchange"), "sample", str(doc), "--rows", str(args.json_rows), "--seed", "1",
                            "--json"], check=True)
        m = side_by_side({"json": validate_cmd(doc, args.data / "report-json.json"),
                          "csv": validate_cmd(pkg, args.data / "report-csv.json")}, args.repeat)
        out["json_form"] = {"rows": args.json_rows, "mb": round(doc.stat().st_size / 1e6, 1), **m}
        print(f"JSON form: {m['json']['wall']:.2f}s {m['json']['rss_mb']}MB; CSV {m['csv']['wall']:.2f}s", flush=True)
    if args.with_100m:
        out["huge"] = _huge(args)
    elif RESULTS.is_file() and "huge" in (kept := json.loads(RESULTS.read_text(encoding="utf-8"))):
        out["huge"] = kept["huge"]   # measured alone (--only-100m, dated): kept until measured again
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}; now run .venv/bin/python -m docsgen")


def _huge(args: argparse.Namespace) -> dict:
    """The 100M-row package (generated once), once each: the validator under the memory limit
    given, and pyarrow's read of the same files."""
    pkg, _ = ensure_package(args.data, 100_000_000, defects=False)
    m = side_by_side({"jn": validate_cmd(pkg, args.data / "report-100m.json", "--memory-limit",
                                         args.memory_limit_100m),
                      "pyarrow": [sys.executable, "-c", BARE_PYARROW, str(pkg)]}, 1)
    return {"rows": data_rows(pkg), "mb": csv_megabytes(pkg), "memory_limit": args.memory_limit_100m, **m}


if __name__ == "__main__":
    main()
