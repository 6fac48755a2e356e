"""The audit trail of the in-memory store, read-only to callers.

The outbox of a unit lives in ``outbox.py``.
"""

from __future__ import annotations

import copy
from datetime import datetime

from ue_store.domain.audit_query import check_audit_query
from ue_store.domain.entities import AuditRecord
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE

from .base import Repository, page_by_sequence


class MemoryAuditTrail(Repository):
    def list(
        self,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[AuditRecord]:
        self._reading()
        query = check_audit_query(
            target_type=target_type, target_id=target_id, since=since, until=until
        )
        rows = [
            record
            for record in self._tables.audit.rows(self._tenant_id)
            if query.matches(record)
        ]
        # Positions increase with sequence numbers, so the cursor format of
        # sequence-sorted lists fits them.
        page = page_by_sequence(rows, lambda record: record.position, after, limit)
        # Deep copies, so that a caller who mutates details cannot change the store.
        return Page(copy.deepcopy(page.items), page.next_cursor)
