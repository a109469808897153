"""The office's data (issue 16): a submission's row-level change against the organisation's last
accepted data (page and API; the submitter sees its own), and the city's database: what it
holds, and an organisation's period exported as a package (office only, audited)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from jn_exchange.service import audit
from jn_exchange.service.auth import Principal, client_address, require
from jn_exchange.service.intake import visible_submission
from jn_exchange.service.models import Organisation, Submission
from jn_exchange.service.receipts import beijing
from jn_exchange.service.settings import Settings
from jn_exchange.service.state import Services, services
from jn_exchange.service.web import _page, _who
from jn_exchange.service.workflow import change_path

api = APIRouter(prefix="/api/v1", tags=["office"])
pages = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
KIND_ZH = {"added": "新增", "removed": "删除", "changed": "修改", "rekeyed": "主键变更"}


def change_of(settings: Settings, sub: Submission, org_code: str) -> dict[str, Any]:
    """The submission's stored change; computed now if the worker could not (and the package is kept)."""
    path = change_path(settings, sub.public_id)
    if not path.is_file():
        if sub.status != "done" or sub.stored_path is None:
            raise HTTPException(404, "该报送尚无逐行变化（未校验完成，或数据包已按保存期限删除） "
                                     "(no row-level change: not judged yet, or the package was removed)")
        from jn_exchange.office.citydb import CityDatabase, CityLoadError
        from jn_exchange.office.rowchange import compute_for_submission
        from jn_exchange.office.unpacked import UnpackError

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return compute_for_submission(CityDatabase.from_settings(settings), settings.data_dir / sub.stored_path,
                                          submission_id=sub.id, organisation=org_code, out=path, period=sub.period,
                                          memory_limit=settings.memory_limit)
        except (CityLoadError, UnpackError) as exc:
            raise HTTPException(409, f"无法计算逐行变化：{exc.args[0]} (the change cannot be computed: "
                                     f"{exc.args[-1]})") from exc
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _change(svc: Services, who: Principal, public_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    with svc.db.session() as s:
        sub = visible_submission(s, who, public_id)
        org = s.get(Organisation, sub.organisation_id)
        code = org.code if org else ""
        prev_public = None
        data = change_of(svc.settings, sub, code)
        if data.get("previous"):
            prev = s.get(Submission, data["previous"]["submission_id"])
            prev_public = prev.public_id if prev else None
        head = {"id": sub.public_id, "organisation": code, "period": sub.period, "previous_id": prev_public}
    if data.get("previous") is not None:
        data["previous"]["id"] = prev_public
        data["previous"]["loaded_at"] = beijing(dt.datetime.fromisoformat(data["previous"]["loaded_at"]))
    return head, data


@api.get("/submissions/{public_id}/change")
def get_change(request: Request, svc: Svc, public_id: str) -> dict[str, Any]:
    """Per table: records added, removed, changed (with the fields) and re-keyed, against the
    organisation's last accepted data."""
    with svc.db.session() as s:
        who = require(request, s, "read")
    head, data = _change(svc, who, public_id)
    return {"submission": head, "change": data}


@pages.get("/submissions/{public_id}/change")
def change_page(request: Request, svc: Svc, public_id: str) -> Response:
    who, ctx = _who(request, svc)
    head, data = _change(svc, who, public_id)
    return _page(request, "change.html", head=head, change=data, KIND_ZH=KIND_ZH, **ctx)


def _office(request: Request, svc: Services) -> Principal:
    with svc.db.session() as s:
        who = require(request, s, "read")
    if not who.office:
        raise HTTPException(403, "只有审核人员或管理员可以查看市级数据库 (reviewers and admins only)")
    return who


def _loads(svc: Services) -> list[dict[str, Any]]:
    from jn_exchange.office.citydb import CityDatabase

    loads = CityDatabase.from_settings(svc.settings).loads()
    with svc.db.session() as s:
        subs = {x.id: x.public_id for x in s.query(Submission).filter(
            Submission.id.in_([x.submission_id for x in loads]))}
    return [{"organisation": x.organisation, "period": x.period, "submission": subs.get(x.submission_id),
             "standard_version": x.standard_version, "loaded_at": beijing(x.loaded_at), "rows": x.rows,
             "export": f"/api/v1/city/export?organisation={x.organisation}&period={x.period}"} for x in loads]


@api.get("/city/loads")
def city_loads(request: Request, svc: Svc) -> dict[str, Any]:
    """What the city's database holds: per organisation and period, the submission loaded."""
    _office(request, svc)
    return {"loads": _loads(svc)}


@api.get("/city/export")
def city_export(request: Request, svc: Svc, organisation: Annotated[str, Query(max_length=64)],
                period: Annotated[str, Query(max_length=16)]) -> Response:
    """An organisation's period from the city's database as a package (.zip) that validates."""
    from jn_exchange.office.citydb import CityDatabase, CityLoadError
    from jn_exchange.sample.writer import zip_package

    who = _office(request, svc)
    tmp = Path(tempfile.mkdtemp(prefix="jn-export-", dir=svc.settings.data_dir))
    try:
        folder = CityDatabase.from_settings(svc.settings).export(tmp / "package", organisation=organisation,
                                                                 period=period)
        dest = zip_package(folder, tmp / "package.zip")
    except CityLoadError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise HTTPException(404, f"{exc.args[0]} ({exc.args[1]})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with svc.db.session() as s:
        audit.record(s, "city.export", user_id=who.user_id, token_id=who.token_id, subject=f"{organisation} {period}",
                     address=client_address(request))
    return FileResponse(dest, media_type="application/zip", filename=f"{organisation}-{period}.zip",
                        background=BackgroundTask(shutil.rmtree, tmp, True))


@pages.get("/city")
def city_page(request: Request, svc: Svc) -> Response:
    who, ctx = _who(request, svc)
    if not who.office:
        raise HTTPException(403, "只有审核人员或管理员可以查看市级数据库")
    return _page(request, "city.html", loads=_loads(svc), **ctx)
