"""Recompute the audit hash chains stored in PostgreSQL.

Every read is a keyset query of at most ``chunk_size`` rows, so memory stays
bounded whatever the size of the table. Each query runs in its own short
cross-tenant transaction (``tenancy.cross_tenant``): records appended while
the check runs extend the chain past the part already read, which the check
then reads or leaves for next time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final
from uuid import UUID

from ue_store import models
from ue_store.domain.audit_chain import ChainBreak, ChainVerifier
from ue_store.domain.entities import AuditRecord

from . import convert
from .tenancy import cross_tenant

REASON: Final = "audit chain verification"

#: Records read per query unless the caller chooses otherwise.
DEFAULT_CHUNK_SIZE: Final = 1000


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of checking one tenant's chain.

    ``count`` (the head position) and ``head_hash`` describe the valid
    part: up to the break, or the whole chain when ``failure`` is None.
    Keeping both elsewhere lets a later check detect records cut off the
    end or a chain recomputed after an edit.
    """

    tenant_id: UUID
    count: int
    head_hash: str
    failure: ChainBreak | None


def audit_tenant_ids(using: str) -> Iterator[UUID]:
    """Yield every tenant id that has audit records, in order, one query each.

    Includes tenants whose tenant account no longer exists, because audit
    records have no foreign key to it. Each query is one step along the
    primary key (tenant_id, sequence).
    """
    rows = models.AuditRecord._default_manager.using(using).order_by("tenant_id")
    last: UUID | None = None
    while True:
        page = rows if last is None else rows.filter(tenant_id__gt=last)
        with cross_tenant(using, REASON):
            found = page.values_list("tenant_id", flat=True).first()
        if found is None:
            return
        yield found
        last = found


def head_position(using: str, tenant_id: UUID) -> int:
    """Return the highest position stored for the tenant, 0 when it has none."""
    with cross_tenant(using, REASON):
        found = (
            models.AuditRecord._default_manager.using(using)
            .filter(tenant_id=tenant_id)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
    return 0 if found is None else found


def chain_records(
    using: str, tenant_id: UUID, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[AuditRecord]:
    """Yield the tenant's records in position order, ``chunk_size`` per query."""
    rows = models.AuditRecord._default_manager.using(using).filter(tenant_id=tenant_id)
    last_position = 0
    while True:
        with cross_tenant(using, REASON):
            chunk = list(
                rows.filter(position__gt=last_position).order_by("position")[
                    :chunk_size
                ]
            )
        for row in chunk:
            yield convert.audit_record(row)
        if len(chunk) < chunk_size:
            return
        last_position = chunk[-1].position


def verify_tenant(
    using: str,
    tenant_id: UUID,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_record: Callable[[int], None] | None = None,
) -> ChainReport:
    """Check one tenant's chain up to its first break.

    ``on_record`` is called with the number of records checked so far after
    each valid record, for progress reports.
    """
    verifier = ChainVerifier(tenant_id)
    for record in chain_records(using, tenant_id, chunk_size):
        failure = verifier.add(record)
        if failure is not None:
            return ChainReport(tenant_id, verifier.count, verifier.head_hash, failure)
        if on_record is not None:
            on_record(verifier.count)
    return ChainReport(tenant_id, verifier.count, verifier.head_hash, None)
