"""Report writers of `jn-exchange validate`: text, json, html, junit, sarif.

Results are built by hand (make_finding + Collector), never by validating a package: writers only
read a ValidationResult."""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from jn_exchange.findings import Collector, Finding, ResourceStat, RuleOverride, Severity, ValidationResult
from jn_exchange.reports import FORMATS, write_report
from jn_exchange.reports._common import dwidth, scrub
from jn_exchange.rules import DOCS_BASE_URL, make_finding

ROOT = Path(__file__).resolve().parents[1]
REPORT_SCHEMA = ROOT / "src" / "jn_exchange" / "data" / "report.schema.json"
SARIF_SUBSET = Path(__file__).parent / "data" / "sarif-2.1.0-subset.schema.json"

RAW_ID = "370102199001011234"        # an identity-number-like value the engine "forgot" to mask
INJECTED = '<script>alert("x")</script><img src=http://evil.example/x.png>'
MAX_EXAMPLES = 3


def _result(collector: Collector | None, resources: list[ResourceStat], *, fail_on=Severity.ERROR,
            standard_version: str | None = "1.0.0", config=None) -> ValidationResult:
    tallies = list(collector.tallies.values()) if collector else []
    return ValidationResult(
        standard_version=standard_version, validator_version="1.0.0.dev0", supported_standard_version="1.0.0",
        as_of="2025-06-30", source="交付/bad package.zip", source_kind="zip", package_sha256="ab" * 32,
        tallies=sorted(tallies, key=lambda t: (-t.severity.rank, t.code, t.resource or "")),
        resources=resources,
        config=config or {"file": None, "rules": {}, "limits": {"max_examples": MAX_EXAMPLES}},
        max_examples=MAX_EXAMPLES, fail_on=fail_on, duration_s=1.234)


RESOURCES = [
    ResourceStat("enforcement_agency", "enforcement_agency.csv", 120, "执法主体"),
    ResourceStat("enforcement_officer", "data/enforcement_officer.csv", 40, "执法人员"),
    ResourceStat("supervision_case", "supervision_case.csv", 0, "监督案件"),
]


def invalid_result(fail_on: Severity = Severity.ERROR) -> ValidationResult:
    c = Collector({"JN-HDR-005": RuleOverride(enabled=False)}, max_examples=MAX_EXAMPLES)
    c.add(make_finding("JN-PKG-005", value="1.2.0", supported="1.0.0"))                       # package warning
    for row in range(2, 9):                                                                   # 7 -> truncated to 3
        c.add(make_finding("JN-CELL-001", resource="enforcement_agency", row=row, field="name", title="名称",
                           key=f"AG-{row:03d}"))
    c.add(make_finding("JN-CELL-007", resource="enforcement_agency", row=5, field="agency_nature",
                       value=INJECTED, codelist="agency_nature", title="主体性质"))
    c.add(make_finding("JN-CELL-012", resource="enforcement_officer", row=9, field="citizen_id",
                       value=RAW_ID, title="公民身份号码", detail="校验码错误 \x01"))
    c.add(make_finding("JN-HDR-002", resource="enforcement_officer", field="phone", title="联系电话"))
    c.add(make_finding("JN-HDR-005", resource="enforcement_officer", position=2, found="a", expected="b"))
    config = {"file": "rules.yaml", "rules": {"JN-HDR-005": {"enabled": False}},
              "limits": {"max_examples": MAX_EXAMPLES}}
    return _result(c, RESOURCES, fail_on=fail_on, standard_version="1.2.0", config=config)


def valid_result() -> ValidationResult:
    return _result(Collector(max_examples=MAX_EXAMPLES), RESOURCES[:2])


@pytest.fixture(params=["invalid", "valid"])
def result(request) -> ValidationResult:
    return invalid_result() if request.param == "invalid" else valid_result()


# ------------------------------------------------------------------------------------- API
def test_formats_and_errors() -> None:
    assert FORMATS == ("text", "json", "html", "junit", "sarif")
    r = valid_result()
    with pytest.raises(ValueError, match="format"):
        write_report(r, "pdf")
    with pytest.raises(ValueError, match="language"):
        write_report(r, "text", lang="fr")


