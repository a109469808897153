"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, VS Code SARIF viewer).

One run; `tool.driver.rules` holds the rules that occur (ruleIndex points into it); one result per
stored example. A result's location is the CSV inside the package (`uri` relative to the
package root, `uriBaseId` "PKGROOT"), `region.startLine` the row as a spreadsheet counts it
(header = 1), and the logical location `table.field`. Package-level findings point at the file
they name (`params.path`) or at datapackage.json (the JSON document for a JSON-form package).
Counts beyond the stored examples are kept: run.properties.tallies has every exact count and a
truncated tally also gets a tool execution notification.

Full schema: https://json.schemastore.org/sarif-2.1.0.json (OASIS: https://docs.oasis-open.org/
sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from jn_exchange.findings import Finding, Severity, ValidationResult
from jn_exchange.reports._common import (
    INFORMATION_URI,
    examples,
    fmt_int,
    label,
    message,
    ordered_tallies,
    rule_view,
    scrub,
    table_label,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "PKGROOT"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "jnExchangeFinding/v1"


def _name(title_en: str, code: str) -> str:
    """reportingDescriptor.name: the English title in PascalCase (e.g. RequiredValueMissing)."""
    words = re.findall(r"[A-Za-z0-9]+", title_en)
    return "".join(w[:1].upper() + w[1:] for w in words) or code.replace("-", "")


def _uri(path: str) -> str:
    return quote(str(PurePosixPath(path.replace("\\", "/"))), safe="/")


def _artifact(f: Finding, result: ValidationResult, paths: dict[str, str]) -> str:
    if f.resource and paths.get(f.resource):
        return paths[f.resource]
    p = f.params.get("path")
    if isinstance(p, str) and p:
        return p
    if f.resource:
        return f"{f.resource}.csv"
    if result.source_kind == "json":
        return PurePosixPath(result.source.replace("\\", "/")).name or "package.json"
    return "datapackage.json"


def _fingerprint(f: Finding) -> str:
    # the record key is stabler than the row (rows shift when a vendor re-exports)
    anchor = f.key if f.key else (str(f.row) if f.row is not None else f.pointer or "")
    raw = "\x1f".join([f.code, f.resource or "", f.field or "", anchor, f.value or ""])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def build(result: ValidationResult, lang: str = "zh") -> dict[str, Any]:
    tallies = ordered_tallies(result)
    paths = {r.name: r.path for r in result.resources if r.path}
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for t in tallies:
        if t.code in index:
            continue
        rule = rule_view(t.code, t.severity)
        index[t.code] = len(rules)
        rules.append({
            "id": t.code,
            "name": _name(rule.t("title", "en"), t.code),
            "shortDescription": {"text": rule.t("title", lang)},
            "fullDescription": {"text": rule.t("description", lang) or rule.t("title", lang)},
            "helpUri": rule.docs_url,
            "help": {"text": rule.t("fix", lang) or rule.docs_url},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"basis": rule.basis, "level": rule.level,
                           "title": {"zh": rule.t("title", "zh"), "en": rule.t("title", "en")},
                           "tags": ["jn-exchange", rule.level]},
        })
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for t in tallies:
        exs = examples(t)
        for f in exs:
            physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(_artifact(f, result, paths)),
                                                             "uriBaseId": BASE_ID}}
            if f.row is not None and f.row >= 1:
                physical["region"] = {"startLine": f.row}
            location: dict[str, Any] = {"physicalLocation": physical}
            if f.resource:
                fqn = f"{f.resource}.{f.field}" if f.field else f.resource
                location["logicalLocations"] = [{"fullyQualifiedName": fqn, "name": f.field or f.resource,
                                                 "kind": "member" if f.field else "type"}]
            res: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _LEVEL[f.severity],
                "message": {"text": message(f, lang)},
                "locations": [location],
                "partialFingerprints": {FINGERPRINT: _fingerprint(f)},
            }
            props: dict[str, Any] = {k: v for k, v in (("value", f.value), ("key", f.key), ("pointer", f.pointer)) if v is not None}
            props["message"] = {"zh": f.message_zh, "en": f.message_en}
            res["properties"] = props
            results.append(res)
        if t.truncated:
            notifications.append({
                "level": "note",
                "message": {"text": f"{t.code} {table_label(scrub(t.resource), lang)}: "
                                    + label(lang, "count", n=fmt_int(t.count))
                                    + label(lang, "paren", x=label(lang, "shown_first", shown=fmt_int(len(exs)),
                                                                   count=fmt_int(t.count)))},
                "associatedRule": {"id": t.code, "index": index[t.code]},
            })
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jn-exchange",
                "version": result.validator_version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [invocation],
            "language": "zh-CN" if lang == "zh" else "en-US",
            "originalUriBaseIds": {BASE_ID: {"description": {
                "text": f"root of the exchange package {scrub(result.source)} ({result.source_kind})"}}},
            "results": results,
            "properties": {
                "valid": result.valid,
                "fails": result.fails(),
                "failOn": result.fail_on.value,
                "standardVersion": scrub(result.standard_version),
                "modelVersion": result.model_version,
                "supportedStandardVersion": result.supported_standard_version,
                "asOf": result.as_of,
                "package": {"source": scrub(result.source), "kind": result.source_kind,
                            "sha256": result.package_sha256},
                "counts": {"errors": result.count(Severity.ERROR), "warnings": result.count(Severity.WARNING),
                           "infos": result.count(Severity.INFO)},
                "tallies": [{"ruleId": t.code, "resource": scrub(t.resource), "count": t.count,
                             "shown": len(t.examples)} for t in tallies],
            },
        }],
    }


def render(result: ValidationResult, lang: str = "zh") -> str:
    return json.dumps(build(result, lang), ensure_ascii=False, indent=2) + "\n"
