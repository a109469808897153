"""Load and fault run of the intake service on the loopback interface (not a timed test):
N submissions of mixed size from C concurrent clients against a real `jn-exchange serve`, the
service stopped and started again once and a worker process killed once (SIGKILL, mid-job)
during the run. Then every submission must have exactly one verdict and a receipt whose
signature checks, none lost; prints time to receipt and time to verdict (p50, p95).

    .venv/bin/python scripts/service_load.py [--submissions 200] [--clients 20] [--workers 2]
        [--time-limit 1200] [--json OUT.json]

Only 127.0.0.1 is contacted; every loop is bounded in count and time. Each client uploads with
an Idempotency-Key and retries a broken connection (as `jn-exchange submit` does), so an upload
cut by the restart is neither lost nor received twice."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JN = [sys.executable, "-m", "jn_exchange.cli"]
PASSWORD = "load-test-password-not-secret"


def run(*args: str, env: dict[str, str]) -> str:
    return subprocess.run([*JN, *args], capture_output=True, text=True, check=True, timeout=300, env=env).stdout


def make_packages(work: Path, env: dict[str, str]) -> list[Path]:
    """Mixed sizes and outcomes: the example (passes), small and large samples, a JSON form, a
    package with defects (fails) and a broken document (unusable)."""
    out = [Path(shutil.make_archive(str(work / "example"), "zip", ROOT / "examples" / "jinan-sample"))]
    for rows in (800, 5000, 20000):
        run("sample", str(work / f"sample-{rows}"), "--rows", str(rows), "--seed", str(rows), "--zip", env=env)
        out.append(work / f"sample-{rows}.zip")
    run("sample", str(work / "form"), "--rows", "1000", "--json", env=env)
    out.append(work / "form.json")
    run("sample", str(work / "bad"), "--rows", "1500", "--defects", "0.03", env=env)
    out.append(Path(shutil.make_archive(str(work / "bad-defects"), "zip", work / "bad-defects")))
    broken = work / "broken.json"
    broken.write_text('{"standard_version": "1.0.0", "enforcement_agency": [{"agency_id": ', encoding="utf-8")
    out.append(broken)
    return out


@dataclass
class Sent:
    key: str
    org: int
    package: str
    size: int
    started: float
    receipt_at: float | None = None
    verdict_at: float | None = None
    sid: str | None = None
    tries: int = 0
    final: dict = field(default_factory=dict)


class Service:
    def __init__(self, data: Path, port: int, workers: int, env: dict[str, str]):
        self.data, self.port, self.workers, self.env = data, port, workers, env
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data.parent / "serve.log"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([*JN, "serve", "--data-dir", str(self.data), "--host", "127.0.0.1",
                                          "--port", str(self.port), "--workers", str(self.workers)],
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the service did not start; see " + str(self.log))

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def call(port: int, method: str, path: str, token: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers={"Authorization": f"Bearer {token}", **(headers or {})})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def client(port: int, tokens: list[str], packages: list[Path], jobs: list[Sent], deadline: float) -> None:
    for s in jobs:
        data = Path(s.package).read_bytes()
        path = "/api/v1/submissions?" + urllib.parse.urlencode({"filename": Path(s.package).name})
        while time.monotonic() < deadline:
            s.tries += 1
            try:
                answer = call(port, "POST", path, tokens[s.org], data,
                              {"Idempotency-Key": s.key, "Content-Type": "application/octet-stream"})
                s.receipt_at, s.sid = time.monotonic(), answer["id"]
                break
            except (urllib.error.URLError, OSError):      # the service is restarting: try again
                time.sleep(0.5)
        time.sleep(random.uniform(0.05, 0.4))


def watch(port: int, tokens: list[str], sent: list[Sent], deadline: float, done: threading.Event) -> None:
    """Poll each organisation's list; note when each submission is first seen judged."""
    while time.monotonic() < deadline and not done.is_set():
        for org, token in enumerate(tokens):
            try:
                items = call(port, "GET", "/api/v1/submissions?limit=500", token)["items"]
            except (urllib.error.URLError, OSError):
                continue
            final = {x["id"]: x for x in items if x["status"] in ("done", "failed")}
            now = time.monotonic()
            for s in sent:
                if s.org == org and s.sid in final and s.verdict_at is None:
                    s.verdict_at, s.final = now, final[s.sid]
        if all(s.verdict_at for s in sent):
            return
        time.sleep(0.3)


