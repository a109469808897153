"""One model for what the validator finds: a Finding (one offending place), grouped per rule
and resource into a RuleTally whose count is exact while its stored examples are capped.
Readers and rules produce findings; report writers only read them."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from dataclasses import field as dc_field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass
class Finding:
    """One place where a rule is broken. `value` is already masked when it may hold personal data."""

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    resource: str | None = None
    row: int | None = None          # as in the file: header = row 1; None for package/file level
    field: str | None = None
    value: str | None = None
    key: str | None = None          # the record's primary key, e.g. "SC-2025-0012"
    pointer: str | None = None      # JSON pointer when the package came as a JSON document
    params: dict[str, Any] = dc_field(default_factory=dict)
    docs_url: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {
            "code": self.code,
            "severity": self.severity.value,
            "resource": self.resource,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "key": self.key,
            "message": {"zh": self.message_zh, "en": self.message_en},
            "docs_url": self.docs_url,
        }
        if self.pointer:
            d["pointer"] = self.pointer
        if self.params:
            d["params"] = self.params
        return d


@dataclass
class RuleTally:
    """All findings of one rule in one resource: exact count, capped examples."""

    code: str
    severity: Severity
    resource: str | None
    count: int = 0
    examples: list[Finding] = dc_field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.examples)


@dataclass
class RuleOverride:
    """A user's --config decision about one rule code."""

    enabled: bool = True
    severity: Severity | None = None


class Collector:
    """Receives findings from every stage, applies the user's overrides, keeps exact counts and
    at most `max_examples` stored findings per (rule, resource)."""

    def __init__(self, overrides: dict[str, RuleOverride] | None = None, max_examples: int = 50):
        self.overrides = overrides or {}
        self.max_examples = max_examples
        self.tallies: dict[tuple[str, str | None], RuleTally] = {}
        self._lock = threading.Lock()   # tables are checked by several threads

    def enabled(self, code: str) -> bool:
        o = self.overrides.get(code)
        return o is None or o.enabled

    def _severity(self, finding_severity: Severity, code: str) -> Severity:
        o = self.overrides.get(code)
        return o.severity if o and o.severity else finding_severity

    def add(self, finding: Finding) -> None:
        self.add_counted(finding, 1)

    def add_counted(self, finding: Finding, count: int, more_examples: list[Finding] | None = None) -> None:
        """Record `count` occurrences of a rule in a resource, storing `finding` (and
        `more_examples`) as examples within the cap. Used by vectorised checks that count exactly
        in SQL and fetch only a few example rows."""
        if not self.enabled(finding.code) or count <= 0:
            return
        with self._lock:
            self._add(finding, count, more_examples)

    def _add(self, finding: Finding, count: int, more_examples: list[Finding] | None) -> None:
        sev = self._severity(finding.severity, finding.code)
        tally = self.tallies.get((finding.code, finding.resource))
        if tally is None:
            tally = self.tallies[(finding.code, finding.resource)] = RuleTally(finding.code, sev, finding.resource)
        tally.count += count
        for f in [finding, *(more_examples or [])]:
            if len(tally.examples) >= self.max_examples:
                break
            f.severity = sev
            tally.examples.append(f)


@dataclass
class ResourceStat:
    name: str
    path: str | None
    rows: int | None = None        # data rows read (None when the file could not be read)
    title: str | None = None


@dataclass
class ValidationResult:
    """Everything a report writer needs; writers never query the package themselves."""

    standard_version: str | None          # declared by the package
    validator_version: str
    supported_standard_version: str
    as_of: str                            # ISO date the rules were applied for
    source: str                           # what the user passed (path as given)
    source_kind: str                      # folder | descriptor | zip | json
    package_sha256: str | None
    tallies: list[RuleTally]
    resources: list[ResourceStat]
    config: dict[str, Any]
    max_examples: int
    fail_on: Severity = Severity.ERROR
    duration_s: float = 0.0
    # the version whose model judged the package (the declared one while it is supported, else
    # the current one); None when the package could not be judged at all
    model_version: str | None = None

    def count(self, severity: Severity) -> int:
        return sum(t.count for t in self.tallies if t.severity == severity)

    @property
    def valid(self) -> bool:
        """Valid means: no error (independent of --fail-on, which only decides the exit code)."""
        return self.count(Severity.ERROR) == 0

    def fails(self) -> bool:
        return any(t.count and t.severity.rank >= self.fail_on.rank for t in self.tallies)

    def findings(self) -> list[Finding]:
        return [f for t in self.tallies for f in t.examples]
