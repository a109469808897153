"""The office's dashboard (issue 16), as data for the page and the API: per organisation its
last submission, its state against each reporting period, accepted and returned counts, findings
per 1,000 rows over time and the rules it breaks most; city totals. Every figure carries the link
to the submissions behind it (the list page, filtered). A submitter gets its organisation only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jn_exchange.service.models import Organisation, ReportingPeriod, Submission, SubmissionFinding, aware
from jn_exchange.service.receipts import BEIJING, beijing

TOP_RULES = 5
PERIODS_SHOWN = 6


def list_link(**filters: str | None) -> str:
    return "/?" + urlencode({k: v for k, v in filters.items() if v})


def _period_state(s: Session, org: Organisation, p: ReportingPeriod, today: dt.date) -> dict[str, Any]:
    first = s.scalar(select(func.min(Submission.received_at)).where(
        Submission.organisation_id == org.id, Submission.period == p.period))
    if first is None:
        state = "missing" if today > p.due_on else "open"
    else:
        state = "on_time" if aware(first).astimezone(BEIJING).date() <= p.due_on else "late"
    return {"period": p.period, "due_on": p.due_on.isoformat(), "state": state,
            "link": list_link(organisation=org.code, period=p.period)}


def organisation_figures(s: Session, org: Organisation, periods: list[ReportingPeriod],
                         today: dt.date) -> dict[str, Any]:
    subs = list(s.scalars(select(Submission).where(Submission.organisation_id == org.id).order_by(Submission.id)))
    last = subs[-1] if subs else None
    accepted = sum(1 for x in subs if x.review_state == "accepted")
    # a returned submission stays counted as returned once its resubmission arrives (已补报)
    returned = sum(1 for x in subs if x.review_state in ("returned", "resubmitted"))
    quality = [{"id": x.public_id, "received_at": beijing(x.received_at), "rows": x.rows,
                "findings": (x.errors or 0) + (x.warnings or 0),
                "per_1000": round(1000 * ((x.errors or 0) + (x.warnings or 0)) / x.rows, 3),
                "link": f"/submissions/{x.public_id}"}
               for x in subs if x.status == "done" and x.rows]
    top = s.execute(select(SubmissionFinding.code, func.sum(SubmissionFinding.count),
                           func.count(func.distinct(SubmissionFinding.submission_id)))
                    .join(Submission, Submission.id == SubmissionFinding.submission_id)
                    .where(Submission.organisation_id == org.id, SubmissionFinding.record_key.is_(None))
                    .group_by(SubmissionFinding.code)
                    .order_by(func.sum(SubmissionFinding.count).desc(), SubmissionFinding.code)
                    .limit(TOP_RULES)).all()
    return {
        "organisation": {"code": org.code, "name": org.name},
        "last": None if last is None else {"id": last.public_id, "received_at": beijing(last.received_at),
                                           "period": last.period, "review_state": last.review_state,
                                           "verdict": last.verdict, "link": f"/submissions/{last.public_id}"},
        "periods": [_period_state(s, org, p, today) for p in periods],
        "submissions": {"count": len(subs), "link": list_link(organisation=org.code)},
        "accepted": {"count": accepted, "link": list_link(organisation=org.code, state="accepted")},
        "returned": {"count": returned, "link": list_link(organisation=org.code, state="returned")},
        "quality": quality,
        "top_rules": [{"code": c, "findings": int(n), "submissions": int(k),
                       "link": list_link(organisation=org.code, code=c)} for c, n, k in top],
    }


def dashboard(s: Session, organisation_id: int | None, today: dt.date | None = None) -> dict[str, Any]:
    """All organisations (the office: `organisation_id` None) or one (a submitter)."""
    today = today or dt.datetime.now(BEIJING).date()
    periods = list(s.scalars(select(ReportingPeriod).order_by(ReportingPeriod.due_on.desc())
                             .limit(PERIODS_SHOWN)))
    q = select(Organisation).where(Organisation.active).order_by(Organisation.code)
    if organisation_id is not None:
        q = q.where(Organisation.id == organisation_id)
    orgs = [organisation_figures(s, o, periods, today) for o in s.scalars(q)]
    latest = periods[0].period if periods else None
    states = [p["state"] for o in orgs for p in o["periods"] if p["period"] == latest]
    return {
        "as_of": today.isoformat(),
        "periods": [{"period": p.period, "due_on": p.due_on.isoformat()} for p in periods],
        "organisations": orgs,
        "city": {"organisations": len(orgs),
                 "submissions": {"count": sum(o["submissions"]["count"] for o in orgs), "link": list_link()},
                 "accepted": {"count": sum(o["accepted"]["count"] for o in orgs), "link": list_link(state="accepted")},
                 "returned": {"count": sum(o["returned"]["count"] for o in orgs), "link": list_link(state="returned")},
                 "latest_period": latest,
                 "on_time": states.count("on_time"), "late": states.count("late"),
                 "missing": states.count("missing")},
    }
