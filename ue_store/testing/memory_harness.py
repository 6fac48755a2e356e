"""The conformance harness of the in-memory store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from ue_store.domain.protocol import Store
from ue_store.memory import MemoryStore
from ue_store.memory.store import MIGRATION

from .clock import TickingClock
from .harness import run_in_threads

T = TypeVar("T")

#: A migration name that sorts after every real one of the in-memory store.
_NEWER_MIGRATION = "memory.9999"


class MemoryHarness:
    """A fresh MemoryStore on a TickingClock, with the test hooks it needs."""

    def __init__(self) -> None:
        self._clock = TickingClock()
        self._store = MemoryStore(clock=self._clock)

    @property
    def store(self) -> Store:
        return self._store

    @property
    def memory_store(self) -> MemoryStore:
        """The same store, typed as MemoryStore for tests of its own behaviour."""
        return self._store

    @property
    def clock(self) -> TickingClock:
        return self._clock

    @contextmanager
    def schema_pending(self) -> Iterator[None]:
        with self._simulated(applied=(), expected=(MIGRATION,)):
            yield

    @contextmanager
    def schema_ahead(self) -> Iterator[None]:
        with self._simulated(
            applied=(MIGRATION, _NEWER_MIGRATION), expected=(MIGRATION,)
        ):
            yield

    def run_concurrently(
        self, work: Callable[[], T], count: int
    ) -> list[T | BaseException]:
        return run_in_threads(work, count)

    @contextmanager
    def _simulated(
        self, *, applied: tuple[str, ...], expected: tuple[str, ...]
    ) -> Iterator[None]:
        previous = self._store.simulate_schema(applied=applied, expected=expected)
        try:
            yield
        finally:
            self._store.simulate_schema(
                applied=previous.applied, expected=previous.expected
            )
