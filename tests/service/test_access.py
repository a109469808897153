"""Who may do what: a submitter (by page or by token) sees its own organisation only, the office
sees all; scopes, revocation and expiry of tokens; CSRF on every change made by a browser; one
answer for an unknown user and a wrong password; rate limits on login and upload; the audit log."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from jn_exchange.service.models import ApiToken, AuditEvent
from tests.service.conftest import PASSWORD, World, make_world, mutated_example, zipped


@pytest.fixture
def a_submission(world: World, tmp_path: Path) -> str:
    return world.submit(zipped(mutated_example(tmp_path / "pkg", [0])), who="a")["id"]


def test_a_submitter_cannot_see_another_organisations_submission(world: World, a_submission: str):
    sid = a_submission
    for path in (f"/api/v1/submissions/{sid}", f"/api/v1/submissions/{sid}/receipt",
                 f"/api/v1/submissions/{sid}/comparison", f"/api/v1/submissions/{sid}/report?format=html"):
        assert world.client.get(path, headers=world.auth("b")).status_code == 404, path
        assert world.client.get(path, headers=world.auth("a")).status_code == 200, path
    assert world.client.get("/api/v1/submissions", headers=world.auth("b")).json()["items"] == []
    assert [x["id"] for x in world.client.get("/api/v1/submissions", headers=world.auth("a")).json()["items"]] == [sid]
    bob = world.login("bob")
    for path in (f"/submissions/{sid}", f"/submissions/{sid}/receipt"):
        page = bob.get(path)
        assert page.status_code == 404 and "甲局" not in page.text
    assert sid not in bob.get("/").text
    alice = world.login("alice")
    assert alice.get(f"/submissions/{sid}").status_code == 200 and sid in alice.get("/").text
    rita = world.login("rita")      # the office's reviewer sees every organisation
    assert rita.get(f"/submissions/{sid}").status_code == 200
    assert rita.get(f"/api/v1/submissions/{sid}").json()["organisation"]["code"] == "ORG-A"


def test_token_scopes_revocation_and_expiry(world: World, tmp_path: Path):
    pkg = zipped(mutated_example(tmp_path / "pkg", []))
    r = world.client.post("/api/v1/submissions", params={"filename": "p.zip"}, content=pkg.read_bytes(),
                          headers=world.auth("a_read"))
    assert r.status_code == 403
    assert world.client.get("/api/v1/submissions", headers=world.auth("a_read")).status_code == 200
    assert world.client.get("/api/v1/submissions", headers={"Authorization": "Bearer jnx_forged"}).status_code == 401
    assert world.client.get("/api/v1/submissions").status_code == 401
    with world.db.session() as s:
        token = s.scalars(select(ApiToken).where(ApiToken.name == "dashboard")).one()
        token.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        assert all(len(t.token_hash) == 64 and t.token_hash not in world.tokens.values()
                   for t in s.scalars(select(ApiToken)))
    assert world.client.get("/api/v1/submissions", headers=world.auth("a_read")).status_code == 401
    alice = world.login("alice")
    assert 'id="token-form"' in alice.get("/account").text     # the page whose script calls these routes
    csrf = alice.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
    made = alice.post("/api/v1/tokens", json={"name": "new", "scopes": ["read"], "days": 5},
                      headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    fresh = {"Authorization": f"Bearer {made.json()['token']}"}
    assert world.client.get("/api/v1/me", headers=fresh).json()["organisation"]["code"] == "ORG-A"
    # bob cannot revoke alice's organisation's token; alice can
    bob = world.login("bob")
    bob_csrf = bob.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
    assert bob.delete(f"/api/v1/tokens/{made.json()['id']}", headers={"X-CSRF-Token": bob_csrf}).status_code == 404
    assert alice.delete(f"/api/v1/tokens/{made.json()['id']}", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert world.client.get("/api/v1/me", headers=fresh).status_code == 401
    with world.db.session() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert actions.count("token.created") == 1 and actions.count("token.revoked") == 1 and "login.ok" in actions


def test_browser_changes_need_the_csrf_token(queued_world: World, tmp_path: Path):
    world = queued_world
    alice = world.login("alice")
    pkg = zipped(mutated_example(tmp_path / "pkg", []))
    r = alice.post("/api/v1/submissions", params={"filename": "p.zip"}, content=pkg.read_bytes())
    assert r.status_code == 403
    r = alice.post("/api/v1/submissions", params={"filename": "p.zip"}, content=pkg.read_bytes(),
                   headers={"X-CSRF-Token": "guess"})
    assert r.status_code == 403
    csrf = alice.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
    r = alice.post("/api/v1/submissions", params={"filename": "p.zip"}, content=pkg.read_bytes(),
                   headers={"X-CSRF-Token": csrf})
    assert r.status_code == 202 and r.json()["receipt"]["channel"] == "web"
    # the login form itself is protected: no token, no login
    fresh = world.login("rita")
    assert fresh.post("/logout", data={"csrf": "wrong"}, follow_redirects=False).status_code == 403


def test_cookies_and_headers(world: World):
    c = world.client
    page = c.get("/login")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    r = c.post("/login", data={"username": "alice", "password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    # over https (behind the office's proxy) the session cookie is Secure and host-only
    for w in make_world(world.settings.data_dir.parent / "tls"):
        w.client.base_url = "https://intake.example.gov.cn"  # type: ignore[assignment]
        page = w.client.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        r = w.client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf": csrf},
                          follow_redirects=False)
        assert r.headers["set-cookie"].startswith("__Host-jnx_session=") and "Secure" in r.headers["set-cookie"]


def test_no_user_enumeration_and_login_rate_limit(world: World):
    c = world.client

    def attempt(user: str, password: str):
        page = c.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        return c.post("/login", data={"username": user, "password": password, "csrf": csrf}, follow_redirects=False)

    unknown, wrong = attempt("nobody", "whatever-password"), attempt("alice", "wrong-password!")
    assert unknown.status_code == wrong.status_code == 400
    def page(r) -> str:     # the form's own CSRF token differs by design
        return re.sub(r'name="csrf" value="[^"]*"', "", r.text)

    assert page(unknown) == page(wrong)
    for _ in range(world.settings.login_attempts):
        attempt("alice", "wrong-password!")
    blocked = attempt("alice", PASSWORD)     # even the right password waits out the window
    assert blocked.status_code == 429
    with world.db.session() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    # failures count by name and by address: the unknown name's attempt counted too
    assert actions.count("login.failed") == world.settings.login_attempts and "login.limited" in actions


def test_upload_rate_limit(tmp_path: Path):
    for world in make_world(tmp_path, run_jobs=False, uploads_per_hour=1):
        pkg = zipped(mutated_example(tmp_path / "pkg", []))
        world.submit(pkg)
        r = world.client.post("/api/v1/submissions", params={"filename": "p.zip"}, content=pkg.read_bytes(),
                              headers=world.auth("a"))
        assert r.status_code == 429 and "retry-after" in r.headers
        assert world.submit(pkg, who="b")["status"] == "queued"   # another organisation is not held back
