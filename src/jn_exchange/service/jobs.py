"""Validation jobs on huey, the job queue library: its SQLite storage by default (a file in the
data directory, no other server), its SQL storage on PostgreSQL in production (`FOR UPDATE SKIP
LOCKED`, so workers on several machines share one queue). A queued task survives a restart
because the queue is in a file or a database.

The queue only delivers; the submission row decides. A worker runs a job only after claiming it
with a conditional UPDATE (status queued, or running with an expired lease) and renews its lease
while it works, so a job never runs twice at once. A worker that dies leaves a lease that
expires; `reconcile` then puts the job back in the queue, or marks it failed with the reason
after `max_attempts` tries. A delivery whose job is no longer queued is simply dropped."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

from huey import Huey
from sqlalchemy import select, update

from jn_exchange.service.db import Database
from jn_exchange.service.models import Submission, utcnow
from jn_exchange.service.settings import Settings

log = logging.getLogger("jn_exchange.service.jobs")
TASK = "validate_submission"
WEBHOOK_TASK = "deliver_webhook"


def _storage(settings: Settings) -> Huey:
    url = settings.db_url
    if url.startswith("sqlite"):
        from huey import SqliteHuey

        return SqliteHuey("jn-exchange", filename=str(settings.data_dir / "queue.sqlite3"), results=False)
    from huey.contrib.sql_huey import SqlHuey
    from playhouse.postgres_ext import Psycopg3Database
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if not u.drivername.startswith("postgresql"):
        raise ValueError(f"the job queue runs on SQLite or PostgreSQL, not {u.drivername}")
    pg = Psycopg3Database(u.database, host=u.host, port=u.port, user=u.username, password=u.password)
    return SqlHuey("jn-exchange", database=pg, results=False)


@dataclass
class Queue:
    huey: Huey
    settings: Settings
    task: Any
    webhook_task: Any = None

    def deliver(self, delivery_id: int, delay: int = 0) -> None:
        """A webhook delivery's next try (notify.deliver), after `delay` seconds."""
        if delay:
            self.webhook_task.schedule(args=(delivery_id,), delay=delay)
        else:
            self.webhook_task(delivery_id)

    def enqueue(self, submission_id: int, delay: int = 0) -> None:
        if delay:
            self.task.schedule(args=(submission_id,), delay=delay)
        else:
            self.task(submission_id)

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def consumer(self, workers: int) -> Any:
        """The huey consumer: `workers` processes, each restarted if it dies."""
        return self.huey.create_consumer(workers=workers, worker_type="process", periodic=False,
                                         check_worker_health=True, health_check_interval=2, max_delay=1.0)


_DB: dict[tuple[int, str], Database] = {}


def _process_db(settings: Settings) -> Database:
    """One engine per process and database: a forked worker must not reuse its parent's connections."""
    key = (os.getpid(), settings.db_url)
    if key not in _DB:
        _DB[key] = Database(settings.db_url)
    return _DB[key]


def make_queue(settings: Settings) -> Queue:
    huey = _storage(settings)

    def validate_submission(submission_id: int) -> None:
        from jn_exchange.service.runner import run_submission

        owner = f"{socket.gethostname()}:{os.getpid()}"
        run_submission(settings, _process_db(settings), queue, submission_id, owner)

    def deliver_webhook(delivery_id: int) -> None:
        from jn_exchange.service.notify import deliver

        again = deliver(_process_db(settings), delivery_id)
        if again is not None:      # retried by scheduling the next try, so each try is in the log
            queue.deliver(delivery_id, delay=again)

    task = huey.task(name=TASK)(validate_submission)
    queue = Queue(huey, settings, task, huey.task(name=WEBHOOK_TASK)(deliver_webhook))
    return queue


def reconcile(db: Database, queue: Queue) -> dict[str, int]:
    """Take back jobs whose worker stopped renewing its lease, and re-deliver queued jobs whose
    delivery was lost (the queue is empty but they wait). Safe to run from every process."""
    settings, now = queue.settings, utcnow()
    requeued = failed = redelivered = 0
    with db.session() as s:
        stale = s.execute(select(Submission.id, Submission.attempts, Submission.lease_owner).where(
            Submission.status == "running", Submission.lease_until < now)).all()
        for sid, attempts, owner in stale:
            done = attempts >= settings.max_attempts
            changed = s.execute(update(Submission).where(
                Submission.id == sid, Submission.status == "running", Submission.lease_owner == owner,
                Submission.lease_until < now).values(
                status="failed" if done else "queued", lease_owner=None, lease_until=None,
                enqueued_at=now, finished_at=now if done else None,
                reason=(f"校验进程在第 {attempts} 次尝试中停止，已不再重试 (the worker stopped during "
                        f"attempt {attempts} of {settings.max_attempts}; not retried)") if done else None))
            if changed.rowcount == 1:   # type: ignore[attr-defined]
                if done:
                    failed += 1
                    _reissue_receipt(s, sid, settings)
                else:
                    requeued += 1
    for sid, _a, _o in stale:
        if not _is_final(db, sid):
            queue.enqueue(sid)
    if queue.pending() == 0:
        cutoff = now - dt.timedelta(seconds=settings.lease_seconds)
        with db.session() as s:
            waiting = s.scalars(select(Submission.id).where(Submission.status == "queued",
                                                            Submission.enqueued_at < cutoff)).all()
            s.execute(update(Submission).where(Submission.id.in_(waiting)).values(enqueued_at=now))
        for sid in waiting:
            queue.enqueue(sid)
            redelivered += 1
    if requeued or failed or redelivered:
        log.warning("reconcile: %d taken back, %d failed, %d re-delivered", requeued, failed, redelivered)
    return {"requeued": requeued, "failed": failed, "redelivered": redelivered}


def _is_final(db: Database, sid: int) -> bool:
    with db.session() as s:
        return s.scalar(select(Submission.status).where(Submission.id == sid)) in ("done", "failed")


def _reissue_receipt(s: Any, sid: int, settings: Settings) -> None:
    from jn_exchange.service import receipts

    sub = s.get(Submission, sid)
    receipts.issue(s, sub, receipts.load_key(settings.receipt_key_file))
