"""Relay processes against PostgreSQL: drain, crash, retries and dead letters."""

from __future__ import annotations

import signal
from collections import defaultdict
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from django.db import connection

from tests.tenancy import inspect_all
from ue_store import models
from ue_store.postgres import PostgresStore

from .support import RecordingSink, RelayProcess, read_jsonl, seed_events, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FAST = ["--poll-seconds", "0.2", "--retry-base-seconds", "0.2"]


def tenant_event_ids() -> set[str]:
    """Return the ids of the store's own events, such as tenant.created."""
    rows = models.OutboxEvent.objects.exclude(event_type="invoice.issued")
    with inspect_all():
        return {str(event_id) for event_id in rows.values_list("event_id", flat=True)}


def delivered_count() -> int:
    return count_events(delivered_at__isnull=False)


def count_events(**conditions: Any) -> int:
    """Count the outbox events of every tenant that match ``conditions``."""
    with inspect_all():
        return models.OutboxEvent.objects.filter(**conditions).count()


def sink_order_by_aggregate(records: list[dict[str, Any]]) -> dict[str, list[int]]:
    order: dict[str, list[int]] = defaultdict(list)
    for record in records:
        key = f"{record['tenant']}/{record['aggregate']['id']}"
        order[key].append(record["sequence"])
    return order


def test_four_relays__drain_10000_events(tmp_path: Path, tenant_id: UUID) -> None:
    seeded = seed_events(tenant_id, 10_000, aggregates=500)
    sink = tmp_path / "events.jsonl"
    relays = [
        RelayProcess(
            tmp_path / f"relay-{n}.log",
            *("--sink", f"jsonl:{sink}", "--once", "--batch", "100"),
            *("--name", f"relay-{n}", *FAST),
        )
        for n in range(4)
    ]
    try:
        codes = [relay.wait(timeout=150) for relay in relays]
    finally:
        for relay in relays:
            relay.stop()

    records = read_jsonl(sink)
    sink_ids = [record["event_id"] for record in records]
    expected = {str(row.event_id) for row in seeded}
    assert codes == [0, 0, 0, 0], [relay.log()[-2000:] for relay in relays]
    assert set(sink_ids) >= expected
    assert len(sink_ids) == len(set(sink_ids))
    assert count_events(delivered_at__isnull=True) == 0
    for sequences in sink_order_by_aggregate(records).values():
        assert sequences == sorted(sequences)
    assert all("lost the lease" not in relay.log() for relay in relays)
    assert sum(relay.log().count("delivered") > 0 for relay in relays) >= 2


def test_killed_relay__events_delivered_after_lease(
    tmp_path: Path, tenant_id: UUID
) -> None:
    seeded = seed_events(tenant_id, 200, aggregates=200)
    blocking = RecordingSink(lambda events, number: 200)
    blocking.hold.clear()
    sink = tmp_path / "events.jsonl"
    with blocking.running():
        doomed = RelayProcess(
            tmp_path / "doomed.log",
            *("--sink", blocking.url, "--batch", "50", "--lease-seconds", "3"),
            *("--name", "doomed", *FAST),
        )
        try:
            assert blocking.received.wait(timeout=30), doomed.log()
            doomed.process.send_signal(signal.SIGKILL)
            doomed.wait(timeout=10)
        finally:
            doomed.stop()
        assert count_events(lease_owner="doomed") == 50
        survivor = RelayProcess(
            tmp_path / "survivor.log",
            *("--sink", f"jsonl:{sink}", "--once", "--name", "survivor", *FAST),
        )
        try:
            code = survivor.wait(timeout=60)
        finally:
            survivor.stop()

    sink_ids = {record["event_id"] for record in read_jsonl(sink)}
    assert code == 0, survivor.log()
    assert sink_ids == {str(row.event_id) for row in seeded} | tenant_event_ids()
    assert delivered_count() == 201
    assert count_events(attempts=2) == 50


