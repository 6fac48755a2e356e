"""The relay loop: claim, deliver, acknowledge, wait, and recover.

Delivery is at least once: the sink receives a batch before the relay
acknowledges it, so a relay that dies in between leaves events that another
relay delivers again once the lease expires.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID

from ue_store.domain.errors import StoreUnavailable
from ue_store.domain.relay import ClaimedEvent, OutboxRelay, RetryPolicy

from .sinks import Sink, SinkError

logger = logging.getLogger("ue_store.relay")

#: Upper bound of the wait between reconnection attempts, in seconds.
RECONNECT_MAX_DELAY = 30.0
#: Maximum single blocking wait, so a stop request is seen within a second.
WAIT_SLICE_SECONDS = 1.0
#: How often a long-running relay purges delivered events.
PURGE_INTERVAL = timedelta(hours=1)


class Waiter(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; return True when new events arrived."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RelayOptions:
    """Settings of one relay process.

    Attributes:
        name: Owner name of the leases; unique per running relay.
        batch_size: Events claimed and delivered together.
        lease_for: How long a claim holds its events.
        policy: Backoff and maximum attempts of failed deliveries.
        poll_interval: Maximum wait without a notification before the next
            claim, which also picks up events whose backoff ended.
        retention: Delivered events older than this are purged.
    """

    name: str
    batch_size: int = 100
    lease_for: timedelta = timedelta(seconds=60)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    poll_interval: timedelta = timedelta(seconds=5)
    retention: timedelta = timedelta(days=7)


@dataclass(slots=True)
class RelayStats:
    """Counters of one run, for the final log line and for tests."""

    delivered: int = 0
    failed: int = 0
    dead_lettered: int = 0
    rejected: int = 0
    purged: int = 0
    reconnects: int = 0


class RelayRunner:
    """Run the relay loop until stopped, or until drained with ``once``."""

    def __init__(
        self,
        relay: OutboxRelay,
        sink: Sink,
        options: RelayOptions,
        *,
        waiter: Waiter,
        reconnect: Callable[[], None] = lambda: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._relay = relay
        self._sink = sink
        self._options = options
        self._waiter = waiter
        self._reconnect = reconnect
        self._sleep = sleep
        self._stop_requested = False
        self._next_purge = datetime.now(UTC)
        self.stats = RelayStats()

    def request_stop(self) -> None:
        """Ask the loop to stop after its current batch; safe in a signal handler."""
        self._stop_requested = True

    def run(self, *, once: bool = False) -> RelayStats:
        """Run until a stop request, or with ``once`` until nothing is left to do.

        With ``once``, the loop ends when no event is due, leased or waiting
        out a backoff; dead letters and the events they block stay behind.
        """
        options = self._options
        logger.info(
            "relay %s started (sink %s, batch %d, lease %d s, max attempts %d)",
            options.name,
            self._sink.describe(),
            options.batch_size,
            int(options.lease_for.total_seconds()),
            options.policy.max_attempts,
            extra={"action": "relay.started", "relay": options.name},
        )
        failures = 0
        fenced = False
        while not self._stop_requested:
            try:
                if not fenced:
                    self._fence_previous_process()
                    fenced = True
                self._purge_if_due()
                claimed = self._deliver_one_batch()
                failures = 0
                if claimed:
                    continue
                if once and self._drained():
                    # A lease can expire between the empty claim and the
                    # counts, so claim once more before leaving its events.
                    if self._deliver_one_batch():
                        continue
                    break
                self._wait()
            except StoreUnavailable as error:
                failures += 1
                self._back_off(failures, error)
        self._waiter.close()
        logger.info(
            "relay %s stopped: %d delivered, %d failed, %d dead-lettered, "
            "%d rejected acknowledgements, %d purged",
            options.name,
            self.stats.delivered,
            self.stats.failed,
            self.stats.dead_lettered,
            self.stats.rejected,
            self.stats.purged,
            extra={"action": "relay.stopped", "relay": options.name},
        )
        return self.stats

    def _fence_previous_process(self) -> None:
        released = self._relay.release_owner(self._options.name)
        if released:
            logger.warning(
                "relay %s took back %d event(s) leased by a previous process "
                "under the same name",
                self._options.name,
                released,
                extra={"action": "relay.fenced", "relay": self._options.name},
            )

    def _deliver_one_batch(self) -> int:
        options = self._options
        claim = self._relay.claim(
            owner=options.name, limit=options.batch_size, lease_for=options.lease_for
        )
        if not claim.events:
            return 0
        token = claim.lease.token
        try:
            self._sink.deliver(claim.events)
        except SinkError as error:
            self._log_sink_error(claim.events, error)
            if len(claim.events) == 1:
                self._fail(token, claim.events, str(error))
            else:
                # Deliver one at a time, so one poison event fails alone and
                # the rest of the batch keeps flowing.
                self._deliver_singly(token, claim.events)
            return len(claim.events)
        self._acknowledge(token, claim.events)
        return len(claim.events)

    def _deliver_singly(self, token: UUID, events: Sequence[ClaimedEvent]) -> None:
        for index, claimed in enumerate(events):
            if self._stop_requested:
                self._release(token, events[index:])
                return
            try:
                self._sink.deliver([claimed])
            except SinkError as error:
                self._log_sink_error([claimed], error)
                self._fail(token, [claimed], str(error))
                continue
            self._acknowledge(token, [claimed])

    def _acknowledge(self, token: UUID, events: Sequence[ClaimedEvent]) -> None:
        ids = [claimed.event.event_id for claimed in events]
        outcome = self._relay.acknowledge(token, ids)
        self.stats.delivered += len(outcome.accepted)
        logger.info(
            "relay %s delivered %d event(s)",
            self._options.name,
            len(outcome.accepted),
            extra={
                "action": "relay.delivered",
                "relay": self._options.name,
                "event_ids": [str(event_id) for event_id in outcome.accepted],
            },
        )
        if outcome.rejected:
            self.stats.rejected += len(outcome.rejected)
            logger.warning(
                "relay %s lost the lease of %d delivered event(s) before "
                "acknowledging them; another relay delivers them again: %s",
                self._options.name,
                len(outcome.rejected),
                ", ".join(str(event_id) for event_id in outcome.rejected),
                extra={"action": "relay.ack_rejected", "relay": self._options.name},
            )

    def _fail(self, token: UUID, events: Sequence[ClaimedEvent], reason: str) -> None:
        ids = [claimed.event.event_id for claimed in events]
        outcome = self._relay.fail(
            token, ids, error=reason, policy=self._options.policy
        )
        self.stats.failed += len(outcome.accepted)
        self.stats.dead_lettered += len(outcome.dead_lettered)
        if outcome.rejected:
            logger.warning(
                "relay %s lost the lease of %d failed event(s) before recording "
                "the failure; they are due again without backoff: %s",
                self._options.name,
                len(outcome.rejected),
                ", ".join(str(event_id) for event_id in outcome.rejected),
                extra={"action": "relay.fail_rejected", "relay": self._options.name},
            )
        for event_id in outcome.dead_lettered:
            logger.error(
                "relay %s dead-lettered event %s after %d attempts: %s",
                self._options.name,
                event_id,
                self._options.policy.max_attempts,
                reason,
                extra={"action": "relay.dead_lettered", "relay": self._options.name},
            )

    def _release(self, token: UUID, events: Sequence[ClaimedEvent]) -> None:
        ids = [claimed.event.event_id for claimed in events]
        outcome = self._relay.release(token, ids)
        logger.info(
            "relay %s released %d undelivered event(s) on stop",
            self._options.name,
            len(outcome.accepted),
            extra={"action": "relay.released", "relay": self._options.name},
        )

    def _log_sink_error(self, events: Sequence[ClaimedEvent], error: SinkError) -> None:
        logger.warning(
            "relay %s: sink rejected %d event(s) (%s): %s",
            self._options.name,
            len(events),
            error,
            ", ".join(
                f"{claimed.event.event_id} attempt {claimed.attempt}"
                for claimed in events
            ),
            extra={"action": "relay.sink_failed", "relay": self._options.name},
        )

    def _drained(self) -> bool:
        counts = self._relay.counts()
        return counts.leased == 0 and counts.retrying == 0

    def _wait(self) -> None:
        deadline = time.monotonic() + self._options.poll_interval.total_seconds()
        while not self._stop_requested:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self._waiter.wait(min(remaining, WAIT_SLICE_SECONDS)):
                return

    def _purge_if_due(self) -> None:
        now = datetime.now(UTC)
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_INTERVAL
        cutoff = now - self._options.retention
        batch = self._options.batch_size
        purged = 0
        # Bounded batches, each its own transaction, so no DELETE grows large.
        while not self._stop_requested:
            deleted = self._relay.purge_delivered(delivered_before=cutoff, limit=batch)
            purged += deleted
            if deleted < batch:
                break
        self.stats.purged += purged
        if purged:
            logger.info(
                "relay %s purged %d event(s) delivered before %s",
                self._options.name,
                purged,
                cutoff.isoformat(),
                extra={"action": "relay.purged", "relay": self._options.name},
            )

    def _back_off(self, failures: int, error: StoreUnavailable) -> None:
        delay = min(2.0 ** (failures - 1), RECONNECT_MAX_DELAY)
        self.stats.reconnects += 1
        logger.warning(
            "relay %s: database unavailable (%s); retry %d in %.0f s",
            self._options.name,
            error.reason,
            failures,
            delay,
            extra={"action": "relay.retry", "relay": self._options.name},
        )
        self._reconnect()
        deadline = time.monotonic() + delay
        while not self._stop_requested and time.monotonic() < deadline:
            self._sleep(min(WAIT_SLICE_SECONDS, deadline - time.monotonic()))
