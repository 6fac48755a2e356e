"""The outbox relay operations of the PostgreSQL store.

Each operation runs in its own cross-tenant transaction
(``tenancy.cross_tenant``), which row-level security lets read every
tenant's outbox and update or delete its events. A claim picks rows with
``FOR UPDATE SKIP LOCKED``, so concurrent relays skip each other's rows
instead of waiting, and leases them in the same transaction. Every later
call matches rows by the claim's lease token, so a relay that lost its lease
changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from uuid import UUID

from django.db import models
from django.db.models.functions import Greatest

from ue_store import models as tables
from ue_store.domain import relay as relay_rules
from ue_store.domain import rules
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

from . import convert
from .tenancy import cross_tenant


class PostgresRelay:
    """Relay operations over every tenant's outbox rows.

    Args:
        using: The Django database alias.
        clock: Returns the current time; leases, backoff and delivery times
            are compared with it, never with the database's ``now()``.
    """

    def __init__(self, using: str, clock: Callable[[], datetime]) -> None:
        self._using = using
        self._clock = clock

    def claim(self, *, owner: str, limit: int, lease_for: timedelta) -> Claim:
        checked_owner = relay_rules.check_owner(owner)
        checked_limit = relay_rules.check_batch_size("limit", limit)
        duration = relay_rules.check_lease_duration(lease_for)
        now = self._clock()
        lease = Lease(
            owner=checked_owner, token=uuid.uuid4(), expires_at=now + duration
        )
        with self._transaction():
            rows = list(
                _claimable(self._rows(), now)
                .order_by("available_at", "sequence")
                .select_for_update(skip_locked=True, of=("self",))[:checked_limit]
            )
            self._rows().filter(sequence__in=[row.sequence for row in rows]).update(
                lease_owner=lease.owner,
                lease_token=lease.token,
                lease_expires_at=lease.expires_at,
                attempts=models.F("attempts") + 1,
            )
        rows.sort(key=lambda row: row.sequence)
        events = tuple(
            ClaimedEvent(
                event=convert.outbox_event(row),
                attempt=row.attempts + 1,
                lease=lease,
                last_error=row.last_error,
            )
            for row in rows
        )
        return Claim(lease=lease, events=events)

    def acknowledge(self, token: UUID, event_ids: Iterable[UUID]) -> Settlement:
        ids = relay_rules.check_event_ids(event_ids)
        now = self._clock()
        with self._transaction():
            held = self._held(token, ids, now)
            rows = dict(held.values_list("sequence", "event_id"))
            self._rows().filter(sequence__in=rows).update(
                delivered_at=now, lease_token=None, lease_expires_at=None
            )
        return settlement(ids, rows.values())

    def fail(
        self,
        token: UUID,
        event_ids: Iterable[UUID],
        *,
        error: str,
        policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    ) -> Settlement:
        ids = relay_rules.check_event_ids(event_ids)
        reason = relay_rules.clip_error(error)
        now = self._clock()
        dead: list[UUID] = []
        with self._transaction():
            rows = list(
                self._held(token, ids, now).values_list(
                    "sequence", "event_id", "attempts"
                )
            )
            by_attempts: dict[int, list[int]] = defaultdict(list)
            for sequence, event_id, attempts in rows:
                if attempts >= policy.max_attempts:
                    dead.append(event_id)
                    by_attempts[-1].append(sequence)
                else:
                    by_attempts[attempts].append(sequence)
            for attempts, sequences in by_attempts.items():
                changes: dict[str, object] = {
                    "lease_token": None,
                    "lease_expires_at": None,
                    "last_error": reason,
                }
                if attempts < 0:
                    changes["dead_lettered_at"] = now
                else:
                    changes["available_at"] = now + policy.delay(attempts)
                self._rows().filter(sequence__in=sequences).update(**changes)
        return settlement(ids, [row[1] for row in rows], dead)

    def release(self, token: UUID, event_ids: Iterable[UUID]) -> Settlement:
        ids = relay_rules.check_event_ids(event_ids)
        now = self._clock()
        with self._transaction():
            held = self._held(token, ids, now)
            rows = dict(held.values_list("sequence", "event_id"))
            self._rows().filter(sequence__in=rows).update(
                lease_token=None,
                lease_expires_at=None,
                attempts=Greatest(models.F("attempts") - 1, 0),
            )
        return settlement(ids, rows.values())

    def release_owner(self, owner: str) -> int:
        checked_owner = relay_rules.check_owner(owner)
        with self._transaction():
            # The previous process may have reached its sink, so the attempt
            # still counts.
            return (
                self._rows()
                .filter(
                    lease_owner=checked_owner,
                    lease_token__isnull=False,
                    delivered_at__isnull=True,
                )
                .update(lease_token=None, lease_expires_at=None)
            )

    def purge_delivered(self, *, delivered_before: datetime, limit: int) -> int:
        checked_limit = relay_rules.check_batch_size("limit", limit)
        moment = rules.check_aware("delivered_before", delivered_before)
        with self._transaction():
            batch = (
                self._rows()
                .filter(delivered_at__lt=moment)
                .order_by("delivered_at")
                .values("sequence")[:checked_limit]
            )
            deleted, _ = self._rows().filter(sequence__in=batch).delete()
        return deleted

    def counts(self) -> RelayCounts:
        now = self._clock()
        leased = models.Q(lease_expires_at__gt=now)
        live = models.Q(dead_lettered_at__isnull=True)
        with self._transaction():
            figures = (
                self._rows()
                .filter(delivered_at__isnull=True)
                .aggregate(
                    pending=models.Count("sequence", filter=live & ~leased),
                    retrying=models.Count(
                        "sequence",
                        filter=live & ~leased & models.Q(available_at__gt=now),
                    ),
                    leased=models.Count("sequence", filter=live & leased),
                    dead=models.Count("sequence", filter=~live),
                    oldest=models.Min("created_at", filter=live),
                )
            )
        return RelayCounts(
            pending=figures["pending"],
            retrying=figures["retrying"],
            leased=figures["leased"],
            dead_lettered=figures["dead"],
            oldest_pending_at=figures["oldest"],
            measured_at=now,
        )

    def _rows(self) -> models.QuerySet[tables.OutboxEvent]:
        return tables.OutboxEvent._default_manager.using(self._using)

    def _held(
        self, token: UUID, ids: tuple[UUID, ...], now: datetime
    ) -> models.QuerySet[tables.OutboxEvent]:
        """Lock the undelivered rows among ``ids`` that ``token`` leases at ``now``.

        An expired lease holds nothing, even before another relay claims its
        rows, so a late call settles none of them.
        """
        checked = relay_rules.check_token(token)
        return (
            self._rows()
            .select_for_update()
            .filter(
                lease_token=checked,
                lease_expires_at__gt=now,
                event_id__in=ids,
                delivered_at__isnull=True,
            )
        )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # The relay spans tenants, so it can't join a tenant's unit of work;
        # cross_tenant raises UeStoreError inside one.
        with cross_tenant(self._using, "outbox relay"):
            yield


def _claimable(
    rows: models.QuerySet[tables.OutboxEvent], now: datetime
) -> models.QuerySet[tables.OutboxEvent]:
    """Filter due, unleased rows whose aggregate has no earlier undelivered row."""
    earlier = tables.OutboxEvent._default_manager.filter(
        tenant_id=models.OuterRef("tenant_id"),
        aggregate_type=models.OuterRef("aggregate_type"),
        aggregate_id=models.OuterRef("aggregate_id"),
        sequence__lt=models.OuterRef("sequence"),
        delivered_at__isnull=True,
    )
    return rows.filter(
        models.Q(lease_expires_at__isnull=True) | models.Q(lease_expires_at__lte=now),
        ~models.Exists(earlier),
        delivered_at__isnull=True,
        dead_lettered_at__isnull=True,
        available_at__lte=now,
    )
