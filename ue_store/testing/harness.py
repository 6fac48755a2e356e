"""What the conformance suite needs from a store besides the protocol itself."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from ue_store.domain.protocol import Store

from .clock import TickingClock

T = TypeVar("T")


class StoreHarness(Protocol):
    """A store under test, with the hooks that only a test may use."""

    @property
    def store(self) -> Store: ...

    @property
    def clock(self) -> TickingClock:
        """The clock the store takes its timestamps from."""
        ...

    def schema_pending(self) -> AbstractContextManager[None]:
        """While open, the store behaves as if one of its migrations is unapplied."""
        ...

    def schema_ahead(self) -> AbstractContextManager[None]:
        """While open, the store behaves as if a newer migration were applied."""
        ...

    def run_concurrently(
        self, work: Callable[[], T], count: int
    ) -> list[T | BaseException]:
        """Run ``work`` in ``count`` threads released together.

        Each thread uses its own database connection where the store has one,
        and closes it afterwards. Returns each thread's result or exception.
        """
        ...


def run_in_threads(
    work: Callable[[], T],
    count: int,
    *,
    cleanup: Callable[[], None] = lambda: None,
) -> list[T | BaseException]:
    """Run ``work`` in ``count`` threads that start together behind a barrier."""
    import threading

    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("thread did not finish")] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except BaseException as error:  # reported to the caller, not swallowed
            results[index] = error
        finally:
            cleanup()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
