"""Review findings in the outbox relay."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from tests.adversarial.conftest import make_tenant
from ue_store.domain.protocol import Store
from ue_store.memory import MemoryStore
from ue_store.postgres import PostgresStore
from ue_store.relay.sinks import HttpSink
from ue_store.testing.clock import TickingClock


def test_review_http_sink_hides_credentials() -> None:
    # Sink.describe() must leave out credentials, because relay.started logs it.
    sink = HttpSink("http://relay:s3cr3t-pw@127.0.0.1:8080/events")

    assert "s3cr3t-pw" not in sink.describe()


@pytest.fixture(params=["memory", "postgres"])
def clocked_store(request: pytest.FixtureRequest) -> tuple[Store, TickingClock]:
    clock = TickingClock()
    if request.param == "memory":
        return MemoryStore(clock=clock), clock
    request.getfixturevalue("transactional_db")
    return PostgresStore(clock=clock), clock


def enqueue_only_due_event(store: Store) -> UUID:
    """Return the id of a new event, after delivering every other due event."""
    tenant_id = make_tenant(store)
    relay = store.relay()
    claim = relay.claim(owner="setup", limit=1000, lease_for=timedelta(minutes=1))
    relay.acknowledge(claim.lease.token, [c.event.event_id for c in claim.events])
    with store.unit_of_work(tenant_id, actor="review") as uow:
        event = uow.outbox.enqueue(
            event_type="thing.happened",
            aggregate_type="thing",
            aggregate_id="t-1",
            payload={},
        )
    return event.event_id


@pytest.mark.parametrize("call", ["fail", "release"])
def test_review_expired_lease_settle_rejected(
    clocked_store: tuple[Store, TickingClock], call: str
) -> None:
    # Settlement.rejected lists ids "that the lease no longer held (expired,
    # ...)", but fail and release match the token and ignore the expiry.
    store, clock = clocked_store
    event_id = enqueue_only_due_event(store)
    relay = store.relay()
    claim = relay.claim(owner="late", limit=10, lease_for=timedelta(seconds=5))
    assert [c.event.event_id for c in claim.events] == [event_id]
    clock.advance(timedelta(seconds=30))

    if call == "fail":
        outcome = relay.fail(claim.lease.token, [event_id], error="sink timed out")
    else:
        outcome = relay.release(claim.lease.token, [event_id])

    assert outcome.rejected == (event_id,)
    assert outcome.accepted == ()