@pytest.mark.parametrize("fmt", FORMATS)
def test_writes_to_stream_and_returns_text(fmt: str) -> None:
    buf = io.StringIO()
    text = write_report(invalid_result(), fmt, out=buf)
    assert text and buf.getvalue() == text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_deterministic_and_never_unmasked(fmt: str, lang: str) -> None:
    a = write_report(invalid_result(), fmt, lang=lang)
    assert a == write_report(invalid_result(), fmt, lang=lang)
    assert RAW_ID not in a                       # defence in depth: the writer masks it
    assert "370102**********34" in a
    assert "\x01" not in a                       # control characters never reach a report


def test_scrub() -> None:
    assert scrub(f"id {RAW_ID}, 37010219900101123X!") == "id 370102**********34, 370102**********3X!"
    assert scrub("370102**********34") == "370102**********34"     # idempotent on masked values
    assert scrub("1234567890123456789") == "1234567890123456789"   # 19 digits: not an identity number
    assert scrub(None) is None


# ------------------------------------------------------------------------------------- text
def test_text_invalid_zh() -> None:
    text = write_report(invalid_result(), "text")
    assert "结论：不通过" in text
    for code in ("JN-PKG-005", "JN-CELL-001", "JN-CELL-007", "JN-CELL-012", "JN-HDR-002"):
        assert code in text
        assert f"{DOCS_BASE_URL}/rules/{code}/" in text
    assert "JN-HDR-005" in text                       # named as switched off in the configuration line
    assert "JN-HDR-005 关闭" in text
    assert "共 7 处（显示前 3 条）" in text             # truncation said, exact count kept
    assert "  行 2 · name · " in text                  # example lines: 行 N · field · message
    assert "错误 9 · 警告 2 · 提示 0" in text
    assert "包声明 1.2.0 · 未校验 · 校验器支持 1.0.0" in text
    assert "ab" * 32 in text and "2025-06-30" in text
    assert "\x1b[" not in text


def test_text_valid_and_english() -> None:
    zh = write_report(valid_result(), "text")
    assert "结论：通过" in zh and "未发现问题" in zh
    en = write_report(invalid_result(), "text", lang="en")
    assert "Verdict: INVALID" in en
    assert "通过" not in en                           # neither 通过 nor 不通过
    assert "7 found (showing first 3 of 7)" in en
    assert "  Row 2 · name · " in en
    assert "Verdict: VALID" in write_report(valid_result(), "text", lang="en")


def test_text_fail_on_line() -> None:
    text = write_report(invalid_result(fail_on=Severity.WARNING), "text", lang="en")
    assert "With --fail-on warning: fails (exit code 1)" in text


def test_text_cjk_columns_align() -> None:
    text = write_report(invalid_result(), "text")
    lines = text.splitlines()
    start = lines.index("各表统计")
    table = [ln for ln in lines[start + 1:start + 8] if ln.strip() and not set(ln.strip()) <= {"-"}]
    table = table[:5]  # header + package + 3 tables
    assert len({dwidth(ln) for ln in table}) == 1, table   # right-aligned columns end together


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_colour_only_when_asked_and_on_a_tty() -> None:
    r = invalid_result()
    assert "\x1b[" not in write_report(r, "text", out=io.StringIO(), color=True)
    assert "\x1b[" not in write_report(r, "text", out=_Tty())
    assert "\x1b[31" in write_report(r, "text", out=_Tty(), color=True)


# ------------------------------------------------------------------------------------- json
def _schema() -> dict:
    return json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))


def _closed(schema: dict) -> dict:
    """The schema with additionalProperties: false on every object that lists properties, except
    the open bags (params, config.rules/limits): proves every key we write is documented."""
    s = copy.deepcopy(schema)

    def walk(node, path=()):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node and path[-1:] != ("config",):
                node["additionalProperties"] = False
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for v in node:
                walk(v, path)
    walk(s)
    return s


def test_report_schema_is_valid_and_documented() -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://w3id.org/jn-exchange/")
    assert schema["title"] and schema["description"]
    for name, prop in schema["properties"].items():
        assert prop.get("title"), name


