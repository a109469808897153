"""What every report writer shares: the bilingual labels, the rule catalogue view, the order in
which tallies are shown, per-table counts, and the last line of defence for personal data.

Writers read a ValidationResult only; nothing here opens the package."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

from jn_exchange.findings import Finding, RuleTally, Severity, ValidationResult
from jn_exchange.masking import mask_numbers
from jn_exchange.rules import DOCS_BASE_URL, registry

LANGS = ("zh", "en")
PACKAGE = "package"          # the name package-level findings (resource None) are grouped under
INFORMATION_URI = DOCS_BASE_URL + "/"

# ---------------------------------------------------------------------------------- masking
# Defence in depth: the engine masks values before they become findings; a writer still masks
# anything that looks like an identity or mobile number (`masking`, the one definition).
# Characters XML 1.0 forbids (and that make HTML invalid): replaced, never passed through.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def scrub(text: str | None) -> str | None:
    """Mask identity-number-like runs and replace characters no report format can carry."""
    if text is None:
        return None
    text = mask_numbers(str(text))
    return _ILLEGAL.sub("\ufffd", text)


def scrub_any(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_any(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_any(v) for v in value]
    return value


def safe_finding(f: Finding) -> Finding:
    """A copy of a finding with every vendor-supplied string scrubbed. Writers show only these."""
    return dataclasses.replace(
        f, value=scrub(f.value), key=scrub(f.key), message_zh=scrub(f.message_zh) or "",
        message_en=scrub(f.message_en) or "", resource=scrub(f.resource), field=scrub(f.field),
        pointer=scrub(f.pointer), params=scrub_any(dict(f.params)))


def examples(tally: RuleTally) -> list[Finding]:
    return [safe_finding(f) for f in tally.examples]


# ---------------------------------------------------------------------------------- labels
LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "交换包校验报告",
        "standard": "济南市行政执法监督数据规范",
        "valid": "通过", "invalid": "不通过",
        "verdict": "结论",
        "error": "错误", "warning": "警告", "info": "提示",
        "errors": "错误", "warnings": "警告", "infos": "提示",
        "package": "数据包", "kind": "形式", "sha256": "SHA-256",
        "std_version": "规范版本", "declared": "包声明", "supported": "校验器支持", "judged_by": "按 {v} 的模型校验", "not_judged": "未校验",
        "not_declared": "未声明",
        "as_of": "校验基准日", "validator": "校验器", "duration": "用时", "seconds": "秒",
        "max_examples": "每条规则每张表最多列出 {n} 条示例；计数始终为全部",
        "config": "配置", "config_default": "默认（未使用配置文件）",
        "rule_off": "关闭", "table": "表", "path": "文件", "rows": "行数", "row": "行",
        "field": "字段", "value": "值", "key": "记录键", "message": "说明",
        "findings": "问题明细", "no_findings": "未发现问题。",
        "count": "共 {n} 处", "shown_first": "显示前 {shown} 条", "paren": "（{x}）",
        "docs": "规则说明", "description": "检查内容", "fix": "如何修正", "basis": "依据",
        "overview": "各表统计", "rules_overview": "问题一览", "severity": "级别", "code": "规则",
        "rule_title": "名称", "fail_on": "按 --fail-on {level} 判定：{outcome}（退出码 {code}）",
        "fails": "失败", "passes": "通过", "package_level": "数据包（整体）",
        "not_read": "未读取", "masked_note": "报告中的个人信息（身份证号、手机号、姓名等）已脱敏显示。",
        "generated_by": "由 {tool} 生成", "sep": "：", "kinds.folder": "文件夹",
        "kinds.descriptor": "datapackage.json", "kinds.zip": "zip 压缩包", "kinds.json": "JSON 文档",
        "level": "检查层级", "in_tables": "涉及",
        "levels.package": "数据包", "levels.file": "文件", "levels.header": "表头", "levels.cell": "单元格",
        "levels.table": "表内", "levels.cross_table": "跨表", "levels.business": "业务规则",
        "unknown_rule": "（规则目录中没有此代码）", "count_col": "数量", "config_file": "配置文件",
        # the HTML report's summary, filters and groups
        "scope": "{rules} 条规则未满足，涉及 {tables} 张表（共 {all} 张表）",
        "scope_clean": "共检查 {all} 张表，{rows} 行", "filter": "筛选", "all_rules": "全部规则",
        "all_tables": "全部表", "expand_all": "全部展开", "collapse_all": "全部折叠",
        "showing": "显示 {r} 条规则，共 {n} 处", "more_tables": "等 {total} 张表",
        "details": "校验信息",
    },
    "en": {
        "title": "Exchange package validation report",
        "standard": "Jinan administrative law-enforcement supervision data standard",
        "valid": "VALID", "invalid": "INVALID",
        "verdict": "Verdict",
        "error": "error", "warning": "warning", "info": "info",
        "errors": "errors", "warnings": "warnings", "infos": "infos",
        "package": "Package", "kind": "Form", "sha256": "SHA-256",
        "std_version": "Standard version", "declared": "declared", "supported": "supported", "judged_by": "judged by the {v} model", "not_judged": "not judged",
        "not_declared": "not declared",
        "as_of": "As of", "validator": "Validator", "duration": "took", "seconds": "s",
        "max_examples": "at most {n} examples listed per rule and table; counts are always complete",
        "config": "Configuration", "config_default": "defaults (no configuration file)",
        "rule_off": "off", "table": "Table", "path": "File", "rows": "Rows", "row": "Row",
        "field": "Field", "value": "Value", "key": "Record key", "message": "Message",
        "findings": "Findings", "no_findings": "No findings.",
        "count": "{n} found", "shown_first": "showing first {shown} of {count}", "paren": " ({x})",
        "docs": "Rule page", "description": "Checks", "fix": "How to fix", "basis": "Basis",
        "overview": "Tables", "rules_overview": "Summary of findings", "severity": "Severity", "code": "Rule",
        "rule_title": "Title", "fail_on": "With --fail-on {level}: {outcome} (exit code {code})",
        "fails": "fails", "passes": "passes", "package_level": "package (as a whole)",
        "not_read": "not read", "masked_note": "Personal data (identity numbers, phone numbers, names) is shown masked.",
        "generated_by": "Generated by {tool}", "sep": ": ", "kinds.folder": "folder",
        "kinds.descriptor": "datapackage.json", "kinds.zip": "zip archive", "kinds.json": "JSON document",
        "level": "Level", "in_tables": "in",
        "levels.package": "package", "levels.file": "file", "levels.header": "header", "levels.cell": "cell",
        "levels.table": "table", "levels.cross_table": "cross-table", "levels.business": "business rule",
        "unknown_rule": "(code not in the rule catalogue)", "count_col": "Count", "config_file": "file",
        # the HTML report's summary, filters and groups
        "scope": "{rules} rules broken in {tables} of {all} tables",
        "scope_clean": "{all} tables checked, {rows} rows", "filter": "Filter", "all_rules": "All rules",
        "all_tables": "All tables", "expand_all": "Expand all", "collapse_all": "Collapse all",
        "showing": "Showing {r} rules, {n} findings", "more_tables": "+{n} more",
        "details": "Run details",
    },
}


def label(lang: str, key: str, **kw: Any) -> str:
    text = LABELS[lang].get(key, LABELS["en"].get(key, key))
    return text.format(**kw) if kw else text


def narrowed(result: Any, lang: str) -> str:
    """What a pass of a run narrowed by --tables adds: that it holds for those tables only
    ('' for a run of the whole package)."""
    tables = (result.config or {}).get("tables") or {}
    if not tables.get("skipped"):
        return ""
    n = len(tables.get("checked") or [])
    return f"（仅限所校验的 {n} 张表）" if lang == "zh" else f" (for the {n} table{'s' if n != 1 else ''} checked only)"


def verdict(result: Any, lang: str) -> str:
    """The verdict: valid or not; a valid run narrowed by --tables says it holds for those only."""
    return label(lang, "valid") + narrowed(result, lang) if result.valid else label(lang, "invalid")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def fmt_int(n: int | None) -> str:
    return "–" if n is None else f"{n:,}"


# ---------------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class RuleView:
    """A rule as reports show it; a code missing from the registry still gets a usable view."""

    code: str
    severity: Severity
    level: str
    title: dict[str, str]
    description: dict[str, str]
    fix: dict[str, str]
    basis: str
    docs_url: str
    known: bool = True

    def t(self, what: str, lang: str) -> str:
        d = getattr(self, what)
        return d.get(lang) or d.get("en") or d.get("zh") or ""


def rule_view(code: str, fallback_severity: Severity = Severity.ERROR) -> RuleView:
    rule = registry().get(code)
    if rule is None:
        return RuleView(code, fallback_severity, "unknown", {"zh": code, "en": code}, {}, {}, "",
                        f"{DOCS_BASE_URL}/rules/{code}/", known=False)
    return RuleView(rule.code, rule.severity, rule.level, dict(rule.title), dict(rule.description),
                    dict(rule.fix), rule.basis, rule.docs_url)


# ---------------------------------------------------------------------------------- order
def _tally_key(t: RuleTally) -> tuple:
    return (-t.severity.rank, t.code, t.resource is not None, t.resource or "")


def ordered_tallies(result: ValidationResult) -> list[RuleTally]:
    """Worst first, then by code, package-level before tables: the same order in every format."""
    return sorted((t for t in result.tallies if t.count > 0), key=_tally_key)


def by_rule(result: ValidationResult) -> list[tuple[str, list[RuleTally]]]:
    groups: dict[str, list[RuleTally]] = {}
    for t in ordered_tallies(result):
        groups.setdefault(t.code, []).append(t)
    return list(groups.items())


@dataclass
class TableRow:
    name: str                   # resource name, or PACKAGE for package-level findings
    path: str | None
    title: str | None
    rows: int | None
    counts: dict[Severity, int]
    listed: bool                # False: only known from findings (e.g. an unknown resource)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def table_rows(result: ValidationResult) -> list[TableRow]:
    """One row per resource read (in package order) plus package-level findings first and any
    resource that is only named by findings."""
    rows: dict[str, TableRow] = {PACKAGE: TableRow(PACKAGE, None, None, None, {s: 0 for s in Severity}, True)}
    for r in result.resources:
        if r.name not in rows:
            rows[r.name] = TableRow(r.name, r.path, r.title, r.rows, {s: 0 for s in Severity}, True)
    for t in ordered_tallies(result):
        name = t.resource or PACKAGE
        if name not in rows:
            rows[name] = TableRow(name, None, None, None, {s: 0 for s in Severity}, False)
        rows[name].counts[t.severity] += t.count
    return list(rows.values())


def where(f: Finding, lang: str) -> str:
    """`行 12 · field · message` (parts that are unknown are left out)."""
    parts = []
    if f.row is not None:
        parts.append(f"{label(lang, 'row')} {f.row}")
    elif f.pointer:
        parts.append(f.pointer)
    if f.field:
        parts.append(f.field)
    parts.append(message(f, lang))
    return " · ".join(parts)


def message(f: Finding, lang: str) -> str:
    return (f.message_zh if lang == "zh" else f.message_en) or f.message_en or f.message_zh


def config_lines(config: dict[str, Any], lang: str) -> list[str]:
    """The user's overrides in words (empty when the defaults were used)."""
    out = []
    if config.get("file"):
        out.append(f"{label(lang, 'config_file')} {scrub(config['file'])}")
    for code, spec in (config.get("rules") or {}).items():
        if isinstance(spec, dict) and spec.get("enabled") is False:
            out.append(f"{code} {label(lang, 'rule_off')}")
        elif isinstance(spec, dict) and spec.get("severity"):
            out.append(f"{code} → {label(lang, spec['severity'])}")
    # the run's narrowed scope (--tables, --max-errors), said by config.Config.as_record
    out.extend(scrub(str(n.get(lang, ""))) or "" for n in config.get("notes") or () if isinstance(n, dict))
    return out


