"""The outbox of a unit of work in the PostgreSQL store."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from uuid import UUID

from ue_store import models
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

from . import convert
from .base import Repository, page_by_sequence


class PostgresOutbox(Repository):
    def list(
        self, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[OutboxEvent]:
        with self._reading():
            return page_by_sequence(
                self._rows(models.OutboxEvent), convert.outbox_event, after, limit
            )

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
        now = self._now()
        unit = self._unit
        row = models.OutboxEvent(
            tenant_id=unit.tenant_id,
            event_id=uuid.uuid4(),
            event_type=fields.event_type,
            aggregate_type=fields.aggregate_type,
            aggregate_id=fields.aggregate_id,
            payload=fields.payload,
            headers=changes.headers(unit.correlation_id),
            created_at=now,
            available_at=now,
            idempotency_key=fields.idempotency_key,
        )
        with self._writing():
            if fields.idempotency_key is None:
                return convert.outbox_event(self._insert(row))
            # ON CONFLICT DO NOTHING waits for a concurrent unit that inserted
            # the same key, then keeps its row, which the next read returns.
            manager = models.OutboxEvent._default_manager.using(unit.using)
            manager.bulk_create([row], ignore_conflicts=True)
            stored = self._rows(models.OutboxEvent).get(
                idempotency_key=fields.idempotency_key
            )
        return convert.outbox_event(stored)

    def requeue(self, event_ids: Iterable[UUID]) -> tuple[UUID, ...]:
        ids = check_event_ids(event_ids)
        now = self._now()
        with self._writing():
            rows = list(
                self._rows(models.OutboxEvent)
                .select_for_update()
                .filter(
                    event_id__in=ids,
                    dead_lettered_at__isnull=False,
                    delivered_at__isnull=True,
                )
                .order_by("sequence")
            )
            self._rows(models.OutboxEvent).filter(
                sequence__in=[row.sequence for row in rows]
            ).update(
                dead_lettered_at=None,
                attempts=0,
                available_at=now,
                lease_token=None,
                lease_expires_at=None,
            )
            for row in rows:
                self._record_audit(
                    now,
                    REQUEUED_ACTION,
                    REQUEUED_TARGET,
                    str(row.event_id),
                    requeue_details(row.event_type, row.attempts),
                )
        return tuple(row.event_id for row in rows)
