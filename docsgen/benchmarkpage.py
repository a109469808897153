"""The benchmark page, in each language, from the figures `benchmarks/validator_speed.py` wrote
(`benchmarks/validator-speed.json`): every target of the speed work with its floor beside it,
then every size, every run, and the recall on labelled defects."""

from __future__ import annotations

from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "性能测试",
        "none": "尚未测量。运行 `benchmarks/validator_speed.py` 后重新生成本页。",
        "intro": ("本页给出 `jn-exchange validate`（全部检查）的耗时和峰值内存，并在同一次运行中并排测量同一批文件的“下限”："
                  "pyarrow 读取全部 CSV 文件、DuckDB 把它们读入表（给定列）、Python csv 解析，以及 frictionless validate。"
                  "测量于 {measured}，{cores} 核，{python}；每个时间是 {repeat} 轮的中位数，每轮依次运行各命令，每次一个新进程。"
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
    },
    "en": {
        "title": "Benchmark",
        "none": "Not measured yet. Run `benchmarks/validator_speed.py`, then generate this page again.",
        "intro": ("Time and peak memory of `jn-exchange validate` (every check), with the floors of the same files measured "
                  "side by side in the same run: pyarrow reading every CSV file, DuckDB reading them into tables (columns "
                  "given), a Python csv parse, and frictionless validate. Measured {measured} on {cores} cores, {python}; "
                  "each time is the median of {repeat} rounds, each round running the commands in turn, each in a new "
                  "process. Packages are `jn-exchange sample --rows N --seed 1` (every table; the row count is the total)."),
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
    },
}


def _s(m: dict[str, Any] | None) -> str:
    return f"{m['wall']:.2f} s" if m else "—"


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
            r = s["jn"]["wall"] / s["pyarrow"]["wall"]
            add(t[key], f"{_s(s['jn'])}, {t['peak']} {s['jn']['rss_mb']} MB", f"{t['pyarrow']} {_s(s['pyarrow'])}",
                f"{r:.1f}×", r <= limit and (peak is None or s["jn"]["rss_mb"] < peak))
    j = data.get("json_form")
    if j:
        r = j["json"]["wall"] / j["csv"]["wall"]
        add(t["t_json"].format(rows=j["rows"]), f"{_s(j['json'])}, {t['peak']} {j['json']['rss_mb']} MB",
            f"{t['csv_form']} {_s(j['csv'])}", f"{r:.1f}×", r <= 1.5 and j["json"]["rss_mb"] < 400)
    ex = data.get("example")
    if ex:
        add(t["t_example"], _s(ex["jn"]), f"{t['python_start']} {_s(ex['python'])}",
            f"{ex['jn']['wall'] / ex['python']['wall']:.0f}×", ex["jn"]["wall"] < 0.35)
    s = _size(data, 10_000)
    if s:
        add(t["t_10k"], _s(s["jn"]), f"{t['pyarrow']} {_s(s.get('pyarrow'))}",
            f"{s['jn']['wall'] / s['pyarrow']['wall']:.1f}×" if s.get("pyarrow") else "—", s["jn"]["wall"] < 0.5)
    h = data.get("help")
    if h:
        py = data.get("python_start")
        add(t["t_help"], _s(h), f"{t['python_start']} {_s(py)}", f"{h['wall'] / py['wall']:.0f}×" if py else "—",
            h["wall"] < 0.1)
    s = _size(data, 200_000)
    if s and s.get("frictionless"):
        r = s["frictionless"]["wall"] / s["jn"]["wall"]
        add(t["t_200k"], _s(s["jn"]), f"{t['frictionless']} {_s(s['frictionless'])}", f"{r:.0f}×", r >= 20)
    hg = data.get("huge")
    if hg:
        limit_mb = _megabytes(hg["memory_limit"])
        add(t["t_100m"].format(limit=hg["memory_limit"]), f"{_s(hg['jn'])}, {t['peak']} {hg['jn']['rss_mb']} MB",
            f"{t['pyarrow']} {_s(hg.get('pyarrow'))}",
            f"{hg['jn']['wall'] / hg['pyarrow']['wall']:.1f}×" if hg.get("pyarrow") else "—",
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


def benchmark_page(data: dict[str, Any] | None, lang: str) -> str:
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
                     f"{s['pyarrow']['wall']:.2f}", f"{s['jn']['wall'] / s['pyarrow']['wall']:.1f}",
                     f"{s['duckdb']['wall']:.2f}", f"{s['csv']['wall']:.2f}",
                     f"{fl['wall']:.1f}" if fl else "—", str(fl["rss_mb"]) if fl else "—",
                     f"{fl['wall'] / s['jn']['wall']:.0f}×" if fl else "—"])
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
    return "\n".join(out)
