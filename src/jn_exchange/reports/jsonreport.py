"""The JSON report: everything the validator found, for programs. Its JSON Schema is published
at jn_exchange/data/report.schema.json (`$id` below); key order is fixed, so two runs over the
same package with the same options give the same bytes except `duration_s`."""

from __future__ import annotations

import json
from typing import Any

from jn_exchange.findings import Severity, ValidationResult
from jn_exchange.reports._common import (
    examples,
    ordered_tallies,
    rule_view,
    scrub,
    scrub_any,
)

SCHEMA_ID = "https://w3id.org/jn-exchange/docs/downloads/report.schema.json"
REPORT_VERSION = "1.0"


def build(result: ValidationResult) -> dict[str, Any]:
    tallies = ordered_tallies(result)
    rules = []
    findings = []
    for t in tallies:
        rule = rule_view(t.code, t.severity)
        rules.append({
            "code": t.code,
            "severity": t.severity.value,
            "level": rule.level,
            "title": {"zh": rule.t("title", "zh"), "en": rule.t("title", "en")},
            "basis": rule.basis,
            "docs_url": rule.docs_url,
            "resource": scrub(t.resource),
            "count": t.count,
            "shown": len(t.examples),
            "truncated": t.truncated,
        })
        for f in examples(t):
            d = f.to_dict()
            d["basis"] = rule.basis
            findings.append(d)
    per: dict[str, dict[Severity, int]] = {}
    for t in tallies:
        if t.resource is not None:
            per.setdefault(t.resource, {s: 0 for s in Severity})[t.severity] += t.count
    resources = []
    for r in result.resources:
        c = per.get(r.name, {s: 0 for s in Severity})
        resources.append({
            "name": scrub(r.name), "path": scrub(r.path), "title": r.title, "rows": r.rows,
            "errors": c[Severity.ERROR], "warnings": c[Severity.WARNING], "infos": c[Severity.INFO],
        })
    return {
        "$schema": SCHEMA_ID,
        "report_version": REPORT_VERSION,
        "valid": result.valid,
        "standard_version": scrub(result.standard_version),
        "supported_standard_version": result.supported_standard_version,
        "model_version": result.model_version,
        "validator_version": result.validator_version,
        "package": {"source": scrub(result.source), "kind": result.source_kind, "sha256": result.package_sha256},
        "as_of": result.as_of,
        "summary": {
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "fail_on": result.fail_on.value,
            "fails": result.fails(),
        },
        "rules": rules,
        "resources": resources,
        "findings": findings,
        "config": scrub_any(result.config),
        "max_examples": result.max_examples,
        "duration_s": result.duration_s,
    }


def render(result: ValidationResult, lang: str = "zh") -> str:
    """`lang` is accepted for a uniform API; the JSON report always carries both languages."""
    return json.dumps(build(result), ensure_ascii=False, indent=2) + "\n"
