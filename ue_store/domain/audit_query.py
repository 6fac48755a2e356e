"""The filters of ``AuditTrail.list``, checked once for every store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import rules
from .entities import AuditRecord
from .errors import ValidationError


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditQuery:
    """Checked audit filters; None means the filter is not applied.

    ``since`` and ``until`` are in UTC and bound the half-open range
    ``since <= occurred_at < until``.
    """

    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def matches(self, record: AuditRecord) -> bool:
        """Return whether ``record`` passes every filter."""
        if self.target_type is not None and record.target_type != self.target_type:
            return False
        if self.target_id is not None and record.target_id != self.target_id:
            return False
        if self.since is not None and record.occurred_at < self.since:
            return False
        return self.until is None or record.occurred_at < self.until


def check_audit_query(
    *,
    target_type: object = None,
    target_id: object = None,
    since: object = None,
    until: object = None,
) -> AuditQuery:
    """Check the filters of an audit listing.

    Raises ValidationError for text that breaks the key rules, a naive or
    out-of-range datetime, or ``until`` before ``since``.
    """
    checked_since = None if since is None else rules.check_aware("since", since)
    checked_until = None if until is None else rules.check_aware("until", until)
    if (
        checked_since is not None
        and checked_until is not None
        and checked_until < checked_since
    ):
        raise ValidationError("until", "must not be before since")
    return AuditQuery(
        target_type=_optional_text("target_type", target_type),
        target_id=_optional_text("target_id", target_id),
        since=checked_since,
        until=checked_until,
    )


def _optional_text(field: str, value: object) -> str | None:
    if value is None:
        return None
    return rules.check_text(field, value, max_length=rules.KEY_MAX_LENGTH)
