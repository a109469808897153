"""Telling an organisation what happened to its submission: a notification in its pages, and a
POST to its webhook (if it has one) signed like Stripe's and GitHub's:

    X-JNX-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

The receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares in constant
time, and refuses a timestamp older than a few minutes (a replay). Deliveries go through the job
queue, are retried with growing pauses, and every try is in the delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from jn_exchange.service.models import Notification, Submission, Webhook, WebhookDelivery, utcnow
from jn_exchange.service.receipts import beijing

if TYPE_CHECKING:
    from jn_exchange.service.db import Database

SIGNATURE_HEADER = "X-JNX-Signature"
MAX_TRIES = 6
TIMEOUT_S = 10.0
EVENTS_ZH = {"verdict": "校验结果", "returned": "退回", "accepted": "通过审核", "resubmitted": "已补报"}


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones: 30 s, 1, 2, 4, 8 min."""
    return 30 * 2 ** (attempts - 1)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, now: int | None = None, tolerance_s: int = 300) -> bool:
    """What a receiver does (and the documentation shows): the signature over the timestamp and
    the body, and a timestamp not older than `tolerance_s`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        ts = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else int(time.time())) - ts) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, body, ts), f"t={ts},v1={parts.get('v1', '')}")


def check_url(url: str) -> str:
    """Only http(s) URLs with a host are delivered to."""
    u = urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise ValueError("回调地址必须是 http 或 https 网址 (the webhook URL must be http or https)")
    return url


def tell(s: Session, sub: Submission, event: str, message: str, extra: dict[str, Any] | None = None) -> int | None:
    """A notification for the submission's organisation, and a delivery to its webhook. Returns
    the delivery's id (to queue after the commit) or None."""
    s.add(Notification(organisation_id=sub.organisation_id, submission_id=sub.id, event=event, message=message))
    hook = s.scalar(select(Webhook).where(Webhook.organisation_id == sub.organisation_id, Webhook.active))
    if hook is None:
        return None
    body = {"event": event, "submission": sub.public_id, "period": sub.period, "verdict": sub.verdict,
            "review_state": sub.review_state, "message": message, "at": beijing(utcnow()),
            "links": {"self": f"/api/v1/submissions/{sub.public_id}"}} | (extra or {})
    d = WebhookDelivery(webhook_id=hook.id, event=event, body=json.dumps(body, ensure_ascii=False, sort_keys=True))
    s.add(d)
    s.flush()
    return d.id


def deliver(db: Database, delivery_id: int, now: int | None = None) -> int | None:
    """One try of a delivery. Returns the seconds to wait before the next try, or None when it
    is done (delivered, or given up after `MAX_TRIES`)."""
    with db.session() as s:
        d = s.get(WebhookDelivery, delivery_id)
        hook = s.get(Webhook, d.webhook_id) if d else None
        if d is None or hook is None or d.status != "pending":
            return None
        url, secret, body = hook.url, hook.secret, d.body.encode()
    ts = now if now is not None else int(time.time())
    req = urllib.request.Request(check_url(url), data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(secret, body, ts),
        "User-Agent": "jn-exchange-webhook"})
    code, error = None, None
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:   # noqa: S310 - scheme checked above
            code = resp.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    with db.session() as s:
        d = s.get(WebhookDelivery, delivery_id)
        assert d is not None
        d.attempts += 1
        d.last_code, d.last_error = code, error
        if code is not None and 200 <= code < 300:
            d.status, d.delivered_at = "delivered", utcnow()
            return None
        if d.attempts >= MAX_TRIES:
            d.status = "failed"
            return None
        return retry_delay(d.attempts)


def delivery_view(d: WebhookDelivery) -> dict[str, Any]:
    return {"id": d.id, "event": d.event, "status": d.status, "attempts": d.attempts, "last_code": d.last_code,
            "last_error": d.last_error, "created_at": beijing(d.created_at), "delivered_at": beijing(d.delivered_at)}
