"""The benchmark page, in each language, from the figures `benchmarks/validator_speed.py` wrote
(`benchmarks/validator-speed.json`): every target of the speed work with its floor beside it,
then every size, every run, and the recall on labelled defects; and, from `benchmarks/floors.py`
(`benchmarks/floors.json`), where the time goes and the floor of this engine."""

from __future__ import annotations

from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "性能测试",
        "none": "尚未测量。运行 `benchmarks/validator_speed.py` 后重新生成本页。",
        "intro": ("本页给出 `jn-exchange validate`（全部检查）的耗时和峰值内存，并在同一次运行中并排测量同一批文件的“下限”："
                  "pyarrow 读取全部 CSV 文件、DuckDB 把它们读入表（给定列）、Python csv 解析，以及 frictionless validate。"
                  "测量于 {measured}，{cores} 核，{python}；每轮依次运行各命令，每次一个新进程，共 {repeat} 轮。jn-exchange 的时间取各轮的中位数，"
                  "下限和 frictionless 取各轮中最快的一次：下限是机器能做到的，干扰只会让它变慢；pyarrow 的读取时间起伏很大"
                  "（用它默认的内存分配器时，别的进程刚运行过后会多花最多约 1 秒的系统时间；现在用系统的分配器，仍有起伏），"
                  "中位数可能落在慢的一次上。"
                  "测试数据由 `jn-exchange sample --rows N --seed 1` 生成，覆盖全部数据表（行数为各表之和）。"),
        "redo": "重新测量：`.venv/bin/python benchmarks/validator_speed.py`（加 `--with-10m`、`--with-100m` 测更大的包），然后 `.venv/bin/python -m docsgen`。",
        "targets": "目标与下限",
        "target": "目标", "measured": "实测", "floor": "下限", "ratio": "倍数", "met": "达到",
        "yes": "是", "no": "否",
        "t_1m": "100 万行：不超过 pyarrow 读取的 2 倍",
        "t_10m": "1000 万行：不超过 pyarrow 读取的 3 倍，峰值内存低于 800 MB",
        "t_json": "JSON 形式（{rows:,} 行）：不超过同一数据 CSV 形式的 1.5 倍时间，峰值内存低于 400 MB",
        "t_example": "示例交换包：低于 0.35 秒",
        "t_10k": "1 万行：低于 0.5 秒",
        "t_help": "`validate --help`：低于 0.1 秒",
        "t_200k": "20 万行：至少比 frictionless 快 20 倍",
        "t_100m": "1 亿行：完成，峰值内存低于给定的内存上限 {limit}",
        "pyarrow": "pyarrow 读取", "python_start": "`python -c pass`", "csv_form": "CSV 形式",
        "frictionless": "frictionless", "peak": "峰值", "limit": "上限",
        "sizes": "各规模", "rows": "行数", "mb": "CSV（MB）", "jn": "jn-exchange（秒）", "jn_peak": "峰值（MB）",
        "duckdb": "DuckDB 读入表（秒）", "csvparse": "Python csv（秒）", "fl": "frictionless（秒）", "fl_peak": "frictionless 峰值（MB）",
        "x_pyarrow": "÷ pyarrow", "x_fl": "frictionless ÷ jn", "pyarrow_s": "pyarrow 读取（秒）",
        "runs": "每次运行（秒）", "json_title": "JSON 形式", "json_line": "{rows:,} 行，文档 {mb:.0f} MB：JSON 形式 {j:.2f} 秒（峰值 {jm} MB），同一数据的 CSV 形式 {c:.2f} 秒（峰值 {cm} MB）。",
        "recall": "已标注缺陷的检出率",
        "recall_intro": ("同样的包，用 `jn-exchange sample --defects 0.001` 破坏 0.1% 的记录（defects.json 记录了破坏的位置）。"
                         "某条规则的发现指出了缺陷所在的表、行和字段，即算检出；frictionless 的任一错误指出该行（和字段）即算检出。"
                         "误报：在没有标注缺陷的行上出现的结构性规则的错误或警告。业务规则读取多张表，一条记录的缺陷可能使相关记录正当地违反规则，这些单独计数。"
                         "在干净的包上，业务规则没有任何发现。"),
        "defects": "缺陷数", "family": "类别", "jn_recall": "jn-exchange 检出率", "fl_recall": "frictionless 检出率",
        "false_alarms": "误报", "related": "相关记录上的业务规则发现",
        "families": {"business": "业务规则", "cell": "单元格", "identifier": "标识符", "key": "主键", "reference": "引用"},
        "floors": "时间花在哪里",
        "floors_intro": ("为什么上面有几项目标还没有达到：以下数字由 `benchmarks/floors.py` 在同一台机器上测得（{measured}，{cores} 核；"
                         "校验器的运行取 {repeat} 轮的中位数，读取文件的下限取 {repeat} 轮中最快的一次）。"
                         "重新测量：`.venv/bin/python benchmarks/floors.py`，然后 `.venv/bin/python -m docsgen`。"),
        "fixed_title": "每次运行的固定开销",
        "fixed_intro": ("把示例交换包的每个文件只留第一行数据（{tables} 张表，共 {rows} 行），校验它与校验示例交换包（{example_rows:,} 行）"
                        "耗时几乎一样（它的引用大多找不到目标，多出 {examples} 条取示例行的语句，所以还略慢一些）："
                        "小交换包的时间不花在数据上，而花在每次运行都要做的事上。"),
        "run": "运行", "seconds": "秒",
        "f_example": "示例交换包：`jn-exchange validate`", "f_one_row": "每表一行：`jn-exchange validate`",
        "f_imports": "只导入校验器（`import jn_exchange.validate`）", "f_duckdb_read": "DuckDB 把每表一行的文件读入表，不做任何检查",
        "f_python": "`python -c pass`",
        "stmt_intro": "示例交换包在单线程下执行的 DuckDB 语句（单元格检查共 {conditions} 个条件）：",
        "kind": "语句", "count": "条数",
        "kinds": {"load": "读入建表（read_csv）", "load_counts": "读入后的行数与拒收行数", "cells": "单元格检查（每表一条聚合）",
                  "keys": "主键与唯一键", "foreign_keys": "外键", "business_rules": "业务规则（每条规则一条）",
                  "typed_views": "类型视图", "examples": "取示例行", "ragged_rows": "字段数不对的行", "rejects": "读取器拒收的行",
                  "other": "其他（日历、宏等）", "preparation": "其他（日历、宏等）"},
        "total": "合计", "cpu_total": "整个运行的 CPU 时间",
        "fixed_end": ("DuckDB 对每条语句都要解析、绑定、优化和规划，不论表有多小。在一张 20 行、20 列的表上（几乎没有要执行的）："
                      "一条最简单的聚合要 {bare:.2f} 毫秒；一条带 20 个 IS NULL 条件的聚合要 {nulls:.2f} 毫秒，带 20 个正则表达式的要 "
                      "{regexes:.2f} 毫秒；同样 20 个条件分成 20 条语句要 {apart:.2f} 毫秒，即每条语句的固定部分约 {fixed:.2f} 毫秒。"
                      "单元格检查已经是每表一条聚合。上表 {n} 条语句单线程合计 {s:.2f} 秒，{cores} 个核都用满也要 {half:.2f} 秒，"
                      "加上导入的 {imports:.2f} 秒是 {floor:.2f} 秒。即使把全部语句合并成一条，省下它们的固定部分（约 {saved:.2f} 秒），"
                      "条件和规则本身的开销不变：示例交换包最少也要 {best:.2f} 秒（目标 0.35 秒）{tenk}。"),
        "tenk": "，1 万行的包再加上它的数据（实测比示例交换包多 {extra:.2f} 秒）要 {best10k:.2f} 秒（目标 0.5 秒）",
        "second": ("要达到{which}的目标，需要对小交换包另用一个不经 DuckDB 规划的实现来执行全部规则，"
                   "那就成了同一套规则的两种实现，发现有可能不一致。"),
        "which_example": "示例交换包", "which_10k": "一万行的包", "which_and": "和",
        "cpu_title": "{rows:,} 行：各阶段的 CPU 时间",
        "cpu_intro": "同一个交换包在单线程下校验，各阶段的耗时（单线程时业务规则要排在外键检查之后，表中已减去这段等待）：",
        "phase": "阶段",
        "phases": {"byte scan": "字节扫描（哈希、编码、行结构）", "load": "读入（DuckDB read_csv）", "cell checks": "单元格检查",
                   "business rules": "业务规则", "keys": "主键与唯一键", "foreign keys": "外键", "typed views": "类型视图",
                   "preparation": "准备（日历、宏）", "engine start": "引擎启动", "opening": "打开交换包"},
        "cpu_end": ("这次运行共用 {cpu:.2f} CPU 秒。{cores} 个核全部用满，也至少要 {bound:.2f} 秒，是 pyarrow 读取同一批文件"
                    "（{pa:.2f} 秒）的 {ratio:.1f} 倍，而目标是 2 倍；单是 DuckDB 把这些文件读入表（不做任何检查）就要 {dr:.2f} 秒，"
                    "是 pyarrow 的 {dr_ratio:.1f} 倍。要达到目标，检查本身的 CPU 时间需要减少到现在的一小部分，而不是更好地并行。"),
    },
    "en": {
        "title": "Benchmark",
        "none": "Not measured yet. Run `benchmarks/validator_speed.py`, then generate this page again.",
        "intro": ("Time and peak memory of `jn-exchange validate` (every check), with the floors of the same files measured "
                  "side by side in the same run: pyarrow reading every CSV file, DuckDB reading them into tables (columns "
                  "given), a Python csv parse, and frictionless validate. Measured {measured} on {cores} cores, {python}, in "
                  "{repeat} rounds, each running the commands in turn, each in a new process. jn-exchange's time is the "
                  "median of the rounds; the floors' and frictionless's the fastest round: a floor is what the machine can "
                  "do and noise only adds to it, and pyarrow's read varies widely (with its default allocator, up to about a "
                  "second more of system time right after another process; with the system allocator used now, less), "
                  "so its median can land on a slow run. Packages are `jn-exchange sample --rows N --seed 1` (every table; the row count is the total)."),
        "redo": "Redo: `.venv/bin/python benchmarks/validator_speed.py` (`--with-10m`, `--with-100m` for larger packages), then `.venv/bin/python -m docsgen`.",
        "targets": "Targets and floors",
        "target": "Target", "measured": "Measured", "floor": "Floor", "ratio": "Ratio", "met": "Met",
        "yes": "yes", "no": "no",
        "t_1m": "1M rows: at most 2× the pyarrow read",
        "t_10m": "10M rows: at most 3× the pyarrow read, peak under 800 MB",
        "t_json": "JSON form ({rows:,} rows): at most 1.5× the CSV form's time, peak under 400 MB",
        "t_example": "Example package: under 0.35 s",
        "t_10k": "10k rows: under 0.5 s",
        "t_help": "`validate --help`: under 0.1 s",
        "t_200k": "200k rows: at least 20× faster than frictionless",
        "t_100m": "100M rows: completes, peak under the memory limit given ({limit})",
        "pyarrow": "pyarrow read", "python_start": "`python -c pass`", "csv_form": "CSV form",
        "frictionless": "frictionless", "peak": "peak", "limit": "limit",
        "sizes": "Every size", "rows": "rows", "mb": "CSV MB", "jn": "jn-exchange s", "jn_peak": "peak MB",
        "duckdb": "DuckDB into tables s", "csvparse": "Python csv s", "fl": "frictionless s", "fl_peak": "frictionless peak MB",
        "x_pyarrow": "÷ pyarrow", "x_fl": "frictionless ÷ jn", "pyarrow_s": "pyarrow read s",
        "runs": "Every run (s)", "json_title": "JSON form", "json_line": "{rows:,} rows, a {mb:.0f} MB document: the JSON form {j:.2f} s (peak {jm} MB), the CSV form of the same data {c:.2f} s (peak {cm} MB).",
        "recall": "Recall on labelled defects",
        "recall_intro": ("The same packages with 0.1% of records broken by `jn-exchange sample --defects 0.001` (defects.json "
                         "says what was broken where). A defect counts as found when a finding of its rule names its table, row "
                         "and field; frictionless is credited when any of its errors names the row (and field). False alarms: "
                         "error or warning findings of structural rules at a row with no labelled defect. Business rules read "
                         "several tables, so a defect in one record can rightly break a rule on a related record: those are "
                         "counted apart. On the clean packages every business rule gives no finding."),
        "defects": "defects", "family": "family", "jn_recall": "jn-exchange recall", "fl_recall": "frictionless recall",
        "false_alarms": "false alarms", "related": "business findings on related records",
        "families": {"business": "business", "cell": "cell", "identifier": "identifier", "key": "key", "reference": "reference"},
        "floors": "Where the time goes",
        "floors_intro": ("Why some targets above are not met: the figures below were measured on the same machine by "
                         "`benchmarks/floors.py` ({measured}, {cores} cores; the validator's runs are the median of {repeat} "
                         "rounds, the reads of the files their fastest of {repeat}). Redo: "
                         "`.venv/bin/python benchmarks/floors.py`, then `.venv/bin/python -m docsgen`."),
        "fixed_title": "The fixed cost of every run",
        "fixed_intro": ("The example package cut to the first data row of each file ({tables} tables, {rows} rows in all) takes "
                        "about as long as the example itself ({example_rows:,} rows; a little longer, as most of its references "
                        "find no target and {examples} statements fetch example rows): a small package's time goes not to its "
                        "data but to what every run does."),
        "run": "Run", "seconds": "s",
        "f_example": "The example package: `jn-exchange validate`", "f_one_row": "One row per table: `jn-exchange validate`",
        "f_imports": "The validator's imports alone (`import jn_exchange.validate`)",
        "f_duckdb_read": "DuckDB reading the one-row files into tables, no checks", "f_python": "`python -c pass`",
        "stmt_intro": "The DuckDB statements of the example package on one thread ({conditions} conditions in the cell checks):",
        "kind": "Statement", "count": "count",
        "kinds": {"load": "load into a table (read_csv)", "load_counts": "row and reject counts after the load",
                  "cells": "cell checks (one aggregate per table)", "keys": "primary and unique keys",
                  "foreign_keys": "foreign keys", "business_rules": "business rules (one per rule)",
                  "typed_views": "typed views", "examples": "example rows", "ragged_rows": "rows of the wrong width",
                  "rejects": "rows the reader rejected", "other": "other (calendar, macros, ...)",
                  "preparation": "other (calendar, macros, ...)"},
        "total": "total", "cpu_total": "the whole run's CPU time",
        "fixed_end": ("DuckDB parses, binds, optimizes and plans every statement whatever the size of its table. On a "
                      "table of 20 rows and 20 columns (nearly nothing to execute): the simplest aggregate takes {bare:.2f} ms; "
                      "one aggregate with 20 IS NULL conditions {nulls:.2f} ms, with 20 regular expressions {regexes:.2f} ms; "
                      "the same 20 conditions as 20 statements {apart:.2f} ms, so each statement's fixed part is about "
                      "{fixed:.2f} ms. The cell checks are already one aggregate per table. The {n} statements above take "
                      "{s:.2f} s on one thread, at least {half:.2f} s on {cores} cores, {floor:.2f} s with the imports. "
                      "Merging every statement into one would save their fixed parts (about {saved:.2f} s), and the "
                      "conditions and rules cost the same: the example would still take at least {best:.2f} s (target "
                      "0.35 s){tenk}."),
        "tenk": ", and the 10k package, with its data (measured: {extra:.2f} s more than the example), {best10k:.2f} s (target 0.5 s)",
        "second": (" Meeting the target{plural} for {which} would take a second implementation of every rule for small "
                   "packages, one that DuckDB does not plan: two implementations of one catalogue, whose findings could "
                   "differ."),
        "which_example": "the example", "which_10k": "10k rows", "which_and": " and ",
        "cpu_title": "{rows:,} rows: CPU time by phase",
        "cpu_intro": ("The same package validated on one thread, the seconds of each phase (on one thread the business rules "
                      "queue behind the foreign keys; that wait is taken out of their figure):"),
        "phase": "Phase",
        "phases": {"byte scan": "byte scan (hash, encoding, line structure)", "load": "load (DuckDB read_csv)",
                   "cell checks": "cell checks", "business rules": "business rules", "keys": "primary and unique keys",
                   "foreign keys": "foreign keys", "typed views": "typed views", "preparation": "preparation (calendar, macros)",
                   "engine start": "engine start", "opening": "opening the package"},
        "cpu_end": ("The run takes {cpu:.2f} CPU-seconds in all. With all {cores} cores busy it cannot take less than "
                    "{bound:.2f} s, {ratio:.1f}× pyarrow's read of the same files ({pa:.2f} s), where the target is 2×; "
                    "DuckDB reading the files into tables, with no check at all, takes {dr:.2f} s ({dr_ratio:.1f}×) by "
                    "itself. The target needs the checks' CPU time cut to a small part of what it is, not better "
                    "parallelism."),
    },
}


