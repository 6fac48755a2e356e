"""The outbox relay operations of the in-memory store.

Each operation holds the store-wide lock, so it runs between units of work,
never inside one, like the PostgreSQL relay's own transactions.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from uuid import UUID

from ue_store.domain import relay as relay_rules
from ue_store.domain import rules
from ue_store.domain.entities import OutboxEvent
from ue_store.domain.errors import UeStoreError
from ue_store.domain.relay import (
    DEFAULT_RETRY_POLICY,
    Claim,
    ClaimedEvent,
    Lease,
    RelayCounts,
    RetryPolicy,
    Settlement,
    settlement,
)

from .outbox import fresh_delivery
from .tables import Delivery, Tables

#: An aggregate: (tenant id, aggregate type, aggregate id).
AggregateKey = tuple[UUID, str, str]


class MemoryRelay:
    """Relay operations over every tenant's outbox events in memory."""

    def __init__(
        self,
        tables: Tables,
        lock: threading.RLock,
        clock: Callable[[], datetime],
        unit_open_here: Callable[[], bool],
    ) -> None:
        self._tables = tables
        self._lock = lock
        self._clock = clock
        self._unit_open_here = unit_open_here

    def claim(self, *, owner: str, limit: int, lease_for: timedelta) -> Claim:
        checked_owner = relay_rules.check_owner(owner)
        checked_limit = relay_rules.check_batch_size("limit", limit)
        duration = relay_rules.check_lease_duration(lease_for)
        with self._locked():
            now = self._clock()
            lease = Lease(
                owner=checked_owner, token=uuid.uuid4(), expires_at=now + duration
            )
            due = sorted(
                (
                    (delivery.available_at, event.sequence, event, delivery)
                    for event, delivery in self._claimable(now)
                ),
                key=lambda item: (item[0], item[1]),
            )[:checked_limit]
            claimed: list[ClaimedEvent] = []
            for _, _, event, delivery in sorted(due, key=lambda item: item[1]):
                attempt = delivery.attempts + 1
                self._store_delivery(
                    event,
                    dataclasses.replace(
                        delivery,
                        attempts=attempt,
                        lease_owner=lease.owner,
                        lease_token=lease.token,
                        lease_expires_at=lease.expires_at,
                    ),
                )
                claimed.append(
                    ClaimedEvent(
                        event=copy.deepcopy(event),
                        attempt=attempt,
                        lease=lease,
                        last_error=delivery.last_error,
                    )
                )
        return Claim(lease=lease, events=tuple(claimed))

    def acknowledge(self, token: UUID, event_ids: Iterable[UUID]) -> Settlement:
        ids = relay_rules.check_event_ids(event_ids)
        checked_token = relay_rules.check_token(token)
        accepted: list[UUID] = []
        with self._locked():
            now = self._clock()
            for event, delivery in self._held(checked_token, ids, now):
                self._tables.outbox.set_row(
                    event.tenant_id,
                    event.sequence,
                    dataclasses.replace(event, delivered_at=now),
                )
                self._store_delivery(
                    event,
                    dataclasses.replace(
                        delivery, lease_token=None, lease_expires_at=None
                    ),
                )
                accepted.append(event.event_id)
        return settlement(ids, accepted)

    def fail(
        self,
        token: UUID,
        event_ids: Iterable[UUID],
        *,
        error: str,
        policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    ) -> Settlement:
        ids = relay_rules.check_event_ids(event_ids)
        checked_token = relay_rules.check_token(token)
        reason = relay_rules.clip_error(error)
        accepted: list[UUID] = []
        dead: list[UUID] = []
        with self._locked():
            now = self._clock()
            for event, delivery in self._held(checked_token, ids, now):
                released = dataclasses.replace(
                    delivery, lease_token=None, lease_expires_at=None, last_error=reason
                )
                if delivery.attempts >= policy.max_attempts:
                    released = dataclasses.replace(released, dead_lettered_at=now)
                    dead.append(event.event_id)
                else:
                    retry_at = now + policy.delay(delivery.attempts)
                    released = dataclasses.replace(released, available_at=retry_at)
                self._store_delivery(event, released)
                accepted.append(event.event_id)
        return settlement(ids, accepted, dead)

    def release(self, token: UUID, event_ids: Iterable[UUID]) -> Settlement:
        ids = relay_rules.check_event_ids(event_ids)
        checked_token = relay_rules.check_token(token)
        accepted: list[UUID] = []
        with self._locked():
            for event, delivery in self._held(checked_token, ids, self._clock()):
                self._store_delivery(
                    event,
                    dataclasses.replace(
                        delivery,
                        lease_token=None,
                        lease_expires_at=None,
                        attempts=max(delivery.attempts - 1, 0),
                    ),
                )
                accepted.append(event.event_id)
        return settlement(ids, accepted)

    def release_owner(self, owner: str) -> int:
        checked_owner = relay_rules.check_owner(owner)
        released = 0
        with self._locked():
            for event, delivery in self._undelivered():
                if (
                    delivery.lease_owner != checked_owner
                    or delivery.lease_token is None
                ):
                    continue
                self._store_delivery(
                    event,
                    dataclasses.replace(
                        delivery, lease_token=None, lease_expires_at=None
                    ),
                )
                released += 1
        return released

    def purge_delivered(self, *, delivered_before: datetime, limit: int) -> int:
        checked_limit = relay_rules.check_batch_size("limit", limit)
        moment = rules.check_aware("delivered_before", delivered_before)
        with self._locked():
            delivered = sorted(
                (
                    event
                    for event in self._tables.outbox.all_rows()
                    if event.delivered_at is not None and event.delivered_at < moment
                ),
                key=lambda event: (event.delivered_at, event.sequence),
            )[:checked_limit]
            for event in delivered:
                self._tables.outbox.set_row(event.tenant_id, event.sequence, None)
                self._tables.deliveries.set_row(event.tenant_id, event.sequence, None)
        return len(delivered)

    def counts(self) -> RelayCounts:
        pending = retrying = leased = dead = 0
        oldest: datetime | None = None
        with self._locked():
            now = self._clock()
            for event, delivery in self._undelivered():
                if delivery.dead_lettered_at is not None:
                    dead += 1
                    continue
                if _lease_live(delivery, now):
                    leased += 1
                else:
                    pending += 1
                    retrying += delivery.available_at > now
                if oldest is None or event.created_at < oldest:
                    oldest = event.created_at
        return RelayCounts(
            pending=pending,
            retrying=retrying,
            leased=leased,
            dead_lettered=dead,
            oldest_pending_at=oldest,
            measured_at=now,
        )

    def _undelivered(self) -> list[tuple[OutboxEvent, Delivery]]:
        """Return every undelivered event with its relay state, by sequence."""
        pairs = [
            (event, self._delivery(event))
            for event in self._tables.outbox.all_rows()
            if event.delivered_at is None
        ]
        pairs.sort(key=lambda pair: pair[0].sequence)
        return pairs

    def _claimable(self, now: datetime) -> Iterator[tuple[OutboxEvent, Delivery]]:
        """Yield due, unleased events that head their aggregate's queue."""
        seen: set[AggregateKey] = set()
        for event, delivery in self._undelivered():
            aggregate = (event.tenant_id, event.aggregate_type, event.aggregate_id)
            if aggregate in seen:
                continue
            seen.add(aggregate)
            if (
                delivery.dead_lettered_at is None
                and delivery.available_at <= now
                and not _lease_live(delivery, now)
            ):
                yield event, delivery

    def _held(
        self, token: UUID, ids: tuple[UUID, ...], now: datetime
    ) -> list[tuple[OutboxEvent, Delivery]]:
        """Return the undelivered events among ``ids`` that ``token`` leases now.

        An expired lease holds nothing, even before another relay claims its
        events, so a late call settles none of them.
        """
        wanted = set(ids)
        return [
            (event, delivery)
            for event, delivery in self._undelivered()
            if event.event_id in wanted
            and delivery.lease_token == token
            and _lease_live(delivery, now)
        ]

    def _delivery(self, event: OutboxEvent) -> Delivery:
        stored = self._tables.deliveries.get(event.tenant_id, event.sequence)
        return stored if stored is not None else fresh_delivery(event)

    def _store_delivery(self, event: OutboxEvent, delivery: Delivery) -> None:
        self._tables.deliveries.set_row(event.tenant_id, event.sequence, delivery)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self._unit_open_here():
            raise UeStoreError(
                "relay operations can't run inside a unit of work; "
                "call them after the unit ends"
            )
        with self._lock:
            yield


def _lease_live(delivery: Delivery, now: datetime) -> bool:
    return delivery.lease_expires_at is not None and delivery.lease_expires_at > now
