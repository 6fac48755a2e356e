"""Errors raised by every store.

Messages name entities, fields, ids and rules, never the offending value:
an email, a username or a subject is personal data and must not reach a log.
Stores raise these with ``from None`` or from another domain error, so a
logged traceback carries no driver message, SQL text, DSN or DETAIL line.
"""

from __future__ import annotations


class UeStoreError(Exception):
    """The store failed to carry out an operation."""


class NotFound(UeStoreError):
    """No record of this kind with this id exists in the tenant.

    A record that exists in another tenant gives exactly the same error.
    """

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key} not found in this tenant")


class Conflict(UeStoreError):
    """A write would break a uniqueness rule.

    ``code`` is stable for callers to branch on; ``field`` names the input
    that collided.
    """

    code = "conflict"
    entity = "record"
    field = "id"
    rule = "must be unique"

    def __init__(self) -> None:
        super().__init__(
            f"{self.entity}: {self.field} {self.rule}; another record already "
            f"has this value (code {self.code})"
        )


class DuplicateTenant(Conflict):
    code = "duplicate_tenant"
    entity = "tenant account"
    field = "id"
    rule = "must be unique"


class DuplicateTenantSlug(Conflict):
    code = "duplicate_tenant_slug"
    entity = "tenant account"
    field = "slug"
    rule = "must be unique"


class DuplicateEmail(Conflict):
    code = "duplicate_email"
    entity = "user"
    field = "primary_email"
    rule = "must be unique in the tenant after normalisation"


class DuplicateUsername(Conflict):
    code = "duplicate_username"
    entity = "account"
    field = "username"
    rule = "must be unique in the tenant after normalisation"


class DuplicateExternalIdentity(Conflict):
    code = "duplicate_external_identity"
    entity = "external identity"
    field = "subject"
    rule = "must be unique per issuer in the tenant"


class DuplicateClientId(Conflict):
    code = "duplicate_client_id"
    entity = "application"
    field = "client_id"
    rule = "must be unique in the tenant"


class DuplicateBinding(Conflict):
    code = "duplicate_binding"
    entity = "binding"
    field = "application_id"
    rule = "must be unique per account"


class DuplicateCatalogKey(Conflict):
    code = "duplicate_catalog_key"
    entity = "catalog attribute"
    field = "key"
    rule = "must be unique per application, or tenant-wide"


class DuplicateGroupName(Conflict):
    code = "duplicate_group_name"
    entity = "group"
    field = "name"
    rule = "must be unique under the same parent"


class DuplicateMembership(Conflict):
    code = "duplicate_membership"
    entity = "membership"
    field = "account_id"
    rule = "must be unique per group"


class ConcurrencyConflict(UeStoreError):
    """The record changed since the caller read it: its version moved on."""

    def __init__(self, entity: str, key: object, expected_version: int) -> None:
        self.entity = entity
        self.key = key
        self.expected_version = expected_version
        super().__init__(
            f"{entity} {key} is no longer at version {expected_version}; "
            "read it again and retry the change"
        )


class ValidationError(UeStoreError):
    """An input breaks a rule; nothing was written."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"invalid {field}: {rule}")


class StoreUnavailable(UeStoreError):
    """The database could not be reached or did not answer in time.

    ``retry_safe`` is True when the unit of work certainly did not commit, so
    running it again cannot apply it twice.
    """

    def __init__(self, reason: str, *, retry_safe: bool) -> None:
        self.reason = reason
        self.retry_safe = retry_safe
        advice = "retrying is safe" if retry_safe else "the outcome is unknown"
        super().__init__(f"store unavailable: {reason}; {advice}")


class SchemaNotReady(UeStoreError):
    """The database schema does not match this version of the code."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"store schema not ready: {reason}")