def test_json_validates_and_counts_match(result: ValidationResult) -> None:
    doc = json.loads(write_report(result, "json"))
    for schema in (_schema(), _closed(_schema())):
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["valid"] is result.valid
    assert doc["summary"] == {"errors": result.count(Severity.ERROR), "warnings": result.count(Severity.WARNING),
                              "infos": result.count(Severity.INFO), "fail_on": "error", "fails": result.fails()}
    assert len(doc["rules"]) == len(result.tallies)
    assert sum(r["count"] for r in doc["rules"]) == sum(t.count for t in result.tallies)
    assert len(doc["findings"]) == sum(len(t.examples) for t in result.tallies) == sum(r["shown"] for r in doc["rules"])
    assert [r["name"] for r in doc["resources"]] == [r.name for r in result.resources]
    assert doc["package"] == {"source": result.source, "kind": "zip", "sha256": result.package_sha256}
    assert list(doc)[:3] == ["$schema", "report_version", "valid"]


def test_json_details() -> None:
    text = write_report(invalid_result(), "json")
    assert "执法主体" in text and "\\u" not in text          # ensure_ascii=False
    doc = json.loads(text)
    cell001 = next(r for r in doc["rules"] if r["code"] == "JN-CELL-001")
    assert cell001 == {"code": "JN-CELL-001", "severity": "error", "level": "cell",
                       "title": {"zh": "必填值缺失", "en": "Required value missing"}, "basis": "000 · 第十五条",
                       "docs_url": f"{DOCS_BASE_URL}/rules/JN-CELL-001/", "resource": "enforcement_agency",
                       "count": 7, "shown": 3, "truncated": True}
    pkg = next(r for r in doc["rules"] if r["code"] == "JN-PKG-005")
    assert pkg["resource"] is None and pkg["severity"] == "warning"
    f = next(f for f in doc["findings"] if f["code"] == "JN-CELL-001")
    assert f["row"] == 2 and f["key"] == "AG-002" and f["basis"] == "000 · 第十五条" and f["message"]["zh"]
    assert doc["config"]["rules"] == {"JN-HDR-005": {"enabled": False}}
    assert doc["max_examples"] == MAX_EXAMPLES and doc["duration_s"] == 1.234
    agency = doc["resources"][0]
    assert (agency["rows"], agency["errors"], agency["warnings"]) == (120, 8, 0)
    assert doc["rules"][0]["severity"] == "error" and doc["rules"][-1]["severity"] == "warning"


def test_json_unknown_code_still_reported() -> None:
    c = Collector(max_examples=2)
    c.add(Finding("JN-BIZ-AG-01", Severity.ERROR, "业务规则", "business rule", resource="enforcement_agency", row=3))
    doc = json.loads(write_report(_result(c, RESOURCES[:1]), "json"))
    jsonschema.Draft202012Validator(_schema()).validate(doc)
    assert doc["rules"][0]["level"] == "unknown" and doc["rules"][0]["title"]["en"] == "JN-BIZ-AG-01"


# ------------------------------------------------------------------------------------- junit
def _suites(xml_text: str) -> ET.Element:
    root = ET.fromstring(xml_text.encode("utf-8"))
    assert root.tag == "testsuites"
    for el in [root, *root.findall("testsuite")]:
        for attr in ("name", "tests", "failures", "errors", "skipped", "time"):
            assert el.get(attr) is not None, (el.tag, attr)
    for s in root.findall("testsuite"):
        cases = s.findall("testcase")
        assert int(s.get("tests")) == len(cases) >= 1
        assert int(s.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(s.get("errors")) == sum(1 for c in cases if c.find("error") is not None) == 0
        assert int(s.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None) == 0
        for c in cases:
            assert c.get("name") and c.get("classname") == f"jn-exchange.{s.get('name')}"
            float(c.get("time"))
            assert set(ch.tag for ch in c) <= {"failure", "system-out"}
        props = s.find("properties")
        assert props is None or all(p.get("name") and p.get("value") is not None for p in props)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in root.findall("testsuite"))
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in root.findall("testsuite"))
    return root


