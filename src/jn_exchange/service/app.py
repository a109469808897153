"""The ASGI application (FastAPI): the API, the pages, the static files, security headers, and a
background loop that takes back jobs of dead workers and purges packages past retention.

`create_app(settings)` for `jn-exchange serve`; `app_from_env()` for an ASGI server started by a
process manager (`uvicorn --factory jn_exchange.service.app:app_from_env`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from jn_exchange import __version__
from jn_exchange.service import receipts
from jn_exchange.service.db import Database
from jn_exchange.service.jobs import make_queue, reconcile
from jn_exchange.service.settings import Settings, from_env
from jn_exchange.service.state import Services
from jn_exchange.service.storage import purge_expired

log = logging.getLogger("jn_exchange.service")
STATIC = Path(__file__).resolve().parent / "static"
PAGE_CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
RECONCILE_EVERY_S = 5.0


PURGE_EVERY_S = 3600.0


def _housekeeping(svc: Services, purge: bool) -> None:
    reconcile(svc.db, svc.queue)
    if purge:
        with svc.db.session() as s:
            purge_expired(s, svc.settings)


async def _loop(svc: Services) -> None:
    last_purge = 0.0
    while True:
        await asyncio.sleep(min(RECONCILE_EVERY_S, svc.settings.lease_seconds / 4))
        now = time.monotonic()
        purge = now - last_purge >= PURGE_EVERY_S
        last_purge = now if purge else last_purge
        try:
            await asyncio.to_thread(_housekeeping, svc, purge)
        except Exception:  # noqa: BLE001 - logged; the next round tries again
            log.exception("housekeeping failed")


def create_app(settings: Settings, *, migrate: bool = True) -> FastAPI:
    settings.prepare()
    db = Database(settings.db_url)
    if migrate:
        db.upgrade()
    svc = Services(settings, db, make_queue(settings), receipts.load_key(settings.receipt_key_file))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_loop(svc))
        try:
            yield
        finally:
            task.cancel()
            db.dispose()

    app = FastAPI(title="jn-exchange 报送服务 (intake service)", version=__version__, lifespan=lifespan,
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  description="Submit exchange packages, follow their validation, fetch receipts and reports.")
    app.state.services = svc
    from jn_exchange.service.api import router as api_router
    from jn_exchange.service.office_api import router as office_router
    from jn_exchange.service.office_web import router as office_web_router
    from jn_exchange.service.web import router as web_router

    app.include_router(api_router)
    app.include_router(office_router)
    from jn_exchange.service.office_data import api as data_api
    from jn_exchange.service.office_data import pages as data_pages

    app.include_router(data_api)
    app.include_router(data_pages)
    app.include_router(web_router)
    app.include_router(office_web_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        from jn_exchange.service.web import error_page

        return error_page(request, exc.status_code, str(exc.detail))

    return app


def app_from_env() -> FastAPI:
    return create_app(from_env())
