"""One validation job in a worker process: claim the submission, keep the lease alive, run the
validator exactly as `jn-exchange validate` does (as of the day of receipt, Beijing time), store
every report and the findings index, and record the verdict, fenced by the lease."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from jn_exchange.service import receipts
from jn_exchange.service.db import Database
from jn_exchange.service.models import Submission, aware, utcnow
from jn_exchange.service.reportstore import Judgement, judge_package, store_reports
from jn_exchange.service.settings import Settings

if TYPE_CHECKING:
    from jn_exchange.service.jobs import Queue

log = logging.getLogger("jn_exchange.service.runner")


def claim(db: Database, sid: int, owner: str, lease_s: int) -> bool:
    now = utcnow()
    with db.session() as s:
        res = s.execute(update(Submission).where(
            Submission.id == sid,
            (Submission.status == "queued") | ((Submission.status == "running") & (Submission.lease_until < now)),
        ).values(status="running", lease_owner=owner, lease_until=now + dt.timedelta(seconds=lease_s),
                 attempts=Submission.attempts + 1, started_at=now, progress_done=0, progress_total=0))
        return res.rowcount == 1   # type: ignore[attr-defined]


class Lease(threading.Thread):
    """Renews the lease every third of its length while the job runs; records progress."""

    def __init__(self, db: Database, sid: int, owner: str, lease_s: int):
        super().__init__(daemon=True, name=f"lease-{sid}")
        self.db, self.sid, self.owner, self.lease_s = db, sid, owner, lease_s
        self.stop = threading.Event()
        self.progress: tuple[int, int] | None = None

    def run(self) -> None:
        while not self.stop.wait(min(self.lease_s / 3, 2.0)):
            self.renew()

    def renew(self) -> None:
        values: dict[str, object] = {"lease_until": utcnow() + dt.timedelta(seconds=self.lease_s)}
        if self.progress:
            values["progress_done"], values["progress_total"] = self.progress
        try:
            with self.db.session() as s:
                s.execute(update(Submission).where(Submission.id == self.sid, Submission.lease_owner == self.owner)
                          .values(**values))
        except Exception:  # noqa: BLE001 - a missed renewal is retried; the lease outlasts two
            log.exception("lease renewal of submission %s failed", self.sid)


def run_submission(settings: Settings, db: Database, queue: Queue, sid: int, owner: str) -> None:
    if not claim(db, sid, owner, settings.lease_seconds):
        return      # already judged, or running elsewhere under a live lease
    with db.session() as s:
        sub = s.get(Submission, sid)
        assert sub is not None
        public_id, stored, kind, filename = sub.public_id, sub.stored_path, sub.kind, sub.filename
        received = aware(sub.received_at)
    lease = Lease(db, sid, owner, settings.lease_seconds)
    lease.start()
    try:
        if stored is None:
            judgement = Judgement.unusable("报送的文件已按保存期限删除 (the stored package was removed by retention)")
        else:
            with tempfile.TemporaryDirectory(prefix="jn-intake-") as tmp:
                judgement = judge_package(settings, settings.data_dir / stored, kind, filename,
                                          received.astimezone(receipts.BEIJING).date(), Path(tmp),
                                          lambda done, total: setattr(lease, "progress", (done, total)))
            if judgement.result is not None:
                store_reports(settings, public_id, judgement.result)
    except Exception as exc:  # noqa: BLE001 - recorded as the job's reason, retried while tries remain
        lease.stop.set()
        log.exception("validation of %s failed", public_id)
        _give_back(db, queue, sid, owner, settings, f"{type(exc).__name__}: {exc}")
        return
    finally:
        lease.stop.set()
    lease.join(timeout=5)
    for delivery in _finish(db, settings, sid, owner, judgement):
        queue.deliver(delivery)
    if judgement.result is not None and stored is not None:
        _row_change(settings, db, sid, settings.data_dir / stored)


def _row_change(settings: Settings, db: Database, sid: int, package: Path) -> None:
    """The row-level change against the organisation's last accepted data in the city's
    database, computed now while the package is kept. A failure is logged and leaves the verdict
    as it is (the change page computes it again when asked)."""
    from jn_exchange.office.citydb import CityDatabase
    from jn_exchange.office.rowchange import compute_for_submission
    from jn_exchange.service.models import Organisation
    from jn_exchange.service.workflow import change_path

    with db.session() as s:
        sub = s.get(Submission, sid)
        assert sub is not None
        org = s.get(Organisation, sub.organisation_id)
        public_id, code, period = sub.public_id, org.code if org else "", sub.period
    out = change_path(settings, public_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        compute_for_submission(CityDatabase.from_settings(settings), package, submission_id=sid,
                               organisation=code, out=out, period=period,
                               memory_limit=settings.memory_limit)
    except Exception:  # noqa: BLE001 - the change is an aid; the verdict stands without it
        log.exception("row-level change of submission %s failed", sid)


def _finish(db: Database, settings: Settings, sid: int, owner: str, j: Judgement) -> list[int]:
    """Record the verdict; returns the webhook deliveries to queue once it is committed."""
    from jn_exchange.service.history import index_findings, previous_of
    from jn_exchange.service.workflow import on_verdict

    with db.session() as s:
        sub = s.scalar(select(Submission).where(Submission.id == sid, Submission.lease_owner == owner,
                                                Submission.status == "running").with_for_update())
        if sub is None:
            log.warning("submission %s: lease lost before the verdict; the result is dropped", sid)
            return []
        sub.status, sub.verdict, sub.reason = "done", j.verdict, j.reason
        sub.finished_at, sub.lease_owner, sub.lease_until = utcnow(), None, None
        if j.result is not None:
            from jn_exchange.findings import Severity

            r = j.result
            sub.errors, sub.warnings, sub.infos = (r.count(Severity.ERROR), r.count(Severity.WARNING),
                                                   r.count(Severity.INFO))
            sub.rows = sum(x.rows or 0 for x in r.resources)
            sub.standard_version, sub.validator_version, sub.as_of = r.standard_version, r.validator_version, r.as_of
            index_findings(s, sub, r)
            prev = previous_of(s, sub)
            sub.previous_id = prev.id if prev else None
        receipts.issue(s, sub, receipts.load_key(settings.receipt_key_file))
        s.flush()
        return on_verdict(s, sub)


def _give_back(db: Database, queue: Queue, sid: int, owner: str, settings: Settings, reason: str) -> None:
    """An unexpected error: back to the queue after a pause while tries remain, else failed."""
    with db.session() as s:
        sub = s.scalar(select(Submission).where(Submission.id == sid, Submission.lease_owner == owner))
        if sub is None:
            return
        sub.lease_owner, sub.lease_until = None, None
        if sub.attempts >= settings.max_attempts:
            sub.status, sub.finished_at = "failed", utcnow()
            sub.reason = f"校验服务内部错误，已尝试 {sub.attempts} 次 (internal error after {sub.attempts} tries): {reason}"
            receipts.issue(s, sub, receipts.load_key(settings.receipt_key_file))
            return
        sub.status, sub.enqueued_at = "queued", utcnow()
    queue.enqueue(sid, delay=5 * 2 ** min(sub.attempts, 5))
