"""The office's API (issue 16), version 1: review (accept / return), reporting periods, waivers,
notifications, webhooks and the dashboard. The pages call the same functions."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from jn_exchange.service import audit, notify, workflow
from jn_exchange.service.auth import Principal, client_address, require
from jn_exchange.service.dashboard import dashboard
from jn_exchange.service.intake import visible_submission
from jn_exchange.service.models import (
    Organisation,
    ReportingPeriod,
    Submission,
    Waiver,
    Webhook,
    WebhookDelivery,
    utcnow,
)
from jn_exchange.service.receipts import BEIJING
from jn_exchange.service.state import Services, services
from jn_exchange.service.views import notifications, submission_view
from jn_exchange.service.waivers import waiver_view

router = APIRouter(prefix="/api/v1", tags=["office"])
Svc = Annotated[Services, Depends(services)]


def office_only(who: Principal) -> None:
    if not who.office:
        raise HTTPException(403, "只有审核人员或管理员可以操作 (reviewers and admins only)")


def org_by_code(s: Any, code: str) -> Organisation:
    org = s.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise HTTPException(404, "没有这个单位 (no such organisation)")
    return org


class ReviewRequest(BaseModel):
    action: str = Field(pattern="^(accept|return)$")
    reasons: list[str] = Field(default_factory=list, max_length=20)
    period: str | None = Field(default=None, max_length=16, description="sets the period if the submission has none")


def review(svc: Services, who: Principal, public_id: str, body: ReviewRequest, address: str) -> dict[str, Any]:
    """Accept (load into the city's database, then 通过) or return (退回, with reasons)."""
    reasons = [r.strip()[:500] for r in body.reasons if r.strip()]
    failed: tuple[str, int] | None = None
    with svc.db.session() as s:
        seen = visible_submission(s, who, public_id)
        office_only(who)
        sub = s.scalar(select(Submission).where(Submission.id == seen.id).with_for_update())
        assert sub is not None
        try:
            if body.action == "accept":
                deliveries = workflow.accept(s, svc.settings, who, sub, reasons, address, body.period)
            else:
                deliveries = workflow.move(s, sub, "returned", who, reasons, address)
        except workflow.ReviewError as exc:
            s.rollback()       # nothing of a refused move stays (a period given with it included)
            failed = (str(exc.detail), exc.status_code)
        else:
            view = submission_view(s, sub)
    if failed is not None:     # outside the rolled-back transaction: the failure itself is audited
        with svc.db.session() as s:
            audit.record(s, f"review.{body.action}.refused", user_id=who.user_id, subject=public_id,
                         address=address, detail_text=failed[0])
        raise HTTPException(failed[1], failed[0])
    for d in deliveries:
        svc.queue.deliver(d)
    return view


@router.post("/submissions/{public_id}/review")
def post_review(request: Request, svc: Svc, public_id: str, body: ReviewRequest) -> dict[str, Any]:
    with svc.db.session() as s:
        who = require(request, s, "read")
    return review(svc, who, public_id, body, client_address(request))


@router.get("/submissions/{public_id}/review")
def get_review(request: Request, svc: Svc, public_id: str) -> dict[str, Any]:
    """The review state, its transitions with reasons, and the findings with what is waived."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        return workflow.review_view(s, visible_submission(s, who, public_id))


class PeriodRequest(BaseModel):
    period: str = Field(max_length=16)
    due_on: str = Field(description="the last day (Beijing time) a submission is on time, e.g. 2026-01-15")


@router.get("/periods")
def list_periods(request: Request, svc: Svc) -> dict[str, Any]:
    with svc.db.session() as s:
        require(request, s, "read")
        return {"items": [{"period": p.period, "due_on": p.due_on.isoformat()}
                          for p in s.scalars(select(ReportingPeriod).order_by(ReportingPeriod.due_on.desc()))]}


@router.put("/periods")
def put_period(request: Request, svc: Svc, body: PeriodRequest) -> dict[str, Any]:
    """Set a reporting period's due date (office only)."""
    with svc.db.session() as s:
        who = require(request, s, "read")
    return set_period(svc, who, body, client_address(request))


def set_period(svc: Services, who: Principal, body: PeriodRequest, address: str) -> dict[str, Any]:
    office_only(who)
    period, due = workflow.check_period(body.period), workflow.due_day(body.due_on)
    if period is None:
        raise HTTPException(422, "请写明报送期 (give the period)")
    with svc.db.session() as s:
        row = s.scalar(select(ReportingPeriod).where(ReportingPeriod.period == period))
        if row is None:
            row = ReportingPeriod(period=period, due_on=due)
            s.add(row)
        row.due_on = due
        audit.record(s, "period.set", user_id=who.user_id, subject=period, address=address,
                     due_on=due.isoformat())
        return {"period": period, "due_on": due.isoformat()}


class WaiverRequest(BaseModel):
    organisation: str = Field(max_length=64)
    code: str = Field(pattern=r"^JN-[A-Z0-9-]{1,28}$")
    record_keys: list[str] | None = Field(default=None, max_length=1000)
    reason: str = Field(min_length=1, max_length=2000)
    starts_on: str
    ends_on: str


@router.get("/waivers")
def list_waivers(request: Request, svc: Svc, organisation: str | None = None) -> dict[str, Any]:
    """Every waiver (the office) or the organisation's own (a submitter), with its state today."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        q = select(Waiver, Organisation.code).join(Organisation).order_by(Waiver.id.desc())
        if not who.office:
            q = q.where(Waiver.organisation_id == who.organisation_id)
        elif organisation:
            q = q.where(Organisation.code == organisation)
        return {"items": [waiver_view(w, code) for w, code in s.execute(q)]}


@router.post("/waivers", status_code=201)
def create_waiver(request: Request, svc: Svc, body: WaiverRequest) -> dict[str, Any]:
    """Waive a rule for an organisation (optionally for given record keys) from one day to another."""
    with svc.db.session() as s:
        who = require(request, s, "read")
    return grant_waiver(svc, who, body, client_address(request))


def grant_waiver(svc: Services, who: Principal, body: WaiverRequest, address: str) -> dict[str, Any]:
    office_only(who)
    start, end = workflow.due_day(body.starts_on), workflow.due_day(body.ends_on)
    if end < start:
        raise HTTPException(422, "豁免的结束日期早于开始日期 (the waiver ends before it starts)")
    with svc.db.session() as s:
        org = org_by_code(s, body.organisation)
        keys = sorted({k.strip() for k in body.record_keys or [] if k.strip()}) or None
        w = Waiver(organisation_id=org.id, code=body.code, record_keys=json.dumps(keys, ensure_ascii=False)
                   if keys else None, reason=body.reason, starts_on=start, ends_on=end, created_by_id=who.user_id)
        s.add(w)
        s.flush()
        audit.record(s, "waiver.created", user_id=who.user_id, organisation_id=org.id, subject=f"waiver:{w.id}",
                     address=address, code=w.code, starts_on=body.starts_on, ends_on=body.ends_on,
                     keys=len(keys or []))
        return waiver_view(w, org.code)


@router.delete("/waivers/{waiver_id}")
def revoke_waiver(request: Request, svc: Svc, waiver_id: int) -> dict[str, Any]:
    with svc.db.session() as s:
        who = require(request, s, "read")
    return end_waiver(svc, who, waiver_id, client_address(request))


def end_waiver(svc: Services, who: Principal, waiver_id: int, address: str) -> dict[str, Any]:
    office_only(who)
    with svc.db.session() as s:
        w = s.get(Waiver, waiver_id)
        if w is None:
            raise HTTPException(404, "没有这个豁免 (no such waiver)")
        if w.revoked_at is None:
            w.revoked_at = utcnow()
            audit.record(s, "waiver.revoked", user_id=who.user_id, organisation_id=w.organisation_id,
                         subject=f"waiver:{w.id}", address=address)
        org = s.get(Organisation, w.organisation_id)
        return waiver_view(w, org.code if org else None)


@router.get("/notifications")
def list_notifications(request: Request, svc: Svc, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    """The organisation's notifications, newest first (the office: every organisation's)."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        return {"items": notifications(s, who, limit)}


