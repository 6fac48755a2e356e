"""The audit trail and outbox of the PostgreSQL store, read-only to callers."""

from __future__ import annotations

from ue_store import models
from ue_store.domain import rules
from ue_store.domain.entities import AuditRecord, OutboxEvent
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE

from . import convert
from .base import Repository, page_by_sequence


class PostgresAuditTrail(Repository):
    def list(
        self,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[AuditRecord]:
        rows = self._rows(models.AuditRecord)
        if target_type is not None:
            rows = rows.filter(target_type=_text("target_type", target_type))
        if target_id is not None:
            rows = rows.filter(target_id=_text("target_id", target_id))
        with self._reading():
            return page_by_sequence(rows, convert.audit_record, after, limit)


class PostgresOutbox(Repository):
    def list(
        self, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[OutboxEvent]:
        with self._reading():
            return page_by_sequence(
                self._rows(models.OutboxEvent), convert.outbox_event, after, limit
            )


def _text(field: str, value: object) -> str:
    return rules.check_text(field, value, max_length=rules.KEY_MAX_LENGTH)