def test_failing_sink__backoff_then_delivery(tmp_path: Path, tenant_id: UUID) -> None:
    seeded = seed_events(tenant_id, 20, aggregates=20)
    flaky = RecordingSink(lambda events, number: 503 if number <= 3 else 200)
    with flaky.running():
        relay = RelayProcess(
            tmp_path / "relay.log",
            *("--sink", flaky.url, "--once", "--name", "flaky", *FAST),
        )
        try:
            code = relay.wait(timeout=60)
        finally:
            relay.stop()

    accepted = {event["event_id"] for event in flaky.accepted}
    with inspect_all():
        retried = list(models.OutboxEvent.objects.filter(attempts__gte=2))
    assert code == 0, relay.log()
    assert accepted == {str(row.event_id) for row in seeded} | tenant_event_ids()
    assert delivered_count() == 21
    assert len(retried) >= 1
    assert {row.last_error for row in retried} == {"HTTP sink returned status 503"}
    assert all(row.available_at > row.created_at for row in retried)
    assert "sink rejected" in relay.log()


def test_poison_event__dead_lettered_rest_flows(
    tmp_path: Path, store: PostgresStore, tenant_id: UUID
) -> None:
    seeded = seed_events(
        tenant_id,
        30,
        aggregates=29,
        payload=lambda index: {"index": index, "poison": index == 0},
    )
    poison, blocked = seeded[0], seeded[29]

    def decide(events: list[dict[str, Any]], number: int) -> int:
        return 500 if any(e["payload"].get("poison") for e in events) else 200

    picky = RecordingSink(decide)
    with picky.running():
        relay = RelayProcess(
            tmp_path / "relay.log",
            *("--sink", picky.url, "--once", "--max-attempts", "3"),
            *("--retry-max-seconds", "0.4", "--name", "picky", *FAST),
        )
        try:
            code = relay.wait(timeout=60)
        finally:
            relay.stop()

    with inspect_all():
        poison.refresh_from_db()
        blocked.refresh_from_db()
    accepted = {event["event_id"] for event in picky.accepted}
    counts = store.relay().counts()
    assert code == 0, relay.log()
    assert poison.dead_lettered_at is not None
    assert poison.attempts == 3
    assert poison.last_error == "HTTP sink returned status 500"
    assert blocked.delivered_at is None
    healthy = {str(row.event_id) for row in seeded[1:29]}
    assert accepted == healthy | tenant_event_ids()
    assert counts.dead_lettered == 1
    assert counts.pending == 1
    assert f"dead-lettered event {poison.event_id}" in relay.log()
    assert '"poison"' not in relay.log()
    warnings = [warning.name for warning in store.readiness().warnings]
    assert warnings == ["outbox_dead_letters"]


def test_long_running_relay__wakes_recovers_stops(
    tmp_path: Path, store: PostgresStore, tenant_id: UUID
) -> None:
    sink = tmp_path / "events.jsonl"
    relay = RelayProcess(
        tmp_path / "relay.log",
        *("--sink", f"jsonl:{sink}", "--poll-seconds", "60", "--name", "steady"),
    )
    try:
        relay.wait_for_log("listening for outbox inserts")
        seed_events(tenant_id, 5, aggregates=5)
        # tenant.created plus five: the poll interval is 60 s, so only the
        # notification can wake the relay this fast.
        wait_until(lambda: len(read_jsonl(sink)) == 6, 10, "notified delivery")

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        seed_events(tenant_id, 5, aggregates=5)
        wait_until(lambda: len(read_jsonl(sink)) == 11, 30, "delivery after drop")

        relay.process.send_signal(signal.SIGTERM)
        code = relay.wait(timeout=15)
    finally:
        relay.stop()

    log = relay.log()
    assert code == 0, log
    assert "relay steady stopped" in log
    assert "retry 1" in log
    assert store.relay().counts().leased == 0
    assert delivered_count() == 11
    assert len({record["event_id"] for record in read_jsonl(sink)}) == 11
