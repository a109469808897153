"""The public shape of a submission, shared by the API and the pages (no storage paths, no
lease internals)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jn_exchange.service.models import Organisation, Submission
from jn_exchange.service.receipts import beijing

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
        "links": {"self": base, "receipt": f"{base}/receipt", "comparison": f"{base}/comparison",
                  "report": f"{base}/report{{?format,lang}}", "page": f"/submissions/{sub.public_id}"},
    }
