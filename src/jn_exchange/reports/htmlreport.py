"""The HTML report: one self-contained page a city office can open, print or e-mail.

It opens with the verdict and the summary (counts by severity, the rules broken), then the
findings grouped rule → table → examples with filters, then the tables and the run's details.
Nothing is fetched: the style and the small script are inlined, and the page's
Content-Security-Policy allows only those two blocks (`html_assets`). Every string from the
package is masked and escaped (values come from vendors' files); the only external links are
the rule pages of the standard's website, at the base URL the office configures
(`docs_base_url`), and each rule's description and fix are in the page itself."""

from __future__ import annotations

from collections.abc import Callable

from jn_exchange.findings import RuleTally, Severity, ValidationResult
from jn_exchange.reports._common import (
    LABELS,
    PACKAGE,
    by_rule,
    cap,
    config_lines,
    fail_on_line,
    fmt_int,
    kind_label,
    label,
    table_label,
    table_rows,
)
from jn_exchange.reports._common import verdict as verdict_of
from jn_exchange.reports.html_assets import SCRIPT, content_security_policy, stylesheet
from jn_exchange.reports.html_findings import SEVERITIES, e, findings_section, rules_table, site_home, wbr


def render(result: ValidationResult, lang: str = "zh", docs_base_url: str | None = None) -> str:
    """The whole page. `docs_base_url`: where the rule pages are (default: the public website)."""
    css = stylesheet(LABELS[lang])
    groups = by_rule(result)
    out = [*_head(result, lang, css), *_banner(result, lang), '<main class="page">',
           *_summary(result, groups, lang)]
    if groups:
        out += findings_section(result, groups, lang, docs_base_url)
    out += [*_tables_box(result, lang), *_run_box(result, lang), *_footer(result, lang, docs_base_url),
            "</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _labeller(lang: str) -> Callable[..., str]:
    return lambda key, **kw: label(lang, key, **kw)


def _head(result: ValidationResult, lang: str, css: str) -> list[str]:
    L = _labeller(lang)
    verdict = verdict_of(result, lang)
    return ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>",
            '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(css)}">',
            f'<meta name="generator" content="jn-exchange {e(result.validator_version)}">',
            f"<title>{e(L('title'))} · {e(verdict)} · {e(result.source)}</title>",
            f"<style>{css}</style>", "</head>", "<body>"]


def _banner(result: ValidationResult, lang: str) -> list[str]:
    """The header with the verdict badge."""
    L = _labeller(lang)
    valid = result.valid
    verdict = verdict_of(result, lang)
    return ['<header class="top"><div class="page">', '<div class="titles">',
            f'<div class="std">{e(L("standard"))}</div>', f"<h1>{e(L('title'))}</h1>",
            f'<div class="src mono">{e(result.source)}</div>', "</div>",
            f'<div class="verdict {"valid" if valid else "invalid"}" role="status">{e(verdict)}</div>',
            "</div></header>"]


def _summary(result: ValidationResult, groups: list[tuple[str, list[RuleTally]]], lang: str) -> list[str]:
    """Counts by severity, the --fail-on line when it matters, the scope, the rules broken."""
    L = _labeller(lang)
    out = ['<section class="summary" id="summary">', '<div class="cards">']
    for sev, key in zip(SEVERITIES, ("errors", "warnings", "infos")):
        n = result.count(sev)
        out.append(f'<div class="card {sev.value}{"" if n else " zero"}"><div class="n">{fmt_int(n)}</div>'
                   f'<div class="l">{e(cap(L(key)))}</div></div>')
    out.append("</div>")
    if result.fails() != (not result.valid) or result.fail_on != Severity.ERROR:
        out.append(f'<p class="failon">{e(fail_on_line(result, lang))}</p>')
    read = result.resources
    hit = {t.resource for _, ts in groups for t in ts if t.resource}
    scope = (L("scope", rules=fmt_int(len(groups)), tables=fmt_int(len(hit)), all=fmt_int(len(read))) if groups
             else L("scope_clean", all=fmt_int(len(read)), rows=fmt_int(sum(r.rows or 0 for r in read))))
    out += [f'<p class="scope">{e(scope)}</p>', '<section class="box">', f"<h2>{e(L('rules_overview'))}</h2>"]
    if not groups:
        return [*out, f'<div class="none">{e(L("no_findings"))}</div>', "</section>", "</section>"]
    return [*out, '<div class="scroll">', *rules_table(groups, lang), "</div>", "</section>", "</section>"]


