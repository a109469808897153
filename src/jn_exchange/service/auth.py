"""Who is asking: a browser session (cookie + CSRF token on every change) or an organisation's API
token (`Authorization: Bearer`), reduced to one `Principal` that every route asks about access.
A submitter sees its own organisation only; a reviewer or admin sees all; a token acts for its
organisation within its scopes."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from jn_exchange.service import security
from jn_exchange.service.models import User, utcnow

SESSION_COOKIE, SECURE_SESSION_COOKIE = "jnx_session", "__Host-jnx_session"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Principal:
    role: str                       # submitter | reviewer | admin
    organisation_id: int | None
    scopes: frozenset[str]
    user_id: int | None = None
    username: str | None = None
    token_id: int | None = None
    csrf: str | None = None         # the session's CSRF token (browser sessions only)

    @property
    def office(self) -> bool:
        return self.role in ("reviewer", "admin")

    def sees(self, organisation_id: int) -> bool:
        return self.office or organisation_id == self.organisation_id

    def may(self, scope: str) -> bool:
        return scope in self.scopes


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def secure_request(request: Request, mode: str) -> bool:
    """Whether cookies get the Secure flag: always in production; over plain http only to loopback."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    return request.url.scheme == "https" or not _loopback(request.url.hostname or "")


def session_cookie_name(secure: bool) -> str:
    return SECURE_SESSION_COOKIE if secure else SESSION_COOKIE


def _user_principal(user: User, csrf: str | None) -> Principal:
    scopes = frozenset({"submit", "read"}) if user.role == "submitter" else frozenset({"read"})
    return Principal(user.role, user.organisation_id, scopes, user_id=user.id, username=user.username, csrf=csrf)


def identify(request: Request, s: Session, form_csrf: str | None = None) -> Principal | None:
    """The principal, or None when no credential is valid. A browser's change must carry the
    session's CSRF token: as the X-CSRF-Token header (scripts) or as `form_csrf` (forms)."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = security.find_token(s, raw.strip())
        if token is None:
            return None
        token.last_used_at = utcnow()
        return Principal("submitter", token.organisation_id, frozenset(token.scopes.split()), token_id=token.id)
    sid = request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)
    if not sid:
        return None
    row = security.find_session(s, sid)
    if row is None:
        return None
    user = s.get(User, row.user_id)
    if user is None or not user.active:
        return None
    principal = _user_principal(user, row.csrf_token)
    if request.method in UNSAFE:
        sent = form_csrf if form_csrf is not None else request.headers.get("x-csrf-token")
        if not security.same(sent, row.csrf_token):
            raise HTTPException(403, "CSRF 校验失败，请刷新页面后重试 (CSRF token missing or wrong)")
    return principal


def require(request: Request, s: Session, scope: str) -> Principal:
    p = identify(request, s)
    if p is None:
        raise HTTPException(401, "需要登录或有效的令牌 (sign in, or send a valid token)",
                            headers={"WWW-Authenticate": "Bearer"})
    if not p.may(scope):
        raise HTTPException(403, f"此令牌或角色没有 {scope} 权限 (missing scope or role: {scope})")
    return p
