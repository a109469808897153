"""A real `jn-exchange serve` in a subprocess on a free loopback port, for the tests that need
the real processes (restart, killed workers, the browser)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

JN = [sys.executable, "-m", "jn_exchange.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jn(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> str:
    done = subprocess.run([*JN, *args], capture_output=True, text=True, timeout=120, env=env, input=input)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Service:
    def __init__(self, data: Path, workers: int = 1, database_url: str = "", **env: str):
        self.data, self.workers, self.port = data, workers, free_port()
        self.env = {**os.environ, **{f"JN_EXCHANGE_{k.upper()}": v for k, v in env.items()}}
        if database_url:
            self.env["JN_EXCHANGE_DATABASE_URL"] = database_url
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data.parent / f"serve-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def admin(self, *args: str) -> str:
        return jn("service", *args, "--data-dir", str(self.data), env=self.env)

    def start(self) -> Service:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([*JN, "serve", "--data-dir", str(self.data), "--port", str(self.port),
                                          "--workers", str(self.workers)], env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/v1/health", timeout=2).read()
                return self
            except OSError:
                assert self.proc.poll() is None, self.log.read_text()
                time.sleep(0.2)
        raise AssertionError("the service did not start: " + self.log.read_text())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def call(self, method: str, path: str, token: str, body: bytes | None = None,
             content_type: str = "application/octet-stream") -> Any:
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def wait_final(self, sid: str, token: str, timeout: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sub = self.call("GET", f"/api/v1/submissions/{sid}", token)
            if sub["status"] in ("done", "failed"):
                return sub  # type: ignore[no-any-return]
            time.sleep(0.2)
        raise AssertionError(f"no verdict for {sid} in {timeout} s")


class WebUser:
    """A signed-in user of `svc` over plain HTTP (cookies and the session's CSRF token), for the
    office's calls where no token fits: reviewers and admins sign in."""

    def __init__(self, svc: Service, username: str, password: str):
        import http.cookiejar

        self.svc = svc
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(svc.url + "/login", timeout=30).read().decode()
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        form = urllib.parse.urlencode({"username": username, "password": password, "csrf": csrf}).encode()
        self.opener.open(urllib.request.Request(svc.url + "/login", data=form, method="POST"), timeout=30).read()
        home = self.opener.open(svc.url + "/", timeout=30).read().decode()
        self.csrf = home.split('name="csrf-token" content="')[1].split('"')[0]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        req = urllib.request.Request(self.svc.url + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-CSRF-Token": self.csrf, "Content-Type": "application/json"})
        with self.opener.open(req, timeout=120) as resp:
            return json.loads(resp.read())


def setup_org(svc: Service, password_file: Path) -> str:
    """ORG-A with user alice and a token; returns the token."""
    svc.admin("add-org", "ORG-A", "甲局")
    svc.admin("add-user", "alice", "--role", "submitter", "--org", "ORG-A", "--password-file", str(password_file))
    return svc.admin("add-token", "--org", "ORG-A", "--name", "ci").strip()


