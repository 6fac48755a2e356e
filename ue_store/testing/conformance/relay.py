"""Conformance tests for the outbox relay: claims, fencing, order and retries.

The relay spans every tenant, so each test first settles whatever events
earlier setup left due (``settle``), then works with events it enqueues.
Time moves with ``harness.clock.advance``, never with sleeps.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from ue_store.domain.entities import OutboxEvent
from ue_store.domain.errors import UeStoreError, ValidationError
from ue_store.domain.protocol import Store
from ue_store.domain.relay import ERROR_MAX_LENGTH, OutboxRelay, RetryPolicy

from ..harness import StoreHarness
from .support import ACTOR, audit_records, expect, outbox_events, suffix, unit

LEASE = timedelta(seconds=30)
POLICY = RetryPolicy(
    max_attempts=3, base_delay=timedelta(seconds=10), max_delay=timedelta(minutes=1)
)


def settle(relay: OutboxRelay) -> None:
    """Deliver every event that is due now, so a test starts from nothing due."""
    while True:
        claim = relay.claim(owner="settle", limit=1000, lease_for=LEASE)
        if not claim.events:
            return
        relay.acknowledge(claim.lease.token, [c.event.event_id for c in claim.events])


def enqueue(
    store: Store, tenant_id: UUID, aggregate: str, *, key: str | None = None
) -> OutboxEvent:
    with unit(store, tenant_id) as uow:
        return uow.outbox.enqueue(
            event_type="invoice.issued",
            aggregate_type="invoice",
            aggregate_id=aggregate,
            payload={"amount": 12, "aggregate": aggregate},
            idempotency_key=key,
        )


def ids(events: list[OutboxEvent]) -> list[UUID]:
    return [event.event_id for event in events]


def claimed_ids(
    relay: OutboxRelay, *, owner: str = "relay-a", limit: int = 100
) -> tuple[UUID, list[UUID]]:
    """Claim events and return the lease token and the claimed event ids."""
    claim = relay.claim(owner=owner, limit=limit, lease_for=LEASE)
    return claim.lease.token, [c.event.event_id for c in claim.events]


class RelayContract:
    def test_relay__claim_respects_limit(self, store: Store, tenant_id: UUID) -> None:
        relay = store.relay()
        settle(relay)
        events = [enqueue(store, tenant_id, f"inv-{i}") for i in range(5)]

        _, first = claimed_ids(relay, limit=3)
        _, second = claimed_ids(relay, owner="relay-b", limit=10)
        _, third = claimed_ids(relay, limit=10)

        assert first == ids(events[:3])
        assert second == ids(events[3:])
        assert third == []

    def test_relay__lease_blocks_until_expiry(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        event = enqueue(store, tenant_id, "inv-1")

        first = relay.claim(owner="relay-a", limit=10, lease_for=LEASE)
        while_leased = relay.claim(owner="relay-b", limit=10, lease_for=LEASE)
        harness.clock.advance(LEASE)
        after_expiry = relay.claim(owner="relay-b", limit=10, lease_for=LEASE)

        assert [c.event.event_id for c in first.events] == [event.event_id]
        assert first.events[0].attempt == 1
        assert while_leased.events == ()
        assert [c.event.event_id for c in after_expiry.events] == [event.event_id]
        assert after_expiry.events[0].attempt == 2
        assert after_expiry.lease.token != first.lease.token
        assert after_expiry.lease.owner == "relay-b"

    def test_relay__acknowledge_fenced_by_token(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        event = enqueue(store, tenant_id, "inv-1")
        stale = relay.claim(owner="relay-a", limit=10, lease_for=LEASE)
        harness.clock.advance(LEASE)

        expired = relay.acknowledge(stale.lease.token, [event.event_id])
        fresh = relay.claim(owner="relay-b", limit=10, lease_for=LEASE)
        late = relay.acknowledge(stale.lease.token, [event.event_id])
        current = relay.acknowledge(fresh.lease.token, [event.event_id])
        again = relay.acknowledge(fresh.lease.token, [event.event_id])

        assert expired.rejected == (event.event_id,)
        assert late.rejected == (event.event_id,)
        assert late.accepted == ()
        assert current.accepted == (event.event_id,)
        assert again.rejected == (event.event_id,)
        stored = outbox_events(store, tenant_id)[-1]
        assert stored.event_id == event.event_id
        assert stored.delivered_at is not None
        assert claimed_ids(relay)[1] == []

    def test_relay__fail_and_release_fenced_by_expiry(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        failed = enqueue(store, tenant_id, "inv-1")
        released = enqueue(store, tenant_id, "inv-2")
        stale = relay.claim(owner="relay-a", limit=10, lease_for=LEASE)
        harness.clock.advance(LEASE)

        late_fail = relay.fail(
            stale.lease.token, [failed.event_id], error="timed out", policy=POLICY
        )
        late_release = relay.release(stale.lease.token, [released.event_id])
        fresh = relay.claim(owner="relay-b", limit=10, lease_for=LEASE)

        assert late_fail.rejected == (failed.event_id,)
        assert late_fail.accepted == ()
        assert late_release.rejected == (released.event_id,)
        assert late_release.accepted == ()
        # Neither late call changed the events: no backoff, no error text,
        # and the released event's attempt still counts.
        claimed = {c.event.event_id: c for c in fresh.events}
        assert sorted(claimed) == sorted([failed.event_id, released.event_id])
        assert claimed[failed.event_id].attempt == 2
        assert claimed[failed.event_id].last_error is None
        assert claimed[released.event_id].attempt == 2
        relay.acknowledge(fresh.lease.token, list(claimed))

    def test_relay__restart_fences_old_process(
        self, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        event = enqueue(store, tenant_id, "inv-1")
        old = relay.claim(owner="relay-a", limit=10, lease_for=LEASE)

        released = relay.release_owner("relay-a")
        late = relay.acknowledge(old.lease.token, [event.event_id])
        token, again = claimed_ids(relay, owner="relay-a")

        assert released == 1
        assert late.rejected == (event.event_id,)
        assert again == [event.event_id]
        assert relay.acknowledge(token, again).accepted == (event.event_id,)

    def test_relay__aggregate_order_kept(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        first, second, third = (enqueue(store, tenant_id, "inv-a") for _ in range(3))
        other = enqueue(store, tenant_id, "inv-b")

        token, batch = claimed_ids(relay)
        assert batch == [first.event_id, other.event_id]
        assert claimed_ids(relay, owner="relay-b")[1] == []
        relay.acknowledge(token, batch)

        token, batch = claimed_ids(relay)
        assert batch == [second.event_id]
        relay.fail(token, batch, error="sink timed out", policy=POLICY)
        assert claimed_ids(relay)[1] == []

        harness.clock.advance(POLICY.base_delay)
        token, batch = claimed_ids(relay)
        assert batch == [second.event_id]
        relay.acknowledge(token, batch)
        assert claimed_ids(relay)[1] == [third.event_id]

    def test_relay__backoff_then_dead_letter(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        poison = enqueue(store, tenant_id, "inv-poison")
        blocked = enqueue(store, tenant_id, "inv-poison")
        outcomes = []
        for attempt in range(1, POLICY.max_attempts + 1):
            claim = relay.claim(owner="relay-a", limit=10, lease_for=LEASE)
            assert [c.event.event_id for c in claim.events] == [poison.event_id]
            assert claim.events[0].attempt == attempt
            outcomes.append(
                relay.fail(
                    claim.lease.token,
                    [poison.event_id],
                    error="rejected",
                    policy=POLICY,
                )
            )
            harness.clock.advance(POLICY.delay(attempt))
        healthy = enqueue(store, tenant_id, "inv-ok")

        token, rest = claimed_ids(relay)
        counts = relay.counts()

        assert [o.dead_lettered for o in outcomes[:-1]] == [(), ()]
        assert outcomes[-1].dead_lettered == (poison.event_id,)
        assert rest == [healthy.event_id]
        assert blocked.event_id not in rest
        assert counts.dead_lettered == 1
        assert counts.leased == 1
        assert counts.pending == 1
        readiness = store.readiness()
        assert readiness.ready is True
        assert "outbox_dead_letters" in [w.name for w in readiness.warnings]
        relay.acknowledge(token, rest)

    def test_relay__backoff_doubles(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        event = enqueue(store, tenant_id, "inv-1")
        policy = RetryPolicy(
            max_attempts=10,
            base_delay=timedelta(seconds=10),
            max_delay=timedelta(seconds=25),
        )
        waits = []
        for _ in range(3):
            token, batch = claimed_ids(relay)
            assert batch == [event.event_id]
            relay.fail(token, batch, error="sink down", policy=policy)
            waited = timedelta(0)
            while True:
                probe_token, probed = claimed_ids(relay, owner="probe")
                if probed:
                    # Given back untried, so the probe counts no attempt.
                    relay.release(probe_token, probed)
                    break
                harness.clock.advance(timedelta(seconds=1))
                waited += timedelta(seconds=1)
            waits.append(waited)

        assert waits == [
            timedelta(seconds=10),
            timedelta(seconds=20),
            timedelta(seconds=25),
        ]

    def test_relay__release_keeps_attempts(self, store: Store, tenant_id: UUID) -> None:
        relay = store.relay()
        settle(relay)
        event = enqueue(store, tenant_id, "inv-1")
        token, batch = claimed_ids(relay)

        released = relay.release(token, batch)
        claim = relay.claim(owner="relay-b", limit=10, lease_for=LEASE)

        assert released.accepted == (event.event_id,)
        assert [c.attempt for c in claim.events] == [1]

    def test_relay__error_text_clipped(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        enqueue(store, tenant_id, "inv-1")
        token, batch = claimed_ids(relay)

        relay.fail(token, batch, error="line\nbreak " + "x" * 2000, policy=POLICY)
        harness.clock.advance(POLICY.max_delay)
        claim = relay.claim(owner="relay-a", limit=10, lease_for=LEASE)

        last_error = claim.events[0].last_error
        assert last_error is not None
        assert len(last_error) == ERROR_MAX_LENGTH
        assert last_error.startswith("line break x")

    def test_relay__requeue_audited(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        event = enqueue(store, tenant_id, "inv-1")
        once = RetryPolicy(max_attempts=1)
        token, batch = claimed_ids(relay)
        relay.fail(token, batch, error="rejected", policy=once)
        assert claimed_ids(relay)[1] == []

        with unit(store, tenant_id) as uow:
            requeued = uow.outbox.requeue([event.event_id, event.event_id])
            again = uow.outbox.requeue([event.event_id])
        claim = relay.claim(owner="relay-a", limit=10, lease_for=LEASE)

        assert requeued == (event.event_id,)
        assert again == ()
        assert [c.event.event_id for c in claim.events] == [event.event_id]
        assert claim.events[0].attempt == 1
        records = audit_records(store, tenant_id, target_type="outbox_event")
        assert [r.action for r in records] == ["outbox_event.requeued"]
        assert records[0].target_id == str(event.event_id)
        assert records[0].actor == ACTOR
        assert "payload" not in records[0].details
        assert relay.counts().dead_lettered == 0

    def test_relay__requeue_other_tenant_ignored(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        event = enqueue(store, tenant_id, "inv-1")
        token, batch = claimed_ids(relay)
        relay.fail(token, batch, error="rejected", policy=RetryPolicy(max_attempts=1))

        with unit(store, other_tenant_id) as uow:
            requeued = uow.outbox.requeue([event.event_id])

        assert requeued == ()
        assert relay.counts().dead_lettered >= 1

    def test_relay__enqueue_idempotent(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        key = f"order-{suffix()}"
        before = len(audit_records(store, tenant_id))

        first = enqueue(store, tenant_id, "inv-1", key=key)
        second = enqueue(store, tenant_id, "inv-2", key=key)
        elsewhere = enqueue(store, other_tenant_id, "inv-1", key=key)

        assert second.event_id == first.event_id
        assert second.aggregate_id == "inv-1"
        assert first.idempotency_key == key
        assert elsewhere.event_id != first.event_id
        keyed = [e for e in outbox_events(store, tenant_id) if e.idempotency_key]
        assert ids(keyed) == [first.event_id]
        assert len(audit_records(store, tenant_id)) == before

    def test_relay__enqueue_rolls_back(self, store: Store, tenant_id: UUID) -> None:
        before = outbox_events(store, tenant_id)

        try:
            with unit(store, tenant_id) as uow:
                uow.outbox.enqueue(
                    event_type="invoice.issued",
                    aggregate_type="invoice",
                    aggregate_id="inv-1",
                    payload={},
                    idempotency_key="rolled-back",
                )
                raise RuntimeError("abort the unit")
        except RuntimeError:
            pass

        assert outbox_events(store, tenant_id) == before
        assert enqueue(store, tenant_id, "inv-2", key="rolled-back").aggregate_id == (
            "inv-2"
        )

    def test_relay__enqueue_rejects_bad_input(
        self, store: Store, tenant_id: UUID
    ) -> None:
        with unit(store, tenant_id) as uow:
            payload_error = expect(
                ValidationError,
                uow.outbox.enqueue,
                event_type="invoice.issued",
                aggregate_type="invoice",
                aggregate_id="inv-1",
                payload=["not", "an", "object"],
            )
            type_error = expect(
                ValidationError,
                uow.outbox.enqueue,
                event_type="x" * 65,
                aggregate_type="invoice",
                aggregate_id="inv-1",
                payload={},
            )

        assert payload_error.field == "payload"
        assert type_error.field == "event_type"

    def test_relay__purge_in_batches(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        events = [enqueue(store, tenant_id, f"inv-{i}") for i in range(3)]
        pending = enqueue(store, tenant_id, "inv-0")
        token, batch = claimed_ids(relay)
        relay.acknowledge(token, batch)
        harness.clock.advance(timedelta(days=1))
        cutoff = harness.clock()

        first = relay.purge_delivered(delivered_before=cutoff, limit=2)
        second = relay.purge_delivered(delivered_before=cutoff, limit=2)
        third = relay.purge_delivered(delivered_before=cutoff, limit=2)

        remaining = ids(outbox_events(store, tenant_id))
        assert batch == ids(events)
        assert first == 2
        assert second >= 1
        assert third == 0
        assert remaining == [pending.event_id]

    def test_relay__counts_and_stall_warning(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        relay = store.relay()
        settle(relay)
        first = enqueue(store, tenant_id, "inv-1")
        enqueue(store, tenant_id, "inv-2")
        relay.claim(owner="relay-a", limit=1, lease_for=LEASE)
        harness.clock.advance(timedelta(hours=2))

        counts = relay.counts()
        readiness = store.readiness()

        assert counts.pending == 2
        assert counts.leased == 0
        assert counts.oldest_pending_at == first.created_at
        age = counts.oldest_pending_age
        assert age is not None
        assert age >= timedelta(hours=2)
        assert readiness.ready is True
        assert "outbox_relay_stalled" in [w.name for w in readiness.warnings]

    def test_relay__not_inside_unit(self, store: Store, tenant_id: UUID) -> None:
        relay = store.relay()
        with unit(store, tenant_id):
            expect(UeStoreError, relay.counts)

    def test_relay__rejects_bad_arguments(self, store: Store) -> None:
        relay = store.relay()

        limit_error = expect(
            ValidationError, relay.claim, owner="relay-a", limit=0, lease_for=LEASE
        )
        lease_error = expect(
            ValidationError,
            relay.claim,
            owner="relay-a",
            limit=1,
            lease_for=timedelta(0),
        )
        owner_error = expect(
            ValidationError, relay.claim, owner="", limit=1, lease_for=LEASE
        )

        assert limit_error.field == "limit"
        assert lease_error.field == "lease_for"
        assert owner_error.field == "owner"
