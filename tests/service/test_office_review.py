"""The office's review (issue 16, part A) through the API and the pages: every state transition
and who may make it, waivers starting and ending by date, the dashboard's figures against counts
computed here from the database, and the notifications and signed webhooks that tell the
submitter. Acceptance uses the city-database stand-in of office_support (the real load is
tested in test_office_city.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from jn_exchange.service import notify
from jn_exchange.service.models import (
    AuditEvent,
    ReviewTransition,
    Submission,
    SubmissionFinding,
    WebhookDelivery,
)
from tests.service.conftest import EXAMPLE, World, mutated_example, zipped
from tests.service.office_support import Browser, FakeCity, Receiver, city, receiver  # noqa: F401

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _pkg(tmp: Path, name: str, bad_rows: list[int] | None = None) -> Path:
    if bad_rows:
        return zipped(mutated_example(tmp / name, bad_rows))
    return zipped(Path(shutil.copytree(EXAMPLE, tmp / name)))


def _submit(world: World, pkg: Path, who: str = "a", period: str | None = "2025-12", **params: str) -> str:
    q = {"filename": pkg.name, **({"period": period} if period else {}), **params}
    r = world.client.post("/api/v1/submissions", params=q, content=pkg.read_bytes(), headers=world.auth(who))
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def _view(world: World, sid: str, who: str = "a") -> dict[str, Any]:
    r = world.client.get(f"/api/v1/submissions/{sid}", headers=world.auth(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def _review(b: Browser, sid: str, action: str, reasons: list[str] | None = None, **kw: Any) -> Any:
    return b.call("POST", f"/api/v1/submissions/{sid}/review", json={"action": action, "reasons": reasons or [], **kw})


def _audit(world: World, action: str) -> list[str | None]:
    with world.db.session() as s:
        return list(s.scalars(select(AuditEvent.subject).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# -- transitions and permissions ---------------------------------------------------------------

def test_a_failing_package_is_returned_at_once_and_a_passing_one_waits(world, tmp_path):
    bad = _submit(world, _pkg(tmp_path, "bad", [0, 1]))
    good = _submit(world, _pkg(tmp_path, "good"))
    rv = _view(world, bad)["review"]
    assert rv["state"] == "returned" and rv["effective"]["verdict"] == "fail"
    [t] = rv["transitions"]
    assert (t["by"], t["from"], t["to"]) == ("system", "pending", "returned")
    assert "2 个错误" in t["reasons"][0] and "2 errors" in t["reasons"][0]
    assert _view(world, good)["review"]["state"] == "pending" and _view(world, good)["review"]["transitions"] == []
    assert _audit(world, "review.returned") == [bad]


@pytest.mark.parametrize("reviewer", ["rita", "adam"])
def test_the_office_accepts_and_returns(world, tmp_path, city: FakeCity, reviewer):  # noqa: F811
    b = Browser(world, reviewer)
    one, two = _submit(world, _pkg(tmp_path, "one")), _submit(world, _pkg(tmp_path, "two"), period=None)
    r = _review(b, one, "accept", ["齐全"])
    assert r.status_code == 200 and r.json()["review"]["state"] == "accepted"
    assert city.loads[-1]["organisation"] == "ORG-A" and city.loads[-1]["period"] == "2025-12"
    # a submission without a period is accepted only when one is given
    assert _review(b, two, "accept").status_code == 422 and _view(world, two)["review"]["state"] == "pending"
    assert _review(b, two, "accept", period="2025-Q4").status_code == 200
    assert city.loads[-1]["period"] == "2025-Q4" and _view(world, two)["review"]["period"] == "2025-Q4"
    three = _submit(world, _pkg(tmp_path, "three"))
    assert _review(b, three, "return").status_code == 422           # a return needs a reason
    r = _review(b, three, "return", ["附件缺失"])
    assert r.status_code == 200 and r.json()["review"]["state"] == "returned"
    [t] = _view(world, three)["review"]["transitions"]
    assert (t["by"], t["reasons"]) == (reviewer, ["附件缺失"]) and t["at"].endswith("+08:00")
    # no move out of a final state
    assert _review(b, one, "return", ["晚了"]).status_code == 409
    assert _review(b, three, "accept").status_code == 409
    assert _audit(world, "review.accepted") == [one, two] and _audit(world, "review.returned") == [three]


def test_a_submitter_cannot_review(world, tmp_path, city: FakeCity):  # noqa: F811
    sid = _submit(world, _pkg(tmp_path, "p"))
    r = world.client.post(f"/api/v1/submissions/{sid}/review", json={"action": "accept"}, headers=world.auth("a"))
    assert r.status_code == 403
    assert _review(Browser(world, "alice"), sid, "return", ["x"]).status_code == 403
    assert _review(Browser(world, "bob"), sid, "accept").status_code == 404      # not even seen
    assert city.loads == [] and _view(world, sid)["review"]["state"] == "pending"
    assert _audit(world, "review.accepted") == [] and _audit(world, "review.returned") == []


def test_a_failing_package_cannot_be_accepted_and_a_failed_load_changes_nothing(world, tmp_path,
                                                                               city: FakeCity):  # noqa: F811
    b = Browser(world, "rita")
    bad = _submit(world, _pkg(tmp_path, "bad", [0]))
    assert _review(b, bad, "accept").status_code == 409
    sid = _submit(world, _pkg(tmp_path, "good"))
    city.fail_with = ("约束拒绝", "a constraint refused it")
    r = _review(b, sid, "accept")
    assert r.status_code == 409 and "入库失败，仍为待审核：约束拒绝" in r.json()["detail"]
    rv = _view(world, sid)["review"]
    assert rv["state"] == "pending" and rv["transitions"] == [] and city.loads == []
    city.fail_with = None
    assert _review(b, sid, "accept").status_code == 200 and len(city.loads) == 1


def test_a_corrected_resubmission_replaces_the_returned_one(world, tmp_path):
    bad = _submit(world, _pkg(tmp_path, "bad", [0]))
    fixed = _submit(world, _pkg(tmp_path, "fixed"), period=None, replaces=bad)
    old, new = _view(world, bad)["review"], _view(world, fixed)["review"]
    assert (old["state"], old["replaced_by"]) == ("resubmitted", fixed)
    assert (new["state"], new["replaces"], new["period"]) == ("pending", bad, "2025-12")   # the period carried over
    assert [(t["by"], t["to"]) for t in old["transitions"]] == [("system", "returned"), ("system", "resubmitted")]
    # only a returned submission of one's own organisation can be replaced
    r = world.client.post("/api/v1/submissions", params={"filename": "x.zip", "replaces": fixed},
                          content=_pkg(tmp_path, "x").read_bytes(), headers=world.auth("a"))
    assert r.status_code == 409
    other = _submit(world, _pkg(tmp_path, "b-bad", [0]), who="b")
    r = world.client.post("/api/v1/submissions", params={"filename": "y.zip", "replaces": other},
                          content=_pkg(tmp_path, "y").read_bytes(), headers=world.auth("a"))
    assert r.status_code == 404
    # the submitter sees the state and the reasons on the page
    page = world.login("alice").get(f"/submissions/{bad}").text
    assert "已补报" in page and fixed in page and "校验不通过" in page


# -- waivers -----------------------------------------------------------------------------------

def _waive(b: Browser, code: str, start: dt.date, end: dt.date, keys: list[str] | None = None,
           org: str = "ORG-A") -> Any:
    return b.call("POST", "/api/v1/waivers", json={"organisation": org, "code": code, "reason": "系统改造中",
                                                   "record_keys": keys, "starts_on": start.isoformat(),
                                                   "ends_on": end.isoformat()})


def _received_on(world: World, sid: str, day: dt.date) -> None:
    with world.db.session() as s:
        sub = s.scalar(select(Submission).where(Submission.public_id == sid))
        sub.received_at = dt.datetime.combine(day, dt.time(10, 0), BEIJING)


def test_waivers_start_and_end_by_the_day_of_receipt(world, tmp_path):
    b = Browser(world, "rita")
    today = dt.datetime.now(BEIJING).date()
    # a waiver of the rule the broken hours break, from today for a week: the package passes and waits
    w = _waive(b, "JN-CELL-003", today, today + dt.timedelta(days=7))
    assert w.status_code == 201 and w.json()["state"] == "active"
    sid = _submit(world, _pkg(tmp_path, "bad", [0, 1]))
    view = _view(world, sid)
    assert view["verdict"] == "fail"                       # the validator's own verdict stays
    eff = view["review"]["effective"]
    assert (eff["verdict"], eff["errors"], eff["waived"]) == ("pass", 0, 2)
    assert view["review"]["state"] == "pending"             # not returned: nothing counts against it
    [tally] = [t for t in view["review"]["tallies"] if t["code"] == "JN-CELL-003"]
    assert (tally["count"], tally["waived"], tally["waivers"]) == (2, 2, [w.json()["id"]])
    # the same package received after the waiver ended, or before it started: the findings count
    for day in (today + dt.timedelta(days=8), today - dt.timedelta(days=1)):
        _received_on(world, sid, day)
        eff = _view(world, sid)["review"]["effective"]
        assert (eff["verdict"], eff["errors"], eff["waived"]) == ("fail", 2, 0), day
    _received_on(world, sid, today + dt.timedelta(days=7))          # its last day still counts as waived
    assert _view(world, sid)["review"]["effective"]["waived"] == 2
    # revoked: counts again; listed as revoked, and audited
    assert b.call("DELETE", f"/api/v1/waivers/{w.json()['id']}").json()["state"] == "revoked"
    assert _view(world, sid)["review"]["effective"]["verdict"] == "fail"
    assert [x["state"] for x in b.call("GET", "/api/v1/waivers").json()["items"]] == ["revoked"]
    assert _audit(world, "waiver.created") == [f"waiver:{w.json()['id']}"]
    assert _audit(world, "waiver.revoked") == [f"waiver:{w.json()['id']}"]


def test_a_waiver_for_given_records_waives_those_only(world, tmp_path):
    b = Browser(world, "rita")
    today = dt.datetime.now(BEIJING).date()
    _waive(b, "JN-CELL-003", today, today, keys=["TR0000001"])
    sid = _submit(world, _pkg(tmp_path, "bad", [0, 1]))
    view = _view(world, sid)
    eff = view["review"]["effective"]
    assert (eff["verdict"], eff["errors"], eff["waived"]) == ("fail", 1, 1)
    assert view["review"]["state"] == "returned"
    with world.db.session() as s:
        keys = set(s.scalars(select(SubmissionFinding.record_key).where(
            SubmissionFinding.code == "JN-CELL-003", SubmissionFinding.record_key.is_not(None))))
    assert keys == {"TR0000001", "TR0000002"}


def test_only_the_office_grants_waivers_and_a_submitter_sees_its_own(world):
    today = dt.datetime.now(BEIJING).date()
    assert _waive(Browser(world, "alice"), "JN-CELL-003", today, today).status_code == 403
    r = world.client.post("/api/v1/waivers", headers=world.auth("a"), json={
        "organisation": "ORG-A", "code": "JN-CELL-003", "reason": "x", "starts_on": today.isoformat(),
        "ends_on": today.isoformat()})
    assert r.status_code == 403
    rita = Browser(world, "rita")
    assert _waive(rita, "JN-CELL-003", today, today - dt.timedelta(days=1)).status_code == 422
    assert _waive(rita, "JN-CELL-003", today, today, org="ORG-B").status_code == 201
    assert _waive(rita, "JN-REF-001", today + dt.timedelta(days=3), today + dt.timedelta(days=9)).json()["state"] == \
        "future"
    assert [w["organisation"] for w in world.client.get("/api/v1/waivers", headers=world.auth("a")).json()["items"]] \
        == ["ORG-A"]
    assert len(rita.call("GET", "/api/v1/waivers").json()["items"]) == 2
    assert "JN-REF-001" in world.login("alice").get("/waivers").text


# -- the dashboard -----------------------------------------------------------------------------

def test_the_dashboard_figures_match_the_database(world, tmp_path, city: FakeCity):  # noqa: F811
    rita = Browser(world, "rita")
    assert rita.call("PUT", "/api/v1/periods", json={"period": "2025-12", "due_on": "2099-01-15"}).status_code == 200
    assert rita.call("PUT", "/api/v1/periods", json={"period": "2025-11", "due_on": "2020-12-15"}).status_code == 200
    a1 = _submit(world, _pkg(tmp_path, "a1", [0, 1]))                       # returned
    a2 = _submit(world, _pkg(tmp_path, "a2"), period=None, replaces=a1)     # pending, 2025-12 carried over
    _review(rita, a2, "accept")
    _submit(world, _pkg(tmp_path, "a3", [2]), period="2025-11")             # late for 2025-11
    _submit(world, _pkg(tmp_path, "b1", [0]), who="b")
    data = rita.call("GET", "/api/v1/dashboard").json()
    with world.db.session() as s:
        expected: dict[str, dict[str, Any]] = {}
        for org_id in set(s.scalars(select(Submission.organisation_id))):
            subs = list(s.scalars(select(Submission).where(Submission.organisation_id == org_id)
                                  .order_by(Submission.id)))
            rules = dict(s.execute(select(SubmissionFinding.code, func.sum(SubmissionFinding.count))
                                   .join(Submission, Submission.id == SubmissionFinding.submission_id)
                                   .where(Submission.organisation_id == org_id,
                                          SubmissionFinding.record_key.is_(None))
                                   .group_by(SubmissionFinding.code)).all())
            expected[str(org_id)] = {
                "count": len(subs), "last": subs[-1].public_id,
                "accepted": sum(x.review_state == "accepted" for x in subs),
                "returned": sum(x.review_state in ("returned", "resubmitted") for x in subs),
                "per_1000": [round(1000 * (x.errors + x.warnings) / x.rows, 3) for x in subs],
                "rules": {k: int(v) for k, v in rules.items()}}
    by_code = {o["organisation"]["code"]: o for o in data["organisations"]}
    assert set(by_code) == {"ORG-A", "ORG-B"}
    org_ids = _org_ids(world)
    for code, o in by_code.items():
        e = expected[str(org_ids[code])]
        assert o["submissions"]["count"] == e["count"] and o["last"]["id"] == e["last"]
        assert (o["accepted"]["count"], o["returned"]["count"]) == (e["accepted"], e["returned"])
        assert [q["per_1000"] for q in o["quality"]] == e["per_1000"]
        assert {r["code"]: r["findings"] for r in o["top_rules"]} == e["rules"]
    a = by_code["ORG-A"]
    # a1 returned and replaced (已补报 still counts as returned), a2 accepted, a3 failed and returned
    assert (a["accepted"]["count"], a["returned"]["count"], a["submissions"]["count"]) == (1, 2, 3)
    assert {p["period"]: p["state"] for p in a["periods"]} == {"2025-12": "on_time", "2025-11": "late"}
    assert {p["period"]: p["state"] for p in by_code["ORG-B"]["periods"]} == {"2025-12": "on_time",
                                                                               "2025-11": "missing"}
    city_ = data["city"]
    assert (city_["submissions"]["count"], city_["accepted"]["count"], city_["returned"]["count"]) == (4, 1, 3)
    assert (city_["latest_period"], city_["on_time"], city_["late"], city_["missing"]) == ("2025-12", 2, 0, 0)
    # each figure links to the submissions behind it: the list, filtered, shows exactly those
    page = rita.get(a["returned"]["link"]).text
    listed = page.split('id="history"')[1].split("</table>")[0]
    assert a1 in listed and a2 not in listed
    # a submitter sees its own organisation only
    own = world.client.get("/api/v1/dashboard", headers=world.auth("b")).json()
    assert [o["organisation"]["code"] for o in own["organisations"]] == ["ORG-B"]
    assert own["city"]["submissions"]["count"] == 1
    assert rita.call("PUT", "/api/v1/periods", json={"period": "2025-10", "due_on": "2025-11-15"}).status_code == 200
    assert Browser(world, "alice").call("PUT", "/api/v1/periods",
                                        json={"period": "2025-09", "due_on": "2025-10-15"}).status_code == 403


def _org_ids(world: World) -> dict[str, int]:
    from jn_exchange.service.models import Organisation

    with world.db.session() as s:
        return {o.code: o.id for o in s.scalars(select(Organisation))}


# -- notifications and webhooks ----------------------------------------------------------------

def test_the_submitter_is_told_in_the_page_and_by_signed_webhook(world, tmp_path, city: FakeCity,  # noqa: F811
                                                                  receiver: Receiver):  # noqa: F811
    alice = Browser(world, "alice")
    r = alice.call("PUT", "/api/v1/webhook", json={"url": receiver.url})
    assert r.status_code == 200
    secret = r.json()["secret"]
    bad = _submit(world, _pkg(tmp_path, "bad", [0]))
    good = _submit(world, _pkg(tmp_path, "good"))
    _review(Browser(world, "rita"), good, "accept", ["准予入库"])
    notes = world.client.get("/api/v1/notifications", headers=world.auth("a")).json()["items"]
    assert [(n["event"], n["submission"]) for n in reversed(notes)] == [
        ("verdict", bad), ("returned", bad), ("verdict", good), ("accepted", good)]
    assert "准予入库" in notes[0]["message"]
    assert world.client.get("/api/v1/notifications", headers=world.auth("b")).json()["items"] == []
    # every event reached the webhook, signed with the organisation's secret
    events = []
    for headers, body in receiver.received:
        t, v1 = (p.split("=", 1)[1] for p in headers["x-jnx-signature"].split(","))
        assert hmac.compare_digest(v1, hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest())
        assert notify.verify(secret, body, headers["x-jnx-signature"])
        doc = json.loads(body)
        events.append((doc["event"], doc["submission"]))
    assert events == [("verdict", bad), ("returned", bad), ("verdict", good), ("accepted", good)]
    assert not notify.verify("whsec_other", receiver.received[0][1], receiver.received[0][0]["x-jnx-signature"])
    log = alice.call("GET", "/api/v1/webhook/deliveries").json()["items"]
    assert [d["status"] for d in log] == ["delivered"] * 4
    assert "通知" in world.login("alice").get("/").text


def test_a_failing_webhook_is_retried_then_given_up(world, tmp_path):
    failing = Receiver(statuses=[500, 503])
    try:
        Browser(world, "alice").call("PUT", "/api/v1/webhook", json={"url": failing.url})
        _submit(world, _pkg(tmp_path, "good"))
        with world.db.session() as s:
            d = s.scalar(select(WebhookDelivery))
            assert (d.status, d.attempts, d.last_code) == ("pending", 1, 500)
            did = d.id
        assert notify.deliver(world.db, did) == 60             # 503 again: the next try in a minute
        assert notify.deliver(world.db, did) is None           # 200: delivered
        with world.db.session() as s:
            d = s.get(WebhookDelivery, did)
            assert (d.status, d.attempts) == ("delivered", 3) and len(failing.received) == 3
        # an endpoint that never answers 2xx: given up after MAX_TRIES
        failing.statuses = [500] * 10
        with world.db.session() as s:
            d = s.get(WebhookDelivery, did)
            d.status, d.attempts = "pending", 0
        waits = []
        while (wait := notify.deliver(world.db, did)) is not None:
            waits.append(wait)
        assert waits == [notify.retry_delay(n) for n in range(1, notify.MAX_TRIES)] == [30, 60, 120, 240, 480]
        with world.db.session() as s:
            d = s.get(WebhookDelivery, did)
            assert (d.status, d.attempts, d.last_code) == ("failed", notify.MAX_TRIES, 500)
    finally:
        failing.close()


def test_transitions_are_recorded_with_who_and_when(world, tmp_path, city: FakeCity):  # noqa: F811
    sid = _submit(world, _pkg(tmp_path, "p"))
    _review(Browser(world, "adam"), sid, "accept", ["好"])
    with world.db.session() as s:
        [t] = s.scalars(select(ReviewTransition).join(Submission).where(Submission.public_id == sid))
        assert t.user_id is not None and (t.from_state, t.to_state) == ("pending", "accepted")
        assert json.loads(t.reasons) == ["好"] and t.at is not None
