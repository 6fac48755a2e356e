"""Tables of the in-memory store and the undo journal that rolls them back."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
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
from ue_store.domain.rules import normalise_key

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


class Table(Generic[K, R]):
    """Records of one kind, partitioned by tenant id and keyed within a tenant.

    Writes go through a Journal so that a unit of work can undo them. Each
    named index maps a natural key, such as an email key, to the record's key
    within the tenant, so that lookups and uniqueness checks don't scan the
    tenant. An index function returns None for a record it leaves out.
    """

    def __init__(self, **indexes: Callable[[R], Hashable | None]) -> None:
        self._partitions: dict[UUID, dict[K, R]] = {}
        self._index_functions = indexes
        self._indexes: dict[tuple[UUID, str], dict[Hashable, K]] = {}

    def get(self, tenant_id: UUID, key: K) -> R | None:
        return self._partitions.get(tenant_id, {}).get(key)

    def find(self, tenant_id: UUID, index: str, value: Hashable) -> R | None:
        """Return the tenant's record whose ``index`` value is ``value``."""
        key = self._indexes.get((tenant_id, index), {}).get(value)
        return None if key is None else self.get(tenant_id, key)

    def rows(self, tenant_id: UUID) -> tuple[R, ...]:
        """Return a snapshot of the tenant's records, safe to hold across writes."""
        return tuple(self._partitions.get(tenant_id, {}).values())

    def count(self, tenant_id: UUID) -> int:
        """Return the number of the tenant's records."""
        return len(self._partitions.get(tenant_id, {}))

    def all_rows(self) -> Iterator[R]:
        for partition in self._partitions.values():
            yield from partition.values()

    def set_row(self, tenant_id: UUID, key: K, record: R | None) -> None:
        """Store ``record`` under ``key``, or remove the key when it is None.

        Not journalled: callers write through ``Journal.put`` and
        ``Journal.delete``, which call this.
        """
        partition = self._partitions.setdefault(tenant_id, {})
        previous = partition.get(key)
        if previous is not None:
            self._unindex(tenant_id, previous)
        if record is None:
            partition.pop(key, None)
        else:
            partition[key] = record
            self._index(tenant_id, key, record)

    def _index(self, tenant_id: UUID, key: K, record: R) -> None:
        for name, function in self._index_functions.items():
            value = function(record)
            if value is not None:
                self._indexes.setdefault((tenant_id, name), {})[value] = key

    def _unindex(self, tenant_id: UUID, record: R) -> None:
        for name, function in self._index_functions.items():
            value = function(record)
            if value is not None:
                self._indexes.get((tenant_id, name), {}).pop(value, None)


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """The relay's state of one outbox event; an event without one is fresh."""

    available_at: datetime
    attempts: int = 0
    last_error: str | None = None
    lease_owner: str | None = None
    lease_token: UUID | None = None
    lease_expires_at: datetime | None = None
    dead_lettered_at: datetime | None = None


@dataclass(slots=True)
class Tables:
    """Every table of the store.

    Audit rows are keyed by their position in the tenant's chain, outbox rows
    by sequence number.
    """

    tenants: Table[UUID, TenantAccount] = field(default_factory=Table)
    users: Table[UUID, User] = field(default_factory=lambda: Table(email=_email_key))
    accounts: Table[UUID, Account] = field(
        default_factory=lambda: Table(username=lambda row: normalise_key(row.username))
    )
    identities: Table[UUID, ExternalIdentity] = field(
        default_factory=lambda: Table(subject=lambda row: (row.issuer, row.subject))
    )
    applications: Table[UUID, Application] = field(
        default_factory=lambda: Table(client_id=lambda row: row.client_id)
    )
    bindings: Table[UUID, Binding] = field(
        default_factory=lambda: Table(
            pair=lambda row: (row.account_id, row.application_id)
        )
    )
    catalog: Table[UUID, CatalogAttribute] = field(
        default_factory=lambda: Table(key=lambda row: (row.application_id, row.key))
    )
    #: Keyed by (user_id, attribute_id).
    profiles: Table[tuple[UUID, UUID], ProfileValue] = field(default_factory=Table)
    groups: Table[UUID, Group] = field(
        default_factory=lambda: Table(name=lambda row: (row.parent_id, row.name))
    )
    memberships: Table[UUID, Membership] = field(
        default_factory=lambda: Table(pair=lambda row: (row.group_id, row.account_id))
    )
    audit: Table[int, AuditRecord] = field(default_factory=Table)
    outbox: Table[int, OutboxEvent] = field(default_factory=Table)
    #: Keyed by the outbox event's sequence number.
    deliveries: Table[int, Delivery] = field(default_factory=Table)


def _email_key(user: User) -> str | None:
    return None if user.primary_email is None else normalise_key(user.primary_email)


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