def _s(m: dict[str, Any] | None) -> str:
    return f"{m['wall']:.2f} s" if m else "—"


def _best(m: dict[str, Any]) -> float:
    """A floor's time: the fastest of its runs (a floor is what the machine can do; noise only
    adds to it, and pyarrow's read varies widely, so its median can land on a slow run)."""
    return float(m.get("best", min(m.get("walls") or [m["wall"]])))


def _sb(m: dict[str, Any] | None) -> str:
    return f"{_best(m):.2f} s" if m else "—"


def _size(data: dict[str, Any], rows: int) -> dict[str, Any] | None:
    """The measured size nearest `rows` within 1% (sample's totals are a few rows over)."""
    for s in data.get("sizes", []):
        if abs(s["rows"] - rows) <= rows // 100:
            return s
    return None


def _targets(data: dict[str, Any], t: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []

    def add(label: str, measured: str, floor: str, ratio: str, ok: bool) -> None:
        rows.append([label, measured, floor, ratio, t["yes"] if ok else t["no"]])

    for n, key, limit, peak in ((1_000_000, "t_1m", 2.0, None), (10_000_000, "t_10m", 3.0, 800)):
        s = _size(data, n)
        if s and s.get("pyarrow"):
            r = s["jn"]["wall"] / _best(s["pyarrow"])
            add(t[key], f"{_s(s['jn'])}, {t['peak']} {s['jn']['rss_mb']} MB", f"{t['pyarrow']} {_sb(s['pyarrow'])}",
                f"{r:.1f}×", r <= limit and (peak is None or s["jn"]["rss_mb"] < peak))
    j = data.get("json_form")
    if j:
        r = j["json"]["wall"] / j["csv"]["wall"]
        add(t["t_json"].format(rows=j["rows"]), f"{_s(j['json'])}, {t['peak']} {j['json']['rss_mb']} MB",
            f"{t['csv_form']} {_s(j['csv'])}", f"{r:.1f}×", r <= 1.5 and j["json"]["rss_mb"] < 400)
    ex = data.get("example")
    if ex:
        add(t["t_example"], _s(ex["jn"]), f"{t['python_start']} {_sb(ex['python'])}",
            f"{ex['jn']['wall'] / _best(ex['python']):.0f}×", ex["jn"]["wall"] < 0.35)
    s = _size(data, 10_000)
    if s:
        add(t["t_10k"], _s(s["jn"]), f"{t['pyarrow']} {_sb(s.get('pyarrow'))}",
            f"{s['jn']['wall'] / _best(s['pyarrow']):.1f}×" if s.get("pyarrow") else "—", s["jn"]["wall"] < 0.5)
    h = data.get("help")
    if h:
        py = data.get("python_start")
        add(t["t_help"], _s(h), f"{t['python_start']} {_sb(py)}", f"{h['wall'] / _best(py):.0f}×" if py else "—",
            h["wall"] < 0.1)
    s = _size(data, 200_000)
    if s and s.get("frictionless"):
        r = _best(s["frictionless"]) / s["jn"]["wall"]
        add(t["t_200k"], _s(s["jn"]), f"{t['frictionless']} {_sb(s['frictionless'])}", f"{r:.0f}×", r >= 20)
    hg = data.get("huge")
    if hg:
        limit_mb = _megabytes(hg["memory_limit"])
        add(t["t_100m"].format(limit=hg["memory_limit"]), f"{_s(hg['jn'])}, {t['peak']} {hg['jn']['rss_mb']} MB",
            f"{t['pyarrow']} {_sb(hg.get('pyarrow'))}",
            f"{hg['jn']['wall'] / _best(hg['pyarrow']):.1f}×" if hg.get("pyarrow") else "—",
            hg["jn"]["rc"] in (0, 1) and hg["jn"]["rss_mb"] < limit_mb)
    return rows


def _megabytes(limit: str) -> float:
    units = {"KB": 1e-3, "MB": 1, "GB": 1e3, "TB": 1e6, "KIB": 1.024e-3, "MIB": 1.048576, "GIB": 1073.741824}
    text = limit.strip().upper()
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[:-len(unit)]) * units[unit]
    return float(text) / 1e6


