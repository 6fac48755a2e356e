"""The store protocol that user-engine's domain code talks to.

A store hands out units of work bound to one tenant. Every read and write
goes through a unit, so every call carries its tenant; a record of another
tenant is reported as NotFound, exactly like a missing one.

Guarantees that every implementation keeps, and the conformance suite in
``ue_store.testing.conformance`` checks:

- Everything written in a unit of work, audit records and outbox events
  included, commits when the ``with`` block ends normally, and nothing does
  when it raises. ``uow.nested()`` opens a savepoint: a failure inside it
  undoes only its own writes and leaves the outer unit usable. Opening a
  second unit while one is open in the same thread raises UeStoreError,
  because one transaction must never mix two tenants. A unit belongs to the
  thread that opened it; using it from another thread raises UeStoreError.
- A store over a database may be called while the caller holds a
  transaction of its own (Django's ``transaction.atomic()``). The unit then
  runs as a savepoint of that transaction and commits only with it, and the
  transaction may hold units of one tenant only.
- Each write is atomic on its own: when it raises a domain error, it wrote
  nothing and the unit stays usable.
- Each successful change writes exactly one audit record and one outbox
  event, named ``<target>.<verb>`` as ``ue_store.domain.changes`` lists. An
  update that changes nothing writes neither and keeps the version.
- A new record's ``updated_at`` equals its ``created_at``; both come from the
  store's clock, not from the database.
- Updates take the version the caller read, and raise ConcurrencyConflict
  when the record has moved on.
- Lists are sorted and paginated with opaque keyset cursors; unless a list
  says otherwise, the sort key is (created_at, id).
- Every error is a ``ue_store.domain.errors.UeStoreError``. A store raises
  SchemaNotReady when its tables are missing or older than the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Final, Protocol
from uuid import UUID

from .entities import (
    Account,
    AccountStatus,
    Application,
    ApplicationStatus,
    AuditRecord,
    Binding,
    CatalogAttribute,
    ExternalIdentity,
    Group,
    JSONValue,
    Membership,
    MembershipRole,
    OutboxEvent,
    ProfileValue,
    Readiness,
    SchemaVersion,
    TenantAccount,
    TenantStatus,
    User,
    UserStatus,
    ValueType,
)
from .pagination import Page
from .relay import OutboxRelay

DEFAULT_PAGE_SIZE: Final = 100


class Unset:
    """Marker for an update argument the caller left out."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset()


class TenantRepository(Protocol):
    def create(
        self,
        *,
        slug: str,
        display_name: str,
        status: TenantStatus = TenantStatus.ACTIVE,
    ) -> TenantAccount:
        """Create the unit's tenant under the unit's tenant id.

        Raises DuplicateTenant or DuplicateTenantSlug.
        """
        ...

    def get(self) -> TenantAccount:
        """Return the unit's tenant, or raise NotFound."""
        ...

    def update(
        self,
        *,
        expected_version: int,
        display_name: str | Unset = UNSET,
        status: TenantStatus | Unset = UNSET,
    ) -> TenantAccount: ...


