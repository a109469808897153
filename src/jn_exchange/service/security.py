"""Credentials: password hashes (argon2id by argon2-cffi), API tokens (random, stored as SHA-256,
scoped, expiring, revocable), browser sessions with their CSRF token."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jn_exchange.service.models import SCOPES, ApiToken, User, WebSession, aware, utcnow

_hasher = PasswordHasher()
# verified against when the user name is unknown, so that a wrong name costs the same time as a
# wrong password (no user enumeration by timing)
_DUMMY = _hasher.hash("not a password of anyone")
MIN_PASSWORD = 12
TOKEN_PREFIX = "jnx_"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def check_login(s: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way)."""
    user = s.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_token(s: Session, organisation_id: int, name: str, scopes: list[str], days: int,
              created_by: int | None = None) -> tuple[ApiToken, str]:
    """A new token row and the token itself, which is shown once and never stored."""
    bad = [x for x in scopes if x not in SCOPES]
    if bad or not scopes:
        raise ValueError(f"scopes must be some of {', '.join(SCOPES)}; got {', '.join(scopes) or 'none'}")
    if not 1 <= days <= 730:
        raise ValueError("a token lives 1 to 730 days")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(organisation_id=organisation_id, name=name, prefix=raw[:12], token_hash=_sha(raw),
                   scopes=" ".join(sorted(set(scopes))), created_by_id=created_by,
                   expires_at=utcnow() + dt.timedelta(days=days))
    s.add(row)
    s.flush()
    return row, raw


def find_token(s: Session, raw: str) -> ApiToken | None:
    """The live token row for `raw`, or None (unknown, revoked or expired)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    digest = _sha(raw)
    for row in s.scalars(select(ApiToken).where(ApiToken.prefix == raw[:12])):
        if hmac.compare_digest(row.token_hash, digest):
            if row.revoked_at is not None or aware(row.expires_at) <= utcnow():
                return None
            return row
    return None


def new_session(s: Session, user: User, hours: int) -> str:
    sid = secrets.token_urlsafe(32)
    s.add(WebSession(id_hash=_sha(sid), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                     expires_at=utcnow() + dt.timedelta(hours=hours)))
    return sid


def find_session(s: Session, sid: str) -> WebSession | None:
    row = s.get(WebSession, _sha(sid))
    if row is None or aware(row.expires_at) <= utcnow():
        return None
    return row


def end_session(s: Session, sid: str) -> None:
    row = s.get(WebSession, _sha(sid))
    if row is not None:
        s.delete(row)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
