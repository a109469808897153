"""What the office's tests share: a stand-in for the city database's loader (the interface part
B provides; the stand-in records each load and can be told to fail), a signed-in browser client
that sends the CSRF token, and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import http.server
import sys
import threading
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.service.conftest import World


class CityLoadError(Exception):
    pass


@dataclass
class FakeCity:
    loads: list[dict[str, Any]] = field(default_factory=list)
    fail_with: tuple[str, str] | None = None

    def load(self, package_path: Path, *, submission_id: int, organisation: str, period: str) -> None:
        if self.fail_with:
            raise CityLoadError(*self.fail_with)
        assert package_path.is_file()
        self.loads.append({"submission_id": submission_id, "organisation": organisation, "period": period})


@pytest.fixture
def city(monkeypatch: pytest.MonkeyPatch) -> FakeCity:
    """workflow.accept imports `jn_exchange.office.citydb` when it accepts: this module stands in."""
    fake = FakeCity()
    mod = types.ModuleType("jn_exchange.office.citydb")
    mod.CityLoadError = CityLoadError  # type: ignore[attr-defined]
    mod.CityDatabase = types.SimpleNamespace(from_settings=lambda settings: fake)  # type: ignore[attr-defined]
    if "jn_exchange.office" not in sys.modules:
        try:
            import jn_exchange.office  # noqa: F401
        except ImportError:
            monkeypatch.setitem(sys.modules, "jn_exchange.office", types.ModuleType("jn_exchange.office"))
    monkeypatch.setitem(sys.modules, "jn_exchange.office.citydb", mod)
    return fake


class Browser:
    """A signed-in user's client: every change carries the session's CSRF token, as the pages' scripts do."""

    def __init__(self, world: World, username: str):
        self.c = world.login(username)
        self.csrf = self.c.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]

    def call(self, method: str, url: str, **kw: Any) -> Any:
        return self.c.request(method, url, headers={"X-CSRF-Token": self.csrf}, **kw)

    def get(self, url: str, **kw: Any) -> Any:
        return self.c.get(url, **kw)


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers with the next status of
    `statuses` (200 when they run out)."""

    def __init__(self, statuses: list[int] | None = None):
        self.statuses = list(statuses or [])
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Any:
    r = Receiver()
    yield r
    r.close()
