"""The HTML report: one self-contained page a city office can open, print or e-mail.

Inline CSS only: no scripts, external fonts, stylesheets or images, so it works offline and
survives being attached to a mail. Every string from the package is escaped (values come from
vendors' files); the only external links are the rule pages of the standard's website."""

from __future__ import annotations

import html
from collections.abc import Callable

from jn_exchange.findings import RuleTally, Severity, ValidationResult
from jn_exchange.reports._common import (
    INFORMATION_URI,
    PACKAGE,
    by_rule,
    cap,
    config_lines,
    examples,
    fail_on_line,
    fmt_int,
    kind_label,
    label,
    level_label,
    message,
    rule_view,
    scrub,
    table_label,
    table_rows,
)

_CSS = """
:root { --ink:#1d2939; --muted:#5d6b82; --line:#d9dee7; --bg:#f4f6f9; --brand:#1f3a5f;
  --err:#b42318; --err-bg:#fef3f2; --warn:#b54708; --warn-bg:#fffaeb; --info:#175cd3; --info-bg:#eff8ff;
  --ok:#067647; --ok-bg:#ecfdf3; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; background:var(--bg); color:var(--ink); font-size:14px; line-height:1.6;
  font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", sans-serif; }
.page { max-width:1120px; margin:0 auto; padding:0 24px 40px; }
header.top { background:var(--brand); color:#fff; }
header.top .page { padding-top:22px; padding-bottom:22px; display:flex; align-items:center; gap:24px; }
header.top .titles { flex:1; min-width:0; }
header.top .std { font-size:13px; opacity:.85; letter-spacing:.04em; }
header.top h1 { margin:2px 0 0; font-size:24px; font-weight:700; }
header.top .src { font-size:13px; opacity:.85; word-break:break-all; margin-top:4px; }
.verdict { flex:none; font-size:22px; font-weight:700; padding:10px 26px; border-radius:8px;
  border:2px solid #fff; letter-spacing:.08em; }
.verdict.valid { background:var(--ok); }
.verdict.invalid { background:var(--err); }
.cards { display:flex; gap:16px; margin:22px 0 8px; flex-wrap:wrap; }
.card { flex:1 1 160px; background:#fff; border:1px solid var(--line); border-left:5px solid var(--line);
  border-radius:8px; padding:12px 18px; }
.card .n { font-size:28px; font-weight:700; line-height:1.2; font-variant-numeric:tabular-nums; }
.card .l { color:var(--muted); font-size:13px; }
.card.error { border-left-color:var(--err); } .card.error .n { color:var(--err); }
.card.warning { border-left-color:var(--warn); } .card.warning .n { color:var(--warn); }
.card.info { border-left-color:var(--info); } .card.info .n { color:var(--info); }
.card.zero .n { color:var(--muted); }
.failon { color:var(--muted); font-size:13px; margin:4px 0 0; }
section.box { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:18px 0; }
h2 { font-size:17px; margin:0 0 12px; padding-bottom:8px; border-bottom:1px solid var(--line); }
h2.out { margin:30px 0 0; border:none; padding:0; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; vertical-align:top; padding:6px 10px; border-bottom:1px solid var(--line); }
th { background:#f8f9fb; color:var(--muted); font-weight:600; font-size:13px; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.num.hit-error { color:var(--err); font-weight:700; }
td.num.hit-warning { color:var(--warn); font-weight:700; }
td.num.hit-info { color:var(--info); font-weight:700; }
table.kv th { width:150px; background:none; border:none; padding:4px 10px 4px 0; font-size:14px; }
table.kv td { border:none; padding:4px 0; word-break:break-all; }
.mono, code { font-family: "Noto Sans Mono CJK SC", Consolas, "Courier New", monospace; font-size:.95em; }
.pill { display:inline-block; border-radius:999px; padding:1px 10px; font-size:12px; font-weight:600;
  white-space:nowrap; border:1px solid transparent; }
.pill.error { color:var(--err); background:var(--err-bg); border-color:#fecdca; }
.pill.warning { color:var(--warn); background:var(--warn-bg); border-color:#fedf89; }
.pill.info { color:var(--info); background:var(--info-bg); border-color:#b2ddff; }
.muted { color:var(--muted); }
.rule { border-left:5px solid var(--line); }
.rule.error { border-left-color:var(--err); } .rule.warning { border-left-color:var(--warn); }
.rule.info { border-left-color:var(--info); }
.rule-head { display:flex; align-items:baseline; gap:12px; flex-wrap:wrap; }
.rule-head h3 { margin:0; font-size:17px; }
.rule-head .code { font-weight:700; }
.rule-head .count { margin-left:auto; font-weight:700; }
dl.about { display:grid; grid-template-columns:120px 1fr; gap:4px 14px; margin:12px 0 4px; }
dl.about dt { color:var(--muted); }
dl.about dd { margin:0; }
h4 { font-size:14px; margin:16px 0 6px; }
h4 .muted { font-weight:400; margin-left:8px; }
table.examples { table-layout:fixed; }
table.examples col.c-row { width:72px; } table.examples col.c-field { width:170px; }
table.examples col.c-val { width:210px; } table.examples col.c-key { width:150px; }
table.examples td { overflow-wrap:anywhere; }
table.examples td.val { word-break:break-all; }
.empty { color:var(--muted); }
table.examples td.msg { overflow-wrap:anywhere; }
table.examples td.row { white-space:nowrap; }
.trunc { margin:6px 0 0; font-size:13px; color:var(--muted); }
a { color:#1849a9; }
.none { padding:18px; text-align:center; color:var(--ok); font-weight:600; }
footer { color:var(--muted); font-size:12px; padding:8px 0 0; border-top:1px solid var(--line); margin-top:28px; }
@media print {
  body { background:#fff; font-size:12px; }
  header.top { background:#fff; color:var(--ink); border-bottom:3px solid var(--brand); }
  .verdict { border-color:transparent; color:#fff; -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  section.box { break-inside:avoid-page; border-color:#bbb; }
  section.rule { break-inside:auto; }
  a { color:inherit; text-decoration:none; }
}
"""


