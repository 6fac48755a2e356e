"""A deterministic clock for tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class TickingClock:
    """Return a later time on every call, one millisecond apart.

    Both stores take their timestamps from the clock they are given, so tests
    can compare times without sleeping. Safe to call from several threads.
    """

    def __init__(
        self, start: datetime | None = None, step: timedelta | None = None
    ) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._step = step or timedelta(milliseconds=1)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._now += self._step
            return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``, as if that much time passed."""
        if delta < timedelta(0):
            raise ValueError("a clock can't move backwards; pass a positive delta")
        with self._lock:
            self._now += delta