class WebhookRequest(BaseModel):
    url: str = Field(max_length=500)
    organisation: str | None = Field(default=None, description="organisation code (admins only)")


def _hook_org(s: Any, who: Principal, code: str | None) -> int:
    if who.role == "admin" and code:
        return org_by_code(s, code).id
    if who.role != "submitter" or who.user_id is None or who.organisation_id is None:
        raise HTTPException(403, "只有报送单位用户或管理员可以设置回调 (an organisation's users and admins only)")
    return who.organisation_id


@router.put("/webhook")
def put_webhook(request: Request, svc: Svc, body: WebhookRequest) -> dict[str, Any]:
    """Set the organisation's webhook. A new secret is made and shown in this answer only."""
    try:
        url = notify.check_url(body.url)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    with svc.db.session() as s:
        who = require(request, s, "read")
        org_id = _hook_org(s, who, body.organisation)
        hook = s.scalar(select(Webhook).where(Webhook.organisation_id == org_id))
        secret = "whsec_" + secrets.token_urlsafe(32)
        if hook is None:
            hook = Webhook(organisation_id=org_id, url=url, secret=secret)
            s.add(hook)
        hook.url, hook.secret, hook.active = url, secret, True
        audit.record(s, "webhook.set", user_id=who.user_id, organisation_id=org_id, subject=url,
                     address=client_address(request))
        return {"url": url, "secret": secret, "signature_header": notify.SIGNATURE_HEADER}


@router.delete("/webhook")
def delete_webhook(request: Request, svc: Svc, organisation: str | None = None) -> dict[str, Any]:
    with svc.db.session() as s:
        who = require(request, s, "read")
        org_id = _hook_org(s, who, organisation)
        hook = s.scalar(select(Webhook).where(Webhook.organisation_id == org_id))
        if hook is not None and hook.active:
            hook.active = False
            audit.record(s, "webhook.removed", user_id=who.user_id, organisation_id=org_id,
                         address=client_address(request))
        return {"active": False}


@router.get("/webhook/deliveries")
def list_deliveries(request: Request, svc: Svc, organisation: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    """The delivery log: each event, its tries, the last answer."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        org_id = org_by_code(s, organisation).id if who.office and organisation else who.organisation_id
        hook = s.scalar(select(Webhook).where(Webhook.organisation_id == org_id))
        if hook is None:
            return {"url": None, "items": []}
        rows = s.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                         .order_by(WebhookDelivery.id.desc()).limit(limit))
        return {"url": hook.url, "active": hook.active, "items": [notify.delivery_view(d) for d in rows]}


@router.get("/dashboard")
def get_dashboard(request: Request, svc: Svc, as_of: Annotated[str | None, Query(
        description="the day the period states are judged on (default today, Beijing time)")] = None,
                  ) -> dict[str, Any]:
    """The dashboard's figures: every organisation for the office, the caller's own otherwise."""
    today = workflow.due_day(as_of) if as_of else dt.datetime.now(BEIJING).date()
    with svc.db.session() as s:
        who = require(request, s, "read")
        return dashboard(s, None if who.office else who.organisation_id, today)
