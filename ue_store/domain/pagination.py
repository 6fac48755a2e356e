"""Keyset pagination: pages and the opaque cursors that continue them."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar
from uuid import UUID

from .errors import ValidationError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list; ``next_cursor`` is None on the last page."""

    items: tuple[T, ...]
    next_cursor: str | None


def encode_time_cursor(created_at: datetime, record_id: UUID) -> str:
    """Encode the sort key (time, id) of the last item on a page."""
    return _encode([created_at.isoformat(), str(record_id)])


def decode_time_cursor(cursor: str) -> tuple[datetime, UUID]:
    parts = _decode(cursor, expected_length=2)
    try:
        moment = datetime.fromisoformat(str(parts[0]))
        record_id = UUID(str(parts[1]))
    except ValueError:
        raise _invalid() from None
    if moment.tzinfo is None:
        raise _invalid()
    try:
        # PostgreSQL accepts offsets up to 15:59 only; UTC always fits.
        return moment.astimezone(UTC), record_id
    except OverflowError:
        raise _invalid() from None


def encode_sequence_cursor(sequence: int) -> str:
    """Encode the sequence number of the last audit record or event on a page."""
    return _encode([sequence])


def decode_sequence_cursor(cursor: str) -> int:
    (sequence,) = _decode(cursor, expected_length=1)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise _invalid()
    return sequence


def encode_id_cursor(record_id: UUID) -> str:
    """Encode the id of the last item on a page sorted by id alone."""
    return _encode([str(record_id)])


def decode_id_cursor(cursor: str) -> UUID:
    (raw,) = _decode(cursor, expected_length=1)
    try:
        return UUID(str(raw))
    except ValueError:
        raise _invalid() from None


def make_page(rows: Sequence[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """Build a page from up to ``limit + 1`` rows fetched in sort order.

    The extra row only tells whether another page exists; it is not returned.
    """
    items = tuple(rows[:limit])
    if len(rows) > limit and items:
        return Page(items, cursor_of(items[-1]))
    return Page(items, None)


def _encode(parts: list[str | int]) -> str:
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: object, expected_length: int) -> list[object]:
    if not isinstance(cursor, str) or not cursor or len(cursor) > 512:
        raise _invalid()
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        parts = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid() from None
    if not isinstance(parts, list) or len(parts) != expected_length:
        raise _invalid()
    return parts


def _invalid() -> ValidationError:
    return ValidationError("cursor", "must be a cursor returned by the same list")
