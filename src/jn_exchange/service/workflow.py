"""The office's review of a submission (issue 16): 待审核 (pending) → 通过 (accepted) or 退回
(returned, with reasons); a returned submission becomes 已补报 (resubmitted) when the organisation
sends the corrected package that replaces it. A failing verdict (after waivers) returns the
submission automatically; a reviewer may still return a passing one. Only reviewers and admins
move a submission; every move is a `ReviewTransition` row and an audit event, and the
organisation is told (notify.tell). Accepting loads the package into the city's database first:
the 通过 row is written only if the load succeeded."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from jn_exchange.service import audit, notify
from jn_exchange.service.auth import Principal
from jn_exchange.service.models import (
    Organisation,
    ReportingPeriod,
    ReviewTransition,
    Submission,
    User,
    aware,
)
from jn_exchange.service.receipts import BEIJING, beijing
from jn_exchange.service.settings import Settings
from jn_exchange.service.waivers import effective

STATE_ZH = {"pending": "待审核", "accepted": "通过", "returned": "退回", "resubmitted": "已补报"}
# who may move a submission from one state to another (None: only the service itself)
MOVES = {("pending", "accepted"): "office", ("pending", "returned"): "office",
         ("returned", "resubmitted"): None}
# a reporting period as the submitter states it: a month, a quarter or a year
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")


class ReviewError(HTTPException):
    pass


def check_period(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not PERIOD.match(value):
        raise ReviewError(422, f"报送期应写作 2025-12、2025-Q4 或 2025，而不是 {value!r} "
                               f"(a period is written 2025-12, 2025-Q4 or 2025, not {value!r})")
    return value


def move(s: Session, sub: Submission, to: str, who: Principal | None, reasons: list[str],
         address: str | None = None) -> list[int]:
    """Record one transition (checked against MOVES); returns webhook deliveries to queue."""
    frm = sub.review_state
    rule = MOVES.get((frm, to), "forbidden")
    if rule == "forbidden" or (rule is None and who is not None):
        raise ReviewError(409, f"不能从「{STATE_ZH[frm]}」改为「{STATE_ZH.get(to, to)}」 "
                               f"(a submission cannot go from {frm} to {to})")
    if rule == "office" and who is not None and not who.office:
        raise ReviewError(403, "只有审核人员或管理员可以审核 (reviewers and admins only)")
    if to == "returned" and not [r for r in reasons if r.strip()]:
        raise ReviewError(422, "退回须写明理由 (a return needs a reason)")
    sub.review_state = to
    uid = who.user_id if who else None
    s.add(ReviewTransition(submission_id=sub.id, user_id=uid, from_state=frm, to_state=to,
                           reasons=json.dumps(reasons, ensure_ascii=False) if reasons else None))
    audit.record(s, f"review.{to}", user_id=uid, organisation_id=sub.organisation_id, subject=sub.public_id,
                 address=address, from_state=frm, reasons=reasons)
    text = {"accepted": "已通过审核并入库 (accepted and loaded)",
            "returned": "已退回，请改正后补报 (returned: correct and resubmit)",
            "resubmitted": "已收到补报 (the corrected resubmission arrived)"}[to]
    d = notify.tell(s, sub, to, f"报送 {sub.public_id}：{text}" + (f"。理由：{'；'.join(reasons)}" if reasons else ""),
                    {"reasons": reasons})
    return [d] if d else []


def on_verdict(s: Session, sub: Submission) -> list[int]:
    """After the worker's verdict: tell the organisation, and return a failing submission at once
    with the validator's verdict as the reason (waivers applied: see waivers.py)."""
    eff = effective(s, sub)
    verdict = eff["verdict"] or "failed"
    report = f"/submissions/{sub.public_id}"
    zh = {"pass": "通过校验", "fail": "校验不通过", "unusable": "无法校验", "failed": "校验服务出错"}[verdict]
    deliveries = [d for d in [notify.tell(s, sub, "verdict", f"报送 {sub.public_id}：{zh} ({verdict})",
                                          {"effective_verdict": verdict, "waived": eff["waived"]})] if d]
    if verdict in ("fail", "unusable") and sub.review_state == "pending":
        why = (f"校验不通过：{eff['errors']} 个错误，见校验报告 {report} (the validator's verdict is fail: "
               f"{eff['errors']} errors; see the report)") if verdict == "fail" else \
            f"文件无法校验：{sub.reason or ''}，见 {report} (the package could not be validated)"
        deliveries += move(s, sub, "returned", None, [why])
    return deliveries


