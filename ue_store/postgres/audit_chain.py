"""Appends to a tenant's audit hash chain, serialised per tenant.

Each tenant's chain has one head, so two transactions must not append to it
at once. A transaction-level advisory lock keyed by the tenant serialises
them: ``lock_chain`` takes it at the start of every write, before the write
locks any row, and holds it until the transaction ends. Because every write
takes the chain lock first, two units of one tenant can't deadlock over
their row locks, at the price of running one writing unit per tenant at a
time. Readers take no lock.

The head is read in a statement that starts after the lock is granted, so
at READ COMMITTED, the server default, its snapshot includes every record
that the previous holder committed. Under REPEATABLE READ or SERIALIZABLE
the snapshot may be older, and the unique key on ``(tenant_id, position)``
then rejects the second of two appends at one position instead of forking
the chain.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final
from uuid import UUID

from django.db import connections

from ue_store import models
from ue_store.domain import audit_chain
from ue_store.domain.entities import JSONValue

#: First key of the advisory lock, "ueac" in ASCII, so that the lock is
#: recognisable in pg_locks (column classid) and does not collide with
#: single-key advisory locks of other software.
LOCK_NAMESPACE: Final = 0x75656163


def lock_key(tenant_id: UUID) -> int:
    """Return the second key of the tenant's chain lock, a signed 32-bit int.

    Hashing spreads tenant ids that share leading bytes, such as UUIDv7
    ids issued close together. Two tenants that share a key only wait for
    each other.
    """
    digest = hashlib.sha256(tenant_id.bytes).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def lock_chain(using: str, tenant_id: UUID) -> None:
    """Hold the tenant's chain lock until the current transaction ends."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
            [LOCK_NAMESPACE, lock_key(tenant_id)],
        )


def read_head(using: str, tenant_id: UUID) -> tuple[int, str] | None:
    """Return the position and hash of the tenant's last audit record."""
    return (
        models.AuditRecord._default_manager.using(using)
        .filter(tenant_id=tenant_id)
        .order_by("-position")
        .values_list("position", "record_hash")
        .first()
    )


def append(
    using: str,
    *,
    head: tuple[int, str] | None,
    tenant_id: UUID,
    occurred_at: datetime,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    correlation_id: str | None,
    details: dict[str, JSONValue],
) -> models.AuditRecord:
    """Insert the tenant's next audit record, linked to the chain head.

    The caller must hold the tenant's chain lock (``lock_chain``) in the
    current transaction; ``Repository._writing`` takes it for every write.
    Without the lock, two units could read the same head, and the unique
    key on (tenant_id, position) would reject the second of them.

    ``head`` is the position and hash this unit appended last, or None to
    read the head from the table. Inside one long transaction the planner's
    statistics lag behind, and the read can cost a scan of every record of
    the tenant, so a unit reads it once and then carries it.
    """
    if head is None:
        head = read_head(using, tenant_id)
    if head is None:
        position, previous_hash = 1, audit_chain.GENESIS_HASH
    else:
        position, previous_hash = head[0] + 1, head[1]
    content = audit_chain.ChainContent(
        tenant_id=tenant_id,
        position=position,
        occurred_at=occurred_at,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        correlation_id=correlation_id,
        details=details,
        previous_hash=previous_hash,
    )
    row = models.AuditRecord(
        tenant_id=tenant_id,
        position=position,
        occurred_at=occurred_at,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        correlation_id=correlation_id,
        details=details,
        previous_hash=previous_hash,
        record_hash=audit_chain.compute_hash(content),
    )
    row.save(using=using, force_insert=True)
    return row
