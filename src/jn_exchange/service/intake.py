"""Receiving one package, the same for the web page and the API: rate limit, streamed upload,
submission row, signed receipt, audit event, job in the queue."""

from __future__ import annotations

import json
import secrets
import shutil
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jn_exchange.service import audit, receipts, storage
from jn_exchange.service.auth import Principal, client_address
from jn_exchange.service.models import Organisation, Submission, utcnow
from jn_exchange.service.state import Services


def new_public_id() -> str:
    """Sortable by day of receipt (Beijing time), unguessable: date, then 64 random bits."""
    return utcnow().astimezone(receipts.BEIJING).strftime("%Y%m%d") + "-" + secrets.token_hex(8)


async def receive_submission(request: Request, services: Services, who: Principal, filename: str,
                             channel: str, period: str | None = None, replaces: str | None = None) -> dict[str, Any]:
    from jn_exchange.service.workflow import check_period, link_resubmission

    period = check_period(period)
    if who.organisation_id is None:
        raise HTTPException(403, "只有报送单位的用户或令牌可以报送 (only an organisation's user or token can submit)")
    settings = services.settings
    key = request.headers.get("idempotency-key") or None
    if key is not None and (len(key) > 64 or not key.isprintable()):
        raise HTTPException(400, "Idempotency-Key 最长 64 个可打印字符 (at most 64 printable characters)")
    if key is not None and (again := _earlier(services, who.organisation_id, key)) is not None:
        return again
    with services.db.session() as s:
        org = s.get(Organisation, who.organisation_id)
        if org is None or not org.active:
            raise HTTPException(403, "报送单位已停用 (the organisation is not active)")
        if audit.recent(s, "submission.received", 3600, organisation_id=org.id) >= settings.uploads_per_hour:
            raise HTTPException(429, "报送过于频繁，请稍后再试 (too many submissions in the last hour)",
                                headers={"Retry-After": "600"})
    length = request.headers.get("content-length")
    try:
        received = await storage.receive(request.stream(), filename, settings,
                                         int(length) if length and length.isdigit() else None)
    except storage.UploadError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    public_id = new_public_id()
    try:
        stored = storage.keep(received, public_id, settings)
    except OSError:
        received.path.unlink(missing_ok=True)
        raise
    try:
        with services.db.session() as s:
            sub = Submission(public_id=public_id, organisation_id=who.organisation_id, user_id=who.user_id,
                             token_id=who.token_id, channel=channel, filename=received.filename, kind=received.kind,
                             size=received.size, sha256=received.sha256, stored_path=stored, status="queued",
                             enqueued_at=utcnow(), idempotency_key=key, period=period)
            s.add(sub)
            s.flush()
            deliveries = link_resubmission(s, who, sub, replaces)
            sid = _record(s, request, who, sub, services)
    except HTTPException:       # the resubmission named a submission it cannot replace
        shutil.rmtree(settings.packages_dir / public_id, ignore_errors=True)
        raise
    except IntegrityError:      # the same key raced in twice: the first one stands
        shutil.rmtree(settings.packages_dir / public_id, ignore_errors=True)
        again = _earlier(services, who.organisation_id, key) if key else None
        if again is None:
            raise
        return again
    for d in deliveries:
        services.queue.deliver(d)
    services.queue.enqueue(sid)
    return {"id": public_id, "status": "queued", "receipt": json.loads(sub.receipt or "{}")}


def _record(s: Session, request: Request, who: Principal, sub: Submission, services: Services) -> int:
    """The audit event and the receipt of arrival of a new submission."""
    audit.record(s, "submission.received", user_id=who.user_id, token_id=who.token_id,
                 organisation_id=who.organisation_id, subject=sub.public_id, address=client_address(request),
                 size=sub.size, sha256=sub.sha256, filename=sub.filename)
    receipts.issue(s, sub, services.receipt_key)
    return sub.id


def _earlier(services: Services, organisation_id: int | None, key: str) -> dict[str, Any] | None:
    """The submission made by the first upload with this Idempotency-Key (with its latest
    receipt), if there was one."""
    from sqlalchemy import select

    with services.db.session() as s:
        sub = s.scalar(select(Submission).where(Submission.organisation_id == organisation_id,
                                                Submission.idempotency_key == key))
        if sub is None:
            return None
        first = json.loads(sub.receipt or "{}")
        return {"id": sub.public_id, "status": sub.status, "receipt": first, "repeated": True}


def visible_submission(s: Session, who: Principal, public_id: str) -> Submission:
    """The submission if `who` may see it; 404 otherwise (an unseen one is not confirmed to exist)."""
    from sqlalchemy import select

    sub = s.scalar(select(Submission).where(Submission.public_id == public_id))
    if sub is None or not who.sees(sub.organisation_id):
        raise HTTPException(404, "没有这条报送记录 (no such submission)")
    return sub
