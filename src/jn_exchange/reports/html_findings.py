"""The HTML report's findings: the table of the rules broken (in the summary), and the groups
rule → table → examples with the filters above them.

Order everywhere: severity, rule, table (package-level first), row. Each rule carries its own
description, fix and basis, so a reader without network still sees what it means; its page on
the standard's website (or the office's copy: `docs_base_url`) is one link away."""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import urlsplit

from jn_exchange.findings import Finding, RuleTally, Severity, ValidationResult
from jn_exchange.reports._common import (
    examples,
    fmt_int,
    label,
    level_label,
    message,
    rule_view,
    scrub,
    table_label,
)
from jn_exchange.rules import DOCS_BASE_URL

# Up to this many examples on the page, every group is written open (a small report reads
# like a document, and prints whole without the script); beyond it the groups start closed,
# so that the browser lays out only what the reader opens.
OPEN_ALL_UP_TO = 200
PACKAGE_KEY = "#package"      # the table filter's value for package-level findings (no table has it)
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def e(text: object) -> str:
    """Escape for HTML text and attribute values (after masking)."""
    return html.escape(scrub("" if text is None else str(text)) or "", quote=True)


def wbr(text: object) -> str:
    """Escaped, with a break opportunity after each underscore: a long field or table name wraps
    between its words on a phone, never inside one."""
    return e(text).replace("_", "_<wbr>")


def rule_page(code: str, lang: str, base: str | None = None) -> str:
    """The rule's page on the website at `base` (English pages live under en/). A base that is not
    a web server (file:, a folder) gets index.html: a browser shows no folder index from disk."""
    base = (base or DOCS_BASE_URL).rstrip("/")
    index = "" if urlsplit(base).scheme in ("http", "https") else "index.html"
    return f"{base}/{'en/' if lang == 'en' else ''}rules/{code}/{index}"


def site_home(lang: str, base: str | None = None) -> str:
    base = (base or DOCS_BASE_URL).rstrip("/")
    index = "" if urlsplit(base).scheme in ("http", "https") else "index.html"
    return f"{base}/{'en/' if lang == 'en' else ''}{index}"


def _labeller(lang: str) -> Callable[..., str]:
    return lambda key, **kw: label(lang, key, **kw)


def _table_cell(t: RuleTally, lang: str) -> str:
    return f'<span class="mono">{wbr(t.resource)}</span>' if t.resource else e(table_label(None, lang))


# ------------------------------------------------------------------------------ the summary
def rules_table(groups: list[tuple[str, list[RuleTally]]], lang: str) -> list[str]:
    """The rules broken, worst first: code (a link to its group) and severity, title and tables, count."""
    L = _labeller(lang)
    out = ['<table class="rules">', f"<thead><tr><th>{e(L('code'))}</th>"
           f"<th>{e(L('rule_title'))} · {e(L('table'))}</th><th class=\"num\">{e(L('count_col'))}</th></tr></thead>",
           "<tbody>"]
    for code, tallies in groups:
        rule = rule_view(code, tallies[0].severity)
        sev = tallies[0].severity
        shown = tallies if len(tallies) <= 4 else tallies[:3]
        names = ", ".join(_table_cell(t, lang) for t in shown)
        if len(shown) < len(tallies):
            names += " " + e(L("more_tables", n=fmt_int(len(tallies) - len(shown)), total=fmt_int(len(tallies))))
        out.append(f'<tr><td class="code"><a class="mono" href="#rule-{e(code)}">{e(code)}</a><br>'
                   f'<span class="pill {sev.value}">{e(L(sev.value))}</span></td>'
                   f'<td>{e(rule.t("title", lang))}<span class="sub">{names}</span></td>'
                   f'<td class="num">{fmt_int(sum(t.count for t in tallies))}</td></tr>')
    return [*out, "</tbody></table>"]


