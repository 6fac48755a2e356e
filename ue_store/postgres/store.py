"""The PostgreSQL store: units of work over Django database transactions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from uuid import UUID

from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from ue_store.domain import inputs, rules
from ue_store.domain.entities import Readiness, SchemaVersion, TenantAccount
from ue_store.domain.errors import UeStoreError
from ue_store.domain.relay import DEFAULT_STALL_AFTER

from .applications import PostgresApplicationRepository, PostgresBindingRepository
from .base import UnitState
from .catalog import PostgresCatalogRepository
from .errors import driver_error_name, translate
from .groups import PostgresGroupRepository, PostgresMembershipRepository
from .identities import PostgresExternalIdentityRepository
from .outbox import PostgresOutbox
from .people import PostgresAccountRepository, PostgresUserRepository
from .profiles import PostgresProfileRepository
from .readiness import check_readiness, read_schema_version
from .records import PostgresAuditTrail
from .relay import PostgresRelay
from .tenancy import UNIT_OPEN_FLAG, bind_tenant, read_settings, restore_settings
from .tenants import PostgresTenantRepository, find_by_slug

logger = logging.getLogger(__name__)

# Attributes that the store sets on Django's per-thread connection object.
_UNIT_OPEN = UNIT_OPEN_FLAG
_CALLER_TRANSACTION = "_ue_store_caller_transaction"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PostgresUnitOfWork:
    """Reads and writes of one tenant in one database transaction."""

    def __init__(self, state: UnitState) -> None:
        self._state = state
        self._tenants = PostgresTenantRepository(state)
        self._users = PostgresUserRepository(state)
        self._accounts = PostgresAccountRepository(state)
        self._identities = PostgresExternalIdentityRepository(state)
        self._applications = PostgresApplicationRepository(state)
        self._bindings = PostgresBindingRepository(state)
        self._catalog = PostgresCatalogRepository(state)
        self._profiles = PostgresProfileRepository(state)
        self._groups = PostgresGroupRepository(state)
        self._memberships = PostgresMembershipRepository(state)
        self._audit = PostgresAuditTrail(state)
        self._outbox = PostgresOutbox(state)

    @property
    def tenant_id(self) -> UUID:
        return self._state.tenant_id

    @property
    def tenants(self) -> PostgresTenantRepository:
        return self._tenants

    @property
    def users(self) -> PostgresUserRepository:
        return self._users

    @property
    def accounts(self) -> PostgresAccountRepository:
        return self._accounts

    @property
    def identities(self) -> PostgresExternalIdentityRepository:
        return self._identities

    @property
    def applications(self) -> PostgresApplicationRepository:
        return self._applications

    @property
    def bindings(self) -> PostgresBindingRepository:
        return self._bindings

    @property
    def catalog(self) -> PostgresCatalogRepository:
        return self._catalog

    @property
    def profiles(self) -> PostgresProfileRepository:
        return self._profiles

    @property
    def groups(self) -> PostgresGroupRepository:
        return self._groups

    @property
    def memberships(self) -> PostgresMembershipRepository:
        return self._memberships

    @property
    def audit(self) -> PostgresAuditTrail:
        return self._audit

    @property
    def outbox(self) -> PostgresOutbox:
        return self._outbox

    @contextmanager
    def nested(self) -> Iterator[PostgresUnitOfWork]:
        """Open a savepoint that undoes only its own writes when an exception ends it.

        Yields this same unit, which stays usable after the savepoint ends.
        """
        self._state.ensure_open()
        try:
            with _transaction(self._state.using, is_unit=False):
                yield self
        except BaseException:
            # The savepoint took its audit appends with it.
            self._state.chain_head = None
            raise


class PostgresStore:
    """A store that keeps every tenant's records in PostgreSQL through Django.

    Args:
        using: The Django database alias to run on.
        clock: Returns the current time, timezone-aware, for every timestamp
            the store writes. Defaults to ``datetime.now(UTC)``; the database's
            own clock is never used, so both stores sort alike.
        stall_after: Age of the oldest undelivered outbox event above which
            readiness warns that the relay is stalled.
    """

    def __init__(
        self,
        using: str = "default",
        clock: Callable[[], datetime] | None = None,
        *,
        stall_after: timedelta = DEFAULT_STALL_AFTER,
    ) -> None:
        self._using = using
        self._clock = clock or _utc_now
        self._stall_after = stall_after

    @property
    def using(self) -> str:
        return self._using

    def unit_of_work(
        self,
        tenant_id: UUID,
        *,
        actor: str,
        correlation_id: str | None = None,
    ) -> AbstractContextManager[PostgresUnitOfWork]:
        """Open a unit of work bound to one tenant, in one transaction.

        Opening a second unit in a thread that already has one open raises
        UeStoreError, because it would share the first unit's transaction.
        Use ``uow.nested()`` for a savepoint instead.
        """
        checked_tenant = rules.check_uuid("tenant_id", tenant_id)
        checked_actor, checked_correlation = inputs.check_unit(actor, correlation_id)
        return self._open_unit(checked_tenant, checked_actor, checked_correlation)

    @contextmanager
    def _open_unit(
        self, tenant_id: UUID, actor: str, correlation_id: str | None
    ) -> Iterator[PostgresUnitOfWork]:
        connection = connections[self._using]
        # The flag lives on the thread's connection, not on this store, so
        # two store objects on one database alias can't nest units either.
        if getattr(connection, _UNIT_OPEN, False):
            raise UeStoreError(
                "a unit of work is already open in this thread; "
                "use uow.nested() for a savepoint"
            )
        _claim_caller_transaction(connection, tenant_id)
        joined = connection.in_atomic_block
        state = UnitState(
            using=self._using,
            tenant_id=tenant_id,
            actor=actor,
            correlation_id=correlation_id,
            clock=self._clock,
        )
        setattr(connection, _UNIT_OPEN, True)
        try:
            with _transaction(self._using, is_unit=True):
                # The unit's first statement, before any savepoint of its
                # own, so a nested savepoint that rolls back keeps it.
                previous = _bind(self._using, tenant_id, joined=joined)
                yield PostgresUnitOfWork(state)
                if previous is not None:
                    _restore(self._using, previous)
        finally:
            state.is_open = False
            setattr(connection, _UNIT_OPEN, False)

    def find_tenant_by_slug(self, slug: str) -> TenantAccount:
        return find_by_slug(self._using, slug)

    def readiness(self) -> Readiness:
        return check_readiness(
            self._using, clock=self._clock, stall_after=self._stall_after
        )

    def schema_version(self) -> SchemaVersion:
        try:
            return read_schema_version(self._using)
        except DatabaseError as error:
            raise translate(error) from None

    def relay(self) -> PostgresRelay:
        """Return the outbox relay operations on this store's database."""
        return PostgresRelay(self._using, self._clock)


