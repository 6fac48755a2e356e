"""What a change writes to the audit trail and the outbox.

Both stores build their audit records and outbox events here, so they record
the same facts. Audit details list the changed fields and carry only values
that are not personal data; outbox payloads carry the record, except the
value of a sensitive profile attribute.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from .entities import (
    Account,
    Application,
    Binding,
    CatalogAttribute,
    ExternalIdentity,
    Group,
    JSONValue,
    Membership,
    ProfileValue,
    TenantAccount,
    User,
)

#: Version of the outbox payload layout, sent in every event's headers.
PAYLOAD_SCHEMA_VERSION = 1

#: The verbs of audit actions and event types. ``deleted`` covers every
#: removal: bindings.delete, identities.unlink, profiles.unset and
#: memberships.remove.
CREATED = "created"
UPDATED = "updated"
DELETED = "deleted"
LINKED = "linked"  # identities.link
SEEN = "seen"  # identities.record_sign_in
SET = "set"  # profiles.set, for a new value and for a replaced one

Record = (
    TenantAccount
    | User
    | Account
    | ExternalIdentity
    | Application
    | Binding
    | CatalogAttribute
    | ProfileValue
    | Group
    | Membership
)

# Per record type: its name in actions and events, and the fields whose values
# may appear in audit details because they are not personal data.
_TARGETS: dict[type[Any], tuple[str, tuple[str, ...]]] = {
    TenantAccount: ("tenant", ("slug", "status")),
    User: ("user", ("status",)),
    Account: ("account", ("kind", "status", "user_id")),
    ExternalIdentity: ("external_identity", ("account_id", "issuer")),
    Application: ("application", ("client_id", "status")),
    Binding: ("binding", ("account_id", "application_id", "roles")),
    CatalogAttribute: (
        "catalog_attribute",
        ("application_id", "key", "value_type", "required", "sensitive"),
    ),
    ProfileValue: ("profile_value", ("user_id", "attribute_id")),
    Group: ("group", ("name", "parent_id")),
    Membership: ("membership", ("group_id", "account_id", "role")),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One change, as the audit record and outbox event that describe it."""

    action: str
    target_type: str
    target_id: str
    details: dict[str, JSONValue]
    payload: dict[str, JSONValue]


def describe(
    verb: str,
    record: Record,
    changed: Iterable[str] = (),
    *,
    sensitive: bool = False,
) -> Change:
    """Describe a change to ``record``; ``verb`` is such as created or updated.

    ``changed`` names the fields an update changed; ``sensitive`` marks a
    profile value whose attribute contains personal data, so the payload leaves
    the value out.
    """
    target_type, safe_fields = _TARGETS[type(record)]
    details: dict[str, JSONValue] = {"fields": to_json(sorted(changed))}
    for name in safe_fields:
        details[name] = to_json(getattr(record, name))
    payload = {
        field.name: to_json(getattr(record, field.name))
        for field in dataclasses.fields(record)
    }
    if isinstance(record, ProfileValue) and sensitive:
        payload.pop("value")
        payload["value_redacted"] = True
    return Change(
        action=f"{target_type}.{verb}",
        target_type=target_type,
        target_id=str(target_id(record)),
        details=details,
        payload=payload,
    )


def target_id(record: Record) -> str:
    if isinstance(record, ProfileValue):
        return f"{record.user_id}:{record.attribute_id}"
    return str(record.id)


def headers(correlation_id: str | None) -> dict[str, JSONValue]:
    return {"correlation_id": correlation_id, "schema_version": PAYLOAD_SCHEMA_VERSION}


def to_json(value: object) -> JSONValue:
    """Convert a record field to its JSON form."""
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, enum.Enum):
            return value.value
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    raise TypeError(f"no JSON form for {type(value).__name__}")
