"""The pages, in Chinese: sign in, upload (drag and drop, progress), a submission's progress,
verdict and comparison, its printable receipt, and the history. The pages read the same data as
the API; their scripts call the API with the session's CSRF token."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from jn_exchange.service import audit, security
from jn_exchange.service.auth import (
    Principal,
    client_address,
    identify,
    secure_request,
    session_cookie_name,
)
from jn_exchange.service.history import compare
from jn_exchange.service.intake import visible_submission
from jn_exchange.service.models import Organisation, Submission, User, utcnow
from jn_exchange.service.state import Services, services
from jn_exchange.service.views import FINAL, filtered, notifications, submission_view

router = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
LOGIN_CSRF = "jnx_login_csrf"
BAD_LOGIN = "用户名或密码错误"   # one message for an unknown name and a wrong password
VERDICT_ZH = {"pass": "通过", "fail": "不通过", "unusable": "无法校验"}
STATUS_ZH = {"queued": "排队中", "running": "校验中", "done": "已完成", "failed": "校验失败"}
ROLE_ZH = {"submitter": "报送单位用户", "reviewer": "审核人员", "admin": "管理员"}
templates.env.globals.update(VERDICT_ZH=VERDICT_ZH, STATUS_ZH=STATUS_ZH, ROLE_ZH=ROLE_ZH)
# times are Beijing time (receipts.beijing): shown as people write them, the offset said in words
templates.env.filters["when"] = lambda iso: f"{iso[:10]} {iso[11:19]}" if iso else ""


def _page(request: Request, name: str, http_status: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=http_status)


def error_page(request: Request, status: int, detail: str) -> Response:
    if status == 401:
        return RedirectResponse("/login", 303)
    return _page(request, "error.html", status, status=status, detail=detail, who=None)


def _who(request: Request, svc: Services) -> tuple[Principal, dict[str, Any]]:
    with svc.db.session() as s:
        who = identify(request, s)
        if who is None or who.user_id is None:
            raise HTTPException(401, "请先登录")
        org = s.get(Organisation, who.organisation_id) if who.organisation_id else None
        return who, {"who": who, "org_name": org.name if org else None}


@router.get("/login")
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    resp = _page(request, "login.html", who=None, csrf=token, error=None)
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", max_age=3600,
                    secure=secure_request(request, "auto"))
    return resp


@router.post("/login")
def login(request: Request, svc: Svc, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=1024)], csrf: Annotated[str, Form()]) -> Response:
    if not security.same(csrf, request.cookies.get(LOGIN_CSRF)):
        raise HTTPException(403, "表单已过期，请刷新登录页面后重试")
    settings, address = svc.settings, client_address(request)
    with svc.db.session() as s:
        if audit.recent(s, "login.failed", settings.login_window_s, subject=username,
                        address=address) >= settings.login_attempts:
            audit.record(s, "login.limited", subject=username, address=address)
            return _page(request, "login.html", 429, who=None, csrf=csrf,
                         error=f"登录尝试次数过多，请 {settings.login_window_s // 60} 分钟后再试")
        user = security.check_login(s, username, password)
        if user is None:
            audit.record(s, "login.failed", subject=username, address=address)
            return _page(request, "login.html", 400, who=None, csrf=csrf, error=BAD_LOGIN)
        sid = security.new_session(s, user, settings.session_hours)
        user.last_login_at = utcnow()
        audit.record(s, "login.ok", user_id=user.id, organisation_id=user.organisation_id, subject=username,
                     address=address)
    secure = secure_request(request, settings.secure_cookies)
    resp = RedirectResponse("/", 303)
    resp.set_cookie(session_cookie_name(secure), sid, httponly=True, samesite="lax", secure=secure, path="/",
                    max_age=settings.session_hours * 3600)
    resp.delete_cookie(LOGIN_CSRF)
    return resp


@router.post("/logout")
def logout(request: Request, svc: Svc, csrf: Annotated[str, Form()]) -> Response:
    with svc.db.session() as s:
        who = identify(request, s, form_csrf=csrf)
        for name in ("__Host-jnx_session", "jnx_session"):
            if request.cookies.get(name):
                security.end_session(s, request.cookies[name])
        if who is not None:
            audit.record(s, "logout", user_id=who.user_id, subject=who.username, address=client_address(request))
    resp = RedirectResponse("/login", 303)
    for name in ("__Host-jnx_session", "jnx_session"):
        resp.delete_cookie(name, path="/")
    return resp


@router.get("/")
def home(request: Request, svc: Svc, organisation: str | None = None, state: str | None = None,
         period: str | None = None, code: str | None = None, replaces: str | None = None) -> Response:
    who, ctx = _who(request, svc)
    with svc.db.session() as s:
        q = filtered(select(Submission).order_by(Submission.id.desc()).limit(100), state, period, code)
        orgs = list(s.scalars(select(Organisation).order_by(Organisation.code))) if who.office else []
        if not who.office:
            q = q.where(Submission.organisation_id == who.organisation_id)
        elif organisation:
            q = q.join(Organisation).where(Organisation.code == organisation)
        items = [submission_view(s, x) for x in s.scalars(q)]
        notes = notifications(s, who, 10)
    return _page(request, "home.html", items=items, orgs=orgs, chosen=organisation, state=state, notes=notes,
                 period=period, replaces=replaces if who.role == "submitter" else None,
                 max_mb=svc.settings.max_upload_bytes // 1024**2, **ctx)


@router.get("/submissions/{public_id}")
def submission_page(request: Request, svc: Svc, public_id: str) -> Response:
    who, ctx = _who(request, svc)
    with svc.db.session() as s:
        sub = visible_submission(s, who, public_id)
        view, cmp = submission_view(s, sub), compare(s, sub)
    return _page(request, "submission.html", sub=view, cmp=cmp, final=view["status"] in FINAL, **ctx)


@router.get("/submissions/{public_id}/receipt")
def receipt_page(request: Request, svc: Svc, public_id: str) -> Response:
    who, ctx = _who(request, svc)
    with svc.db.session() as s:
        sub = visible_submission(s, who, public_id)
        receipt = json.loads(sub.receipt or "{}")
    return _page(request, "receipt.html", r=receipt, public_id=public_id, **ctx)


@router.get("/account")
def account(request: Request, svc: Svc) -> Response:
    who, ctx = _who(request, svc)
    with svc.db.session() as s:
        user = s.get(User, who.user_id)
        username = user.username if user else ""
    return _page(request, "account.html", username=username, **ctx)
