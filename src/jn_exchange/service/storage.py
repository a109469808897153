"""Packages on disk: an upload streams into a private file while its size is counted and its
SHA-256 computed, and is refused the moment it passes the limit; kept packages live under
`packages/` (folders 0700, files 0600) until the retention period ends."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jn_exchange.service.models import Submission, utcnow
from jn_exchange.service.settings import Settings

KINDS = {".zip": "zip", ".json": "json", ".xlsx": "xlsx"}


class UploadError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Received:
    path: Path
    size: int
    sha256: str
    kind: str
    filename: str


def safe_filename(name: str) -> str:
    """The last path part of what the client called the file, without control or path characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", base).strip(" .")
    return base[:200] or "package"


def kind_of(filename: str) -> str:
    kind = KINDS.get(Path(filename).suffix.lower())
    if kind is None:
        raise UploadError(415, "只接受 .zip、.json 或 .xlsx 文件 (a package is a .zip, a .json document or a filled .xlsx)")
    return kind


def _looks_right(kind: str, head: bytes) -> bool:
    if kind in ("zip", "xlsx"):
        return head.startswith(b"PK\x03\x04")
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"")


async def receive(chunks: AsyncIterator[bytes], filename: str, settings: Settings,
                  declared_length: int | None) -> Received:
    """Stream the body into `incoming/`; raise UploadError (413 too large, 400 empty or not what
    its name says) and leave nothing behind."""
    name = safe_filename(filename)
    kind = kind_of(name)
    limit = settings.max_upload_bytes
    if declared_length is not None and declared_length > limit:
        raise UploadError(413, f"文件超过上限 {limit // 1024**2} MB (upload larger than the limit)")
    path = settings.incoming_dir / f"{secrets.token_hex(16)}.part"
    digest, size, head = hashlib.sha256(), 0, b""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise UploadError(413, f"文件超过上限 {limit // 1024**2} MB (upload larger than the limit)")
                if len(head) < 8:
                    head += chunk[:8]
                digest.update(chunk)
                fh.write(chunk)
        if size == 0:
            raise UploadError(400, "文件为空 (the upload is empty)")
        if not _looks_right(kind, head):
            raise UploadError(400, f"文件内容不是 {kind} 格式 (the file's content is not what its name says)")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, size, digest.hexdigest(), kind, name)


def keep(received: Received, public_id: str, settings: Settings) -> str:
    """Move an upload to its submission's folder; returns the path relative to the data dir."""
    folder = settings.packages_dir / public_id
    folder.mkdir(mode=0o700)
    dest = folder / f"package.{received.kind}"
    os.replace(received.path, dest)
    os.chmod(dest, 0o600)
    return str(dest.relative_to(settings.data_dir))


def purge_expired(s: Session, settings: Settings, now: dt.datetime | None = None) -> int:
    """Delete stored packages older than the retention period whose job is over; the receipt,
    findings and reports stay. Returns how many were removed."""
    if settings.retention_days <= 0:
        return 0
    cutoff = (now or utcnow()) - dt.timedelta(days=settings.retention_days)
    rows = s.scalars(select(Submission).where(Submission.received_at < cutoff, Submission.stored_path.is_not(None),
                                              Submission.status.in_(("done", "failed"))))
    n = 0
    for sub in rows:
        shutil.rmtree(settings.packages_dir / sub.public_id, ignore_errors=True)
        sub.stored_path, sub.purged_at = None, utcnow()
        n += 1
    return n
