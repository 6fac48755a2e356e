"""The outbox relay protocol: hand committed outbox events to other services.

A relay claims due events under a lease, passes them to a sink, and then
acknowledges, fails or releases them. The relay works across every tenant;
requeueing a dead letter is a change in the event's tenant, so it runs in a
unit of work (``uow.outbox.requeue``) and is audited there.

Guarantees that every store keeps, and ``ue_store.testing.conformance``
checks:

- A claim of N marks at most N events, and two relays never hold the same
  event at once: a leased event is claimable again only after its lease
  expires or is given back.
- Fencing: ``acknowledge`` accepts an event only with the token of its
  current, unexpired lease. A relay whose lease expired, or whose leases were
  released because it restarted under the same owner name, gets its events
  back as rejected. Each event moves to delivered exactly once.
- Per-aggregate order: an event is claimed only when no earlier event of the
  same (tenant, aggregate_type, aggregate_id) is undelivered, whether that
  event is pending, leased, waiting out a backoff or dead-lettered. A dead
  letter therefore blocks its aggregate until it is requeued. Events of
  different aggregates are claimed independently.
- Claims read the set of undelivered rows, never a "last seen" cursor, so an
  event committed late with a lower sequence is still handed off.
- Each claim counts one attempt. ``fail`` sets the event back with an
  exponential backoff, or dead-letters it once the attempts reach the
  policy's maximum. ``release`` gives an event back without counting the
  attempt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol
from uuid import UUID

from .entities import JSONValue, OutboxEvent, ReadinessCheck
from .errors import ValidationError
from .rules import check_json, check_text

#: Maximum characters of the error text kept on a failed event.
ERROR_MAX_LENGTH: Final = 500
#: Maximum characters of a relay's owner name.
OWNER_MAX_LENGTH: Final = 255
#: Maximum characters of an event type or aggregate type.
TYPE_MAX_LENGTH: Final = 64
#: Maximum characters of an aggregate id.
AGGREGATE_ID_MAX_LENGTH: Final = 80
#: Maximum characters of an idempotency key.
IDEMPOTENCY_KEY_MAX_LENGTH: Final = 255
#: Maximum events per claim and per purge batch.
BATCH_MAX_SIZE: Final = 1000
#: Maximum lease duration a claim may take.
LEASE_MAX_DURATION: Final = timedelta(hours=1)
#: Age of the oldest undelivered event above which readiness warns.
DEFAULT_STALL_AFTER: Final = timedelta(minutes=15)
#: Audit action and target type of a requeued dead letter.
REQUEUED_ACTION: Final = "outbox_event.requeued"
REQUEUED_TARGET: Final = "outbox_event"
#: Backoff exponents stop growing here, so the delay arithmetic stays small.
_BACKOFF_MAX_EXPONENT: Final = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Retry schedule of failed deliveries.

    Attributes:
        max_attempts: Attempts after which ``fail`` dead-letters an event.
        base_delay: Delay after the first failed attempt; each later failure
            doubles it.
        max_delay: Upper bound of the delay.
    """

    max_attempts: int = 10
    base_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=10)

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 1000:
            raise ValidationError("max_attempts", "must be between 1 and 1000")
        if self.base_delay <= timedelta(0) or self.max_delay < self.base_delay:
            raise ValidationError(
                "base_delay", "must be positive and at most max_delay"
            )

    def delay(self, attempts: int) -> timedelta:
        """Return the wait after the failure of attempt number ``attempts``."""
        exponent = min(max(attempts - 1, 0), _BACKOFF_MAX_EXPONENT)
        return min(self.base_delay * (1 << exponent), self.max_delay)


DEFAULT_RETRY_POLICY: Final = RetryPolicy()