def test_junit_invalid() -> None:
    root = _suites(write_report(invalid_result(), "junit"))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["package", "enforcement_agency", "enforcement_officer", "supervision_case"]
    cases = {c.get("name").split()[0]: c for c in suites["enforcement_agency"].findall("testcase")}
    fail = cases["JN-CELL-001"].find("failure")
    assert fail.get("type") == "JN-CELL-001"
    assert fail.get("message").startswith("[错误] JN-CELL-001 必填值缺失：共 7 处 — 行 2 · name")
    assert "显示前 3 条" in fail.text
    assert INJECTED in cases["JN-CELL-007"].find("failure").get("message")    # parsed back: escaped on write
    # warnings pass, listed in system-out
    warn = next(c for c in suites["package"].findall("testcase") if c.get("name").startswith("JN-PKG-005"))
    assert warn.find("failure") is None and "JN-PKG-005" in warn.find("system-out").text
    officer = {c.get("name").split()[0]: c for c in suites["enforcement_officer"].findall("testcase")}
    assert officer["JN-CELL-012"].find("failure") is not None
    assert officer["JN-HDR-002"].find("failure") is None
    # a table without findings still shows a passing test
    [clean] = suites["supervision_case"].findall("testcase")
    assert clean.get("name") == "structure and content" and len(clean) == 0
    assert root.get("failures") == "3" and root.get("tests") == "6"
    assert suites["package"].find("properties/property[@name='valid']").get("value") == "false"


def test_junit_fail_on_warning_and_valid() -> None:
    root = _suites(write_report(invalid_result(fail_on=Severity.WARNING), "junit", lang="en"))
    assert root.get("failures") == "5"
    warn = next(c for c in root.iter("testcase") if c.get("name").startswith("JN-HDR-002"))
    assert warn.get("name") == "JN-HDR-002 Optional column missing" and warn.find("failure") is not None
    ok = _suites(write_report(valid_result(), "junit"))
    assert ok.get("failures") == "0"
    assert [c.get("name") for c in ok.iter("testcase")] == ["structure and content"] * 3


# ------------------------------------------------------------------------------------- sarif
def _sarif_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SARIF_SUBSET.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_validates(result: ValidationResult) -> None:
    log = json.loads(write_report(result, "sarif"))
    _sarif_validator().validate(log)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and log["version"] == "2.1.0"
    [run] = log["runs"]
    assert run["tool"]["driver"]["name"] == "jn-exchange"
    assert len(run["results"]) == sum(len(t.examples) for t in result.tallies)    # one per stored example
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {t.code for t in result.tallies}