def e(text: object) -> str:
    """Escape for HTML text and attribute values (after masking)."""
    return html.escape(scrub("" if text is None else str(text)) or "", quote=True)


def render(result: ValidationResult, lang: str = "zh") -> str:
    """The whole page: head, verdict header, counts, package, tables, rules, findings, footer."""
    out = [*_head(result, lang), *_banner(result, lang), '<main class="page">', *_cards(result, lang),
           *_package_box(result, lang), *_tables_box(result, lang)]
    groups = by_rule(result)
    out += _rules_box(groups, lang)
    if groups:
        out.append(f'<h2 class="out">{e(label(lang, "findings"))}</h2>')
    for code, tallies in groups:
        out += _rule_section(result, code, tallies, lang)
    out += _footer(result, lang)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _labeller(lang: str) -> Callable[..., str]:
    return lambda key, **kw: label(lang, key, **kw)


def _head(result: ValidationResult, lang: str) -> list[str]:
    L = _labeller(lang)
    verdict = L("valid") if result.valid else L("invalid")
    return ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>",
            '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="jn-exchange {e(result.validator_version)}">',
            f"<title>{e(L('title'))} · {e(verdict)} · {e(result.source)}</title>",
            f"<style>{_CSS}</style>", "</head>", "<body>"]


def _banner(result: ValidationResult, lang: str) -> list[str]:
    """The header with the verdict badge."""
    L = _labeller(lang)
    valid = result.valid
    verdict = L("valid") if valid else L("invalid")
    return ['<header class="top"><div class="page">', '<div class="titles">',
            f'<div class="std">{e(L("standard"))}</div>', f"<h1>{e(L('title'))}</h1>",
            f'<div class="src mono">{e(result.source)}</div>', "</div>",
            f'<div class="verdict {"valid" if valid else "invalid"}" role="status">{e(verdict)}</div>',
            "</div></header>"]


def _cards(result: ValidationResult, lang: str) -> list[str]:
    """Summary counts by severity (and the --fail-on line when it matters)."""
    L = _labeller(lang)
    out = ['<div class="cards">']
    for sev, key in ((Severity.ERROR, "errors"), (Severity.WARNING, "warnings"), (Severity.INFO, "infos")):
        n = result.count(sev)
        out.append(f'<div class="card {sev.value}{"" if n else " zero"}"><div class="n">{fmt_int(n)}</div>'
                   f'<div class="l">{e(cap(L(key)))}</div></div>')
    out.append("</div>")
    if result.fails() != (not result.valid) or result.fail_on != Severity.ERROR:
        out.append(f'<p class="failon">{e(fail_on_line(result, lang))}</p>')
    return out


