"""Input rules shared by every store: normalisation, limits and checks.

Each check raises ValidationError naming the field and the rule, and never
echoes the value. Limits count characters, not bytes.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from .entities import JSONValue
from .errors import ValidationError

#: Maximum length, in characters, of a normalised email or username key. The
#: key columns are this wide; a value whose key grows past it is rejected.
#: At four UTF-8 bytes per character at worst, a key and its tenant id stay
#: under PostgreSQL's 2,704-byte limit for a btree index entry (8 kB pages),
#: so a plain unique index can cover the key.
KEY_MAX_LENGTH = 600

SLUG_MAX_LENGTH = 63
NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
USERNAME_MAX_LENGTH = 255
#: Issuer and subject share one unique index, so together they must stay
#: under the btree entry limit too: (255 + 255) * 4 bytes.
ISSUER_MAX_LENGTH = 255
SUBJECT_MAX_LENGTH = 255
CLIENT_ID_MAX_LENGTH = 255
ROLE_MAX_LENGTH = 255
ROLES_MAX_COUNT = 200
CATALOG_KEY_MAX_LENGTH = 255
ALLOWED_VALUES_MAX_COUNT = 500
ACTOR_MAX_LENGTH = 255
CORRELATION_ID_MAX_LENGTH = 255
#: Limit for a profile string when its attribute sets no ``max_length``.
PROFILE_TEXT_MAX_LENGTH = 4096
PROFILE_LIST_MAX_COUNT = 1000
PROFILE_MAX_LENGTH_CEILING = 65535
JSON_MAX_BYTES = 65536
JSON_MAX_DEPTH = 32
#: Magnitude bound of JSON integers: beyond it, most JSON parsers (and
#: Python's int-to-text limit, at 4,300 digits) fail.
JSON_INTEGER_BOUND = 2**1024
PAGE_MAX_LIMIT = 1000

_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_CONTROL_ALLOWED_IN_TEXT = frozenset("\t\n\r")


def normalise_key(value: str) -> str:
    """Return the uniqueness key of an email or username.

    NFKC, then case folding, then NFKC again: case folding can leave a
    sequence that is no longer in NFKC, and the second pass makes the key
    idempotent, so ``normalise_key(normalise_key(x)) == normalise_key(x)``.
    """
    folded = unicodedata.normalize("NFKC", value).casefold()
    return unicodedata.normalize("NFKC", folded)


def check_text(
    field: str,
    value: object,
    *,
    max_length: int,
    multiline: bool = False,
    allow_empty: bool = False,
) -> str:
    """Check a text input and return it unchanged.

    Single-line text rejects every control character; multi-line text keeps
    tab, newline and carriage return. NUL is rejected everywhere because
    PostgreSQL text can't store it.
    """
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    if not value and not allow_empty:
        raise ValidationError(field, "must not be empty")
    if len(value) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters")
    if "\x00" in value:
        raise ValidationError(field, "must not contain a NUL character")
    check_encodable(field, value)
    for char in value:
        if unicodedata.category(char) == "Cc":
            if multiline and char in _CONTROL_ALLOWED_IN_TEXT:
                continue
            raise ValidationError(field, "must not contain control characters")
    return value


def check_encodable(field: str, text: str) -> None:
    """Reject text that UTF-8 can't encode, such as an unpaired surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, "must not contain unpaired surrogates") from None


def check_name(field: str, value: object, max_length: int = NAME_MAX_LENGTH) -> str:
    """Check a display name: non-blank single-line text."""
    text = check_text(field, value, max_length=max_length)
    if not text.strip():
        raise ValidationError(field, "must not be blank")
    return text


def check_slug(value: object) -> str:
    text = check_text("slug", value, max_length=SLUG_MAX_LENGTH)
    if not _SLUG.fullmatch(text):
        raise ValidationError(
            "slug",
            "must be lowercase letters, digits and inner hyphens "
            "(a-z, 0-9, -), starting and ending with a letter or digit",
        )
    return text


def _check_key_fits(field: str, value: str) -> str:
    key = normalise_key(value)
    if len(key) > KEY_MAX_LENGTH:
        raise ValidationError(
            field, f"must be at most {KEY_MAX_LENGTH} characters after normalisation"
        )
    return key


def check_email(field: str, value: object) -> tuple[str, str]:
    """Check an email address and return it with its uniqueness key."""
    text = check_text(field, value, max_length=EMAIL_MAX_LENGTH)
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(field, "must be an address of the form local@domain")
    if any(char.isspace() for char in text):
        raise ValidationError(field, "must not contain whitespace")
    return text, _check_key_fits(field, text)