def test_sarif_details() -> None:
    log = json.loads(write_report(invalid_result(), "sarif"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"]
    first = next(r for r in run["results"] if r["ruleId"] == "JN-CELL-001")
    loc = first["locations"][0]
    assert first["level"] == "error"
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "enforcement_agency.csv", "uriBaseId": "PKGROOT"}
    assert loc["physicalLocation"]["region"] == {"startLine": 2}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "enforcement_agency.name"
    officer = next(r for r in run["results"] if r["ruleId"] == "JN-CELL-012")
    assert officer["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "data/enforcement_officer.csv"
    pkg = next(r for r in run["results"] if r["ruleId"] == "JN-PKG-005")
    assert pkg["level"] == "warning"
    assert pkg["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "datapackage.json"
    rule = next(r for r in rules if r["id"] == "JN-CELL-001")
    assert rule["helpUri"] == f"{DOCS_BASE_URL}/rules/JN-CELL-001/"
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["properties"]["basis"] == "000 · 第十五条" and rule["properties"]["level"] == "cell"
    assert rule["name"] == "RequiredValueMissing"
    [note] = run["invocations"][0]["toolExecutionNotifications"]               # the truncated tally
    assert note["associatedRule"]["id"] == "JN-CELL-001" and "显示前 3 条" in note["message"]["text"]
    tally = next(t for t in run["properties"]["tallies"] if t["ruleId"] == "JN-CELL-001")
    assert (tally["count"], tally["shown"]) == (7, 3)
    fps = [r["partialFingerprints"]["jnExchangeFinding/v1"] for r in run["results"]]
    assert len(set(fps)) == len(fps)


def test_sarif_info_is_note() -> None:
    c = Collector(max_examples=2)
    c.add(make_finding("JN-HDR-002", resource="enforcement_agency", field="x", title="x", severity=Severity.INFO))
    log = json.loads(write_report(_result(c, RESOURCES[:1]), "sarif", lang="en"))
    _sarif_validator().validate(log)
    assert log["runs"][0]["results"][0]["level"] == "note"


# ------------------------------------------------------------------------------------- html
_VOID = {"meta", "br", "wbr", "input", "col", "hr", "img", "link"}


class _Tags(HTMLParser):
    """Parses the page and checks that it is well formed: every element closed in order, ids unique."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str]] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text = ""
        self.scripts: list[str] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self.ids += [v or "" for k, v in attrs if k == "id"]
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data) -> None:
        if self.stack and self.stack[-1] == "script":
            self.scripts.append(data)
        else:
            self.text += data


def _parse(page: str) -> _Tags:
    parsed = _Tags()
    parsed.feed(page)
    parsed.close()
    assert not parsed.problems and not parsed.stack, (parsed.problems[:5], parsed.stack)
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids"
    return parsed


def _rule_links(parsed: _Tags) -> list[str]:
    return [v for k, v in parsed.attrs if k == "href" and "/rules/" in v]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("which", ["invalid", "valid"])
def test_html_is_well_formed(lang: str, which: str) -> None:
    page = write_report(invalid_result() if which == "invalid" else valid_result(), "html", lang=lang)
    assert page.startswith("<!DOCTYPE html>") and page.count("<html") == 1
    _parse(page)


def test_html_self_contained_and_escaped() -> None:
    from jn_exchange.reports.html_assets import SCRIPT, csp_hash

    page = write_report(invalid_result(), "html")
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    lower = page.lower()
    assert "@import" not in lower and "url(" not in lower
    parsed = _parse(page)
    assert not parsed.tags & {"link", "img", "iframe", "object", "embed", "base", "form"}
    assert not [a for a in parsed.attrs if a[0] in {"src", "srcset", "action", "style"} or a[0].startswith("on")]
    # one script, ours, and the page's policy lets nothing else run or load (an injection that
    # slipped through escaping would still be inert)
    assert parsed.scripts == [SCRIPT] and lower.count("<script") == 1
    [csp] = [a["content"] for t, a in parsed.elements if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp.startswith("default-src 'none';") and f"script-src {csp_hash(SCRIPT)};" in csp
    [css] = page.split("<style>")[1:]
    assert f"style-src {csp_hash(css.split('</style>')[0])};" in csp
    hrefs = [v for k, v in parsed.attrs if k == "href"]
    assert hrefs and all(v.startswith("#") or v.startswith(DOCS_BASE_URL) for v in hrefs), hrefs
    # the injected markup is text, shown escaped, not a tag
    assert INJECTED in parsed.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '"Noto Sans CJK SC", "Microsoft YaHei"' in page
    assert "不通过" in page
    for code in ("JN-CELL-001", "JN-CELL-007", "JN-CELL-012", "JN-HDR-002", "JN-PKG-005"):
        assert f'id="rule-{code}"' in page and f'href="{DOCS_BASE_URL}/rules/{code}/"' in page
    assert "显示前 3 条" in page and "补齐该值" in page        # truncation, how to fix
    assert "执法主体" in page and ">120<" in page            # per-table counts with rows read


def test_html_valid_and_english() -> None:
    page = write_report(valid_result(), "html", lang="en")
    assert '<html lang="en">' in page and "VALID" in page and "INVALID" not in page
    assert "No findings." in page and 'id="findings"' not in page      # no empty filters
    zh = write_report(valid_result(), "html")
    assert ">通过<" in zh and "不通过" not in zh
    en = write_report(invalid_result(), "html", lang="en")
    assert "Summary of findings" in en and "Filter" in en and "不通过" not in en and "筛选" not in en


def test_html_opens_with_verdict_and_summary() -> None:
    """Verdict, counts by severity and the rules broken come before any group or per-table table."""
    page = write_report(invalid_result(), "html")
    verdict = page.index('class="verdict invalid"')
    cards = page.index('class="cards"')
    rules = page.index('<table class="rules">')
    first_group = page.index('<details class="rule')
    tables = page.index("<h2>各表统计</h2>")
    assert verdict < cards < rules < first_group < tables
    assert "5 条规则未满足，涉及 2 张表（共 3 张表）" in page
    summary = page[rules:page.index("</table>", rules)]
    # the rules broken, worst first, each linking to its group
    codes = [c for c in ("JN-CELL-001", "JN-CELL-007", "JN-CELL-012", "JN-HDR-002", "JN-PKG-005") if c in summary]
    assert codes == sorted(codes, key=summary.index)
    assert summary.index("JN-CELL-012") < summary.index("JN-HDR-002")           # errors before warnings
    assert all(f'href="#rule-{c}"' in summary for c in codes) and len(codes) == 5


def test_html_filters_and_groups() -> None:
    r = invalid_result()
    parsed = _parse(write_report(r, "html"))
    by_tag = [(t, a) for t, a in parsed.elements]
    [bar] = [a for t, a in by_tag if t == "div" and a.get("class") == "filters"]
    assert "hidden" in bar                                  # shown by the script, which makes it work
    sevs = [a["value"] for t, a in by_tag if t == "input" and a.get("name") == "sev"]
    assert sevs == ["error", "warning", "info"]
    options = [a["value"] for t, a in by_tag if t == "option"]
    rules = [a for t, a in by_tag if t == "details" and "rule" in a.get("class", "").split()]
    tallies = [a for t, a in by_tag if t == "details" and "tally" in a.get("class", "").split()]
    assert [g["data-code"] for g in rules] == ["JN-CELL-001", "JN-CELL-007", "JN-CELL-012", "JN-HDR-002", "JN-PKG-005"]
    assert [g["data-sev"] for g in rules] == ["error"] * 3 + ["warning"] * 2
    assert set(options) == {"", *(g["data-code"] for g in rules), "#package", "enforcement_agency", "enforcement_officer"}
    assert {t["data-table"] for t in tallies} == {"#package", "enforcement_agency", "enforcement_officer"}
    assert sum(int(t["data-n"]) for t in tallies) == sum(t.count for t in r.tallies)       # exact counts
    assert all("open" in g for g in rules + tallies)       # a small report is written open


def test_html_large_report_starts_collapsed() -> None:
    r = many_findings(rules=3, tables=3, per=100)          # 900 examples: over the open threshold
    parsed = _parse(write_report(r, "html"))
    groups = [a for t, a in parsed.elements if t == "details"]
    assert groups and not [g for g in groups if "open" in g and "rule" in g.get("class", "")]


def test_html_rows_sorted_by_severity_rule_table_row() -> None:
    c = Collector(max_examples=10)
    for row in (9, 3, 5):
        c.add(make_finding("JN-CELL-001", resource="enforcement_officer", row=row, field="name", title="名称"))
        c.add(make_finding("JN-CELL-001", resource="enforcement_agency", row=row + 1, field="name", title="名称"))
    c.add(make_finding("JN-HDR-002", resource="enforcement_agency", field="phone", title="联系电话"))
    page = write_report(_result(c, RESOURCES), "html", lang="en")
    groups = page[page.index('id="findings"'):page.index("<h2>Tables</h2>")]
    found = re.findall(r'data-table="([^"]+)"|<td class="r">(\d+)</td>', groups)
    assert found == [("enforcement_agency", ""), ("", "4"), ("", "6"), ("", "10"),
                     ("enforcement_officer", ""), ("", "3"), ("", "5"), ("", "9"),
                     ("enforcement_agency", "")]          # then the warning, after every error


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_docs_base_url_changes_every_rule_link(lang: str) -> None:
    r = invalid_result()
    default = _rule_links(_parse(write_report(r, "html", lang=lang)))
    base = "https://intranet.example/jn-docs"
    office = _rule_links(_parse(write_report(r, "html", lang=lang, docs_base_url=base)))
    prefix = f"{base}/{'en/' if lang == 'en' else ''}rules/"
    assert len(office) == len(default) == 5 and all(u.startswith(prefix) for u in office), office
    assert DOCS_BASE_URL not in write_report(r, "html", lang=lang, docs_base_url=base)
    # a copy on a share: file URLs name the page itself (a browser lists no folder from disk)
    share = _rule_links(_parse(write_report(r, "html", lang=lang, docs_base_url="file:///S:/jn-docs")))
    assert all(u.startswith("file:///S:/jn-docs/") and u.endswith("/index.html") for u in share)
    # the other formats keep their links (the option is the HTML report's)
    for fmt in ("json", "sarif", "junit", "text"):
        assert write_report(r, fmt, lang=lang, docs_base_url=base) == write_report(r, fmt, lang=lang)


def test_html_rule_text_is_embedded() -> None:
    """Without network the reader still sees what each rule checks and how to fix it."""
    from jn_exchange.rules import registry

    page = write_report(invalid_result(), "html", lang="en", docs_base_url="https://unreachable.invalid")
    for code in ("JN-CELL-001", "JN-CELL-007", "JN-HDR-002"):
        rule = registry()[code]
        assert escape(rule.description["en"]) in page and escape(rule.fix["en"]) in page


def test_docs_base_url_config_and_checks(tmp_path: Path) -> None:
    from jn_exchange.config import ConfigError, check_docs_base_url, load_config

    cfg = tmp_path / "office.yaml"
    cfg.write_text("docs_base_url: https://intranet.example/jn-docs/\n", encoding="utf-8")
    assert load_config(cfg, set()).docs_base_url == "https://intranet.example/jn-docs"
    assert load_config(None, set()).docs_base_url is None
    assert check_docs_base_url("S:\\jn docs") == "file:///S:/jn%20docs"
    assert check_docs_base_url("\\\\server\\share\\docs") == "file://server/share/docs"
    assert check_docs_base_url("../docs/") == "../docs"
    for bad in ("javascript:alert(1)", "data:text/html,x", "https://x/?q=1", "https:///x", " ", "a\nb", 3):
        with pytest.raises(ConfigError):
            check_docs_base_url(bad)
    cfg.write_text("docs_base_url: 'javascript:alert(1)'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="docs_base_url"):
        load_config(cfg, set())


def test_cli_docs_url_option(tmp_path: Path, monkeypatch) -> None:
    """`validate --docs-url` reaches the HTML report; a bad URL is refused (exit 2) before validating."""
    from click.testing import CliRunner

    import jn_exchange.validate as validate_module
    from jn_exchange.cli import main

    monkeypatch.setattr(validate_module, "validate", lambda *a, **k: invalid_result())
    out = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["validate", str(tmp_path), "--format", "html", "-o", str(out),
                                    "--docs-url", "https://intranet.example/jn-docs"])
    assert res.exit_code == 1, res.output
    links = _rule_links(_parse(out.read_text(encoding="utf-8")))
    assert links and all(u.startswith("https://intranet.example/jn-docs/rules/") for u in links)
    res = CliRunner().invoke(main, ["validate", str(tmp_path), "--format", "html", "--docs-url", "javascript:x",
                                    "--lang", "en"])
    assert res.exit_code == 2 and "docs base URL" in res.output


def test_html_masks_everywhere() -> None:
    """A raw identity number in a table name, field, key or value is masked in every place the page
    shows it: cells, filter options, data attributes."""
    c = Collector(max_examples=5)
    c.add(Finding("JN-CELL-001", Severity.ERROR, f"缺 {RAW_ID}", f"missing {RAW_ID}", resource=f"t_{RAW_ID}",
                  row=2, field=f"f_{RAW_ID}", value=RAW_ID, key=RAW_ID))
    page = write_report(_result(c, [ResourceStat(f"t_{RAW_ID}", f"{RAW_ID}.csv", 3, RAW_ID)]), "html")
    assert RAW_ID not in page and RAW_ID not in page.replace("<wbr>", "")
    assert page.count("370102**********34") >= 8


def many_findings(rules: int = 5, tables: int = 40, per: int = 50) -> ValidationResult:
    """A result of rules × tables × per stored findings with realistic field names, values, keys and
    Chinese messages (like the 100,000-row sample package with 10% defects)."""
    c = Collector(max_examples=per)
    codes = ["JN-CELL-007", "JN-REF-001", "JN-CELL-004", "JN-CELL-001", "JN-CELL-006"][:rules]
    resources = [ResourceStat(f"enforcement_table_{i:02d}", f"enforcement_table_{i:02d}.csv", 2000, f"执法表{i}")
                 for i in range(tables)]
    for code in codes:
        for res in resources:
            for row in range(2, per + 2):
                c.add(Finding(code, Severity.ERROR, f"第 {row} 行 counterpart_role（相对人地位）的值 当事人 不是代码表中的代码",
                              f"Row {row} counterpart_role: 当事人 is not a code of 相对人地位",
                              resource=res.name, row=row, field="counterpart_role", value="当事人",
                              key=f"A2025{row:08d}|C*******8"))
    return _result(c, resources)


def test_html_10000_findings_size() -> None:
    """10,000 shown findings stay under 3 MiB, of which about 120 bytes per finding are markup
    (measured: the 100,000-row sample package with 10% injected defects, 10,256 findings, gives a
    2.6 MiB page: 157 bytes of each finding's own text and 112 bytes around it; this synthetic
    result, 142 + 119). The bound on the markup catches a per-row addition (a label in every
    cell would add 60 bytes); the rest is the findings' text, which the reader came for.
    Chromium opens such a page in 0.3 s: the groups start closed and are laid out when opened."""
    r = many_findings()
    assert sum(len(t.examples) for t in r.tallies) == 10_000
    page = write_report(r, "html").encode("utf-8")
    assert len(page) < 3 * 1024 * 1024
    own_text = sum(len(escape(x or "").encode("utf-8")) for f in r.findings()
                   for x in (str(f.row), f.field, f.value, f.key, f.message_zh))
    assert (len(page) - own_text) / 10_000 < 130
    assert page.count(b'<tr><td class="r">') == 10_000
    assert b"<details class=\"rule error\" id=\"rule-JN-CELL-007\" data-sev=\"error\" data-code=\"JN-CELL-007\">" in page


# ------------------------------------------------------------------------------------- html in a browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_VISIBLE_ROWS = "Array.from(document.querySelectorAll('table.examples tbody tr')).filter(r => r.checkVisibility())"
# no cell of the summary or of the open examples narrower than what it holds: nothing overflows,
# a message keeps room for a phrase, and a code, field, table name or key breaks only where the
# page allows it (after an underscore or a |, where each text node ends), never inside a word
_SQUEEZED = """(() => {
  const bad = [];
  for (const c of document.querySelectorAll('table.rules td, table.examples td')) {
    if (!c.checkVisibility()) { continue; }
    if (c.scrollWidth > c.clientWidth + 1) { bad.push('overflows: ' + c.textContent.slice(0, 40)); }
    if (c.matches('table.examples td:last-child') && c.clientWidth < 150) { bad.push('message: ' + c.clientWidth); }
    for (const word of [...(c.matches('.f, .k') ? [c] : []), ...c.querySelectorAll('.mono')]) {
      const walk = document.createTreeWalker(word, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        if (n.textContent.trim() && range.getClientRects().length > 1) { bad.push('broken: ' + n.textContent); }
      }
    }
  }
  return bad.slice(0, 5);
})()"""


@pytest.mark.slow
@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_html_in_a_browser(tmp_path: Path, width: int, height: int) -> None:
    """The 10,000-finding report in headless Chromium, at desktop and phone width: it loads fast,
    fetches nothing, runs without errors (a blocked script would be one), shows the verdict and
    summary without scrolling, never scrolls sideways or squeezes a cell, narrows the rows by
    table, and prints every group open without the controls."""
    if importlib.util.find_spec("playwright") is None or not CHROMIUM:
        pytest.skip("needs playwright and chromium")
    from playwright.sync_api import sync_playwright

    r = many_findings()
    page_file = tmp_path / "report.html"
    page_file.write_text(write_report(r, "html"), encoding="utf-8")
    shots = Path(os.environ.get("JN_DOCS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("request", lambda q: requests.append(q.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            assert load_ms < 3000, load_ms                        # measured: 0.3 s
            assert requests == [page_file.as_uri()] and not errors, (requests[:3], errors[:3])
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            for sel in (".verdict", ".cards", "table.rules thead"):
                box = page.locator(sel).first.bounding_box()
                assert box and box["y"] + box["height"] <= height, sel
            page.screenshot(path=str(shots / f"report-{width}.png"))
            assert page.evaluate(f"{_VISIBLE_ROWS}.length") == 0      # closed groups: nothing laid out
            page.locator("select[name=table]").select_option("enforcement_table_03")
            rows = page.evaluate(f"{_VISIBLE_ROWS}.map(r => r.closest('details.tally').dataset.table)")
            assert rows == ["enforcement_table_03"] * 250                 # 5 rules x 50 examples
            assert page.locator(".status").inner_text().endswith("共 250 处")
            assert page.evaluate(_SQUEEZED) == []
            page.locator("#findings").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"report-{width}-filtered.png"))
            page.locator("select[name=table]").select_option("")
            page.emulate_media(media="print")
            assert not page.is_visible(".filters")
            assert page.evaluate(f"{_VISIBLE_ROWS}.length") == 10_000     # printed whole, even without the script
        finally:
            browser.close()