def _package_box(result: ValidationResult, lang: str) -> list[str]:
    L = _labeller(lang)
    declared = result.standard_version or L("not_declared")
    cfg = config_lines(result.config, lang)
    rows = [
        (L("package"), f'<span class="mono">{e(result.source)}</span> <span class="muted">'
                       f'({e(kind_label(result.source_kind, lang))})</span>'),
        (L("sha256"), f'<span class="mono">{e(result.package_sha256 or "–")}</span>'),
        (L("std_version"), f"{e(L('declared'))} <b>{e(declared)}</b> · {e(L('supported'))} "
                           f"<b>{e(result.supported_standard_version)}</b>"),
        (L("as_of"), e(result.as_of)),
        (L("validator"), f"jn-exchange {e(result.validator_version)} · {e(L('duration'))} "
                         f"{result.duration_s:.2f} {e(L('seconds'))}"),
        (L("config"), "<br>".join(e(c) for c in cfg) if cfg else e(L("config_default"))),
    ]
    return ['<section class="box">', f"<h2>{e(L('package'))}</h2>", '<table class="kv">',
            *(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows), "</table>", "</section>"]


def _tables_box(result: ValidationResult, lang: str) -> list[str]:
    """Rows and findings per table."""
    L = _labeller(lang)
    out = ['<section class="box">', f"<h2>{e(L('overview'))}</h2>", "<table>",
           f"<thead><tr><th>{e(L('table'))}</th><th>{e(L('path'))}</th><th class=\"num\">{e(L('rows'))}</th>"
           f"<th class=\"num\">{e(cap(L('errors')))}</th><th class=\"num\">{e(cap(L('warnings')))}</th>"
           f"<th class=\"num\">{e(cap(L('infos')))}</th></tr></thead><tbody>"]
    for r in table_rows(result):
        if r.name == PACKAGE and not r.total:
            continue
        if r.name == PACKAGE:
            name_cell = e(table_label(PACKAGE, lang))
        else:
            name_cell = f'<span class="mono">{e(r.name)}</span>'
            if r.title:
                name_cell += f' <span class="muted">{e(r.title)}</span>'
        rows_cell = fmt_int(r.rows) if r.listed and r.name != PACKAGE else ("–" if r.name == PACKAGE else e(L("not_read")))
        cells = "".join(
            f'<td class="num{" hit-" + s.value if r.counts[s] else ""}">{fmt_int(r.counts[s])}</td>'
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        out.append(f'<tr><td>{name_cell}</td><td class="mono">{e(r.path or "")}</td>'
                   f'<td class="num">{rows_cell}</td>{cells}</tr>')
    return [*out, "</tbody></table>", "</section>"]


def _rules_box(groups: list[tuple[str, list[RuleTally]]], lang: str) -> list[str]:
    """Overview of the rules that fired."""
    L = _labeller(lang)
    out = ['<section class="box">', f"<h2>{e(L('rules_overview'))}</h2>"]
    if not groups:
        return [*out, f'<div class="none">{e(L("no_findings"))}</div>', "</section>"]
    out += ["<table>", f"<thead><tr><th>{e(L('code'))}</th><th>{e(L('severity'))}</th><th>{e(L('rule_title'))}</th>"
            f"<th>{e(L('table'))}</th><th class=\"num\">{e(L('count_col'))}</th></tr></thead><tbody>"]
    for code, tallies in groups:
        rule = rule_view(code, tallies[0].severity)
        sev = tallies[0].severity
        tables = ", ".join(f'<span class="mono">{e(t.resource)}</span>' if t.resource else e(table_label(None, lang))
                           for t in tallies)
        out.append(f'<tr><td class="mono"><a href="#rule-{e(code)}">{e(code)}</a></td>'
                   f'<td><span class="pill {sev.value}">{e(L(sev.value))}</span></td>'
                   f"<td>{e(rule.t('title', lang))}</td><td>{tables}</td>"
                   f'<td class="num">{fmt_int(sum(t.count for t in tallies))}</td></tr>')
    return [*out, "</tbody></table>", "</section>"]


def _rule_section(result: ValidationResult, code: str, tallies: list[RuleTally], lang: str) -> list[str]:
    """One rule: what it says, then its findings table by table."""
    L = _labeller(lang)
    rule = rule_view(code, tallies[0].severity)
    sev = tallies[0].severity
    total = sum(t.count for t in tallies)
    out = [f'<section class="box rule {sev.value}" id="rule-{e(code)}">', '<div class="rule-head">',
           f'<span class="code mono">{e(code)}</span><span class="pill {sev.value}">{e(L(sev.value))}</span>',
           f"<h3>{e(rule.t('title', lang))}</h3>", f'<span class="count">{e(L("count", n=fmt_int(total)))}</span>',
           "</div>", '<dl class="about">']
    if rule.known:
        out += [f"<dt>{e(L('description'))}</dt><dd>{e(rule.t('description', lang))}</dd>",
                f"<dt>{e(L('fix'))}</dt><dd>{e(rule.t('fix', lang))}</dd>",
                f"<dt>{e(L('basis'))}</dt><dd>{e(rule.basis)}</dd>",
                f"<dt>{e(L('level'))}</dt><dd>{e(level_label(rule.level, lang))}</dd>"]
    else:
        out.append(f"<dt>{e(L('description'))}</dt><dd>{e(L('unknown_rule'))}</dd>")
    out += [f'<dt>{e(L("docs"))}</dt><dd><a href="{e(rule.docs_url)}">{e(rule.docs_url)}</a></dd>', "</dl>"]
    for t in tallies:
        out += _tally_examples(result, t, lang)
    out.append("</section>")
    return out


def _tally_examples(result: ValidationResult, t: RuleTally, lang: str) -> list[str]:
    """The findings of one rule in one table: a heading with the count, then the stored examples."""
    L = _labeller(lang)
    exs = examples(t)
    head = L("count", n=fmt_int(t.count))
    if t.truncated:
        head += " · " + L("shown_first", shown=fmt_int(len(exs)), count=fmt_int(t.count))
    name = table_label(t.resource, lang)
    name_html = f'<span class="mono">{e(name)}</span>' if t.resource else e(name)
    out = [f'<h4>{name_html}<span class="muted">{e(head)}</span></h4>']
    if not exs:
        return out
    has_key = any(f.key for f in exs)
    out.append('<table class="examples"><colgroup><col class="c-row"><col class="c-field"><col class="c-val">'
               + ('<col class="c-key">' if has_key else "") + '<col class="c-msg"></colgroup>')
    out.append(f"<thead><tr><th class=\"num\">{e(L('row'))}</th><th>{e(L('field'))}</th><th>{e(L('value'))}</th>"
               + (f"<th>{e(L('key'))}</th>" if has_key else "")
               + f"<th>{e(L('message'))}</th></tr></thead><tbody>")
    for f in exs:
        loc = str(f.row) if f.row is not None else "–"
        ptr = f'<br><span class="muted">{e(f.pointer)}</span>' if f.pointer else ""
        out.append(f'<tr><td class="row num">{e(loc)}</td><td class="mono">{e(f.field or "–")}{ptr}</td>'
                   + (f'<td class="val mono">{e(f.value)}</td>' if f.value is not None else '<td class="val empty">–</td>')
                   + (f'<td class="mono">{e(f.key or "")}</td>' if has_key else "")
                   + f'<td class="msg">{e(message(f, lang))}</td></tr>')
    out.append("</tbody></table>")
    if t.truncated:
        out.append(f'<p class="trunc">{e(L("max_examples", n=result.max_examples))}</p>')
    return out


def _footer(result: ValidationResult, lang: str) -> list[str]:
    L = _labeller(lang)
    return ["<footer>",
            f"{e(L('generated_by', tool='jn-exchange ' + str(result.validator_version)))} · "
            f"{e(L('as_of'))} {e(result.as_of)} · {e(L('masked_note'))} · "
            f'<a href="{e(INFORMATION_URI)}">{e(INFORMATION_URI)}</a>',
            "</footer>"]
