"""The public shape of a submission, shared by the API and the pages (no storage paths, no
lease internals)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jn_exchange.service.models import Notification, Organisation, Submission, SubmissionFinding
from jn_exchange.service.receipts import beijing
from jn_exchange.service.workflow import review_view

FINAL = ("done", "failed")


def submission_view(s: Session, sub: Submission) -> dict[str, Any]:
    org = s.get(Organisation, sub.organisation_id)
    base = f"/api/v1/submissions/{sub.public_id}"
    return {
        "id": sub.public_id,
        "organisation": {"code": org.code, "name": org.name} if org else None,
        "channel": sub.channel, "filename": sub.filename, "kind": sub.kind, "size": sub.size, "sha256": sub.sha256,
        "received_at": beijing(sub.received_at), "judged_at": beijing(sub.finished_at),
        "status": sub.status, "verdict": sub.verdict, "reason": sub.reason,
        "progress": {"done": sub.progress_done, "total": sub.progress_total},
        "counts": None if sub.errors is None else {"error": sub.errors, "warning": sub.warnings, "info": sub.infos},
        "rows": sub.rows, "as_of": sub.as_of, "standard_version": sub.standard_version,
        "validator_version": sub.validator_version, "attempts": sub.attempts,
        "package_kept": sub.stored_path is not None,
        "review": review_view(s, sub),
        "links": {"self": base, "receipt": f"{base}/receipt", "comparison": f"{base}/comparison",
                  "report": f"{base}/report{{?format,lang}}", "page": f"/submissions/{sub.public_id}",
                  "review": f"{base}/review", "change": f"{base}/change"},
    }


def filtered(q: Select[Any], state: str | None = None, period: str | None = None,
             code: str | None = None) -> Select[Any]:
    """The submission list narrowed as the dashboard's links ask: by review state (returned
    includes 已补报, as the dashboard counts it), reporting period, or a rule found in it."""
    if state == "returned":
        q = q.where(Submission.review_state.in_(("returned", "resubmitted")))
    elif state:
        q = q.where(Submission.review_state == state)
    if period:
        q = q.where(Submission.period == period)
    if code:
        q = q.where(Submission.id.in_(select(SubmissionFinding.submission_id).where(SubmissionFinding.code == code)))
    return q


def notifications(s: Session, who: Any, limit: int) -> list[dict[str, Any]]:
    """The newest notifications the principal may read: its organisation's, or all for the office."""
    q = select(Notification, Submission.public_id).outerjoin(Submission).order_by(Notification.id.desc()).limit(limit)
    if not who.office:
        q = q.where(Notification.organisation_id == who.organisation_id)
    return [{"id": n.id, "event": n.event, "message": n.message, "at": beijing(n.at), "submission": pid}
            for n, pid in s.execute(q)]