# ------------------------------------------------------------------------------ the groups
def findings_section(result: ValidationResult, groups: list[tuple[str, list[RuleTally]]], lang: str,
                     docs_base: str | None) -> list[str]:
    """Filters, then one group per rule, one per table inside it, the examples inside that."""
    L = _labeller(lang)
    titles = {r.name: r.title for r in result.resources}
    open_all = sum(len(t.examples) for _, ts in groups for t in ts) <= OPEN_ALL_UP_TO
    out = ['<section class="box" id="findings">', f"<h2>{e(L('findings'))}</h2>",
           *_filters(result, groups, titles, lang),
           f'<p class="status" role="status" data-tpl="{e(L("showing"))}"></p>']
    for code, tallies in groups:
        out += _rule_group(result, code, tallies, lang, titles, docs_base, open_all)
    return [*out, "</section>"]


def _filters(result: ValidationResult, groups: list[tuple[str, list[RuleTally]]], titles: dict[str, str | None],
             lang: str) -> list[str]:
    """The filter bar: hidden until the script runs (without it, it could do nothing)."""
    L = _labeller(lang)
    boxes = []
    for sev in SEVERITIES:
        n = result.count(sev)
        boxes.append(f'<label><input type="checkbox" name="sev" value="{sev.value}" checked'
                     f'{"" if n else " disabled"}> <span class="pill {sev.value}">{e(L(sev.value))}</span> '
                     f"{fmt_int(n)}</label>")
    rules = [f'<option value="">{e(L("all_rules"))}</option>']
    counts: dict[str, int] = {}
    for code, tallies in groups:
        rule = rule_view(code, tallies[0].severity)
        rules.append(f'<option value="{e(code)}">{e(code)} {e(rule.t("title", lang))} '
                     f'({fmt_int(sum(t.count for t in tallies))})</option>')
        for t in tallies:
            key = t.resource or PACKAGE_KEY
            counts[key] = counts.get(key, 0) + t.count
    tables = [f'<option value="">{e(L("all_tables"))}</option>']
    for key in sorted(counts, key=lambda k: (k != PACKAGE_KEY, k)):
        name = table_label(None, lang) if key == PACKAGE_KEY else key
        title = f" {titles[key]}" if titles.get(key) else ""
        tables.append(f'<option value="{e(key)}">{e(name)}{e(title)} ({fmt_int(counts[key])})</option>')
    return ['<div class="filters" hidden>', f'<b>{e(L("filter"))}</b>', *boxes, '<span class="sel">',
            f'<select name="rule" aria-label="{e(L("code"))}">{"".join(rules)}</select>',
            f'<select name="table" aria-label="{e(L("table"))}">{"".join(tables)}</select>', "</span>",
            f'<button type="button" name="expand">{e(L("expand_all"))}</button>',
            f'<button type="button" name="collapse">{e(L("collapse_all"))}</button>', "</div>"]


def _rule_group(result: ValidationResult, code: str, tallies: list[RuleTally], lang: str,
                titles: dict[str, str | None], docs_base: str | None, open_all: bool) -> list[str]:
    """One rule: its summary line; opened, what it checks, how to fix it, then table by table."""
    L = _labeller(lang)
    rule = rule_view(code, tallies[0].severity)
    sev = tallies[0].severity.value
    total = sum(t.count for t in tallies)
    url = rule_page(code, lang, docs_base)
    out = [f'<details class="rule {sev}" id="rule-{e(code)}" data-sev="{sev}" data-code="{e(code)}"'
           f'{" open" if open_all else ""}>',
           f'<summary><span class="code mono">{e(code)}</span><span class="pill {sev}">{e(L(sev))}</span>'
           f'<span class="t">{e(rule.t("title", lang))}</span>'
           f'<span class="count">{e(L("count", n=fmt_int(total)))}</span></summary>',
           '<div class="rule-body">', '<dl class="about">']
    if rule.known:
        out += [f"<dt>{e(L('description'))}</dt><dd>{e(rule.t('description', lang))}</dd>",
                f"<dt>{e(L('fix'))}</dt><dd>{e(rule.t('fix', lang))}</dd>",
                f"<dt>{e(L('basis'))}</dt><dd>{e(rule.basis)}</dd>",
                f"<dt>{e(L('level'))}</dt><dd>{e(level_label(rule.level, lang))}</dd>"]
    else:
        out.append(f"<dt>{e(L('description'))}</dt><dd>{e(L('unknown_rule'))}</dd>")
    # on a phone the address wraps after a slash, never at the hyphen of a code
    shown = "/<wbr>".join(f'<span class="nw">{e(seg)}</span>' if seg else "" for seg in url.split("/"))
    out += [f'<dt>{e(L("docs"))}</dt><dd><a href="{e(url)}">{shown}</a></dd>', "</dl>"]
    for t in tallies:
        out += _tally(result, t, lang, titles, open_all or len(tallies) == 1)
    return [*out, "</div>", "</details>"]


