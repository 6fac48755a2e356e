"""The audit trail and outbox of the in-memory store, read-only to callers."""

from __future__ import annotations

import copy

from ue_store.domain import rules
from ue_store.domain.entities import AuditRecord, OutboxEvent
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE

from .base import Repository, page_by_sequence


class MemoryAuditTrail(Repository):
    def list(
        self,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[AuditRecord]:
        self._reading()
        type_filter = _optional_text("target_type", target_type)
        id_filter = _optional_text("target_id", target_id)
        rows = [
            record
            for record in self._tables.audit.rows(self._tenant_id)
            if (type_filter is None or record.target_type == type_filter)
            and (id_filter is None or record.target_id == id_filter)
        ]
        page = page_by_sequence(rows, lambda record: record.sequence, after, limit)
        # Deep copies, so that a caller who mutates details cannot change the store.
        return Page(copy.deepcopy(page.items), page.next_cursor)


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


def _optional_text(field: str, value: object) -> str | None:
    if value is None:
        return None
    return rules.check_text(field, value, max_length=rules.KEY_MAX_LENGTH)
