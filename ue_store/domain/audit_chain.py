"""The hash chain that makes each tenant's audit trail tamper-evident.

Every audit record stores ``record_hash``, the SHA-256 of its canonical
content, and that content includes ``previous_hash``, the hash of the
tenant's record one position earlier. Positions count a tenant's records
from 1 without gaps, in the order the store appended them. Editing a record
changes its hash. Removing one leaves a gap in the positions and a
``previous_hash`` that matches nothing. Either way the chain breaks at that
record or the next one.

The chain proves nothing about records cut off the end, and someone who can
write the table can recompute every later hash. Both are caught only by
comparing the chain head with a copy kept elsewhere, which is why
``ChainVerifier`` reports the head it reached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from uuid import UUID

from .entities import AuditRecord, JSONValue

#: Version of the canonical layout below. A new layout needs a new version,
#: because the hashes of stored records must keep verifying.
CANONICAL_VERSION: Final = 1
#: The ``previous_hash`` of a tenant's first record.
GENESIS_HASH: Final = "0" * 64
#: Length of a hash in hexadecimal digits.
HASH_LENGTH: Final = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainContent:
    """The fields of an audit record that its hash covers."""

    tenant_id: UUID
    position: int
    occurred_at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    correlation_id: str | None
    details: dict[str, JSONValue]
    previous_hash: str


def canonical_bytes(content: ChainContent) -> bytes:
    """Encode ``content`` as canonical JSON: sorted keys, no spaces, UTF-8.

    The time is written in UTC with microseconds, the precision of
    PostgreSQL's timestamptz, so a record hashes alike before it is stored
    and after it is read back.

    NOTE: a float in ``details`` could come back from jsonb in another form
    (1e300 returns as an integer). ``changes.describe`` writes no floats.
    """
    document: dict[str, JSONValue] = {
        "v": CANONICAL_VERSION,
        "tenant_id": str(content.tenant_id),
        "position": content.position,
        "occurred_at": content.occurred_at.astimezone(UTC).isoformat(
            timespec="microseconds"
        ),
        "actor": content.actor,
        "action": content.action,
        "target_type": content.target_type,
        "target_id": content.target_id,
        "correlation_id": content.correlation_id,
        "details": content.details,
        "previous_hash": content.previous_hash,
    }
    text = json.dumps(
        document,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return text.encode("utf-8")


def compute_hash(content: ChainContent) -> str:
    """Return the SHA-256 of the canonical content, in lowercase hexadecimal."""
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def content_of(record: AuditRecord) -> ChainContent:
    """Return the hashed fields of a stored record."""
    return ChainContent(
        tenant_id=record.tenant_id,
        position=record.position,
        occurred_at=record.occurred_at,
        actor=record.actor,
        action=record.action,
        target_type=record.target_type,
        target_id=record.target_id,
        correlation_id=record.correlation_id,
        details=record.details,
        previous_hash=record.previous_hash,
    )


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first record of a tenant's chain that failed verification.

    ``position`` and ``sequence`` are those of the record as stored;
    ``reason`` names the check that failed.
    """

    tenant_id: UUID
    position: int
    sequence: int
    reason: str


class ChainVerifier:
    """Check one tenant's records, fed one at a time in position order.

    Holds only the last record's position, sequence and hash, so a caller
    can stream a chain of any length through it.
    """

    def __init__(self, tenant_id: UUID) -> None:
        self.tenant_id = tenant_id
        self.count = 0
        self.head_hash = GENESIS_HASH
        self._last_sequence: int | None = None

    def add(self, record: AuditRecord) -> ChainBreak | None:
        """Check the next record; return the break it shows, or None."""
        reason = self._failed_check(record)
        if reason is not None:
            return ChainBreak(self.tenant_id, record.position, record.sequence, reason)
        self.count += 1
        self.head_hash = record.record_hash
        self._last_sequence = record.sequence
        return None

    def _failed_check(self, record: AuditRecord) -> str | None:
        expected_position = self.count + 1
        if record.tenant_id != self.tenant_id:
            return f"belongs to tenant {record.tenant_id}"
        if record.position != expected_position:
            return (
                f"position {record.position} follows position {self.count}; "
                f"{expected_position} is missing"
            )
        if record.previous_hash != self.head_hash:
            return "previous_hash does not match the hash of the record before it"
        if record.record_hash != compute_hash(content_of(record)):
            return "record_hash does not match the record's content"
        if self._last_sequence is not None and record.sequence <= self._last_sequence:
            # The store lists records by position and sequence alike; a lower
            # sequence means the row was written outside the store.
            return f"sequence {record.sequence} is not above {self._last_sequence}"
        return None


def verify_chain(tenant_id: UUID, records: Iterable[AuditRecord]) -> ChainBreak | None:
    """Check a tenant's records in position order; return the first break."""
    verifier = ChainVerifier(tenant_id)
    for record in records:
        failure = verifier.add(record)
        if failure is not None:
            return failure
    return None


def seal(content: ChainContent, *, sequence: int) -> AuditRecord:
    """Return the audit record of ``content``, with its hash computed."""
    return AuditRecord(
        tenant_id=content.tenant_id,
        sequence=sequence,
        position=content.position,
        occurred_at=content.occurred_at,
        actor=content.actor,
        action=content.action,
        target_type=content.target_type,
        target_id=content.target_id,
        correlation_id=content.correlation_id,
        details=content.details,
        previous_hash=content.previous_hash,
        record_hash=compute_hash(content),
    )
