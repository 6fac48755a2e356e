"""The in-memory store: the reference behaviour of the store protocol.

Units of work run one at a time behind a store-wide lock, so a unit sees no
other unit's writes until it ends. Each unit writes straight into the tables
and keeps an undo journal. A rollback replays the journal newest first, so
it restores exactly what the unit changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Final
from uuid import UUID

from ue_store.domain import inputs, rules
from ue_store.domain.entities import (
    Readiness,
    ReadinessCheck,
    SchemaVersion,
    TenantAccount,
)
from ue_store.domain.errors import UeStoreError
from ue_store.domain.relay import DEFAULT_STALL_AFTER, relay_warnings

from .apps import MemoryApplicationRepository, MemoryBindingRepository
from .base import UnitState
from .groups import MemoryGroupRepository, MemoryMembershipRepository
from .identities import MemoryExternalIdentityRepository
from .outbox import MemoryOutbox
from .people import MemoryAccountRepository, MemoryUserRepository
from .profiles import MemoryCatalogRepository, MemoryProfileRepository
from .records import MemoryAuditTrail
from .relay import MemoryRelay
from .tables import Journal, Sequences, Tables
from .tenants import MemoryTenantRepository, get_by_slug

#: The only migration of the in-memory schema. Tests may simulate others.
MIGRATION: Final = "memory.0001"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MemoryUnitOfWork:
    """Reads and writes of one tenant, opened by ``MemoryStore.unit_of_work``."""

    def __init__(self, state: UnitState) -> None:
        self._state = state
        self._tenants = MemoryTenantRepository(state)
        self._users = MemoryUserRepository(state)
        self._accounts = MemoryAccountRepository(state)
        self._identities = MemoryExternalIdentityRepository(state)
        self._applications = MemoryApplicationRepository(state)
        self._bindings = MemoryBindingRepository(state)
        self._catalog = MemoryCatalogRepository(state)
        self._profiles = MemoryProfileRepository(state)
        self._groups = MemoryGroupRepository(state)
        self._memberships = MemoryMembershipRepository(state)
        self._audit = MemoryAuditTrail(state)
        self._outbox = MemoryOutbox(state)

    @property
    def tenant_id(self) -> UUID:
        return self._state.tenant_id

    @property
    def tenants(self) -> MemoryTenantRepository:
        return self._tenants

    @property
    def users(self) -> MemoryUserRepository:
        return self._users

    @property
    def accounts(self) -> MemoryAccountRepository:
        return self._accounts

    @property
    def identities(self) -> MemoryExternalIdentityRepository:
        return self._identities

    @property
    def applications(self) -> MemoryApplicationRepository:
        return self._applications

    @property
    def bindings(self) -> MemoryBindingRepository:
        return self._bindings

    @property
    def catalog(self) -> MemoryCatalogRepository:
        return self._catalog

    @property
    def profiles(self) -> MemoryProfileRepository:
        return self._profiles

    @property
    def groups(self) -> MemoryGroupRepository:
        return self._groups

    @property
    def memberships(self) -> MemoryMembershipRepository:
        return self._memberships

    @property
    def audit(self) -> MemoryAuditTrail:
        return self._audit

    @property
    def outbox(self) -> MemoryOutbox:
        return self._outbox

    @contextmanager
    def nested(self) -> Iterator[MemoryUnitOfWork]:
        """Open a savepoint that undoes only its own writes when an exception ends it.

        Yields this same unit, which stays usable after the savepoint ends.
        """
        self._state.ensure_open()
        mark = self._state.journal.mark()
        try:
            yield self
        except BaseException:
            self._state.journal.rollback_to(mark)
            raise


class MemoryStore:
    """A store that keeps every tenant's records in process memory.

    Args:
        clock: Returns the current time, timezone-aware, for every timestamp
            the store writes. Defaults to ``datetime.now(UTC)``.
        stall_after: Age of the oldest undelivered outbox event above which
            readiness warns that the relay is stalled.
    """

    def __init__(
        self,
        clock: Callable[[], datetime] | None = None,
        *,
        stall_after: timedelta = DEFAULT_STALL_AFTER,
    ) -> None:
        self._clock = clock or _utc_now
        self._stall_after = stall_after
        # Held for the whole of each unit of work, so units run one at a time.
        self._lock = threading.RLock()
        self._owner: int | None = None
        self._tables = Tables()
        self._sequences = Sequences()
        self._schema = SchemaVersion(applied=(MIGRATION,), expected=(MIGRATION,))

    def unit_of_work(
        self,
        tenant_id: UUID,
        *,
        actor: str,
        correlation_id: str | None = None,
    ) -> AbstractContextManager[MemoryUnitOfWork]:
        """Open a unit of work bound to one tenant.

        Entering the unit waits until any unit open in another thread ends.
        Opening a second unit in a thread that already has one open raises
        UeStoreError. Use ``uow.nested()`` for a savepoint instead.
        """
        checked_tenant = rules.check_uuid("tenant_id", tenant_id)
        checked_actor, checked_correlation = inputs.check_unit(actor, correlation_id)
        return self._open_unit(checked_tenant, checked_actor, checked_correlation)

    @contextmanager
    def _open_unit(
        self, tenant_id: UUID, actor: str, correlation_id: str | None
    ) -> Iterator[MemoryUnitOfWork]:
        # Only the thread holding the lock ever sets the owner to its own id.
        if self._owner == threading.get_ident():
            raise UeStoreError(
                "a unit of work is already open in this thread; "
                "use uow.nested() for a savepoint"
            )
        with self._lock:
            self._owner = threading.get_ident()
            state = UnitState(
                tenant_id=tenant_id,
                actor=actor,
                correlation_id=correlation_id,
                tables=self._tables,
                journal=Journal(),
                sequences=self._sequences,
                clock=self._clock,
            )
            try:
                yield MemoryUnitOfWork(state)
            except BaseException:
                state.journal.rollback_to(0)
                raise
            finally:
                state.is_open = False
                self._owner = None

    def find_tenant_by_slug(self, slug: str) -> TenantAccount:
        with self._lock:
            return get_by_slug(self._tables, slug)

    def readiness(self) -> Readiness:
        database = ReadinessCheck(
            name="database", ok=True, reason="in-memory store is available"
        )
        warnings = relay_warnings(self.relay().counts(), self._stall_after)
        return Readiness(
            checks=(database, _migrations_check(self.schema_version())),
            warnings=warnings,
        )

    def relay(self) -> MemoryRelay:
        """Return the outbox relay operations over this store's events."""
        return MemoryRelay(
            self._tables,
            self._lock,
            self._clock,
            lambda: self._owner == threading.get_ident(),
        )

    def schema_version(self) -> SchemaVersion:
        return self._schema

    def simulate_schema(
        self, *, applied: tuple[str, ...], expected: tuple[str, ...]
    ) -> SchemaVersion:
        """Test hook: report these migration names, and return the previous ones.

        Only ``readiness()`` and ``schema_version()`` change; units of work
        keep working.
        """
        previous = self._schema
        self._schema = SchemaVersion(
            applied=tuple(sorted(applied)), expected=tuple(sorted(expected))
        )
        return previous


def _migrations_check(schema: SchemaVersion) -> ReadinessCheck:
    if set(schema.applied) - set(schema.expected):
        return ReadinessCheck(
            name="migrations", ok=False, reason="database schema is ahead of the code"
        )
    pending = len(set(schema.expected) - set(schema.applied))
    if pending:
        return ReadinessCheck(
            name="migrations", ok=False, reason=f"{pending} migration(s) pending"
        )
    return ReadinessCheck(name="migrations", ok=True, reason="all migrations applied")
