"""JUnit XML for CI systems (Jenkins, GitLab, GitHub Actions test reporters).

Mapping, so that a CI page shows what was checked and what failed:

* `<testsuites>` holds one `<testsuite name="package">` for package-level findings (descriptor,
  zip, versions) and one `<testsuite>` per table read (plus any table only named by a finding).
* One `<testcase classname="jn-exchange.<table>" name="<code> <title>">` per (rule, table) with
  findings. It FAILS (`<failure>`) when its severity reaches --fail-on (always for errors) — the
  same decision as the exit code. Below --fail-on (by default: warnings and infos) the testcase
  passes and lists its findings in `<system-out>`; nothing is marked skipped.
* A suite without findings gets one passing testcase named "structure and content", so CI shows
  that the table was checked.
* failure/@message = count + title + the first examples; the body lists every stored example,
  the truncation note and the rule page. `errors` and `skipped` are always 0; times are 0 except
  the total on `<testsuites>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from jn_exchange.findings import RuleTally, ValidationResult
from jn_exchange.reports._common import (
    PACKAGE,
    examples,
    fmt_int,
    label,
    ordered_tallies,
    rule_view,
    scrub,
    where,
)

PASSING_NAME = "structure and content"
FIRST_EXAMPLES = 3


def _suites(result: ValidationResult) -> list[tuple[str, list[RuleTally]]]:
    suites: dict[str, list[RuleTally]] = {PACKAGE: []}
    for r in result.resources:
        suites.setdefault(r.name, [])
    for t in ordered_tallies(result):
        suites.setdefault(t.resource or PACKAGE, []).append(t)
    return list(suites.items())


def _fails(t: RuleTally, result: ValidationResult) -> bool:
    return t.severity.rank >= result.fail_on.rank


def render(result: ValidationResult, lang: str = "zh") -> str:
    L = lambda key, **kw: label(lang, key, **kw)  # noqa: E731
    root = ET.Element("testsuites", name="jn-exchange validate")
    total_tests = total_failures = 0
    for name, tallies in _suites(result):
        suite_name = scrub(name) or PACKAGE
        suite = ET.SubElement(root, "testsuite", name=suite_name)
        if name == PACKAGE:
            props = ET.SubElement(suite, "properties")
            for k, v in (("source", result.source), ("kind", result.source_kind),
                         ("sha256", result.package_sha256), ("standard_version", result.standard_version),
                         ("model_version", result.model_version),
                         ("supported_standard_version", result.supported_standard_version),
                         ("validator_version", result.validator_version), ("as_of", result.as_of),
                         ("fail_on", result.fail_on.value), ("valid", str(result.valid).lower())):
                ET.SubElement(props, "property", name=k, value=scrub(v) or "")
        tests = failures = 0
        classname = f"jn-exchange.{suite_name}"
        for t in tallies:
            rule = rule_view(t.code, t.severity)
            title = rule.t("title", lang)
            case = ET.SubElement(suite, "testcase", classname=classname, name=f"{t.code} {title}", time="0")
            exs = examples(t)
            lines = [where(f, lang) for f in exs]
            body = list(lines)
            if t.truncated:
                body.append("… " + L("shown_first", shown=fmt_int(len(exs)), count=fmt_int(t.count)))
            body.append(f"{L('docs')}{L('sep')}{rule.docs_url}")
            summary = f"[{L(t.severity.value)}] {t.code} {title}{L('sep')}{L('count', n=fmt_int(t.count))}"
            tests += 1
            if _fails(t, result):
                failures += 1
                msg = summary + (" — " + "; ".join(lines[:FIRST_EXAMPLES]) if lines else "")
                if len(lines) > FIRST_EXAMPLES or t.truncated:
                    msg += " …"
                fail = ET.SubElement(case, "failure", message=msg, type=t.code)
                fail.text = "\n".join([summary, *body]) + "\n"
            else:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join([summary, *body]) + "\n"
        if not tallies:
            ET.SubElement(suite, "testcase", classname=classname, name=PASSING_NAME, time="0")
            tests += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    root.set("skipped", "0")
    root.set("time", f"{result.duration_s:.3f}")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