def _table(head: list[str], rows: list[list[str]], align: list[str]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|", *("| " + " | ".join(r) + " |" for r in rows), ""]


def _floors(f: dict[str, Any], t: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """Where the time goes: the fixed cost of a run, and the CPU time of each phase on a big
    package against the reads the targets are set against."""
    fx, ex, big = f["fixed"], f["example"], f["big"]
    cores = f["cores"] or 1
    examples = f.get("one_row", {}).get("statements", {}).get("examples", {}).get("n", 0)
    out = [f"## {t['floors']}", "", t["floors_intro"].format(**f), "", f"### {t['fixed_title']}", "",
           t["fixed_intro"].format(examples=examples, **fx), ""]
    out += _table([t["run"], t["seconds"]], [[t[f"f_{k}"], f"{fx[k]['wall']:.2f}"]
                                             for k in ("example", "one_row", "imports", "duckdb_read", "python")],
                  ["---", "---:"])
    stmts = ex["statements"]
    n, secs = sum(v["n"] for v in stmts.values()), sum(v["s"] for v in stmts.values())
    out += [t["stmt_intro"].format(conditions=ex["cell_conditions"]), ""]
    out += _table([t["kind"], t["count"], t["seconds"]],
                  [[t["kinds"].get(k, k), str(v["n"]), f"{v['s']:.3f}"] for k, v in stmts.items()]
                  + [[t["total"], str(n), f"{secs:.3f}"]], ["---", "---:", "---:"])
    one = f["statement_ms"]
    fixed = (one["apart_20"] - one["nulls_20"]) / 19   # 20 × (fixed + c) against fixed + 20 × c
    saved = n * fixed / 1000
    imports = fx["imports"]["wall"]
    best = (secs - saved) / cores + imports   # every statement merged, both cores busy, the imports
    tenk, out_of_reach = "", [t["which_example"]] if best >= 0.35 else []
    s10k, example = _size(data, 10_000), data.get("example")
    if s10k and example:
        extra = max(0.0, s10k["jn"]["wall"] - example["jn"]["wall"])
        tenk = t["tenk"].format(extra=extra, best10k=best + extra)
        if best + extra >= 0.5:
            out_of_reach.append(t["which_10k"])
    out += [t["fixed_end"].format(n=n, s=secs, cores=cores, half=secs / cores, imports=imports,
                                  floor=secs / cores + imports, bare=one["bare"], nulls=one["nulls_20"],
                                  regexes=one["regexes_20"], apart=one["apart_20"], fixed=fixed, saved=saved,
                                  best=best, tenk=tenk)]
    if out_of_reach:
        out[-1] += t["second"].format(   # the English text brings its own space
            which=t["which_and"].join(out_of_reach), plural="s" if len(out_of_reach) > 1 else "")
    out.append("")
    phases = big["phases"]
    pa, dr = _best(big["pyarrow"]), _best(big["duckdb_read"])
    bound = big["cpu"] / cores
    out += [f"### {t['cpu_title'].format(rows=big['rows'])}", "", t["cpu_intro"], ""]
    out += _table([t["phase"], t["seconds"]], [[t["phases"].get(k, k), f"{v:.3f}"] for k, v in phases.items()]
                  + [[t["cpu_total"], f"{big['cpu']:.3f}"]], ["---", "---:"])
    out += [t["cpu_end"].format(cpu=big["cpu"], cores=cores, bound=bound, pa=pa, ratio=bound / pa, dr=dr,
                                dr_ratio=dr / pa), ""]
    return out


def benchmark_page(data: dict[str, Any] | None, lang: str, floors: dict[str, Any] | None = None) -> str:
    t = TEXT[lang]
    out = [f"# {t['title']}", ""]
    if not data:
        return "\n".join([*out, t["none"], ""])
    out += [t["intro"].format(**data), "", t["redo"], "", f"## {t['targets']}", ""]
    out += _table([t["target"], t["measured"], t["floor"], t["ratio"], t["met"]], _targets(data, t),
                  ["---", "---", "---", "---:", "---"])
    out += [f"## {t['sizes']}", ""]
    rows = []
    for s in data.get("sizes", []):
        fl = s.get("frictionless")
        rows.append([f"{s['rows']:,}", f"{s['mb']:.0f}", f"{s['jn']['wall']:.2f}", str(s["jn"]["rss_mb"]),
                     f"{_best(s['pyarrow']):.2f}", f"{s['jn']['wall'] / _best(s['pyarrow']):.1f}",
                     f"{_best(s['duckdb']):.2f}", f"{_best(s['csv']):.2f}",
                     f"{_best(fl):.1f}" if fl else "—", str(fl["rss_mb"]) if fl else "—",
                     f"{_best(fl) / s['jn']['wall']:.0f}×" if fl else "—"])
    out += _table([t["rows"], t["mb"], t["jn"], t["jn_peak"], t["pyarrow_s"], t["x_pyarrow"], t["duckdb"],
                   t["csvparse"], t["fl"], t["fl_peak"], t["x_fl"]], rows, ["---:"] * 11)
    j = data.get("json_form")
    if j:
        out += [f"## {t['json_title']}", "", t["json_line"].format(rows=j["rows"], mb=j["mb"], j=j["json"]["wall"],
                                                                    jm=j["json"]["rss_mb"], c=j["csv"]["wall"],
                                                                    cm=j["csv"]["rss_mb"]), ""]
    out += [f"## {t['runs']}", ""]
    for s in data.get("sizes", []):
        parts = [f"{k} " + ", ".join(f"{w:.2f}" for w in m["walls"]) for k, m in s.items() if isinstance(m, dict)]
        out.append(f"- {s['rows']:,}: " + "; ".join(parts))
    out.append("")
    if data.get("recall"):
        out += [f"## {t['recall']}", "", t["recall_intro"], ""]
        rows = []
        for r in data["recall"]:
            fr = r.get("frictionless")
            for fam, v in r["jn"]["recall"].items():
                rows.append([f"{r['rows']:,}", str(v["labelled"]), t["families"].get(fam, fam), f"{v['recall']:.2f}",
                             f"{fr.get(fam, 0):.2f}" if fr is not None else "—"])
            rows.append([f"{r['rows']:,}", str(r["defects"]), t["false_alarms"], str(r["jn"]["false_alarms"]), ""])
            rows.append([f"{r['rows']:,}", str(r["defects"]), t["related"], str(r["jn"]["consequential"]), ""])
        out += _table([t["rows"], t["defects"], t["family"], t["jn_recall"], t["fl_recall"]], rows,
                      ["---:", "---:", "---", "---:", "---:"])
    if floors:
        out += _floors(floors, t, data)
    return "\n".join(out)
