"""What the routes share in one process: settings, the database, the queue, the receipt key."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from jn_exchange.service.db import Database
from jn_exchange.service.jobs import Queue
from jn_exchange.service.settings import Settings


@dataclass
class Services:
    settings: Settings
    db: Database
    queue: Queue
    receipt_key: bytes


def services(request: Request) -> Services:
    return request.app.state.services
