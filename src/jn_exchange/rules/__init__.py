"""The rule registry: the one list of every rule the validator can report, and of how each is
checked.

Every rule is one YAML entry: code, severity, level, bilingual title/message/description/fix,
legal basis, and its one check. Structural rules are declared in `structural.yaml`, business
rules of the regulations in `business/*.yaml`. The check takes one of three forms:

- a business rule: `sql`, a SELECT over the typed views (run by `jn_exchange.business`);
- a cell rule (level `cell`): `check: {applies, when, params, screen}`, a selector over the
  fields it applies to and the SQL condition of a breaking cell (built into every table's one
  aggregate scan by `jn_exchange.engine.cells`, which lists the placeholders and parameter
  functions); an optional `screen` over all the columns it checks lets the per-column counts
  be skipped when nothing can break it;
- any other structural rule: `check: "module:function"`, the function that emits it (the
  registry never imports it; `tests/test_rules.py` checks that it exists and names the code).

The CLI (`jn-exchange rules`), the validator, the report writers and the docs generator all
read this registry; nothing else keeps its own list of rules."""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jn_exchange import STANDARD_VERSION
from jn_exchange.findings import Finding, Severity
from jn_exchange.versions import is_version, version_key

RULES_DIR = Path(__file__).parent
# The published standard's website; a finding links to the page of its rule.
DOCS_BASE_URL = "https://w3id.org/jn-exchange/docs"

LEVELS = ("package", "file", "header", "cell", "table", "cross_table", "business")


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    level: str
    title: dict[str, str]
    message: dict[str, str]
    description: dict[str, str]
    fix: dict[str, str]
    basis: str
    deprecated: str | None = None
    # business rules only
    applies: dict[str, Any] = dc_field(default_factory=dict)
    reads: tuple[str, ...] = ()
    sql: str | None = None
    # structural rules: a cell rule's {applies, when, params}, or the emitting "module:function"
    check: dict[str, Any] | str | None = None
    # business rules: the field a message parameter not named after one holds, whose masking
    # policy it follows (`subject: officer_id`)
    shows: dict[str, str] = dc_field(default_factory=dict)
    extra: dict[str, Any] = dc_field(default_factory=dict)
    # the version from which a rule declared an error is one (`transition:` in its YAML): a rule
    # added in a minor release that could fail a package conforming to the previous one is
    # reported as a warning until the next major (docs/*/versioning.md); `severity` is then
    # warning, and `declared` keeps the error
    error_from: str | None = None
    declared: Severity | None = None

    @property
    def in_transition(self) -> bool:
        return self.error_from is not None and self.severity != self.declared

    def transition_note(self, lang: str) -> str:
        """What a finding of a rule in transition says after its message."""
        if not self.in_transition:
            return ""
        return (f"（过渡期：自 {self.error_from} 版起为错误）" if lang == "zh"
                else f" (in transition: an error from version {self.error_from})")

    @property
    def docs_url(self) -> str:
        return f"{DOCS_BASE_URL}/rules/{self.code}/"

    def render(self, lang: str, params: dict[str, Any]) -> str:
        # a parameter may be bilingual: {"zh": ..., "en": ...}
        local = {k: (v.get(lang, "") if isinstance(v, dict) and set(v) <= {"zh", "en"} else v)
                 for k, v in params.items()}
        return _format(self.message[lang], local)


def zh_en(zh: str, en: str) -> dict[str, str]:
    """A message parameter in both languages: the one form of bilingual text in findings (each
    language's message gets its own; never "english / 中文" in one string)."""
    return {"zh": zh, "en": en}


class _Default(dict):
    def __missing__(self, key: str) -> str:  # a template never raises on a missing parameter
        return ""


def _format(template: str, params: dict[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Default({k: "" if v is None else v for k, v in params.items()}))


def _load_file(path: Path) -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader) or []


def _to_rule(d: dict[str, Any]) -> Rule:
    known = {"code", "severity", "level", "title", "message", "description", "fix", "basis",
             "deprecated", "applies", "reads", "sql", "check", "shows", "transition"}
    declared = Severity(d["severity"])
    error_from = d.get("transition")
    if error_from is not None and (declared is not Severity.ERROR or not is_version(error_from)):
        raise ValueError(f"rule {d['code']}: `transition` names the version (x.y.z) from which an error is one")
    later = error_from is not None and version_key(error_from) > version_key(STANDARD_VERSION)
    severity = Severity.WARNING if later else declared
    return Rule(
        code=d["code"], severity=severity, level=d["level"], title=d["title"],
        message=d["message"], description=d["description"], fix=d["fix"], basis=d["basis"],
        deprecated=d.get("deprecated"), applies=d.get("applies") or {},
        reads=tuple(d.get("reads") or ()), sql=d.get("sql"), check=d.get("check"), shows=d.get("shows") or {},
        extra={k: v for k, v in d.items() if k not in known},
        error_from=str(error_from) if error_from else None, declared=declared,
    )


@lru_cache(maxsize=1)
def registry() -> dict[str, Rule]:
    """All rules by code, structural first, then business rules (file order)."""
    files = [RULES_DIR / "structural.yaml", *sorted((RULES_DIR / "business").glob("*.yaml"))]
    rules: dict[str, Rule] = {}
    for path in files:
        for d in _load_file(path):
            rule = _to_rule(d)
            if rule.code in rules:
                raise ValueError(f"duplicate rule code {rule.code} in {path.name}")
            rules[rule.code] = rule
    return rules


def get(code: str) -> Rule:
    return registry()[code]


def all_rules() -> Iterable[Rule]:
    return registry().values()


def make_finding(code: str, *, resource: str | None = None, row: int | None = None,
                 field: str | None = None, value: str | None = None, key: str | None = None,
                 severity: Severity | None = None, **params: Any) -> Finding:
    """Build a finding of a registered rule, rendering both languages from its templates."""
    rule = get(code)
    p = {"resource": resource, "row": row, "field": field, "value": value, "key": key, **params}
    return Finding(
        code=code, severity=severity or rule.severity,
        message_zh=rule.render("zh", p) + rule.transition_note("zh"),
        message_en=rule.render("en", p) + rule.transition_note("en"),
        resource=resource, row=row, field=field, value=value, key=key,
        params={k: v for k, v in params.items() if v is not None}, docs_url=rule.docs_url,
    )
