"""Rules for catalog attribute definitions and the profile values they allow."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from . import rules
from .entities import CatalogAttribute, JSONValue, ProfileScalar, ValueType
from .errors import ValidationError

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def check_definition(
    value_type: ValueType,
    allowed_values: Iterable[str],
    max_length: int | None,
) -> tuple[tuple[str, ...], int | None]:
    """Check the limits of an attribute and return its allowed values, sorted."""
    if isinstance(allowed_values, str) or not isinstance(allowed_values, Iterable):
        raise ValidationError("allowed_values", "must be a collection of strings")
    allowed = {
        rules.check_text("allowed_values", item, max_length=rules.ROLE_MAX_LENGTH)
        for item in allowed_values
    }
    if len(allowed) > rules.ALLOWED_VALUES_MAX_COUNT:
        raise ValidationError(
            "allowed_values",
            f"must hold at most {rules.ALLOWED_VALUES_MAX_COUNT} values",
        )
    if value_type is ValueType.ENUM and not allowed:
        raise ValidationError("allowed_values", "must not be empty for an enum")
    textual = (ValueType.STRING, ValueType.ENUM, ValueType.STRING_LIST)
    if allowed and value_type not in textual:
        raise ValidationError(
            "allowed_values", f"must be empty for a {value_type.value} attribute"
        )
    if max_length is not None:
        if isinstance(max_length, bool) or not isinstance(max_length, int):
            raise ValidationError("max_length", "must be an integer or None")
        if not 1 <= max_length <= rules.PROFILE_MAX_LENGTH_CEILING:
            raise ValidationError(
                "max_length",
                f"must be between 1 and {rules.PROFILE_MAX_LENGTH_CEILING}",
            )
        if value_type not in (ValueType.STRING, ValueType.STRING_LIST):
            raise ValidationError(
                "max_length", f"must be None for a {value_type.value} attribute"
            )
    return tuple(sorted(allowed)), max_length


def check_value(attribute: CatalogAttribute, value: object) -> ProfileScalar:
    """Check ``value`` against its attribute and return it in canonical form.

    An explicit empty string or empty list is a value, distinct from unset,
    but a required attribute rejects it.
    """
    field = f"profile value {attribute.key}"
    kind = attribute.value_type
    if kind is ValueType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationError(field, "must be a boolean")
        return value
    if kind is ValueType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(field, "must be an integer")
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValidationError(field, "must fit in a signed 64-bit integer")
        return value
    if kind is ValueType.DATE:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValidationError(field, "must be a date without a time")
        return value
    if kind is ValueType.STRING_LIST:
        return _check_list(attribute, field, value)
    return _check_string(attribute, field, value)


def _check_string(attribute: CatalogAttribute, field: str, value: object) -> str:
    limit = attribute.max_length or rules.PROFILE_TEXT_MAX_LENGTH
    text = rules.check_text(
        field, value, max_length=limit, multiline=True, allow_empty=True
    )
    if attribute.required and not text:
        raise ValidationError(field, "must not be empty because it is required")
    if attribute.allowed_values and text not in attribute.allowed_values:
        raise ValidationError(field, "must be one of the attribute's allowed values")
    return text


def _check_list(
    attribute: CatalogAttribute, field: str, value: object
) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValidationError(field, "must be a list of strings")
    if len(value) > rules.PROFILE_LIST_MAX_COUNT:
        raise ValidationError(
            field, f"must hold at most {rules.PROFILE_LIST_MAX_COUNT} items"
        )
    if attribute.required and not value:
        raise ValidationError(field, "must not be empty because it is required")
    limit = attribute.max_length or rules.PROFILE_TEXT_MAX_LENGTH
    items = tuple(
        rules.check_text(
            field, item, max_length=limit, multiline=True, allow_empty=True
        )
        for item in value
    )
    allowed = attribute.allowed_values
    if allowed and any(item not in allowed for item in items):
        raise ValidationError(field, "must hold only the attribute's allowed values")
    return items


def to_stored(value: ProfileScalar) -> JSONValue:
    """Convert a checked value to the JSON the stores keep."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_stored(value_type: ValueType, stored: JSONValue) -> ProfileScalar:
    """Convert stored JSON back to the value type of its attribute."""
    if value_type is ValueType.DATE:
        return date.fromisoformat(str(stored))
    if value_type is ValueType.STRING_LIST:
        assert isinstance(stored, list)
        return tuple(str(item) for item in stored)
    assert isinstance(stored, str | int | bool)
    return stored
