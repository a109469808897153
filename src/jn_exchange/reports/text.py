"""The terminal report: a plain-text summary a person reads after `jn-exchange validate`.

Chinese by default, English with lang="en". Columns are padded by display width, so tables
stay aligned when names or titles are Chinese. No colours unless asked for (and only on a TTY)."""

from __future__ import annotations

from jn_exchange.findings import Severity, ValidationResult
from jn_exchange.reports._common import (
    PACKAGE,
    by_rule,
    columns,
    config_lines,
    dwidth,
    examples,
    fail_on_line,
    fmt_int,
    kind_label,
    label,
    ljust,
    rule_view,
    scrub,
    table_label,
    table_rows,
    where,
)
from jn_exchange.reports._common import verdict as verdict_of

_ANSI = {"red": "\x1b[31;1m", "green": "\x1b[32;1m", "yellow": "\x1b[33m", "cyan": "\x1b[36m",
         "bold": "\x1b[1m", "dim": "\x1b[2m"}
_SEV_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(result: ValidationResult, lang: str = "zh", color: bool = False) -> str:
    def c(text: str, style: str) -> str:
        return f"{_ANSI[style]}{text}\x1b[0m" if color else text

    L = lambda key, **kw: label(lang, key, **kw)  # noqa: E731
    sep = L("sep")
    out: list[str] = []
    heading = f"{L('standard')} · {L('title')}"
    out += [c(heading, "bold"), "=" * min(dwidth(heading), 72), ""]

    verdict = verdict_of(result, lang)
    out.append(f"{L('verdict')}{sep}" + c(verdict, "green" if result.valid else "red"))
    counts = (f"{L('errors')} {fmt_int(result.count(Severity.ERROR))} · "
              f"{L('warnings')} {fmt_int(result.count(Severity.WARNING))} · "
              f"{L('infos')} {fmt_int(result.count(Severity.INFO))}")
    out.append("  " + counts)
    if result.fails() != (not result.valid) or result.fail_on != Severity.ERROR:
        out.append("  " + fail_on_line(result, lang))
    out.append("")

    declared = scrub(result.standard_version) or L("not_declared")
    info = [
        [L("package"), f"{scrub(result.source)}" + L("paren", x=kind_label(result.source_kind, lang))],
        [L("sha256"), result.package_sha256 or "–"],
        [L("std_version"), f"{L('declared')} {declared} · "
                           + (L("judged_by", v=result.model_version) if result.model_version else L("not_judged"))
                           + f" · {L('supported')} {result.supported_standard_version}"],
        [L("as_of"), result.as_of],
        [L("validator"), f"jn-exchange {result.validator_version} · {L('duration')} {result.duration_s:.2f} {L('seconds')}"],
    ]
    cfg = config_lines(result.config, lang)
    info.append([L("config"), "; ".join(cfg) if cfg else L("config_default")])
    width = max(dwidth(k) for k, _ in info)
    out += [f"{ljust(k, width)}  {v}" for k, v in info]
    out.append("")

    # per-table counts
    rows = [[h[:1].upper() + h[1:] for h in (L("table"), L("rows"), L("errors"), L("warnings"), L("infos"))]]
    for r in table_rows(result):
        if r.name == PACKAGE and not r.total:
            continue
        rows.append([table_label(r.name, lang) if r.name == PACKAGE else scrub(r.name) or "",
                     fmt_int(r.rows) if r.listed else L("not_read"),
                     fmt_int(r.counts[Severity.ERROR]), fmt_int(r.counts[Severity.WARNING]),
                     fmt_int(r.counts[Severity.INFO])])
    if len(rows) > 1:
        out += [c(L("overview"), "bold")]
        table = columns(rows, right={1, 2, 3, 4})
        out += ["  " + table[0], "  " + "-" * max(dwidth(x) for x in table)]
        out += ["  " + line for line in table[1:]]
        out.append("")

    # findings, by rule then by table
    out.append(c(L("findings"), "bold"))
    groups = by_rule(result)
    if not groups:
        out.append("  " + L("no_findings"))
    for code, tallies in groups:
        rule = rule_view(code, tallies[0].severity)
        sev = tallies[0].severity
        total = sum(t.count for t in tallies)
        out.append("")
        out.append(f"{c(code, 'bold')}  [{c(L(sev.value), _SEV_COLOR[sev])}]  {rule.t('title', lang)}"
                   + L("paren", x=L("count", n=fmt_int(total))))
        for t in tallies:
            shown = len(t.examples)
            note = L("count", n=fmt_int(t.count))
            if t.truncated:
                note += L("paren", x=L("shown_first", shown=fmt_int(shown), count=fmt_int(t.count)))
            out.append(f"  {table_label(scrub(t.resource), lang)}{sep}{note}")
            for f in examples(t):
                out.append("    " + where(f, lang))
        out.append(f"  {L('docs')}{sep}{rule.docs_url}")
    out.append("")
    out.append(L("masked_note"))
    return "\n".join(out) + "\n"

