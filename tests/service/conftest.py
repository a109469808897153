"""The intake service under test: a real database (SQLite in a temporary data directory), the
real app through FastAPI's TestClient, jobs run in the request (huey's immediate mode) unless a
test runs the real processes. Two organisations, a user of each role, tokens."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests._need import need

need("fastapi", "service")
need("huey", "service")

from fastapi.testclient import TestClient  # noqa: E402

from jn_exchange.service import security  # noqa: E402
from jn_exchange.service.app import create_app  # noqa: E402
from jn_exchange.service.models import Organisation, User  # noqa: E402
from jn_exchange.service.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "jinan-sample"
PASSWORD = "correct horse battery staple"


@dataclass
class World:
    client: TestClient
    settings: Settings
    app: object
    tokens: dict[str, str]

    @property
    def db(self):  # type: ignore[no-untyped-def]
        return self.app.state.services.db  # type: ignore[attr-defined]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def submit(self, path: Path, who: str = "a", name: str | None = None) -> dict:
        r = self.client.post("/api/v1/submissions", params={"filename": name or path.name},
                             content=path.read_bytes(), headers=self.auth(who))
        assert r.status_code == 202, r.text
        return r.json()

    def login(self, username: str, password: str = PASSWORD) -> TestClient:
        c = TestClient(self.app, base_url="http://127.0.0.1")  # type: ignore[arg-type]
        page = c.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        r = c.post("/login", data={"username": username, "password": password, "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303, r.text
        return c


def seed(app: object) -> dict[str, str]:
    db = app.state.services.db  # type: ignore[attr-defined]
    with db.session() as s:
        a = Organisation(code="ORG-A", name="甲局", kind="agency")
        b = Organisation(code="ORG-B", name="乙局", kind="agency")
        s.add_all([a, b])
        s.flush()
        pw = security.hash_password(PASSWORD)
        s.add_all([User(username="alice", password_hash=pw, role="submitter", organisation_id=a.id),
                   User(username="bob", password_hash=pw, role="submitter", organisation_id=b.id),
                   User(username="rita", password_hash=pw, role="reviewer"),
                   User(username="adam", password_hash=pw, role="admin")])
        _, ta = security.new_token(s, a.id, "ci", ["submit", "read"], 30)
        _, tb = security.new_token(s, b.id, "ci", ["submit", "read"], 30)
        _, tr = security.new_token(s, a.id, "dashboard", ["read"], 30)
    return {"a": ta, "b": tb, "a_read": tr}


def make_world(tmp_path: Path, run_jobs: bool = True, **changes: object) -> Iterator[World]:
    settings = replace(Settings(tmp_path / "data"), **changes)  # type: ignore[arg-type]
    app = create_app(settings)
    # run_jobs: each job runs inside the request that queues it; otherwise jobs stay queued
    app.state.services.queue.huey.immediate = run_jobs
    tokens = seed(app)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield World(client, settings, app, tokens)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from make_world(tmp_path)


@pytest.fixture
def queued_world(tmp_path: Path) -> Iterator[World]:
    """A service whose jobs stay queued: for tests of what happens before validation."""
    yield from make_world(tmp_path, run_jobs=False)


def mutated_example(dest: Path, bad_training_rows: list[int]) -> Path:
    """The example package with `hours` made unreadable in the given rows of training_record
    (0-based data rows): one JN-CELL finding per row, keyed by its training_id."""
    shutil.copytree(EXAMPLE, dest)
    path = dest / "training_record.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("hours")
    for i in bad_training_rows:
        rows[i + 1][col] = "abc"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return dest


def zipped(folder: Path) -> Path:
    return Path(shutil.make_archive(str(folder), "zip", folder))
