"""Checks of each protocol operation's inputs, shared by every store.

Each function checks all of its inputs before a store writes anything, and
returns them in canonical form. Arguments left as UNSET are not returned, so
an update dictionary contains exactly the fields the caller passed.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from . import profile, rules
from .entities import (
    AccountStatus,
    ApplicationStatus,
    CatalogAttribute,
    MembershipRole,
    TenantStatus,
    UserStatus,
    ValueType,
)
from .errors import ValidationError
from .protocol import UNSET, Unset

E = TypeVar("E", bound=enum.Enum)
R = TypeVar("R")


def check_choice(field: str, enum_type: type[E], value: object) -> E:
    """Check that ``value`` is a member, or the value of a member, of ``enum_type``."""
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise ValidationError(field, f"must be one of {allowed}") from None


def check_flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be a boolean")
    return value


def check_unit(actor: object, correlation_id: object) -> tuple[str, str | None]:
    """Check the actor and correlation id of a unit of work."""
    checked_actor = rules.check_text("actor", actor, max_length=rules.ACTOR_MAX_LENGTH)
    if correlation_id is None:
        return checked_actor, None
    checked = rules.check_text(
        "correlation_id", correlation_id, max_length=rules.CORRELATION_ID_MAX_LENGTH
    )
    return checked_actor, checked


def tenant_fields(
    *,
    slug: object | Unset = UNSET,
    display_name: object | Unset = UNSET,
    status: object | Unset = UNSET,
    creating: bool = False,
) -> dict[str, Any]:
    if creating:
        _require_given(slug=slug, display_name=display_name, status=status)
    fields: dict[str, Any] = {}
    if not isinstance(slug, Unset):
        fields["slug"] = rules.check_slug(slug)
    if not isinstance(display_name, Unset):
        fields["display_name"] = rules.check_name("display_name", display_name)
    if not isinstance(status, Unset):
        fields["status"] = check_choice("status", TenantStatus, status)
    return fields


def user_fields(
    *,
    display_name: object | Unset = UNSET,
    primary_email: object | Unset = UNSET,
    status: object | Unset = UNSET,
    creating: bool = False,
) -> dict[str, Any]:
    if creating:
        _require_given(
            display_name=display_name, primary_email=primary_email, status=status
        )
    fields: dict[str, Any] = {}
    if not isinstance(display_name, Unset):
        fields["display_name"] = rules.check_name("display_name", display_name)
    if not isinstance(primary_email, Unset):
        fields["primary_email"] = (
            None
            if primary_email is None
            else rules.check_email("primary_email", primary_email)[0]
        )
    if not isinstance(status, Unset):
        fields["status"] = check_choice("status", UserStatus, status)
    return fields


def account_fields(
    *,
    username: object | Unset = UNSET,
    status: object | Unset = UNSET,
    creating: bool = False,
) -> dict[str, Any]:
    if creating:
        _require_given(username=username, status=status)
    fields: dict[str, Any] = {}
    if not isinstance(username, Unset):
        fields["username"] = rules.check_username(username)[0]
    if not isinstance(status, Unset):
        fields["status"] = check_choice("status", AccountStatus, status)
    return fields


def identity_fields(
    *, issuer: object, subject: object, email: object
) -> dict[str, Any]:
    return {
        "issuer": rules.check_issuer(issuer),
        "subject": rules.check_subject(subject),
        "email": None if email is None else rules.check_email("email", email)[0],
    }


def application_fields(
    *,
    client_id: object | Unset = UNSET,
    name: object | Unset = UNSET,
    status: object | Unset = UNSET,
    metadata: object | Unset = UNSET,
    creating: bool = False,
) -> dict[str, Any]:
    if creating:
        _require_given(client_id=client_id, name=name, status=status, metadata=metadata)
    fields: dict[str, Any] = {}
    if not isinstance(client_id, Unset):
        fields["client_id"] = rules.check_client_id(client_id)
    if not isinstance(name, Unset):
        fields["name"] = rules.check_name("name", name)
    if not isinstance(status, Unset):
        fields["status"] = check_choice("status", ApplicationStatus, status)
    if not isinstance(metadata, Unset):
        fields["metadata"] = rules.check_json("metadata", metadata)
    return fields


def catalog_fields(
    *,
    key: object,
    value_type: object,
    required: object,
    allowed_values: object,
    max_length: object,
    sensitive: object,
) -> dict[str, Any]:
    checked_type = check_choice("value_type", ValueType, value_type)
    allowed, limit = profile.check_definition(
        checked_type, _iterable("allowed_values", allowed_values), _limit(max_length)
    )
    return {
        "key": rules.check_text("key", key, max_length=rules.CATALOG_KEY_MAX_LENGTH),
        "value_type": checked_type,
        "required": check_flag("required", required),
        "allowed_values": allowed,
        "max_length": limit,
        "sensitive": check_flag("sensitive", sensitive),
    }


def group_name(name: object) -> str:
    return rules.check_name("name", name, max_length=rules.ROLE_MAX_LENGTH)


def membership_role(role: object) -> MembershipRole:
    return check_choice("role", MembershipRole, role)


def catalog_flag_fields(*, required: object, sensitive: object) -> dict[str, Any]:
    """Check the flags of a catalog update; UNSET flags are left out."""
    fields: dict[str, Any] = {}
    if not isinstance(required, Unset):
        fields["required"] = check_flag("required", required)
    if not isinstance(sensitive, Unset):
        fields["sensitive"] = check_flag("sensitive", sensitive)
    return fields


def materialise_allowed_values(allowed_values: object) -> list[object] | Unset:
    """Read the allowed values of a catalog update once, into a list.

    A generator can be read only once, and the update reads them twice.
    """
    if isinstance(allowed_values, Unset):
        return UNSET
    if isinstance(allowed_values, str) or not isinstance(allowed_values, Iterable):
        raise ValidationError("allowed_values", "must be a collection of strings")
    return list(allowed_values)


def catalog_limit_fields(
    current: CatalogAttribute, allowed: list[object] | Unset, max_length: object
) -> dict[str, Any]:
    """Check the new limits merged with the current ones, as a definition would."""
    if isinstance(allowed, Unset) and isinstance(max_length, Unset):
        return {}
    merged_allowed = current.allowed_values if isinstance(allowed, Unset) else allowed
    merged_max = current.max_length if isinstance(max_length, Unset) else max_length
    checked_allowed, checked_max = profile.check_definition(
        current.value_type,
        merged_allowed,  # type: ignore[arg-type]  # items are checked as strings
        merged_max,  # type: ignore[arg-type]  # checked to be an int or None
    )
    fields: dict[str, Any] = {}
    if not isinstance(allowed, Unset):
        fields["allowed_values"] = checked_allowed
    if not isinstance(max_length, Unset):
        fields["max_length"] = checked_max
    return fields


def revise(current: R, fields: dict[str, Any], now: datetime) -> tuple[R, list[str]]:
    """Apply checked ``fields`` to a record and bump its version.

    Returns the record and the names of the fields that really changed; when
    none did, the record comes back untouched, version included.
    """
    changed = sorted(
        name
        for name, value in fields.items()
        if not rules.json_equal(getattr(current, name), value)
    )
    if not changed:
        return current, []
    updates = {name: fields[name] for name in changed}
    extra: dict[str, Any] = {"version": current.version + 1}  # type: ignore[attr-defined]
    if any(field.name == "updated_at" for field in dataclasses.fields(current)):  # type: ignore[arg-type]
        extra["updated_at"] = now
    return dataclasses.replace(current, **updates, **extra), changed  # type: ignore[type-var]


def _require_given(**values: object) -> None:
    """Reject UNSET for the arguments that a create needs."""
    for name, value in values.items():
        if isinstance(value, Unset):
            raise ValidationError(name, "must be given when creating a record")


def _iterable(field: str, value: object) -> Iterable[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(field, "must be a collection of strings")
    return value


def _limit(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("max_length", "must be an integer or None")
    return value
