"""The office's pages, in Chinese (issue 16): the review form on a submission's page, the
dashboard with its charts (plotly.js, served from static/vendor), waivers and reporting periods.
They call the same functions as the office's API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from jn_exchange.service import office_api
from jn_exchange.service.auth import client_address, identify
from jn_exchange.service.dashboard import dashboard
from jn_exchange.service.history import compare
from jn_exchange.service.intake import visible_submission
from jn_exchange.service.models import Organisation, Waiver
from jn_exchange.service.receipts import BEIJING
from jn_exchange.service.state import Services, services
from jn_exchange.service.views import submission_view
from jn_exchange.service.waivers import waiver_view
from jn_exchange.service.web import _page, _who, templates
from jn_exchange.service.workflow import STATE_ZH

router = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
ON_TIME_ZH = {"on_time": "按时", "late": "逾期", "missing": "未报送", "open": "未到期"}
WAIVER_ZH = {"active": "生效中", "future": "未开始", "ended": "已结束", "revoked": "已撤销"}
templates.env.globals.update(STATE_ZH=STATE_ZH, ON_TIME_ZH=ON_TIME_ZH, WAIVER_ZH=WAIVER_ZH)
# plotly.js sets styles inline and in <style> elements it adds: the dashboard alone allows that
DASHBOARD_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def _form(cls: type[BaseModel], **values: Any) -> Any:
    """A form's fields as the API's request body; a bad field is a clear 422, not a traceback."""
    try:
        return cls(**values)
    except ValidationError as exc:
        fields = "、".join(str(e["loc"][-1]) for e in exc.errors())
        raise HTTPException(422, f"表单内容有误：{fields} (invalid form fields: {fields})") from None


def _checked(request: Request, svc: Services, csrf: str) -> Any:
    with svc.db.session() as s:
        who = identify(request, s, form_csrf=csrf)
    if who is None or who.user_id is None:
        raise HTTPException(401, "请先登录")
    return who


@router.post("/submissions/{public_id}/review")
def review_form(request: Request, svc: Svc, public_id: str, csrf: Annotated[str, Form()],
                action: Annotated[str, Form(pattern="^(accept|return)$")],
                reasons: Annotated[str, Form(max_length=4000)] = "",
                period: Annotated[str, Form(max_length=16)] = "") -> Response:
    who = _checked(request, svc, csrf)
    body = _form(office_api.ReviewRequest, action=action, reasons=[r for r in reasons.splitlines() if r.strip()],
                                    period=period or None)
    try:
        office_api.review(svc, who, public_id, body, client_address(request))
    except HTTPException as exc:
        if exc.status_code in (401, 404):
            raise
        _, ctx = _who(request, svc)
        with svc.db.session() as s:
            sub = visible_submission(s, who, public_id)
            view, cmp = submission_view(s, sub), compare(s, sub)
        return _page(request, "submission.html", exc.status_code, sub=view, cmp=cmp, final=True,
                     review_error=str(exc.detail), **ctx)
    return RedirectResponse(f"/submissions/{public_id}", 303)


@router.get("/dashboard")
def dashboard_page(request: Request, svc: Svc) -> Response:
    who, ctx = _who(request, svc)
    with svc.db.session() as s:
        data = dashboard(s, None if who.office else who.organisation_id)
    resp = _page(request, "dashboard.html", data=data, data_json=json.dumps(data, ensure_ascii=False).replace("</", "<\\/"), **ctx)
    resp.headers["Content-Security-Policy"] = DASHBOARD_CSP
    return resp


@router.get("/waivers")
def waivers_page(request: Request, svc: Svc) -> Response:
    who, ctx = _who(request, svc)
    today = dt.datetime.now(BEIJING).date()
    with svc.db.session() as s:
        q = select(Waiver, Organisation.code).join(Organisation).order_by(Waiver.id.desc())
        if not who.office:
            q = q.where(Waiver.organisation_id == who.organisation_id)
        items = [waiver_view(w, code, today) for w, code in s.execute(q)]
        orgs = list(s.scalars(select(Organisation).order_by(Organisation.code))) if who.office else []
    return _page(request, "waivers.html", items=items, orgs=orgs, today=today.isoformat(), **ctx)


@router.post("/waivers")
def waiver_form(request: Request, svc: Svc, csrf: Annotated[str, Form()], organisation: Annotated[str, Form()],
                code: Annotated[str, Form()], reason: Annotated[str, Form()], starts_on: Annotated[str, Form()],
                ends_on: Annotated[str, Form()], record_keys: Annotated[str, Form()] = "") -> Response:
    who = _checked(request, svc, csrf)
    body = _form(office_api.WaiverRequest, organisation=organisation, code=code.strip(), reason=reason,
                                    starts_on=starts_on, ends_on=ends_on,
                                    record_keys=[k for k in record_keys.replace(",", "\n").splitlines() if k.strip()]
                                    or None)
    office_api.grant_waiver(svc, who, body, client_address(request))
    return RedirectResponse("/waivers", 303)


@router.post("/waivers/{waiver_id}/revoke")
def waiver_revoke(request: Request, svc: Svc, waiver_id: int, csrf: Annotated[str, Form()]) -> Response:
    who = _checked(request, svc, csrf)
    office_api.end_waiver(svc, who, waiver_id, client_address(request))
    return RedirectResponse("/waivers", 303)


@router.post("/periods")
def period_form(request: Request, svc: Svc, csrf: Annotated[str, Form()], period: Annotated[str, Form()],
                due_on: Annotated[str, Form()]) -> Response:
    who = _checked(request, svc, csrf)
    office_api.set_period(svc, who, _form(office_api.PeriodRequest, period=period.strip(), due_on=due_on.strip()),
                          client_address(request))
    return RedirectResponse("/dashboard", 303)
