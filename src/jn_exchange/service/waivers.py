"""Waivers: the office excuses an organisation from one rule (optionally only for some record
keys) for a span of days. They are applied here, over the findings the service stored, not in
the engine: the engine's verdict and the stored report are the validator's own, reproducible by
`jn-exchange validate` on the same package and date, while a waiver is the office's decision that
can start, end or be revoked after the report was written. Whether a waiver applies is judged by
the submission's day of receipt (Beijing time), so a finding counts again for packages received
after the waiver ends."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jn_exchange.service.models import Submission, SubmissionFinding, Waiver, aware
from jn_exchange.service.receipts import BEIJING


def receipt_day(sub: Submission) -> dt.date:
    return aware(sub.received_at).astimezone(BEIJING).date()


def active_waivers(s: Session, organisation_id: int, day: dt.date) -> list[Waiver]:
    return list(s.scalars(select(Waiver).where(
        Waiver.organisation_id == organisation_id, Waiver.revoked_at.is_(None),
        Waiver.starts_on <= day, Waiver.ends_on >= day).order_by(Waiver.id)))


def waiver_keys(w: Waiver) -> set[str] | None:
    return set(json.loads(w.record_keys)) if w.record_keys else None


@dataclass(frozen=True)
class Tally:
    """One rule on one table in a submission, with how much of it is waived."""

    code: str
    resource: str | None
    severity: str
    count: int
    waived: int
    waivers: tuple[int, ...]

    @property
    def counted(self) -> int:
        return self.count - self.waived


def tallies(s: Session, sub: Submission) -> list[Tally]:
    """The stored findings per rule and table, with the part waived on the day of receipt. A
    waiver for given keys waives the stored examples with those keys; when every finding of the
    tally is such an example (the count equals the keys stored), the whole tally is waived."""
    rows = list(s.scalars(select(SubmissionFinding).where(SubmissionFinding.submission_id == sub.id)))
    keys: dict[tuple[str, str | None], set[str]] = {}
    for f in rows:
        if f.record_key is not None:
            keys.setdefault((f.code, f.resource), set()).add(f.record_key)
    waivers = active_waivers(s, sub.organisation_id, receipt_day(sub))
    out = []
    for f in rows:
        if f.record_key is not None:
            continue
        waived, by = 0, []  # type: int, list[int]
        for w in waivers:
            if w.code != f.code:
                continue
            wanted = waiver_keys(w)
            hit = f.count if wanted is None else len(keys.get((f.code, f.resource), set()) & wanted)
            if hit:
                waived, by = max(waived, hit), [*by, w.id]
        out.append(Tally(f.code, f.resource, f.severity, f.count, min(waived, f.count), tuple(by)))
    return sorted(out, key=lambda t: (t.code, t.resource or ""))


def effective(s: Session, sub: Submission) -> dict[str, Any]:
    """The counts and verdict once waivers are applied (the engine's `verdict` fails on any error
    finding; so does this). For an unjudged or unusable submission: the stored verdict."""
    if sub.verdict not in ("pass", "fail"):
        return {"verdict": sub.verdict, "errors": sub.errors, "waived": 0, "tallies": []}
    ts = tallies(s, sub)
    errors = sum(t.counted for t in ts if t.severity == "error")
    return {"verdict": "fail" if errors else "pass", "errors": errors, "waived": sum(t.waived for t in ts),
            "tallies": [{"code": t.code, "resource": t.resource, "severity": t.severity, "count": t.count,
                         "waived": t.waived, "waivers": list(t.waivers)} for t in ts]}


def waiver_view(w: Waiver, org_code: str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.datetime.now(BEIJING).date()
    state = "revoked" if w.revoked_at else "future" if w.starts_on > today else "ended" if w.ends_on < today \
        else "active"
    return {"id": w.id, "organisation": org_code, "code": w.code, "record_keys": sorted(waiver_keys(w) or []) or None,
            "reason": w.reason, "starts_on": w.starts_on.isoformat(), "ends_on": w.ends_on.isoformat(),
            "state": state}
