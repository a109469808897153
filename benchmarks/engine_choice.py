"""Measure the two candidate engines on the validator's workload, to choose one.

One 1,000,000-row, 15-column CSV (plus a 50,000-row parent table) is checked the way the
validator checks it: read every column as text with row numbers, then count type, pattern,
code-list, required, range, primary-key and foreign-key violations and fetch a few example
rows. Run: .venv/bin/python benchmarks/engine_choice.py [ROWS]; results go to stdout as a
Markdown table (copied into docs/benchmark-engine.md)."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
CHECK = r"""
import sys, time, resource
engine, child, parent = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if engine == "bare-polars":
    import polars as pl
    df = pl.read_csv(child, infer_schema=False); n = df.height
elif engine == "bare-duckdb":
    import duckdb
    n = duckdb.connect().execute(f"SELECT count(*) FROM (SELECT * FROM read_csv('{child}', all_varchar=true))").fetchone()[0]
elif engine == "bare-csv":
    import csv
    with open(child, newline="", encoding="utf-8") as fh:
        n = sum(1 for _ in csv.reader(fh))
elif engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute(f"CREATE TABLE c AS SELECT * FROM read_csv('{child}', all_varchar=true, header=true, store_rejects=true)")
    con.execute(f"CREATE TABLE p AS SELECT * FROM read_csv('{parent}', all_varchar=true, header=true)")
    conds = ["id IS NULL", "NOT regexp_full_match(amount, '-?[0-9]+(\\.[0-9]{1,2})?')",
             "NOT (regexp_full_match(d1, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND try_cast(d1 AS DATE) IS NOT NULL)",
             "NOT (regexp_full_match(d2, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND try_cast(d2 AS DATE) IS NOT NULL)",
             "code NOT IN ('01','02','03','04','05','06','07','08','09','10','11','99')",
             "NOT regexp_full_match(uscc, '[1-9ANY][0-9A-HJ-NPQRTUWXY][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}')",
             "flag NOT IN ('true','false')", "try_cast(amount AS DOUBLE) < 0", "length(t1) > 32768",
             "NOT regexp_full_match(n1, '-?[0-9]+')"]
    counts = con.execute("SELECT " + ", ".join(f"count_if({c})" for c in conds) + " FROM c").fetchone()
    dup = con.execute("SELECT count(*) FROM (SELECT rowid, min(rowid) OVER (PARTITION BY id) f FROM c WHERE id IS NOT NULL) WHERE rowid <> f").fetchone()
    fk = con.execute("SELECT count(*) FROM c WHERE parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM p WHERE p.id = c.parent_id)").fetchone()
    ex = con.execute(f"SELECT rowid, code FROM c WHERE {conds[4]} LIMIT 50").fetchall()
    n = con.execute("SELECT count(*) FROM c").fetchone()[0]
elif engine == "polars":
    import polars as pl
    c = pl.read_csv(child, infer_schema=False).with_row_index("_row")
    p = pl.read_csv(parent, infer_schema=False)
    col = pl.col
    def isdate(x): return x.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$") & x.str.to_date("%Y-%m-%d", strict=False).is_not_null()
    exprs = [col("id").is_null(), ~col("amount").str.contains(r"^-?[0-9]+(\.[0-9]{1,2})?$"),
             ~isdate(col("d1")), ~isdate(col("d2")),
             ~col("code").is_in(["01","02","03","04","05","06","07","08","09","10","11","99"]),
             ~col("uscc").str.contains(r"^[1-9ANY][0-9A-HJ-NPQRTUWXY][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"),
             ~col("flag").is_in(["true","false"]), col("amount").cast(pl.Float64, strict=False) < 0,
             col("t1").str.len_chars() > 32768, ~col("n1").str.contains(r"^-?[0-9]+$")]
    counts = c.select([e.sum().alias(f"e{i}") for i, e in enumerate(exprs)])
    dup = c.filter(col("id").is_not_null() & col("id").is_duplicated()).height
    fk = c.filter(col("parent_id").is_not_null()).join(p, left_on="parent_id", right_on="id", how="anti").height
    ex = c.filter(exprs[4]).head(50)
    n = c.height
print(f"{time.perf_counter()-t0:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} {n}")
"""


def make_data(folder: Path) -> tuple[Path, Path]:
    rng = random.Random(1)
    parent, child = folder / "parent.csv", folder / "child.csv"
    with parent.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name"])
        for i in range(50_000):
            w.writerow([f"P{i:07d}", f"单位{i}"])
    with child.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "parent_id", "code", "amount", "d1", "d2", "uscc", "flag", "t1", "t2", "n1", "n2",
                    "s1", "s2", "s3"])
        for i in range(ROWS):
            bad = rng.random() < 0.001
            w.writerow([f"C{i:08d}", f"P{rng.randrange(50_000 + (10 if bad else 0)):07d}",
                        rng.choice(["01", "02", "03", "04", "99"]) if not bad else "行政机关",
                        f"{rng.randrange(100000)}.{rng.randrange(100):02d}",
                        f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                        "2025/3/1" if bad else f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                        "91370100MA3C6BXX0J", rng.choice(["true", "false"]), "违法事实描述" * 3, "备注",
                        str(rng.randrange(1000)), str(rng.randrange(1000)), "济南市历城区", "S", "T"])
    return child, parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        child, parent = make_data(Path(tmp))
        size = child.stat().st_size / 1e6
        rows = []
        for engine in ["bare-csv", "bare-duckdb", "bare-polars", "duckdb", "polars"]:
            out = subprocess.run([sys.executable, "-c", CHECK, engine, str(child), str(parent)],
                                 capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(f"{engine}: {out.stderr[-800:]}")
            out = out.stdout.split()
            rows.append((engine, float(out[0]), int(out[1])))
        print(f"{ROWS:,} rows × 15 columns ({size:.0f} MB) + 50,000-row parent; 2 cores\n")
        print("| engine | wall s | peak RSS MB |\n|---|---:|---:|")
        for e, s, m in rows:
            print(f"| {e} | {s:.2f} | {m} |")


if __name__ == "__main__":
    main()