def link_resubmission(s: Session, who: Principal, sub: Submission, replaces: str | None) -> list[int]:
    """A corrected resubmission names the returned submission it replaces (same organisation)."""
    if not replaces:
        return []
    old = s.scalar(select(Submission).where(Submission.public_id == replaces).with_for_update())
    if old is None or old.organisation_id != sub.organisation_id:
        raise ReviewError(404, "要补报的报送记录不存在 (no such submission to replace)")
    if old.review_state != "returned":
        raise ReviewError(409, f"只有被退回的报送可以补报，该报送为「{STATE_ZH[old.review_state]}」 "
                               f"(only a returned submission can be replaced; it is {old.review_state})")
    sub.replaces_id = old.id
    if sub.period is None:
        sub.period = old.period
    return move(s, old, "resubmitted", None, [f"补报：{sub.public_id}"])


def accept(s: Session, settings: Settings, who: Principal, sub: Submission, reasons: list[str],
           address: str | None, period: str | None = None) -> list[int]:
    """Load the package into the city's database, then record 通过, in the caller's transaction
    (which holds the submission's row lock). A load that fails changes nothing and raises."""
    if not who.office:
        raise ReviewError(403, "只有审核人员或管理员可以审核 (reviewers and admins only)")
    if sub.review_state != "pending":
        raise ReviewError(409, f"该报送为「{STATE_ZH[sub.review_state]}」，不能通过 (it is {sub.review_state})")
    if sub.status != "done" or effective(s, sub)["verdict"] != "pass":
        raise ReviewError(409, "只有校验通过的报送可以通过审核 (only a package that passed validation can be accepted)")
    sub.period = check_period(period) or sub.period
    if sub.period is None:
        raise ReviewError(422, "该报送未注明报送期，请在通过时注明 (the submission states no period: give one)")
    if sub.stored_path is None:
        raise ReviewError(409, "报送的文件已按保存期限删除，无法入库 (the package was removed by retention)")
    org = s.get(Organisation, sub.organisation_id)
    assert org is not None
    from jn_exchange.office.citydb import CityDatabase, CityLoadError

    try:
        CityDatabase.from_settings(settings).load(settings.data_dir / sub.stored_path, submission_id=sub.id,
                                                  organisation=org.code, period=sub.period)
    except CityLoadError as exc:
        zh, en = (exc.args + ("", ""))[:2]
        raise ReviewError(409, f"入库失败，仍为待审核：{zh} (loading failed; still pending: {en})") from exc
    return move(s, sub, "accepted", who, reasons, address)


def transitions(s: Session, sub: Submission) -> list[dict[str, Any]]:
    out = []
    for t in s.scalars(select(ReviewTransition).where(ReviewTransition.submission_id == sub.id)
                       .order_by(ReviewTransition.id)):
        user = s.get(User, t.user_id) if t.user_id else None
        out.append({"at": beijing(t.at), "by": user.username if user else "system", "from": t.from_state,
                    "to": t.to_state, "reasons": json.loads(t.reasons) if t.reasons else []})
    return out


def on_time(s: Session, sub: Submission) -> str | None:
    """on_time | late against the office's due date for the submission's period; None when the
    period has no due date."""
    if sub.period is None:
        return None
    due = s.scalar(select(ReportingPeriod.due_on).where(ReportingPeriod.period == sub.period))
    if due is None:
        return None
    return "on_time" if aware(sub.received_at).astimezone(BEIJING).date() <= due else "late"


def review_view(s: Session, sub: Submission) -> dict[str, Any]:
    """What the submitter and the office see of the review, beside the submission's view."""
    replaces = s.get(Submission, sub.replaces_id) if sub.replaces_id else None
    replaced_by = s.scalar(select(Submission.public_id).where(Submission.replaces_id == sub.id).limit(1))
    eff = effective(s, sub)
    return {"state": sub.review_state, "state_zh": STATE_ZH[sub.review_state], "period": sub.period,
            "on_time": on_time(s, sub), "replaces": replaces.public_id if replaces else None,
            "replaced_by": replaced_by, "transitions": transitions(s, sub),
            "effective": {"verdict": eff["verdict"], "errors": eff["errors"], "waived": eff["waived"]},
            "tallies": eff["tallies"]}


def change_path(settings: Settings, public_id: str) -> Path:
    return settings.data_dir / "changes" / f"{public_id}.json"


def due_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReviewError(422, f"日期应写作 2026-01-31，而不是 {value!r} (a date is written 2026-01-31)") from None