def _claim_caller_transaction(connection: BaseDatabaseWrapper, tenant_id: UUID) -> None:
    """Bind a transaction that the caller opened to the first unit's tenant.

    A unit opened inside the caller's ``transaction.atomic()`` (as in the
    admin, or a view under ATOMIC_REQUESTS) runs as a savepoint of it and
    commits only with it. Such a transaction may hold units of one tenant
    only, so that one transaction never mixes two tenants. The unit binds
    its tenant inside its savepoint, and the caller's settings come back
    when it ends: by the savepoint's rollback when it fails, and by
    ``_restore`` when it succeeds.
    """
    if not connection.in_atomic_block:
        return
    # Holding the Atomic object itself, not its id, keeps the identity test
    # sound: a freed object's id may be reused by the next request's block.
    outermost = connection.atomic_blocks[0]
    claimed = getattr(connection, _CALLER_TRANSACTION, None)
    if claimed is not None and claimed[0] is outermost and claimed[1] != tenant_id:
        raise UeStoreError(
            "the caller's transaction already contains a unit of work of another "
            "tenant; run each tenant's unit in its own transaction"
        )
    setattr(connection, _CALLER_TRANSACTION, (outermost, tenant_id))


def _bind(using: str, tenant_id: UUID, *, joined: bool) -> tuple[str, str] | None:
    """Bind the unit's transaction to its tenant; return the caller's settings.

    A unit that joined a caller's transaction returns the settings to
    restore when it ends, so that its tenant lasts exactly as long as the
    unit. A standalone unit returns None: its transaction ends with it.
    """
    try:
        previous = read_settings(using) if joined else None
        bind_tenant(using, tenant_id)
    except DatabaseError as error:
        raise translate(error) from None
    return previous


def _restore(using: str, settings: tuple[str, str]) -> None:
    try:
        restore_settings(using, settings)
    except DatabaseError as error:
        raise translate(error) from None


@contextmanager
def _transaction(using: str, *, is_unit: bool) -> Iterator[None]:
    """Run the body in a transaction, or a savepoint when one is open.

    Database errors on entry and on commit become domain errors. A failure
    of COMMIT leaves the outcome unknown, so it is not safe to retry. When
    the body raises, its exception wins over a failed rollback.
    """
    atomic = transaction.atomic(using=using)
    try:
        atomic.__enter__()
    except DatabaseError as error:
        raise translate(error) from None
    try:
        yield
    except BaseException as failure:
        try:
            atomic.__exit__(type(failure), failure, failure.__traceback__)
        except DatabaseError as rollback_error:
            logger.warning(
                "rollback failed after an error (%s)",
                driver_error_name(rollback_error),
                extra={"action": "store.rollback_failed"},
            )
        raise
    try:
        atomic.__exit__(None, None, None)
    except DatabaseError as error:
        raise translate(error, during_commit=is_unit) from None