def _tally(result: ValidationResult, t: RuleTally, lang: str, titles: dict[str, str | None],
           is_open: bool) -> list[str]:
    """The findings of one rule in one table: its count, then the stored examples by row."""
    L = _labeller(lang)
    exs = sorted(examples(t), key=_row_order)
    head = L("count", n=fmt_int(t.count))
    if t.truncated:
        head += " · " + L("shown_first", shown=fmt_int(len(exs)), count=fmt_int(t.count))
    title = f' <span class="muted">{e(titles[t.resource])}</span>' if t.resource and titles.get(t.resource) else ""
    out = [f'<details class="tally" data-table="{e(t.resource or PACKAGE_KEY)}" data-n="{t.count}"'
           f'{" open" if is_open else ""}>',
           f'<summary><span class="tn">{_table_cell(t, lang)}{title}</span>'
           f'<span class="muted">{e(head)}</span></summary>']
    if exs:
        out += _examples_table(exs, lang)
    if t.truncated:
        out.append(f'<p class="trunc">{e(L("max_examples", n=result.max_examples))}</p>')
    return [*out, "</details>"]


def _row_order(f: Finding) -> tuple[bool, int, str]:
    return (f.row is None, f.row or 0, f.field or "")


def _examples_table(exs: list[Finding], lang: str) -> list[str]:
    """Row, then only the columns some example fills (field, value, record key), then the message.
    One line per example and short class names: at 10,000 examples every byte is paid 10,000 times."""
    L = _labeller(lang)
    cols = [("f", any(f.field or f.pointer for f in exs), "field"), ("v", any(f.value is not None for f in exs), "value"),
            ("k", any(f.key for f in exs), "key")]
    cols = [c for c in cols if c[1]]
    out = ['<div class="scroll"><table class="examples"><colgroup><col class="r">' + "".join(f'<col class="{c}">' for c, _, _ in cols)
           + '<col class="m"></colgroup>',
           f"<thead><tr><th class=\"num\">{e(L('row'))}</th>" + "".join(f"<th>{e(L(k))}</th>" for _, _, k in cols)
           + f"<th>{e(L('message'))}</th></tr></thead><tbody>"]
    for f in exs:
        cells = [f'<td class="r">{f.row if f.row is not None else "–"}</td>']
        for c, _, _ in cols:
            if c == "f":
                ptr = f'<span class="sub">{e(f.pointer)}</span>' if f.pointer else ""
                cells.append(f'<td class="f">{wbr(f.field)}{ptr}</td>' if f.field or ptr
                             else '<td class="f nil">–</td>')
            elif c == "v":
                cells.append(f'<td class="v">{e(f.value)}</td>' if f.value is not None else '<td class="v nil">–</td>')
            else:
                cells.append(f'<td class="k">{e(f.key or "").replace("|", "|<wbr>")}</td>')
        out.append("<tr>" + "".join(cells) + f"<td>{e(message(f, lang))}</td></tr>")
    return [*out, "</tbody></table></div>"]
