"""The audit trail of the PostgreSQL store, read-only to callers.

The outbox of a unit lives in ``outbox.py``.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from ue_store import models
from ue_store.domain import pagination, rules
from ue_store.domain.audit_query import AuditQuery, check_audit_query
from ue_store.domain.entities import AuditRecord
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE

from . import convert
from .base import Repository


class PostgresAuditTrail(Repository):
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
        query = check_audit_query(
            target_type=target_type, target_id=target_id, since=since, until=until
        )
        checked_limit = rules.check_limit(limit)
        rows = _filtered(self._rows(models.AuditRecord), query)
        if after is not None:
            # Positions increase with sequence numbers, so the cursor format
            # of sequence-sorted lists fits them.
            rows = rows.filter(position__gt=pagination.decode_sequence_cursor(after))
        with self._reading():
            fetched = list(rows.order_by("position")[: checked_limit + 1])
        return pagination.make_page(
            [convert.audit_record(row) for row in fetched],
            checked_limit,
            lambda record: pagination.encode_sequence_cursor(record.position),
        )


def _filtered(
    rows: QuerySet[models.AuditRecord], query: AuditQuery
) -> QuerySet[models.AuditRecord]:
    """Apply the filters of ``query``; each is served by an index on tenant_id.

    ue_audit_target_idx serves the target filters and ue_audit_time_idx the
    time range; the unique key on (tenant_id, position) serves the rest.
    """
    if query.target_type is not None:
        rows = rows.filter(target_type=query.target_type)
    if query.target_id is not None:
        rows = rows.filter(target_id=query.target_id)
    if query.since is not None:
        rows = rows.filter(occurred_at__gte=query.since)
    if query.until is not None:
        rows = rows.filter(occurred_at__lt=query.until)
    return rows
