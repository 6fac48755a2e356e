"""Tables of the in-memory store and the undo journal that rolls them back."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, TypeVar
from uuid import UUID

from ue_store.domain.entities import (
    Account,
    Application,
    AuditRecord,
    Binding,
    CatalogAttribute,
    ExternalIdentity,
    Group,
    Membership,
    OutboxEvent,
    ProfileValue,
    TenantAccount,
    User,
)

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


class Table(Generic[K, R]):
    """Records of one kind, partitioned by tenant id and keyed within a tenant.

    Writes go through a Journal so that a unit of work can undo them.
    """

    def __init__(self) -> None:
        self._partitions: dict[UUID, dict[K, R]] = {}

    def get(self, tenant_id: UUID, key: K) -> R | None:
        return self._partitions.get(tenant_id, {}).get(key)

    def rows(self, tenant_id: UUID) -> tuple[R, ...]:
        """Return a snapshot of the tenant's records, safe to hold across writes."""
        return tuple(self._partitions.get(tenant_id, {}).values())

    def all_rows(self) -> Iterator[R]:
        for partition in self._partitions.values():
            yield from partition.values()

    def set_row(self, tenant_id: UUID, key: K, record: R | None) -> None:
        """Store ``record`` under ``key``, or remove the key when it is None.

        Not journalled: callers write through ``Journal.put`` and
        ``Journal.delete``, which call this.
        """
        partition = self._partitions.setdefault(tenant_id, {})
        if record is None:
            partition.pop(key, None)
        else:
            partition[key] = record


class Journal:
    """Undo actions of one unit of work, replayed newest first on rollback."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def put(self, table: Table[K, R], tenant_id: UUID, key: K, record: R) -> None:
        self._remember(table, tenant_id, key)
        table.set_row(tenant_id, key, record)

    def delete(self, table: Table[K, R], tenant_id: UUID, key: K) -> None:
        self._remember(table, tenant_id, key)
        table.set_row(tenant_id, key, None)

    def mark(self) -> int:
        """Return a position that ``rollback_to`` can return to."""
        return len(self._undo)

    def rollback_to(self, mark: int) -> None:
        """Undo every write made after ``mark``, newest first."""
        while len(self._undo) > mark:
            self._undo.pop()()

    def _remember(self, table: Table[K, R], tenant_id: UUID, key: K) -> None:
        previous = table.get(tenant_id, key)
        self._undo.append(partial(table.set_row, tenant_id, key, previous))


@dataclass(slots=True)
class Tables:
    """Every table of the store. Audit and outbox rows are keyed by sequence number."""

    tenants: Table[UUID, TenantAccount] = field(default_factory=Table)
    users: Table[UUID, User] = field(default_factory=Table)
    accounts: Table[UUID, Account] = field(default_factory=Table)
    identities: Table[UUID, ExternalIdentity] = field(default_factory=Table)
    applications: Table[UUID, Application] = field(default_factory=Table)
    bindings: Table[UUID, Binding] = field(default_factory=Table)
    catalog: Table[UUID, CatalogAttribute] = field(default_factory=Table)
    #: Keyed by (user_id, attribute_id).
    profiles: Table[tuple[UUID, UUID], ProfileValue] = field(default_factory=Table)
    groups: Table[UUID, Group] = field(default_factory=Table)
    memberships: Table[UUID, Membership] = field(default_factory=Table)
    audit: Table[int, AuditRecord] = field(default_factory=Table)
    outbox: Table[int, OutboxEvent] = field(default_factory=Table)


class Sequences:
    """Store-wide counters for audit and outbox sequence numbers.

    Like a database sequence, a number handed out is never reused, even when
    the unit of work that took it rolls back, so sequences may have gaps.
    """

    def __init__(self) -> None:
        self._audit = itertools.count(1)
        self._outbox = itertools.count(1)

    def next_audit(self) -> int:
        return next(self._audit)

    def next_outbox(self) -> int:
        return next(self._outbox)