class UserRepository(Protocol):
    def create(
        self,
        *,
        display_name: str,
        primary_email: str | None = None,
        status: UserStatus = UserStatus.ACTIVE,
    ) -> User:
        """Create a user; raises DuplicateEmail when the email key is taken."""
        ...

    def get(self, user_id: UUID) -> User: ...

    def get_by_email(self, email: str) -> User:
        """Find a user by email, compared after normalisation."""
        ...

    def update(
        self,
        user_id: UUID,
        *,
        expected_version: int,
        display_name: str | Unset = UNSET,
        primary_email: str | Unset | None = UNSET,
        status: UserStatus | Unset = UNSET,
    ) -> User: ...

    def list(
        self,
        *,
        status: UserStatus | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[User]:
        """List users sorted by (created_at, id)."""
        ...


class AccountRepository(Protocol):
    def create_human(
        self,
        *,
        user_id: UUID,
        username: str,
        status: AccountStatus = AccountStatus.ACTIVE,
    ) -> Account:
        """Create an account for a user; NotFound if the user is not in the tenant."""
        ...

    def create_service(
        self, *, username: str, status: AccountStatus = AccountStatus.ACTIVE
    ) -> Account: ...

    def get(self, account_id: UUID) -> Account: ...

    def get_by_username(self, username: str) -> Account:
        """Find an account by username, compared after normalisation."""
        ...

    def update(
        self,
        account_id: UUID,
        *,
        expected_version: int,
        username: str | Unset = UNSET,
        status: AccountStatus | Unset = UNSET,
    ) -> Account: ...

    def list(
        self,
        *,
        user_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Account]:
        """List accounts sorted by (created_at, id), optionally of one user."""
        ...


class ExternalIdentityRepository(Protocol):
    def link(
        self,
        *,
        account_id: UUID,
        issuer: str,
        subject: str,
        email: str | None = None,
    ) -> ExternalIdentity:
        """Link (issuer, subject) to an account.

        Issuer and subject compare exactly, case included. Raises
        DuplicateExternalIdentity when the pair is already linked in the
        tenant, to this account or another.
        """
        ...

    def get(self, identity_id: UUID) -> ExternalIdentity: ...

    def find(self, issuer: str, subject: str) -> ExternalIdentity:
        """Find the identity linked for (issuer, subject), or raise NotFound."""
        ...

    def record_sign_in(
        self, identity_id: UUID, *, seen_at: datetime
    ) -> ExternalIdentity:
        """Set last_seen_at; ``seen_at`` must be timezone-aware."""
        ...

    def unlink(self, identity_id: UUID) -> None: ...

    def list(
        self,
        *,
        account_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[ExternalIdentity]:
        """List identities sorted by (linked_at, id)."""
        ...


class ApplicationRepository(Protocol):
    def create(
        self,
        *,
        client_id: str,
        name: str,
        status: ApplicationStatus = ApplicationStatus.ACTIVE,
        metadata: Mapping[str, JSONValue] | None = None,
    ) -> Application:
        """Create an application; raises DuplicateClientId.

        ``metadata`` is a JSON object for non-secret client settings.
        """
        ...

    def get(self, application_id: UUID) -> Application: ...

    def get_by_client_id(self, client_id: str) -> Application:
        """Find an application by its exact client_id."""
        ...

    def update(
        self,
        application_id: UUID,
        *,
        expected_version: int,
        name: str | Unset = UNSET,
        status: ApplicationStatus | Unset = UNSET,
        metadata: Mapping[str, JSONValue] | Unset = UNSET,
    ) -> Application: ...

    def list(
        self, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Application]: ...


class BindingRepository(Protocol):
    def create(
        self, *, account_id: UUID, application_id: UUID, roles: Iterable[str]
    ) -> Binding:
        """Bind an account to an application; raises DuplicateBinding."""
        ...

    def get(self, binding_id: UUID) -> Binding: ...

    def find(self, account_id: UUID, application_id: UUID) -> Binding: ...

    def update(
        self, binding_id: UUID, *, expected_version: int, roles: Iterable[str]
    ) -> Binding: ...

    def delete(self, binding_id: UUID, *, expected_version: int) -> None: ...

    def list(
        self,
        *,
        account_id: UUID | None = None,
        application_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Binding]: ...


class CatalogRepository(Protocol):
    def define(
        self,
        *,
        key: str,
        value_type: ValueType,
        application_id: UUID | None = None,
        required: bool = False,
        allowed_values: Iterable[str] = (),
        max_length: int | None = None,
        sensitive: bool = False,
    ) -> CatalogAttribute:
        """Define an attribute, tenant-wide when ``application_id`` is None.

        Raises DuplicateCatalogKey when the key exists in the same scope.
        """
        ...

    def get(self, attribute_id: UUID) -> CatalogAttribute: ...

    def get_by_key(
        self, key: str, *, application_id: UUID | None = None
    ) -> CatalogAttribute: ...

    def update(
        self,
        attribute_id: UUID,
        *,
        expected_version: int,
        required: bool | Unset = UNSET,
        allowed_values: Iterable[str] | Unset = UNSET,
        max_length: int | Unset | None = UNSET,
        sensitive: bool | Unset = UNSET,
    ) -> CatalogAttribute:
        """Change an attribute's limits; key, type and scope never change.

        Values already stored are not checked again against the new limits.
        """
        ...

    def list(
        self,
        *,
        application_id: UUID | Unset | None = UNSET,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[CatalogAttribute]:
        """List attributes sorted by (created_at, id).

        Left out, ``application_id`` lists every scope; None lists the
        tenant-wide attributes only.
        """
        ...


class ProfileRepository(Protocol):
    def set(
        self,
        user_id: UUID,
        attribute_id: UUID,
        value: object,
        *,
        expected_version: int | None = None,
    ) -> ProfileValue:
        """Set a user's value, checked against the attribute.

        With ``expected_version``, the stored value must be at that version
        (NotFound when no value is set); without it, the value is set
        whatever it was. Setting the stored value again changes nothing.
        """
        ...

    def get(self, user_id: UUID, attribute_id: UUID) -> ProfileValue:
        """Return the value, or raise NotFound when it is unset."""
        ...

    def unset(self, user_id: UUID, attribute_id: UUID) -> None:
        """Remove a value; NotFound when unset, ValidationError when required."""
        ...

    def list(
        self,
        user_id: UUID,
        *,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[ProfileValue]:
        """List a user's set values sorted by attribute id."""
        ...


class GroupRepository(Protocol):
    def create(self, *, name: str, parent_id: UUID | None = None) -> Group:
        """Create a group; raises DuplicateGroupName under the same parent.

        Names compare exactly, case included. The parent never changes later,
        so groups can't form a cycle.
        """
        ...

    def get(self, group_id: UUID) -> Group: ...

    def get_by_name(self, name: str, *, parent_id: UUID | None = None) -> Group: ...

    def rename(self, group_id: UUID, *, expected_version: int, name: str) -> Group: ...

    def list(
        self,
        *,
        parent_id: UUID | Unset | None = UNSET,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Group]:
        """List groups sorted by (created_at, id); None lists top-level ones."""
        ...


class MembershipRepository(Protocol):
    def add(
        self,
        *,
        group_id: UUID,
        account_id: UUID,
        role: MembershipRole = MembershipRole.MEMBER,
    ) -> Membership:
        """Put an account in a group; raises DuplicateMembership."""
        ...

    def get(self, membership_id: UUID) -> Membership: ...

    def find(self, group_id: UUID, account_id: UUID) -> Membership: ...

    def remove(self, membership_id: UUID) -> None: ...

    def list(
        self,
        *,
        group_id: UUID | None = None,
        account_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Membership]: ...


class AuditTrail(Protocol):
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
        """List the tenant's audit records sorted by position.

        Position order is the order of the hash chain, and sequence numbers
        increase with it. ``since`` and ``until`` keep records with
        ``since <= occurred_at < until``; both must be timezone-aware, and
        ``until`` before ``since`` raises ValidationError.
        """
        ...


class Outbox(Protocol):
    def list(
        self, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[OutboxEvent]:
        """List outbox events sorted by sequence."""
        ...

    def enqueue(
        self,
        *,
        event_type: str,
        aggregate_type: str,
        aggregate_id: str,
        payload: Mapping[str, JSONValue],
        idempotency_key: str | None = None,
    ) -> OutboxEvent:
        """Add an event of the caller's own to the unit's outbox.

        When the tenant already has an event under ``idempotency_key``, that
        event is returned and nothing is stored: the first event wins, even
        if the later payload differs. Writes no audit record.
        """
        ...

    def requeue(self, event_ids: Iterable[UUID]) -> tuple[UUID, ...]:
        """Make dead letters of the unit's tenant due again, with no attempts.

        Writes one audit record ``outbox_event.requeued`` per event and
        returns the ids requeued; ids that are not dead letters of the tenant
        are left out.
        """
        ...


class UnitOfWork(Protocol):
    """Reads and writes of one tenant that commit together or not at all."""

    @property
    def tenant_id(self) -> UUID: ...

    @property
    def tenants(self) -> TenantRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def identities(self) -> ExternalIdentityRepository: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def bindings(self) -> BindingRepository: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def profiles(self) -> ProfileRepository: ...

    @property
    def groups(self) -> GroupRepository: ...

    @property
    def memberships(self) -> MembershipRepository: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def outbox(self) -> Outbox: ...

    def nested(self) -> AbstractContextManager[UnitOfWork]:
        """Open a savepoint: a failure inside undoes only the nested writes."""
        ...


class Store(Protocol):
    def unit_of_work(
        self,
        tenant_id: UUID,
        *,
        actor: str,
        correlation_id: str | None = None,
    ) -> AbstractContextManager[UnitOfWork]:
        """Open a unit of work bound to one tenant.

        ``actor`` names who makes the changes and ``correlation_id`` ties them
        to a request; both go into every audit record and outbox event.
        """
        ...

    def find_tenant_by_slug(self, slug: str) -> TenantAccount:
        """Return the tenant with this slug, or raise NotFound."""
        ...

    def readiness(self) -> Readiness:
        """Check whether the store can serve, each check with its reason."""
        ...

    def schema_version(self) -> SchemaVersion: ...

    def relay(self) -> OutboxRelay:
        """Return the outbox relay operations, which span every tenant."""
        ...
