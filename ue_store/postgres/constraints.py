"""Domain errors for each named constraint of the ue_store tables.

PostgreSQL reports the name of the constraint that a write broke; this table
turns that name into the domain error the protocol promises. The names come
from ``ue_store.models.names``, where the models and migration take them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ue_store.domain import errors
from ue_store.models import names


@dataclass(frozen=True, slots=True)
class UniqueViolation:
    """A unique constraint or key: a write collided with another row."""

    conflict: type[errors.Conflict]


@dataclass(frozen=True, slots=True)
class ReferenceViolation:
    """A foreign key: the referenced row is not in the tenant."""

    entity: str
    column: str


@dataclass(frozen=True, slots=True)
class CheckViolation:
    """A check constraint: a column contains a value outside its rule."""

    field: str
    rule: str


Violation = UniqueViolation | ReferenceViolation | CheckViolation

_ENUM_RULE = "must be one of the allowed values"
_VERSION_RULE = "must be at least 1"


def _unique(
    conflict: type[errors.Conflict] = errors.Conflict,
) -> UniqueViolation:
    return UniqueViolation(conflict)


_TENANT = ReferenceViolation("tenant account", "tenant_id")
_USER = ReferenceViolation("user", "user_id")
_ACCOUNT = ReferenceViolation("account", "account_id")
_APPLICATION = ReferenceViolation("application", "application_id")

VIOLATIONS: Final[dict[str, Violation]] = {
    # Primary keys. Ids are random UUIDs that the store draws, so only the
    # tenant account, whose id the caller gives, can collide in practice.
    names.primary_key(names.TENANT_TABLE): _unique(errors.DuplicateTenant),
    **{names.primary_key(table): _unique() for table in names.TENANT_SCOPED_TABLES},
    # Unique constraints and indexes.
    names.TENANT_SLUG_UNIQUE: _unique(errors.DuplicateTenantSlug),
    names.USER_EMAIL_UNIQUE: _unique(errors.DuplicateEmail),
    names.ACCOUNT_USERNAME_UNIQUE: _unique(errors.DuplicateUsername),
    names.IDENTITY_SUBJECT_UNIQUE: _unique(errors.DuplicateExternalIdentity),
    names.APPLICATION_CLIENT_ID_UNIQUE: _unique(errors.DuplicateClientId),
    names.BINDING_UNIQUE: _unique(errors.DuplicateBinding),
    names.CATALOG_KEY_UNIQUE: _unique(errors.DuplicateCatalogKey),
    names.PROFILE_UNIQUE: _unique(),
    names.GROUP_NAME_UNIQUE: _unique(errors.DuplicateGroupName),
    names.MEMBERSHIP_UNIQUE: _unique(errors.DuplicateMembership),
    names.OUTBOX_EVENT_ID_UNIQUE: _unique(),
    names.OUTBOX_IDEMPOTENCY_UNIQUE: _unique(),
    # Two units appended the same position to a tenant's audit chain, which
    # the chain lock prevents at READ COMMITTED; see postgres/audit_chain.py.
    names.AUDIT_POSITION_UNIQUE: _unique(),
    # Foreign keys.
    names.USER_TENANT_FK: _TENANT,
    names.ACCOUNT_TENANT_FK: _TENANT,
    names.ACCOUNT_USER_FK: _USER,
    names.IDENTITY_TENANT_FK: _TENANT,
    names.IDENTITY_ACCOUNT_FK: _ACCOUNT,
    names.APPLICATION_TENANT_FK: _TENANT,
    names.BINDING_TENANT_FK: _TENANT,
    names.BINDING_ACCOUNT_FK: _ACCOUNT,
    names.BINDING_APPLICATION_FK: _APPLICATION,
    names.CATALOG_TENANT_FK: _TENANT,
    names.CATALOG_APPLICATION_FK: _APPLICATION,
    names.PROFILE_TENANT_FK: _TENANT,
    names.PROFILE_USER_FK: _USER,
    names.PROFILE_ATTRIBUTE_FK: ReferenceViolation("catalog attribute", "attribute_id"),
    names.GROUP_TENANT_FK: _TENANT,
    names.GROUP_PARENT_FK: ReferenceViolation("group", "parent_id"),
    names.MEMBERSHIP_TENANT_FK: _TENANT,
    names.MEMBERSHIP_GROUP_FK: ReferenceViolation("group", "group_id"),
    names.MEMBERSHIP_ACCOUNT_FK: _ACCOUNT,
    names.OUTBOX_TENANT_FK: _TENANT,
    # Check constraints. The input rules reject these values before any SQL
    # runs, so a violation means a caller went around them.
    names.TENANT_STATUS_CHECK: CheckViolation("status", _ENUM_RULE),
    names.TENANT_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.USER_STATUS_CHECK: CheckViolation("status", _ENUM_RULE),
    names.USER_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.USER_EMAIL_KEY_CHECK: CheckViolation(
        "primary_email", "must be set together with its key"
    ),
    names.ACCOUNT_KIND_CHECK: CheckViolation("kind", _ENUM_RULE),
    names.ACCOUNT_STATUS_CHECK: CheckViolation("status", _ENUM_RULE),
    names.ACCOUNT_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.ACCOUNT_KIND_USER_CHECK: CheckViolation(
        "user_id", "must be set for a human account and unset for a service account"
    ),
    names.APPLICATION_STATUS_CHECK: CheckViolation("status", _ENUM_RULE),
    names.APPLICATION_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.APPLICATION_METADATA_CHECK: CheckViolation(
        "metadata", "must be a JSON object"
    ),
    names.BINDING_ROLES_CHECK: CheckViolation("roles", "must be a JSON array"),
    names.BINDING_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.CATALOG_VALUE_TYPE_CHECK: CheckViolation("value_type", _ENUM_RULE),
    names.CATALOG_ALLOWED_VALUES_CHECK: CheckViolation(
        "allowed_values", "must be a JSON array"
    ),
    names.CATALOG_MAX_LENGTH_CHECK: CheckViolation(
        "max_length", "must be empty or a positive length within the ceiling"
    ),
    names.CATALOG_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.PROFILE_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.GROUP_VERSION_CHECK: CheckViolation("version", _VERSION_RULE),
    names.MEMBERSHIP_ROLE_CHECK: CheckViolation("role", _ENUM_RULE),
    names.AUDIT_DETAILS_CHECK: CheckViolation("details", "must be a JSON object"),
    names.AUDIT_POSITION_CHECK: CheckViolation("position", "must be at least 1"),
    names.AUDIT_HASH_CHECK: CheckViolation(
        "record_hash", "must be 64 lowercase hexadecimal digits"
    ),
    names.OUTBOX_PAYLOAD_CHECK: CheckViolation("payload", "must be a JSON object"),
    names.OUTBOX_HEADERS_CHECK: CheckViolation("headers", "must be a JSON object"),
    names.OUTBOX_ATTEMPTS_CHECK: CheckViolation("attempts", "must not be negative"),
}


def violation_of(constraint_name: str | None) -> Violation | None:
    """Return what breaking the named constraint means, or None if unknown."""
    if constraint_name is None:
        return None
    return VIOLATIONS.get(constraint_name)
