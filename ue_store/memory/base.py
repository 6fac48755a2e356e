"""Plumbing shared by the in-memory repositories: unit state, writes, pages."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID, uuid4

from ue_store.domain import audit_chain, changes, pagination, rules
from ue_store.domain.changes import Record
from ue_store.domain.entities import JSONValue, OutboxEvent
from ue_store.domain.errors import ConcurrencyConflict, NotFound, UeStoreError
from ue_store.domain.pagination import Page

from .tables import Journal, Sequences, Table, Tables

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


@dataclass(slots=True)
class UnitState:
    """State shared by every repository of one unit of work."""

    tenant_id: UUID
    actor: str
    correlation_id: str | None
    tables: Tables
    journal: Journal
    sequences: Sequences
    clock: Callable[[], datetime]
    is_open: bool = True
    thread_id: int = field(default_factory=threading.get_ident)

    def ensure_open(self) -> None:
        if not self.is_open:
            raise UeStoreError(
                "unit of work is closed; open a new one with store.unit_of_work()"
            )
        if threading.get_ident() != self.thread_id:
            # Another thread would write through its own connection, outside
            # this unit's transaction.
            raise UeStoreError(
                "a unit of work belongs to the thread that opened it; "
                "open a unit in this thread instead"
            )


class Repository:
    """Base of the repositories: tenant checks, atomic writes and change records."""

    def __init__(self, unit: UnitState) -> None:
        self._unit = unit

    @property
    def _tables(self) -> Tables:
        return self._unit.tables

    @property
    def _tenant_id(self) -> UUID:
        return self._unit.tenant_id

    def _reading(self) -> None:
        self._unit.ensure_open()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Make one write atomic: on any error, undo what it wrote and re-raise.

        Writes run every check before they store anything, so the undo matters
        only for unexpected errors, and then it keeps the unit usable too.
        """
        self._unit.ensure_open()
        mark = self._unit.journal.mark()
        try:
            yield
        except BaseException:
            self._unit.journal.rollback_to(mark)
            raise

    def _now(self) -> datetime:
        return self._unit.clock()

    def _require_tenant(self) -> None:
        """Raise NotFound unless the unit's tenant account exists."""
        if self._tables.tenants.get(self._tenant_id, self._tenant_id) is None:
            raise NotFound("tenant account", self._tenant_id)

    def _fetch(
        self, table: Table[K, R], entity: str, key: K, *, label: object = None
    ) -> R:
        """Return the tenant's record under ``key``, or raise NotFound.

        ``label`` names the record in the error when ``key`` is not its id.
        """
        record = table.get(self._tenant_id, key)
        if record is None:
            raise NotFound(entity, key if label is None else label)
        return record

    def _fetch_at_version(
        self, table: Table[UUID, V], entity: str, key: UUID, expected_version: int
    ) -> V:
        record = self._fetch(table, entity, key)
        if record.version != expected_version:
            raise ConcurrencyConflict(entity, key, expected_version)
        return record

    def _put(self, table: Table[K, R], key: K, record: R) -> None:
        self._unit.journal.put(table, self._tenant_id, key, record)

    def _delete(self, table: Table[K, R], key: K) -> None:
        self._unit.journal.delete(table, self._tenant_id, key)

    def _record_change(
        self,
        verb: str,
        record: Record,
        now: datetime,
        changed: Iterable[str] = (),
        *,
        sensitive: bool = False,
    ) -> None:
        """Write the one audit record and one outbox event of a change."""
        change = changes.describe(verb, record, changed, sensitive=sensitive)
        unit = self._unit
        self._record_audit(
            now, change.action, change.target_type, change.target_id, change.details
        )
        event = OutboxEvent(
            tenant_id=unit.tenant_id,
            event_id=uuid4(),
            sequence=unit.sequences.next_outbox(),
            event_type=change.action,
            aggregate_type=change.target_type,
            aggregate_id=change.target_id,
            payload=change.payload,
            headers=changes.headers(unit.correlation_id),
            created_at=now,
            delivered_at=None,
        )
        self._put(unit.tables.outbox, event.sequence, event)

    def _record_audit(
        self,
        now: datetime,
        action: str,
        target_type: str,
        target_id: str,
        details: dict[str, JSONValue],
    ) -> None:
        """Write one audit record of the unit; every audit insert goes here.

        The record extends the tenant's hash chain. Units run one at a time,
        so the chain head can't move while this runs.
        """
        unit = self._unit
        table = unit.tables.audit
        position = table.count(unit.tenant_id) + 1
        head = table.get(unit.tenant_id, position - 1)
        content = audit_chain.ChainContent(
            tenant_id=unit.tenant_id,
            position=position,
            occurred_at=now,
            actor=unit.actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            correlation_id=unit.correlation_id,
            details=details,
            previous_hash=audit_chain.GENESIS_HASH
            if head is None
            else head.record_hash,
        )
        audit = audit_chain.seal(content, sequence=unit.sequences.next_audit())
        self._put(table, audit.position, audit)


def optional_uuid(field: str, value: object) -> UUID | None:
    return None if value is None else rules.check_uuid(field, value)


def page_by_time(
    rows: Iterable[R],
    sort_key: Callable[[R], tuple[datetime, UUID]],
    after: str | None,
    limit: int,
) -> Page[R]:
    """Page records sorted by a (timestamp, id) key, after a time cursor."""
    checked_limit = rules.check_limit(limit)
    start = None if after is None else pagination.decode_time_cursor(after)
    ordered = sorted(rows, key=sort_key)
    if start is not None:
        ordered = [row for row in ordered if sort_key(row) > start]
    return pagination.make_page(
        ordered[: checked_limit + 1],
        checked_limit,
        lambda row: pagination.encode_time_cursor(*sort_key(row)),
    )


def page_by_id(
    rows: Iterable[R], sort_key: Callable[[R], UUID], after: str | None, limit: int
) -> Page[R]:
    """Page records sorted by one UUID, after an id cursor."""
    checked_limit = rules.check_limit(limit)
    start = None if after is None else pagination.decode_id_cursor(after)
    ordered = sorted(rows, key=sort_key)
    if start is not None:
        ordered = [row for row in ordered if sort_key(row) > start]
    return pagination.make_page(
        ordered[: checked_limit + 1],
        checked_limit,
        lambda row: pagination.encode_id_cursor(sort_key(row)),
    )


def page_by_sequence(
    rows: Iterable[R], sort_key: Callable[[R], int], after: str | None, limit: int
) -> Page[R]:
    """Page records sorted by sequence number, after a sequence cursor."""
    checked_limit = rules.check_limit(limit)
    start = None if after is None else pagination.decode_sequence_cursor(after)
    ordered = sorted(rows, key=sort_key)
    if start is not None:
        ordered = [row for row in ordered if sort_key(row) > start]
    return pagination.make_page(
        ordered[: checked_limit + 1],
        checked_limit,
        lambda row: pagination.encode_sequence_cursor(sort_key(row)),
    )
