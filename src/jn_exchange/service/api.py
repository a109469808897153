"""The REST API, version 1 (`/api/v1/`; its OpenAPI document at `/openapi.json`). Everything the
page does goes through here too, so vendors' systems can do all of it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from jn_exchange.service import audit, receipts, security
from jn_exchange.service.auth import client_address, require
from jn_exchange.service.history import compare
from jn_exchange.service.intake import receive_submission, visible_submission
from jn_exchange.service.models import SCOPES, ApiToken, Organisation, Submission, utcnow
from jn_exchange.service.reportstore import EXTENSIONS, LANGS, report_path
from jn_exchange.service.state import Services, services
from jn_exchange.service.views import filtered, submission_view

router = APIRouter(prefix="/api/v1", tags=["v1"])
Svc = Annotated[Services, Depends(services)]
MEDIA = {"text": "text/plain; charset=utf-8", "json": "application/json", "html": "text/html; charset=utf-8",
         "junit": "application/xml", "sarif": "application/sarif+json"}
# the stored HTML report runs its own small script: in a sandbox it has no origin, so no cookie or API
REPORT_CSP = ("sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:")


@router.get("/health")
def health(svc: Svc) -> dict[str, Any]:
    with svc.db.session() as s:
        s.execute(select(1))
    return {"status": "ok", "queued": svc.queue.pending()}


@router.post("/submissions", status_code=202, openapi_extra={"requestBody": {
    "required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    "description": "The package's bytes (.zip, .json or filled .xlsx), streamed; the size limit applies as it arrives."}})
async def submit(request: Request, svc: Svc,
                 filename: Annotated[str, Query(max_length=255, description="The file's name; its extension "
                                                "says the form: .zip, .json or .xlsx")],
                 period: Annotated[str | None, Query(max_length=16, description="The reporting period: "
                                                    "2025-12, 2025-Q4 or 2025")] = None,
                 replaces: Annotated[str | None, Query(max_length=32, description="补报: the id of the "
                                                       "returned submission this corrects")] = None,
                 ) -> dict[str, Any]:
    """Submit a package. Answers at once with the signed receipt of arrival; poll the submission
    (or its `links.self`) until `status` is `done` or `failed`."""
    with svc.db.session() as s:
        who = require(request, s, "submit")
    return await receive_submission(request, svc, who, filename, "api" if who.token_id else "web", period, replaces)


@router.get("/submissions")
def list_submissions(request: Request, svc: Svc, organisation: str | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50,
                     before: Annotated[str | None, Query(description="id of the last item of the previous page")] = None,
                     state: Annotated[str | None, Query(pattern="^(pending|accepted|returned|resubmitted)$")] = None,
                     period: str | None = None, code: str | None = None,
                     ) -> dict[str, Any]:
    """Submissions newest first: a submitter's own organisation, or any (`organisation` = its code)
    for the office."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        q = filtered(select(Submission).order_by(Submission.id.desc()).limit(limit), state, period, code)
        if not who.office:
            q = q.where(Submission.organisation_id == who.organisation_id)
        elif organisation:
            q = q.join(Organisation).where(Organisation.code == organisation)
        if before:
            anchor = s.scalar(select(Submission.id).where(Submission.public_id == before))
            if anchor is not None:
                q = q.where(Submission.id < anchor)
        return {"items": [submission_view(s, x) for x in s.scalars(q)]}


@router.get("/submissions/{public_id}")
def get_submission(request: Request, svc: Svc, public_id: str) -> dict[str, Any]:
    with svc.db.session() as s:
        who = require(request, s, "read")
        sub = visible_submission(s, who, public_id)
        view = submission_view(s, sub)
        cmp = compare(s, sub)
        view["comparison"] = cmp["summary"] | {"previous": cmp["previous"]["id"]} if cmp else None
        return view


@router.get("/submissions/{public_id}/receipt")
def get_receipt(request: Request, svc: Svc, public_id: str, download: bool = False) -> Response:
    """The signed receipt as last issued (on arrival, then with the verdict)."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        sub = visible_submission(s, who, public_id)
        text = sub.receipt or "{}"
    headers = {"Content-Disposition": f'attachment; filename="receipt-{public_id}.json"'} if download else {}
    return Response(text, media_type="application/json", headers=headers)


@router.get("/submissions/{public_id}/comparison")
def get_comparison(request: Request, svc: Svc, public_id: str) -> dict[str, Any]:
    """Findings new, fixed and still there against the organisation's previous judged submission."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        sub = visible_submission(s, who, public_id)
        return {"id": public_id, "comparison": compare(s, sub)}


