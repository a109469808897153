"""`jn-exchange submit`: send a package to the intake service with an organisation's token, wait
for the verdict, exit like `validate` (0 pass, 1 fail, 2 unusable or not judged). Standard
library only, so that a vendor's CI needs nothing beyond the validator's own install."""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT = {"pass": 0, "fail": 1, "unusable": 2}
Echo = Callable[[str], None]


class SubmitError(Exception):
    """Something kept the package from being submitted or judged (exit 2)."""


def read_token(path: Path, echo: Echo) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SubmitError(f"cannot read the token file {path}: {exc.strerror}") from exc
    if not token:
        raise SubmitError(f"the token file {path} is empty")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        echo(f"warning: {path} is readable by other users; keep the token private (chmod 600)")
    return token


class Unreachable(SubmitError):
    """The connection failed (the service restarting, a network fault): worth another try."""


class Client:
    def __init__(self, server: str, token: str, timeout: float = 60):
        parts = urllib.parse.urlsplit(server)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SubmitError(f"--server must be an http(s) URL, not {server!r}")
        self.base, self.token, self.timeout = server.rstrip("/"), token, timeout

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers={"Authorization": f"Bearer {self.token}", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - the URL's scheme is checked
                raw = resp.read()
                kind = resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raise SubmitError(f"the service answered {exc.code}: {_detail(exc)}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise Unreachable(f"cannot reach {self.base}: {getattr(exc, 'reason', exc)}") from exc
        return json.loads(raw) if "json" in kind else raw.decode("utf-8")

    def upload(self, path: Path, name: str, echo: Echo, tries: int = 4) -> dict[str, Any]:
        """Upload with retries on a broken connection; one Idempotency-Key for every try, so that a
        try the service did receive is not received twice."""
        key = uuid.uuid4().hex
        for attempt in range(1, tries + 1):
            try:
                with path.open("rb") as fh:
                    return self.call("POST", "/api/v1/submissions?" + urllib.parse.urlencode({"filename": name}), fh,
                                     {"Content-Type": "application/octet-stream", "Idempotency-Key": key,
                                      "Content-Length": str(path.stat().st_size)})
            except Unreachable as exc:
                if attempt == tries:
                    raise
                echo(f"{exc}; trying again ({attempt + 1}/{tries})")
                time.sleep(2 * attempt)
        raise AssertionError("unreachable")


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("detail"))
    except (ValueError, AttributeError, OSError):
        return exc.reason


def _zip_folder(folder: Path, dest: Path) -> None:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.is_symlink():
                zf.write(p, p.relative_to(folder).as_posix())


def submit(package: Path, client: Client, echo: Echo, wait_s: float, report: str | None = None) -> int:
    """Upload, then poll until the verdict; returns the exit code."""
    if not package.exists():
        raise SubmitError(f"no such file or folder: {package}")
    with tempfile.TemporaryDirectory(prefix="jn-submit-") as tmp:
        if package.is_dir():
            path, name = Path(tmp) / f"{package.resolve().name}.zip", f"{package.resolve().name}.zip"
            _zip_folder(package, path)
        else:
            path, name = package, package.name
        answer = client.upload(path, name, echo)
    sid = answer["id"]
    echo(f"received: {sid} sha256 {answer['receipt']['sha256']} at {answer['receipt']['received_at']}")
    deadline, pause = time.monotonic() + wait_s, 1.0
    while True:
        sub = client.call("GET", f"/api/v1/submissions/{urllib.parse.quote(sid)}")
        if sub["status"] in ("done", "failed"):
            break
        if time.monotonic() > deadline:
            raise SubmitError(f"no verdict for {sid} within {wait_s:.0f} s (status {sub['status']}); "
                              f"see {client.base}/submissions/{sid}")
        time.sleep(pause)
        pause = min(pause * 1.5, 10.0)
    if report and sub["counts"] is not None:
        echo(str(client.call("GET", f"/api/v1/submissions/{urllib.parse.quote(sid)}/report?format={report}")).rstrip())
    counts = sub["counts"] or {}
    verdict = sub["verdict"] or "not judged"
    echo(f"{verdict.upper()}: {sid} errors {counts.get('error', '-')} warnings {counts.get('warning', '-')} "
         f"infos {counts.get('info', '-')}" + (f" ({sub['reason']})" if sub.get("reason") else ""))
    echo(f"report and receipt: {client.base}/submissions/{sid}")
    return EXIT.get(sub["verdict"] or "", 2)
