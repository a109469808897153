"""Validation jobs: a job is claimed by one worker only; a worker that dies leaves a job that is
taken back and run again, or marked failed with the reason after the last try; a queued job
survives a restart of the service; a worker process killed mid-job does not lose its job."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from sqlalchemy import select, update

from jn_exchange.service.jobs import reconcile
from jn_exchange.service.models import Submission
from jn_exchange.service.runner import claim
from tests.service.conftest import PASSWORD, World, mutated_example, zipped
from tests.service.running import JN, Service, jn, setup_org


def _queued(world: World, tmp_path: Path) -> tuple[int, str]:
    world.app.state.services.queue.huey.immediate = False    # type: ignore[attr-defined]
    sid = world.submit(zipped(mutated_example(tmp_path / "pkg", [])))["id"]
    with world.db.session() as s:
        return s.scalar(select(Submission.id).where(Submission.public_id == sid)), sid  # type: ignore[return-value]


def test_a_job_is_claimed_once_even_by_racing_workers(world: World, tmp_path: Path):
    rid, _ = _queued(world, tmp_path)
    wins: list[bool] = []
    threads = [threading.Thread(target=lambda i=i: wins.append(claim(world.db, rid, f"w{i}", 60))) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]
    assert not claim(world.db, rid, "late", 60)     # a live lease is not taken over


def test_a_dead_workers_job_is_retried_then_failed_with_a_reason(world: World, tmp_path: Path):
    rid, public = _queued(world, tmp_path)
    queue = world.app.state.services.queue      # type: ignore[attr-defined]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    for attempt in range(1, world.settings.max_attempts + 1):
        assert claim(world.db, rid, f"worker-{attempt}", 60)
        with world.db.session() as s:      # the worker dies: its lease runs out unrenewed
            s.execute(update(Submission).where(Submission.id == rid).values(lease_until=past))
        before = queue.pending()
        outcome = reconcile(world.db, queue)
        with world.db.session() as s:
            sub = s.get(Submission, rid)
            state, reason, receipt = sub.status, sub.reason, sub.receipt
        if attempt < world.settings.max_attempts:
            assert outcome["requeued"] == 1 and state == "queued" and queue.pending() == before + 1
        else:
            assert outcome["failed"] == 1 and state == "failed" and "worker stopped" in reason
            assert '"status": "failed"' in receipt
    got = world.client.get(f"/api/v1/submissions/{public}", headers=world.auth("a")).json()
    assert got["status"] == "failed" and got["attempts"] == world.settings.max_attempts


def test_queued_jobs_survive_a_restart_and_a_killed_worker_loses_nothing(tmp_path: Path):
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD)
    svc = Service(tmp_path / "data", workers=0, lease_seconds="4")
    token = setup_org(svc, pw)
    small = zipped(mutated_example(tmp_path / "small", [0]))
    jn("sample", str(tmp_path / "big"), "--rows", "15000", "--zip")
    big = tmp_path / "big.zip"
    try:
        svc.start()                                  # no worker: the jobs wait in the queue
        ids = [svc.call("POST", f"/api/v1/submissions?filename={p.name}", token, p.read_bytes())["id"]
               for p in (small, big)]
        assert svc.call("GET", f"/api/v1/submissions/{ids[0]}", token)["status"] == "queued"
        svc.stop()
        svc.workers = 1
        svc.start()                                  # restarted with a worker: the queue is still there
        assert svc.wait_final(ids[0], token)["verdict"] == "fail"
        owner = None
        deadline = time.monotonic() + 60
        while owner is None and time.monotonic() < deadline:
            owner = _lease_owner(svc, ids[1])
            time.sleep(0.05)
        assert owner, "the big package never started"
        os.kill(int(owner.split(":")[1]), signal.SIGKILL)   # the worker process running it dies mid-job
        sub = svc.wait_final(ids[1], token, timeout=120)
        assert sub["status"] == "done" and sub["verdict"] == "pass" and sub["attempts"] == 2
        # `jn-exchange submit` waits for the verdict and exits like `validate`
        tok = tmp_path / "token"
        tok.write_text(token)
        tok.chmod(0o600)
        wrong = tmp_path / "package.txt"
        wrong.write_text("not a package", encoding="utf-8")
        for package, code, word in ((tmp_path / "small", 1, "FAIL"), (wrong, 2, "answered 415")):
            done = subprocess.run([*JN, "submit", str(package), "--server", svc.url, "--token-file", str(tok)],
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == code and word in done.stderr, done.stderr
    finally:
        svc.stop()


def _lease_owner(svc: Service, public_id: str) -> str | None:
    from jn_exchange.service.db import Database

    db = Database(f"sqlite:///{svc.data / 'service.sqlite3'}")
    try:
        with db.session() as s:
            return s.scalar(select(Submission.lease_owner).where(Submission.public_id == public_id,
                                                                 Submission.status == "running"))
    finally:
        db.dispose()
