"""The REST API on a real database: submission, verdict, receipts, every report format, upload
limits, and the comparison with the previous submission by rule and by record key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jn_exchange.service.models import AuditEvent, Submission, SubmissionFinding
from tests.service.conftest import World, make_world, mutated_example, zipped


def test_openapi_document_lists_the_v1_api(world: World):
    doc = world.client.get("/openapi.json").json()
    assert {"/api/v1/submissions", "/api/v1/submissions/{public_id}/report", "/api/v1/receipts/verify",
            "/api/v1/tokens"} <= set(doc["paths"])
    body = doc["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]
    assert "application/octet-stream" in body


def test_a_package_gets_a_signed_receipt_then_a_verdict_and_every_report(world: World, tmp_path: Path):
    pkg = zipped(mutated_example(tmp_path / "pkg", [0]))
    answer = world.submit(pkg)
    receipt = answer["receipt"]
    assert receipt["sha256"] and receipt["size"] == pkg.stat().st_size and receipt["signature"].startswith("hmac-")
    assert receipt["organisation"]["code"] == "ORG-A" and receipt["received_at"].endswith("+08:00")
    sub = world.client.get(f"/api/v1/submissions/{answer['id']}", headers=world.auth("a")).json()
    assert sub["status"] == "done" and sub["verdict"] == "fail" and sub["counts"]["error"] == 1
    assert sub["rows"] > 100 and sub["as_of"] == receipt["received_at"][:10]
    final = world.client.get(f"/api/v1/submissions/{answer['id']}/receipt", headers=world.auth("a")).json()
    assert final["verdict"] == "fail" and final["counts"] == sub["counts"]
    for doc, valid in ((final, True), (receipt, True), (dict(final, verdict="pass"), False), ({"x": 1}, False)):
        r = world.client.post("/api/v1/receipts/verify", json=doc, headers=world.auth("a"))
        assert r.json()["valid"] is valid
    url = f"/api/v1/submissions/{answer['id']}/report"
    reports = {fmt: world.client.get(url, params={"format": fmt}, headers=world.auth("a"))
               for fmt in ("json", "text", "html", "junit", "sarif")}
    assert reports["json"].json()["summary"]["errors"] == 1
    # the bad value is shown once (hex digests and ids are left out: one may contain "abc" by chance)
    shown = re.sub(r"[0-9a-f]{12,}", "", reports["text"].text)
    assert "JN-CELL" in shown and shown.count("abc") == 1
    assert reports["html"].headers["content-security-policy"].startswith("sandbox")
    assert "<testsuite" in reports["junit"].text and '"version": "2.1.0"' in reports["sarif"].text
    # the report names the file as sent, never the service's storage path
    assert str(world.settings.data_dir) not in reports["text"].text and pkg.name in reports["text"].text


def test_the_report_is_the_validators_own(world: World, tmp_path: Path):
    """Same package, same date: the service's JSON report equals `validate --format json` but for
    the source name and the run's duration."""
    from click.testing import CliRunner

    from jn_exchange.cli import main

    pkg = zipped(mutated_example(tmp_path / "pkg", [1, 2]))
    answer = world.submit(pkg)
    served = world.client.get(f"/api/v1/submissions/{answer['id']}/report", params={"format": "json"},
                              headers=world.auth("a")).json()
    out = CliRunner().invoke(main, ["validate", str(pkg), "--format", "json", "--as-of", served["as_of"],
                                    "--max-examples", str(world.settings.max_examples)])
    local = json.loads(out.output)

    def core(doc: dict) -> dict:
        doc = {k: v for k, v in doc.items() if k not in ("duration_s", "config")}
        doc["package"] = dict(doc["package"], source=None)
        return doc

    assert served["package"]["source"] == pkg.name
    assert core(served) == core(local)


def test_comparison_with_the_previous_submission_by_rule_and_record_key(world: World, tmp_path: Path):
    first = world.submit(zipped(mutated_example(tmp_path / "one", [0, 1])))
    second = world.submit(zipped(mutated_example(tmp_path / "two", [1, 2])))
    cmp = world.client.get(f"/api/v1/submissions/{second['id']}/comparison", headers=world.auth("a")).json()
    c = cmp["comparison"]
    assert c["previous"]["id"] == first["id"]
    assert [(r["resource"], r["count"], r["previous_count"]) for r in c["by_rule"]["still"]] == [("training_record", 2, 2)]
    assert not c["by_rule"]["new"] and not c["by_rule"]["fixed"]
    keys = {state: [k for g in groups for k in g["keys"]] for state, groups in c["by_record"].items()}
    assert keys == {"new": ["TR0000003"], "fixed": ["TR0000001"], "still": ["TR0000002"]}
    page = world.login("alice").get(f"/submissions/{second['id']}").text     # the page says the same
    assert 'id="cmp-new">0<' in page and 'id="cmp-still">1<' in page
    assert "新出现：TR0000003" in page and "已改正：TR0000001" in page and "仍存在：TR0000002" in page
    clean = world.submit(zipped(mutated_example(tmp_path / "ok", [])))
    c = world.client.get(f"/api/v1/submissions/{clean['id']}/comparison", headers=world.auth("a")).json()["comparison"]
    assert c["previous"]["id"] == second["id"] and [r["count"] for r in c["by_rule"]["fixed"]] == [0]
    with world.db.session() as s:   # the index holds exact counts and the example keys
        assert s.scalar(select(func.count()).select_from(SubmissionFinding).where(
            SubmissionFinding.record_key.is_not(None))) == 4


