"""Submission history per organisation, and the comparison of a submission with the same
organisation's previous judged one: findings new, fixed and still there, by rule (exact counts
per rule and table) and by record key (the keys of the stored examples, up to the service's
`max_examples` per rule and table)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jn_exchange.findings import ValidationResult
from jn_exchange.service.models import Submission, SubmissionFinding
from jn_exchange.service.receipts import beijing


def index_findings(s: Session, sub: Submission, result: ValidationResult) -> None:
    for t in result.tallies:
        s.add(SubmissionFinding(submission_id=sub.id, code=t.code, severity=t.severity.value,
                                resource=t.resource, record_key=None, count=t.count))
        keys = sorted({f.key for f in t.examples if f.key})
        s.add_all(SubmissionFinding(submission_id=sub.id, code=t.code, severity=t.severity.value,
                                    resource=t.resource, record_key=k, count=1) for k in keys)


def previous_of(s: Session, sub: Submission) -> Submission | None:
    """The same organisation's latest submission received before this one that has findings to
    compare (judged pass or fail)."""
    return s.scalar(select(Submission).where(
        Submission.organisation_id == sub.organisation_id, Submission.id < sub.id,
        Submission.status == "done", Submission.verdict.in_(("pass", "fail")))
        .order_by(Submission.id.desc()).limit(1))


def _rows(s: Session, sid: int) -> tuple[dict[tuple[str, str | None], tuple[int, str]], set[tuple[str, str | None, str]]]:
    rules: dict[tuple[str, str | None], tuple[int, str]] = {}
    keys: set[tuple[str, str | None, str]] = set()
    for f in s.scalars(select(SubmissionFinding).where(SubmissionFinding.submission_id == sid)):
        if f.record_key is None:
            rules[(f.code, f.resource)] = (f.count, f.severity)
        else:
            keys.add((f.code, f.resource, f.record_key))
    return rules, keys


def compare(s: Session, sub: Submission) -> dict[str, Any] | None:
    """None when there is nothing to compare with. The previous submission is found when asked,
    by time of receipt: workers finish in any order, and an earlier package still being validated
    becomes the one compared with as soon as it is judged."""
    if sub.verdict not in ("pass", "fail"):
        return None
    prev = previous_of(s, sub)
    if prev is None:
        return None
    now_rules, now_keys = _rows(s, sub.id)
    old_rules, old_keys = _rows(s, prev.id)
    by_rule = {"new": [], "fixed": [], "still": []}   # type: dict[str, list[dict[str, Any]]]
    for k in sorted(set(now_rules) | set(old_rules), key=lambda x: (x[0], x[1] or "")):
        now_n, now_sev = now_rules.get(k, (0, ""))
        old_n, old_sev = old_rules.get(k, (0, ""))
        state = "still" if now_n and old_n else "new" if now_n else "fixed"
        by_rule[state].append({"code": k[0], "resource": k[1], "severity": now_sev or old_sev,
                               "count": now_n, "previous_count": old_n})
    by_key: dict[str, dict[tuple[str, str | None], list[str]]] = {
        "new": defaultdict(list), "fixed": defaultdict(list), "still": defaultdict(list)}
    for code, res, key in sorted(now_keys | old_keys, key=lambda x: (x[0], x[1] or "", x[2])):
        state = "still" if (code, res, key) in now_keys and (code, res, key) in old_keys else \
            "new" if (code, res, key) in now_keys else "fixed"
        by_key[state][(code, res)].append(key)
    return {
        "previous": {"id": prev.public_id, "received_at": beijing(prev.received_at), "verdict": prev.verdict},
        "by_rule": by_rule,
        "by_record": {state: [{"code": c, "resource": r, "keys": ks} for (c, r), ks in groups.items()]
                      for state, groups in by_key.items()},
        "summary": {state: len(items) for state, items in by_rule.items()},
    }