def _tables_box(result: ValidationResult, lang: str) -> list[str]:
    """Rows and findings per table; a table with findings links to them (the script filters)."""
    L = _labeller(lang)
    out = ['<section class="box">', f"<h2>{e(L('overview'))}</h2>", '<div class="scroll">', "<table>",
           f"<thead><tr><th>{e(L('table'))}</th><th class=\"wide\">{e(L('path'))}</th>"
           f"<th class=\"num\">{e(L('rows'))}</th><th class=\"num\">{e(cap(L('errors')))}</th>"
           f"<th class=\"num\">{e(cap(L('warnings')))}</th><th class=\"num\">{e(cap(L('infos')))}</th></tr></thead>",
           "<tbody>"]
    for r in table_rows(result):
        if r.name == PACKAGE and not r.total:
            continue
        key = "#package" if r.name == PACKAGE else r.name
        name = e(table_label(PACKAGE, lang)) if r.name == PACKAGE else f'<span class="mono">{wbr(r.name)}</span>'
        if r.total:
            name = f'<a href="#findings" data-table="{e(key)}">{name}</a>'
        if r.title:
            name += f'<span class="sub">{e(r.title)}</span>'
        rows_cell = "–" if r.name == PACKAGE else fmt_int(r.rows) if r.listed else e(L("not_read"))
        cells = "".join(f'<td class="num{" hit-" + s.value if r.counts[s] else ""}">{fmt_int(r.counts[s])}</td>'
                        for s in SEVERITIES)
        out.append(f'<tr><td>{name}</td><td class="mono wide">{wbr(r.path or "")}</td>'
                   f'<td class="num">{rows_cell}</td>{cells}</tr>')
    return [*out, "</tbody></table>", "</div>", "</section>"]


def _run_box(result: ValidationResult, lang: str) -> list[str]:
    """What was validated, against which version, when, by what and how configured."""
    L = _labeller(lang)
    declared = result.standard_version or L("not_declared")
    cfg = config_lines(result.config, lang)
    rows = [
        (L("package"), f'<span class="mono">{e(result.source)}</span> <span class="muted">'
                       f'({e(kind_label(result.source_kind, lang))})</span>'),
        (L("sha256"), f'<span class="mono">{e(result.package_sha256 or "–")}</span>'),
        (L("std_version"), f"{e(L('declared'))} <b>{e(declared)}</b> · "
                           + e(L("judged_by", v=result.model_version) if result.model_version else L("not_judged"))
                           + f" · {e(L('supported'))} <b>{e(result.supported_standard_version)}</b>"),
        (L("as_of"), e(result.as_of)),
        (L("validator"), f"jn-exchange {e(result.validator_version)} · {e(L('duration'))} "
                         f"{result.duration_s:.2f} {e(L('seconds'))}"),
        (L("config"), "<br>".join(e(c) for c in cfg) if cfg else e(L("config_default"))),
    ]
    return ['<section class="box">', f"<h2>{e(L('details'))}</h2>", '<table class="kv">',
            *(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows), "</table>", "</section>"]


def _footer(result: ValidationResult, lang: str, docs_base: str | None) -> list[str]:
    L = _labeller(lang)
    home = site_home(lang, docs_base)
    return ["<footer>",
            f"{e(L('generated_by', tool='jn-exchange ' + str(result.validator_version)))} · "
            f"{e(L('as_of'))} {e(result.as_of)} · {e(L('masked_note'))} · "
            f'<a href="{e(home)}">{e(home)}</a>',
            "</footer>"]
