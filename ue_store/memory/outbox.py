"""The outbox of a unit of work in the in-memory store."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from uuid import UUID, uuid4

from ue_store.domain import changes
from ue_store.domain.entities import JSONValue, OutboxEvent
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE
from ue_store.domain.relay import (
    REQUEUED_ACTION,
    REQUEUED_TARGET,
    check_event_fields,
    check_event_ids,
    requeue_details,
)

from .base import Repository, page_by_sequence
from .tables import Delivery


class MemoryOutbox(Repository):
    def list(
        self, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[OutboxEvent]:
        self._reading()
        page = page_by_sequence(
            self._tables.outbox.rows(self._tenant_id),
            lambda event: event.sequence,
            after,
            limit,
        )
        return Page(copy.deepcopy(page.items), page.next_cursor)

    def enqueue(
        self,
        *,
        event_type: str,
        aggregate_type: str,
        aggregate_id: str,
        payload: Mapping[str, JSONValue],
        idempotency_key: str | None = None,
    ) -> OutboxEvent:
        fields = check_event_fields(
            event_type=event_type,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
            payload=payload,
            idempotency_key=idempotency_key,
        )
        with self._writing():
            self._require_tenant()
            if fields.idempotency_key is not None:
                for stored in self._tables.outbox.rows(self._tenant_id):
                    if stored.idempotency_key == fields.idempotency_key:
                        return copy.deepcopy(stored)
            now = self._now()
            unit = self._unit
            event = OutboxEvent(
                tenant_id=unit.tenant_id,
                event_id=uuid4(),
                sequence=unit.sequences.next_outbox(),
                event_type=fields.event_type,
                aggregate_type=fields.aggregate_type,
                aggregate_id=fields.aggregate_id,
                payload=fields.payload,
                headers=changes.headers(unit.correlation_id),
                created_at=now,
                delivered_at=None,
                idempotency_key=fields.idempotency_key,
            )
            self._put(self._tables.outbox, event.sequence, event)
        return copy.deepcopy(event)

    def requeue(self, event_ids: Iterable[UUID]) -> tuple[UUID, ...]:
        ids = set(check_event_ids(event_ids))
        requeued: list[UUID] = []
        with self._writing():
            now = self._now()
            events = sorted(
                self._tables.outbox.rows(self._tenant_id), key=lambda e: e.sequence
            )
            for event in events:
                if event.event_id not in ids or event.delivered_at is not None:
                    continue
                delivery = self._tables.deliveries.get(self._tenant_id, event.sequence)
                if delivery is None or delivery.dead_lettered_at is None:
                    continue
                fresh = dataclasses.replace(
                    delivery,
                    available_at=now,
                    attempts=0,
                    dead_lettered_at=None,
                    lease_token=None,
                    lease_expires_at=None,
                )
                self._put(self._tables.deliveries, event.sequence, fresh)
                self._record_audit(
                    now,
                    REQUEUED_ACTION,
                    REQUEUED_TARGET,
                    str(event.event_id),
                    requeue_details(event.event_type, delivery.attempts),
                )
                requeued.append(event.event_id)
        return tuple(requeued)


def fresh_delivery(event: OutboxEvent) -> Delivery:
    """Return the relay state of an event that no relay has touched."""
    return Delivery(available_at=event.created_at)