def check_username(value: object) -> tuple[str, str]:
    """Check a username and return it with its uniqueness key."""
    text = check_text("username", value, max_length=USERNAME_MAX_LENGTH)
    if text != text.strip():
        raise ValidationError("username", "must not start or end with whitespace")
    return text, _check_key_fits("username", text)


def check_issuer(value: object) -> str:
    text = check_text("issuer", value, max_length=ISSUER_MAX_LENGTH)
    if any(char.isspace() for char in text):
        raise ValidationError("issuer", "must not contain whitespace")
    return text


def check_subject(value: object) -> str:
    return check_text("subject", value, max_length=SUBJECT_MAX_LENGTH)


def check_client_id(value: object) -> str:
    text = check_text("client_id", value, max_length=CLIENT_ID_MAX_LENGTH)
    if any(char.isspace() for char in text):
        raise ValidationError("client_id", "must not contain whitespace")
    return text


def check_roles(value: object) -> tuple[str, ...]:
    """Check a collection of role names and return them sorted, without repeats."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("roles", "must be a collection of role names")
    roles = {check_name("roles", role, ROLE_MAX_LENGTH) for role in value}
    if len(roles) > ROLES_MAX_COUNT:
        raise ValidationError("roles", f"must hold at most {ROLES_MAX_COUNT} roles")
    return tuple(sorted(roles))


def check_aware(field: str, value: object) -> datetime:
    """Check a timezone-aware datetime and return it in UTC."""
    if not isinstance(value, datetime):
        raise ValidationError(field, "must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must be timezone-aware")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError(
            field, "must fall within years 1 to 9999 in UTC"
        ) from None


def check_uuid(field: str, value: object) -> UUID:
    if not isinstance(value, UUID):
        raise ValidationError(field, "must be a UUID")
    return value


def check_version(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("expected_version", "must be a positive integer")
    return value


def check_limit(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("limit", "must be an integer")
    if not 1 <= value <= PAGE_MAX_LIMIT:
        raise ValidationError("limit", f"must be between 1 and {PAGE_MAX_LIMIT}")
    return value


def check_json(field: str, value: object) -> dict[str, JSONValue]:
    """Check a JSON object that PostgreSQL's jsonb must be able to store.

    jsonb rejects the NUL character in strings and keys, and JSON has no
    NaN or infinity, so both are rejected here before any write.
    """
    if not isinstance(value, Mapping):
        raise ValidationError(field, "must be a JSON object")
    document = _check_json_node(field, value, depth=0)
    encoded = json.dumps(document, ensure_ascii=False).encode()
    if len(encoded) > JSON_MAX_BYTES:
        raise ValidationError(field, f"must encode to at most {JSON_MAX_BYTES} bytes")
    assert isinstance(document, dict)
    return document


def _check_json_node(field: str, node: Any, depth: int) -> JSONValue:
    if depth > JSON_MAX_DEPTH:
        raise ValidationError(field, f"must nest at most {JSON_MAX_DEPTH} levels")
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, int):
        if abs(node) >= JSON_INTEGER_BOUND:
            raise ValidationError(field, "must hold integers below 2**1024")
        return node
    if isinstance(node, float):
        return _canonical_float(field, node)
    if isinstance(node, str):
        return _check_json_string(field, node)
    if isinstance(node, list | tuple):
        return [_check_json_node(field, item, depth + 1) for item in node]
    if isinstance(node, Mapping):
        result: dict[str, JSONValue] = {}
        for key, item in node.items():
            if not isinstance(key, str):
                raise ValidationError(field, "must have string keys only")
            result[_check_json_string(field, key)] = _check_json_node(
                field, item, depth + 1
            )
        return result
    raise ValidationError(
        field, f"must hold only JSON values, not {type(node).__name__}"
    )


def _check_json_string(field: str, text: str) -> str:
    if "\x00" in text:
        raise ValidationError(field, "must not contain a NUL character")
    check_encodable(field, text)
    return text


def _canonical_float(field: str, number: float) -> float | int:
    """Return a float as jsonb gives it back, so a stored value reads back equal.

    jsonb keeps a number as an exact decimal of its JSON text and prints it
    without an exponent, so a whole number that Python writes with one, such
    as 1e300, comes back as the integer 10**300.
    """
    if not math.isfinite(number):
        raise ValidationError(field, "must not contain NaN or infinity")
    text = repr(number)
    if number.is_integer() and "e" in text:
        return int(Decimal(text))
    return number


def json_equal(left: object, right: object) -> bool:
    """Compare two JSON values as jsonb does, except that true is not 1.

    Python's ``True == 1`` would make an update from 1 to true a no-op.
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(
            json_equal(left[key], right[key]) for key in left
        )
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            json_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    return left == right