@router.get("/submissions/{public_id}/report")
def get_report(request: Request, svc: Svc, public_id: str,
               format: Annotated[str, Query(pattern="^(" + "|".join(EXTENSIONS) + ")$")] = "json",
               lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh") -> Response:
    """The validator's report in any of its formats, exactly as `jn-exchange validate --format` writes it."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        sub = visible_submission(s, who, public_id)
        status = sub.status
    path = report_path(svc.settings, public_id, format, lang if lang in LANGS else "zh")
    if not path.is_file():
        raise HTTPException(409 if status not in ("done", "failed") else 404,
                            "报告尚未生成 (no report yet)" if status not in ("done", "failed")
                            else "此报送没有报告：文件无法校验 (no report: the package could not be validated)")
    headers = {"Content-Security-Policy": REPORT_CSP} if format == "html" else {}
    if format == "text":
        return PlainTextResponse(path.read_text(encoding="utf-8"))
    return Response(path.read_bytes(), media_type=MEDIA[format], headers=headers)


@router.post("/receipts/verify")
def verify_receipt(request: Request, svc: Svc, receipt: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Whether a receipt was issued by this service unchanged (its HMAC signature checks)."""
    with svc.db.session() as s:
        require(request, s, "read")
    ok = receipts.verify(receipt, svc.receipt_key)
    return {"valid": ok, "submission": receipt.get("submission") if ok else None}


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=lambda: list(SCOPES))
    days: int = Field(default=90, ge=1, le=730)
    organisation: str | None = Field(default=None, description="organisation code (admins only)")


@router.post("/tokens", status_code=201)
def create_token(request: Request, svc: Svc, body: TokenRequest) -> dict[str, Any]:
    """A new API token of the caller's organisation (an admin names the organisation). The token
    is in this answer only; the service keeps its hash."""
    with svc.db.session() as s:
        who = require(request, s, "read")
        if who.user_id is None:
            raise HTTPException(403, "令牌不能创建令牌 (a token cannot create tokens)")
        org_id = who.organisation_id
        if who.role == "admin" and body.organisation:
            org_id = s.scalar(select(Organisation.id).where(Organisation.code == body.organisation))
        elif who.role != "submitter":
            raise HTTPException(403, "只有报送单位用户或管理员可以创建令牌 (submitters and admins only)")
        if org_id is None:
            raise HTTPException(404, "没有这个单位 (no such organisation)")
        try:
            row, raw = security.new_token(s, org_id, body.name, body.scopes, body.days, who.user_id)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        audit.record(s, "token.created", user_id=who.user_id, organisation_id=org_id, subject=f"token:{row.id}",
                     address=client_address(request), scopes=row.scopes, days=body.days)
        return {"id": row.id, "token": raw, "scopes": row.scopes.split(), "expires_at": receipts.beijing(row.expires_at)}


@router.get("/tokens")
def list_tokens(request: Request, svc: Svc) -> dict[str, Any]:
    with svc.db.session() as s:
        who = require(request, s, "read")
        q = select(ApiToken).order_by(ApiToken.id)
        if who.role != "admin":
            q = q.where(ApiToken.organisation_id == who.organisation_id)
        return {"items": [{"id": t.id, "name": t.name, "prefix": t.prefix, "scopes": t.scopes.split(),
                           "organisation_id": t.organisation_id, "created_at": receipts.beijing(t.created_at),
                           "expires_at": receipts.beijing(t.expires_at), "revoked_at": receipts.beijing(t.revoked_at),
                           "last_used_at": receipts.beijing(t.last_used_at)} for t in s.scalars(q)]}


@router.delete("/tokens/{token_id}")
def revoke_token(request: Request, svc: Svc, token_id: int) -> dict[str, Any]:
    with svc.db.session() as s:
        who = require(request, s, "read")
        row = s.get(ApiToken, token_id)
        if row is None or who.user_id is None or (who.role != "admin" and row.organisation_id != who.organisation_id):
            raise HTTPException(404, "没有这个令牌 (no such token)")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit.record(s, "token.revoked", user_id=who.user_id, organisation_id=row.organisation_id,
                         subject=f"token:{row.id}", address=client_address(request))
        return {"id": row.id, "revoked_at": receipts.beijing(row.revoked_at)}


@router.get("/me")
def me(request: Request, svc: Svc) -> dict[str, Any]:
    with svc.db.session() as s:
        who = require(request, s, "read")
        org = s.get(Organisation, who.organisation_id) if who.organisation_id else None
        return {"role": who.role, "username": who.username, "token": who.token_id is not None,
                "scopes": sorted(who.scopes), "organisation": {"code": org.code, "name": org.name} if org else None}

