"""Receipts (回执): what arrived, when, from whom, and the verdict, signed with HMAC-SHA256 under
a key kept in the data directory (created on first use, mode 0600, never shown). Anyone holding
a receipt can have the office check it (`/api/v1/receipts/verify`, `jn-exchange service
verify-receipt`); changing any field breaks the signature."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jn_exchange import STANDARD_VERSION, __version__
from jn_exchange.service.models import Organisation, Submission, aware, utcnow

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
SIGNATURE = "signature"


def load_key(path: Path) -> bytes:
    """The receipt key; made on first use (an exclusive create, so two processes agree on one)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    text = path.read_text().strip()
    if len(text) < 64:
        raise ValueError(f"the receipt key {path} is shorter than 256 bits")
    return bytes.fromhex(text)


def key_id(key: bytes) -> str:
    """Names the key (its hash's first 16 hex digits) so that a receipt says which key signed it."""
    return hashlib.sha256(b"jn-exchange receipt key id:" + key).hexdigest()[:16]


def beijing(value: dt.datetime | None) -> str | None:
    return aware(value).astimezone(BEIJING).isoformat(timespec="seconds") if value else None


def body(sub: Submission, org: Organisation) -> dict[str, Any]:
    return {
        "receipt": "jn-exchange 报送回执", "format": 1,
        "submission": sub.public_id,
        "organisation": {"code": org.code, "name": org.name},
        "channel": sub.channel, "filename": sub.filename, "kind": sub.kind,
        "size": sub.size, "sha256": sub.sha256, "received_at": beijing(sub.received_at),
        "status": sub.status, "verdict": sub.verdict,
        "counts": None if sub.errors is None else {"error": sub.errors, "warning": sub.warnings, "info": sub.infos},
        "rows": sub.rows, "as_of": sub.as_of, "reason": sub.reason,
        "declared_standard_version": sub.standard_version,
        "standard_version": STANDARD_VERSION, "validator_version": sub.validator_version or __version__,
        "judged_at": beijing(sub.finished_at), "issued_at": beijing(utcnow()),
    }


def _canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in doc.items() if k != SIGNATURE}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def sign(doc: dict[str, Any], key: bytes) -> dict[str, Any]:
    signed = dict(doc, key_id=key_id(key))
    signed[SIGNATURE] = "hmac-sha256:" + hmac.new(key, _canonical(signed), hashlib.sha256).hexdigest()
    return signed


def verify(doc: object, key: bytes) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get(SIGNATURE), str):
        return False
    expected = "hmac-sha256:" + hmac.new(key, _canonical(doc), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, doc[SIGNATURE])


def issue(s: Session, sub: Submission, key: bytes) -> dict[str, Any]:
    """Sign the submission's current state and keep it as the submission's receipt."""
    org = s.get(Organisation, sub.organisation_id)
    if org is None:
        raise ValueError(f"submission {sub.public_id} has no organisation")
    doc = sign(body(sub, org), key)
    sub.receipt = json.dumps(doc, ensure_ascii=False)
    return doc