def fail_on_line(result: ValidationResult, lang: str) -> str:
    fails = result.fails()
    return label(lang, "fail_on", level=result.fail_on.value,
                 outcome=label(lang, "fails" if fails else "passes"), code=1 if fails else 0)


def kind_label(kind: str, lang: str) -> str:
    return LABELS[lang].get(f"kinds.{kind}", kind)


def level_label(level: str, lang: str) -> str:
    return LABELS[lang].get(f"levels.{level}", level)


def table_label(name: str | None, lang: str) -> str:
    return label(lang, "package_level") if name in (None, PACKAGE) else name


# ---------------------------------------------------------------------------------- width
def dwidth(s: str) -> int:
    """Display width in a terminal: CJK (wide/fullwidth) characters take two columns."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in s)


def ljust(s: str, width: int) -> str:
    return s + " " * max(0, width - dwidth(s))


def rjust(s: str, width: int) -> str:
    return " " * max(0, width - dwidth(s)) + s


def columns(rows: Iterable[list[str]], right: Container[int] = frozenset(), gap: int = 2) -> list[str]:
    rows = [list(r) for r in rows]
    if not rows:
        return []
    widths = [max(dwidth(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [(rjust if i in right else ljust)(c, widths[i]) for i, c in enumerate(r)]
        out.append((" " * gap).join(cells).rstrip())
    return out


def cap(text: str) -> str:
    """Capitalised for a column heading (no effect on Chinese)."""
    return text[:1].upper() + text[1:]
