"""The wall-clock limit of a validation run (`Limits.max_seconds`).

A watchdog thread waits for the deadline; from then on it interrupts every DuckDB connection of
the run, again and again until the run ends, so that the query running and any query still
queued stop at once. Python work (the byte scan, between the steps of a table) asks
`Deadline.check()`, which raises. The run then unwinds as from any error: its private folder
is removed, and `validate` raises `TimeLimitExceeded` whatever error the interrupted step left
(exit code 2: the package could not be validated). No partial report is made: a report of
some tables could be taken for a verdict on the package."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Protocol

from jn_exchange.package import InputError

_REPEAT_S = 0.05   # how often the watchdog interrupts once the time is up


class Interruptible(Protocol):
    def interrupt(self) -> None: ...


class TimeLimitExceeded(InputError):
    """The run took longer than `max_seconds` and was stopped (exit code 2)."""


class Deadline:
    """The end of a run's time. Use as a context manager around the run."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._end = time.monotonic() + seconds
        self._expired = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._connections: list[Interruptible] = []
        self._watchdog = threading.Thread(target=self._watch, name="jn-exchange-deadline", daemon=True)

    @property
    def expired(self) -> bool:
        if not self._expired.is_set() and time.monotonic() >= self._end:
            self._expired.set()
        return self._expired.is_set()

    def check(self) -> None:
        """Raise TimeLimitExceeded once the time is up."""
        if self.expired:
            raise self.exceeded()

    def exceeded(self) -> TimeLimitExceeded:
        n = f"{self.seconds:g}"
        return TimeLimitExceeded(
            f"validation stopped after {n} s, the time limit (max_seconds); no report was written. "
            f"Raise it with --limit max_seconds=N or limits.max_seconds in --config "
            f"(校验超过时间上限 {n} 秒，已停止，未生成报告)")

    def track(self, connection: Interruptible) -> None:
        """A DuckDB connection (or cursor) to interrupt when the time is up."""
        with self._lock:
            self._connections.append(connection)

    def __enter__(self) -> Deadline:
        self._watchdog.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._done.set()
        self._watchdog.join()

    def _watch(self) -> None:
        if self._done.wait(max(0.0, self._end - time.monotonic())):
            return   # the run ended in time
        self._expired.set()
        while not self._done.is_set():
            with self._lock:
                connections = list(self._connections)
            for con in connections:
                try:
                    con.interrupt()
                except Exception:  # noqa: BLE001, S110 - a closed connection has nothing to stop
                    pass
            self._done.wait(_REPEAT_S)
