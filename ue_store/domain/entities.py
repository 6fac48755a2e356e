"""Records that the store protocol accepts and returns.

Every record is a frozen dataclass in plain Python types, so that domain code
never sees an ORM instance. Every tenant-scoped record carries its tenant id.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeAlias
from uuid import UUID

#: A JSON document as the store accepts it: objects have string keys.
JSONValue: TypeAlias = (
    "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
)

#: A profile value as returned by the store; string lists come back as tuples.
ProfileScalar: TypeAlias = "str | int | bool | date | tuple[str, ...]"


class TenantStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"


class AccountKind(enum.StrEnum):
    HUMAN = "human"
    SERVICE = "service"


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"
    DISABLED = "disabled"


class ApplicationStatus(enum.StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class ValueType(enum.StrEnum):
    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"
    STRING_LIST = "string_list"


class MembershipRole(enum.StrEnum):
    MEMBER = "member"
    MANAGER = "manager"
    OWNER = "owner"


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantAccount:
    """A tenant: the platform issues its id, and every other record belongs to one."""

    id: UUID
    slug: str
    display_name: str
    status: TenantStatus
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """A person in a tenant."""

    tenant_id: UUID
    id: UUID
    display_name: str
    primary_email: str | None
    status: UserStatus
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """A sign-in principal: a human account has a user, a service account none."""

    tenant_id: UUID
    id: UUID
    kind: AccountKind
    user_id: UUID | None
    username: str
    status: AccountStatus
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalIdentity:
    """An (issuer, subject) pair from an identity provider, linked to one account."""

    tenant_id: UUID
    id: UUID
    account_id: UUID
    issuer: str
    subject: str
    email: str | None
    linked_at: datetime
    last_seen_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Application:
    """A client application; its client_id is unique within the tenant."""

    tenant_id: UUID
    id: UUID
    client_id: str
    name: str
    status: ApplicationStatus
    metadata: dict[str, JSONValue]
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Binding:
    """Access of one account to one application, with a sorted set of roles."""

    tenant_id: UUID
    id: UUID
    account_id: UUID
    application_id: UUID
    roles: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogAttribute:
    """A profile attribute definition, tenant-wide or for one application.

    ``application_id`` is None for a tenant-wide attribute. ``max_length``
    limits each string, counted in characters.
    """

    tenant_id: UUID
    id: UUID
    application_id: UUID | None
    key: str
    value_type: ValueType
    required: bool
    allowed_values: tuple[str, ...]
    max_length: int | None
    sensitive: bool
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileValue:
    """A user's value for one catalog attribute.

    A value that was never set, or was unset, has no record at all, so an
    explicit empty string or empty list stays distinct from "unset".
    """

    tenant_id: UUID
    user_id: UUID
    attribute_id: UUID
    value: ProfileScalar
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """A named group; ``parent_id`` nests it under another group of the tenant."""

    tenant_id: UUID
    id: UUID
    name: str
    parent_id: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Membership:
    """One account in one group, with a role."""

    tenant_id: UUID
    id: UUID
    group_id: UUID
    account_id: UUID
    role: MembershipRole
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    """One successful change, written in the transaction that made it.

    ``details`` names the changed fields and carries only values that are
    not personal data. ``position`` numbers the tenant's records from 1
    without gaps; ``sequence`` is store-wide. ``previous_hash`` and
    ``record_hash`` link the tenant's records into the hash chain that
    ``ue_store.domain.audit_chain`` defines.
    """

    tenant_id: UUID
    sequence: int
    position: int
    occurred_at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    correlation_id: str | None
    details: dict[str, JSONValue]
    previous_hash: str
    record_hash: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEvent:
    """An event for other services, written in the transaction that caused it."""

    tenant_id: UUID
    event_id: UUID
    sequence: int
    event_type: str
    aggregate_type: str
    aggregate_id: str
    payload: dict[str, JSONValue]
    headers: dict[str, JSONValue]
    created_at: datetime
    delivered_at: datetime | None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadinessCheck:
    """The outcome of one readiness check, with a reason fit for operators."""

    name: str
    ok: bool
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """Whether the store can serve requests, and why.

    ``warnings`` lists conditions an operator should look at, such as a
    dead-letter backlog or a stalled outbox relay. They never make the store
    not ready.
    """

    checks: tuple[ReadinessCheck, ...]
    warnings: tuple[ReadinessCheck, ...] = ()

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaVersion:
    """Applied and expected migration heads, as sorted migration names."""

    applied: tuple[str, ...]
    expected: tuple[str, ...]

    @property
    def current(self) -> bool:
        return self.applied == self.expected