def test_json_form_and_unusable_input(world: World, tmp_path: Path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"standard_version": "1.0.0", "enforcement_agency": [', encoding="utf-8")
    answer = world.submit(bad)
    sub = world.client.get(f"/api/v1/submissions/{answer['id']}", headers=world.auth("a")).json()
    assert sub["status"] == "done" and sub["verdict"] in ("unusable", "fail")
    assert str(world.settings.data_dir) not in json.dumps(sub)


@pytest.mark.parametrize("name,body,status", [
    ("pkg.tar", b"PK\x03\x04....", 415),
    ("pkg.zip", b"not a zip at all", 400),
    ("pkg.zip", b"", 400),
])
def test_uploads_that_are_refused(world: World, name: str, body: bytes, status: int):
    r = world.client.post("/api/v1/submissions", params={"filename": name}, content=body, headers=world.auth("a"))
    assert r.status_code == status, r.text
    assert not list(world.settings.incoming_dir.iterdir()) and not list(world.settings.packages_dir.iterdir())


def test_upload_limit_is_enforced_while_streaming(tmp_path: Path):
    for world in make_world(tmp_path, max_upload_bytes=100_000):
        def chunks():
            for _ in range(50):     # 50 x 10 kB, no Content-Length: the limit must stop it mid-stream
                yield b"PK\x03\x04" + b"x" * 9996

        r = world.client.post("/api/v1/submissions", params={"filename": "big.zip"}, content=chunks(),
                              headers=world.auth("a"))
        assert r.status_code == 413
        assert not list(world.settings.incoming_dir.iterdir())
        declared = world.client.post("/api/v1/submissions", params={"filename": "big.zip"},
                                     content=b"PK\x03\x04" + b"x" * 200_000, headers=world.auth("a"))
        assert declared.status_code == 413


def test_stored_package_is_private_and_audited(world: World, tmp_path: Path):
    answer = world.submit(zipped(mutated_example(tmp_path / "pkg", [])))
    with world.db.session() as s:
        sub = s.scalar(select(Submission).where(Submission.public_id == answer["id"]))
        path = world.settings.data_dir / sub.stored_path
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.subject == answer["id"])).all()
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert (world.settings.receipt_key_file.stat().st_mode & 0o777) == 0o600
    assert events == ["submission.received"]


def test_a_retried_upload_with_the_same_idempotency_key_gets_the_first_receipt(tmp_path: Path):
    for world in make_world(tmp_path, run_jobs=False):
        _idempotent(world, tmp_path)


def _idempotent(world: World, tmp_path: Path) -> None:
    pkg = zipped(mutated_example(tmp_path / "pkg", []))

    def send(key: str, who: str = "a"):
        return world.client.post("/api/v1/submissions", params={"filename": pkg.name}, content=pkg.read_bytes(),
                                 headers={**world.auth(who), "Idempotency-Key": key}).json()

    first, again, other = send("ci-run-1"), send("ci-run-1"), send("ci-run-2")
    assert again["id"] == first["id"] and again["repeated"] and again["receipt"]["sha256"] == first["receipt"]["sha256"]
    assert other["id"] != first["id"]
    assert send("ci-run-1", who="b")["id"] != first["id"]     # keys are per organisation
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 3
    assert len(list(world.settings.packages_dir.iterdir())) == 3


def test_a_filled_excel_template_is_converted_then_validated(world: World, tmp_path: Path):
    from click.testing import CliRunner

    from jn_exchange.cli import main

    book = tmp_path / "填报.xlsx"
    out = CliRunner().invoke(main, ["template", str(book), "--from", str(mutated_example(tmp_path / "pkg", [0]))])
    assert out.exit_code == 0, out.output
    answer = world.submit(book)
    sub = world.client.get(f"/api/v1/submissions/{answer['id']}", headers=world.auth("a")).json()
    assert (sub["kind"], sub["status"]) == ("xlsx", "done")
    assert sub["verdict"] == "fail" and sub["counts"]["error"] >= 1
    text = world.client.get(f"/api/v1/submissions/{answer['id']}/report?format=text", headers=world.auth("a")).text
    assert "training_record" in text