@dataclass(frozen=True, slots=True, kw_only=True)
class Lease:
    """A relay's hold on the events of one claim.

    ``token`` is new for every claim; only that token can settle the events.
    """

    owner: str
    token: UUID
    expires_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedEvent:
    """An event handed to a relay, with the attempt number this claim counts.

    ``last_error`` is the reason the previous attempt failed, if one did.
    """

    event: OutboxEvent
    attempt: int
    lease: Lease
    last_error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """The result of one claim: the lease and its events in sequence order."""

    lease: Lease
    events: tuple[ClaimedEvent, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settlement:
    """Outcome of an acknowledge, fail or release call, event by event.

    ``rejected`` lists the event ids that the lease no longer held (expired,
    released, claimed by another relay, or already settled), so the call
    left them as they were. ``dead_lettered`` is the part of ``accepted``
    that a ``fail`` moved to the dead-letter state.
    """

    accepted: tuple[UUID, ...]
    rejected: tuple[UUID, ...]
    dead_lettered: tuple[UUID, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RelayCounts:
    """Outbox figures for operators, all tenants together.

    Attributes:
        pending: Undelivered events that no live lease holds, due or in
            backoff, dead letters excluded.
        retrying: The part of ``pending`` that waits out a backoff.
        leased: Undelivered events under an unexpired lease.
        dead_lettered: Events that reached the maximum attempts.
        oldest_pending_at: ``created_at`` of the oldest undelivered event
            that is not a dead letter, leased or not; None when there is none.
        measured_at: The store's time of the count.
    """

    pending: int
    retrying: int
    leased: int
    dead_lettered: int
    oldest_pending_at: datetime | None
    measured_at: datetime

    @property
    def oldest_pending_age(self) -> timedelta | None:
        if self.oldest_pending_at is None:
            return None
        return max(self.measured_at - self.oldest_pending_at, timedelta(0))


class OutboxRelay(Protocol):
    """Operations of a relay process, across every tenant."""

    def claim(self, *, owner: str, limit: int, lease_for: timedelta) -> Claim:
        """Lease up to ``limit`` due events to ``owner`` for ``lease_for``.

        Returns the events sorted by sequence, each with its attempt number.
        """
        ...

    def acknowledge(self, token: UUID, event_ids: Iterable[UUID]) -> Settlement:
        """Mark events delivered, if ``token`` still holds an unexpired lease."""
        ...

    def fail(
        self,
        token: UUID,
        event_ids: Iterable[UUID],
        *,
        error: str,
        policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    ) -> Settlement:
        """Give events back after a failed delivery.

        Each event waits ``policy.delay(attempt)`` before its next claim, or
        becomes a dead letter when its attempts reached
        ``policy.max_attempts``. ``error`` is the caller's short reason,
        without payload data; it is kept as the event's last error.
        """
        ...

    def release(self, token: UUID, event_ids: Iterable[UUID]) -> Settlement:
        """Give events back untried: the claim's attempt is not counted."""
        ...

    def release_owner(self, owner: str) -> int:
        """Release every lease ``owner`` holds and return how many events.

        A relay calls it when it starts, so that a previous process under the
        same name can no longer acknowledge anything.
        """
        ...

    def purge_delivered(self, *, delivered_before: datetime, limit: int) -> int:
        """Delete up to ``limit`` events delivered before the given time.

        Returns how many were deleted; call again until it returns less than
        ``limit``.
        """
        ...

    def counts(self) -> RelayCounts:
        """Count pending, leased and dead-lettered events."""
        ...


def check_owner(owner: object) -> str:
    return check_text("owner", owner, max_length=OWNER_MAX_LENGTH)


def check_batch_size(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be an integer")
    if not 1 <= value <= BATCH_MAX_SIZE:
        raise ValidationError(field, f"must be between 1 and {BATCH_MAX_SIZE}")
    return value


def check_lease_duration(value: object) -> timedelta:
    if not isinstance(value, timedelta):
        raise ValidationError("lease_for", "must be a timedelta")
    if not timedelta(0) < value <= LEASE_MAX_DURATION:
        raise ValidationError("lease_for", "must be positive and at most one hour")
    return value


def check_token(value: object) -> UUID:
    if not isinstance(value, UUID):
        raise ValidationError("token", "must be a UUID")
    return value


def check_event_ids(event_ids: Iterable[UUID]) -> tuple[UUID, ...]:
    """Return the ids without repeats, in the order given."""
    ids: list[UUID] = []
    for event_id in event_ids:
        if not isinstance(event_id, UUID):
            raise ValidationError("event_ids", "must contain UUIDs")
        if event_id not in ids:
            ids.append(event_id)
    return tuple(ids)


def clip_error(error: object) -> str:
    """Return the caller's error text on one line, cut to ERROR_MAX_LENGTH.

    Text that is too long is cut rather than rejected, because the caller is
    reporting a failure and must not fail again while doing so.
    """
    if not isinstance(error, str):
        raise ValidationError("error", "must be a string")
    # "replace" turns unpaired surrogates into "?", which PostgreSQL can store.
    text = error.encode("utf-8", "replace").decode("utf-8")
    single_line = "".join(char if char.isprintable() else " " for char in text)
    return single_line.strip()[:ERROR_MAX_LENGTH] or "unspecified error"


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFields:
    """The checked inputs of ``uow.outbox.enqueue``."""

    event_type: str
    aggregate_type: str
    aggregate_id: str
    payload: dict[str, JSONValue]
    idempotency_key: str | None


def check_event_fields(
    *,
    event_type: object,
    aggregate_type: object,
    aggregate_id: object,
    payload: object,
    idempotency_key: object,
) -> EventFields:
    key = None
    if idempotency_key is not None:
        key = check_text(
            "idempotency_key", idempotency_key, max_length=IDEMPOTENCY_KEY_MAX_LENGTH
        )
    return EventFields(
        event_type=check_text("event_type", event_type, max_length=TYPE_MAX_LENGTH),
        aggregate_type=check_text(
            "aggregate_type", aggregate_type, max_length=TYPE_MAX_LENGTH
        ),
        aggregate_id=check_text(
            "aggregate_id", aggregate_id, max_length=AGGREGATE_ID_MAX_LENGTH
        ),
        payload=check_json("payload", payload),
        idempotency_key=key,
    )


def requeue_details(event_type: str, attempts: int) -> dict[str, JSONValue]:
    """Return the audit details of a requeue: the event's state, no payload."""
    return {
        "fields": ["attempts", "available_at", "dead_lettered_at"],
        "event_type": event_type,
        "attempts_before": attempts,
    }


def settlement(
    requested: tuple[UUID, ...],
    accepted: Iterable[UUID],
    dead_lettered: Iterable[UUID] = (),
) -> Settlement:
    """Sort the requested ids into accepted, rejected and dead-lettered."""
    done = set(accepted)
    dead = set(dead_lettered)
    return Settlement(
        accepted=tuple(event_id for event_id in requested if event_id in done),
        rejected=tuple(event_id for event_id in requested if event_id not in done),
        dead_lettered=tuple(event_id for event_id in requested if event_id in dead),
    )


def relay_warnings(
    counts: RelayCounts, stall_after: timedelta
) -> tuple[ReadinessCheck, ...]:
    """Return readiness warnings for a dead-letter backlog or a stalled relay.

    The relay counts as stalled when the oldest undelivered event that is not
    a dead letter is older than ``stall_after``.
    """
    warnings: list[ReadinessCheck] = []
    if counts.dead_lettered:
        warnings.append(
            ReadinessCheck(
                name="outbox_dead_letters",
                ok=False,
                reason=(
                    f"{counts.dead_lettered} outbox event(s) dead-lettered; "
                    "fix the cause, then requeue them"
                ),
            )
        )
    age = counts.oldest_pending_age
    if age is not None and age > stall_after:
        warnings.append(
            ReadinessCheck(
                name="outbox_relay_stalled",
                ok=False,
                reason=(
                    f"oldest undelivered outbox event is {int(age.total_seconds())} s "
                    f"old (threshold {int(stall_after.total_seconds())} s); "
                    "check that a relay runs"
                ),
            )
        )
    return tuple(warnings)
