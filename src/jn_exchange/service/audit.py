"""The audit log: one row per submission, login (good or bad), token and role change. Rate limits
count these rows, so they hold across every process and machine that shares the database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jn_exchange.service.models import AuditEvent, utcnow


def record(s: Session, action: str, *, user_id: int | None = None, token_id: int | None = None,
           organisation_id: int | None = None, subject: str | None = None, address: str | None = None,
           **detail: Any) -> None:
    s.add(AuditEvent(action=action, user_id=user_id, token_id=token_id, organisation_id=organisation_id,
                     subject=subject, address=address,
                     detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None))


def recent(s: Session, action: str, seconds: int, *, subject: str | None = None, address: str | None = None,
           organisation_id: int | None = None) -> int:
    """How many `action` events in the last `seconds` match any of the given subject, address or
    organisation."""
    since = utcnow() - dt.timedelta(seconds=seconds)
    who = []
    if subject is not None:
        who.append(AuditEvent.subject == subject)
    if address is not None:
        who.append(AuditEvent.address == address)
    if organisation_id is not None:
        who.append(AuditEvent.organisation_id == organisation_id)
    q = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action, AuditEvent.at >= since)
    if who:
        q = q.where(or_(*who))
    return int(s.scalar(q) or 0)