def kill_a_worker(db: Path, deadline: float) -> str | None:
    """SIGKILL the worker process holding a running job's lease (the job's lease names it)."""
    while time.monotonic() < deadline:
        with sqlite3.connect(db, timeout=30) as conn:
            row = conn.execute("SELECT public_id, lease_owner FROM submissions WHERE status='running' "
                               "AND lease_owner IS NOT NULL ORDER BY size DESC LIMIT 1").fetchone()
        if row:
            try:
                os.kill(int(row[1].rsplit(":", 1)[1]), signal.SIGKILL)
                return str(row[0])
            except ProcessLookupError:      # it finished in between: take the next one
                pass
        time.sleep(0.1)
    return None


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--submissions", type=int, default=200)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--orgs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=int, default=1200, help="seconds before the run gives up")
    ap.add_argument("--json", type=Path, default=None, help="write the measurements here")
    ap.add_argument("--keep", action="store_true", help="keep the data directory")
    args = ap.parse_args()
    random.seed(7)
    work = Path(tempfile.mkdtemp(prefix="jn-service-load-"))
    env = {**os.environ, "JN_EXCHANGE_LEASE_SECONDS": "10", "JN_EXCHANGE_UPLOADS_PER_HOUR": "100000"}
    data = work / "data"
    try:
        packages = make_packages(work, env)
        pw = work / "pw"
        pw.write_text(PASSWORD)
        tokens = []
        for i in range(args.orgs):
            run("service", "add-org", f"ORG-{i}", f"测试单位{i}", "--data-dir", str(data), env=env)
            tokens.append(run("service", "add-token", "--org", f"ORG-{i}", "--name", "load", "--data-dir", str(data),
                              env=env).strip())
        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        svc = Service(data, port, args.workers, env)
        svc.start()
        started = time.monotonic()
        deadline = started + args.time_limit
        sent = [Sent(uuid.uuid4().hex, i % args.orgs, str(p), p.stat().st_size, 0.0)
                for i, p in enumerate(random.choices(packages, weights=[4, 4, 2, 1, 2, 3, 1], k=args.submissions))]
        per_client = [sent[i::args.clients] for i in range(args.clients)]

        def timed(job: list[Sent]) -> None:
            for s in job:
                s.started = time.monotonic()
                client(port, tokens, packages, [s], deadline)

        threads = [threading.Thread(target=timed, args=(job,)) for job in per_client]
        done = threading.Event()
        watcher = threading.Thread(target=watch, args=(port, tokens, sent, deadline, done))
        for t in threads:
            t.start()
        watcher.start()
        while sum(1 for s in sent if s.sid) < args.submissions // 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        svc.stop()                                   # fault 1: the whole service stops mid-run
        restart_at = time.monotonic() - started
        time.sleep(2)
        svc.start()
        while sum(1 for s in sent if s.sid) < (2 * args.submissions) // 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        killed = kill_a_worker(data / "service.sqlite3", deadline)   # fault 2: a worker dies mid-job
        for t in threads:
            t.join(max(1.0, deadline - time.monotonic()))
        watcher.join(max(1.0, deadline - time.monotonic()))
        done.set()
        return report(args, svc, port, tokens, sent, started, restart_at, killed, data)
    finally:
        if "svc" in locals():
            svc.stop()
        if args.keep:
            print(f"data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(args: argparse.Namespace, svc: Service, port: int, tokens: list[str], sent: list[Sent], started: float,
           restart_at: float, killed: str | None, data: Path) -> int:
    problems = []
    ids = [s.sid for s in sent]
    if None in ids:
        problems.append(f"{ids.count(None)} uploads never got a receipt")
    if len(set(ids)) != len(ids):
        problems.append("two uploads share one submission id")
    unjudged = [s.sid for s in sent if not s.verdict_at]
    if unjudged:
        problems.append(f"{len(unjudged)} submissions have no verdict: {unjudged[:5]}")
    with sqlite3.connect(data / "service.sqlite3", timeout=30) as conn:
        rows = conn.execute("SELECT public_id, status, verdict, attempts, receipt IS NOT NULL FROM submissions").fetchall()
        # the last try's own run (claim to verdict): what a worker spends, without the wait in the queue
        runs = [r[0] for r in conn.execute("SELECT (julianday(finished_at) - julianday(started_at)) * 86400 "
                                           "FROM submissions WHERE finished_at IS NOT NULL")]
    if len(rows) != len(sent):
        problems.append(f"the service holds {len(rows)} submissions for {len(sent)} uploads")
    bad_receipts = 0
    for s in sent:
        if s.sid is None:
            continue
        receipt = call(port, "GET", f"/api/v1/submissions/{s.sid}/receipt", tokens[s.org])
        check = call(port, "POST", "/api/v1/receipts/verify", tokens[s.org], json.dumps(receipt).encode(),
                     {"Content-Type": "application/json"})
        if not check["valid"] or receipt.get("status") not in ("done", "failed"):
            bad_receipts += 1
    if bad_receipts:
        problems.append(f"{bad_receipts} receipts missing, unsigned or without the verdict")
    to_receipt = [s.receipt_at - s.started for s in sent if s.receipt_at]
    to_verdict = [s.verdict_at - s.started for s in sent if s.verdict_at]
    verdicts: dict[str, int] = {}
    for _sid, status, verdict, _attempts, _r in rows:
        verdicts[verdict or status] = verdicts.get(verdict or status, 0) + 1
    result = {
        "submissions": len(sent), "clients": args.clients, "organisations": args.orgs, "workers": args.workers,
        "packages_bytes": sorted({s.size for s in sent}), "verdicts": verdicts,
        "retried_uploads": sum(1 for s in sent if s.tries > 1),
        "jobs_run_more_than_once": sum(1 for r in rows if r[3] > 1),
        "restart_at_s": round(restart_at, 1), "killed_worker_job": killed,
        "time_to_receipt_s": {"p50": round(pct(to_receipt, 50), 3), "p95": round(pct(to_receipt, 95), 3)},
        "time_to_verdict_s": {"p50": round(pct(to_verdict, 50), 2), "p95": round(pct(to_verdict, 95), 2)},
        "validation_run_s": {"p50": round(pct(runs, 50), 2), "p95": round(pct(runs, 95), 2)},
        "load_average_at_end": os.getloadavg()[0],
        "wall_s": round(time.monotonic() - started, 1), "problems": problems,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
