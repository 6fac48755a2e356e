"""Conformance tests for the audit hash chain and audit listings by time."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

from ue_store.domain import audit_chain
from ue_store.domain.entities import AuditRecord
from ue_store.domain.errors import ValidationError
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import (
    audit_records,
    create_group,
    create_user,
    expect,
    unit,
    walk,
)

THREADS = 8
WRITES_PER_THREAD = 3


def assert_valid_chain(tenant_id: UUID, records: list[AuditRecord]) -> None:
    """Check a tenant's whole chain, listed in position order."""
    assert audit_chain.verify_chain(tenant_id, records) is None
    assert [record.position for record in records] == list(range(1, len(records) + 1))
    assert records[0].previous_hash == audit_chain.GENESIS_HASH
    for before, record in itertools.pairwise(records):
        assert record.previous_hash == before.record_hash
        assert record.sequence > before.sequence


class AuditChainContract:
    def test_chain__valid_after_changes(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        create_group(store, tenant_id)
        with unit(store, tenant_id, correlation_id="req-chain") as uow:
            uow.users.update(user.id, expected_version=1, display_name="Ada Chain")

        records = audit_records(store, tenant_id)

        assert len(records) == 4
        assert_valid_chain(tenant_id, records)
        for record in records:
            content = audit_chain.content_of(record)
            assert record.record_hash == audit_chain.compute_hash(content)
        assert records[-1].correlation_id == "req-chain"

    def test_chain__separate_per_tenant(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        for _ in range(3):
            create_user(store, tenant_id)
            create_user(store, other_tenant_id)

        mine = audit_records(store, tenant_id)
        theirs = audit_records(store, other_tenant_id)

        assert_valid_chain(tenant_id, mine)
        assert_valid_chain(other_tenant_id, theirs)
        assert [record.position for record in mine] == [1, 2, 3, 4]
        assert [record.position for record in theirs] == [1, 2, 3, 4]

    def test_chain__rollbacks_leave_no_gap(self, store: Store, tenant_id: UUID) -> None:
        try:
            with unit(store, tenant_id) as uow:
                uow.users.create(display_name="Rolled Back")
                raise RuntimeError("abandon the unit")
        except RuntimeError:
            pass
        with unit(store, tenant_id) as uow:
            try:
                with uow.nested() as inner:
                    inner.users.create(display_name="Undone Savepoint")
                    raise RuntimeError("abandon the savepoint")
            except RuntimeError:
                pass
            uow.users.create(display_name="Kept Example")

        records = audit_records(store, tenant_id)

        assert [record.action for record in records] == [
            "tenant.created",
            "user.created",
        ]
        assert_valid_chain(tenant_id, records)

    def test_chain__concurrent_writers(
        self, harness: StoreHarness, store: Store, tenant_id: UUID
    ) -> None:
        def work() -> int:
            with unit(store, tenant_id) as uow:
                for index in range(WRITES_PER_THREAD):
                    uow.users.create(display_name=f"Writer {index}")
            return WRITES_PER_THREAD

        results = harness.run_concurrently(work, THREADS)

        assert results == [WRITES_PER_THREAD] * THREADS
        records = audit_records(store, tenant_id)
        assert len(records) == 1 + THREADS * WRITES_PER_THREAD
        assert_valid_chain(tenant_id, records)

    def test_chain__edit_detected(self, store: Store, tenant_id: UUID) -> None:
        create_user(store, tenant_id)
        create_user(store, tenant_id)
        records = audit_records(store, tenant_id)
        edited = [
            records[0],
            dataclasses.replace(records[1], actor="someone-else"),
            records[2],
        ]

        failure = audit_chain.verify_chain(tenant_id, edited)

        assert failure is not None
        assert failure.position == 2
        assert "record_hash" in failure.reason

    def test_chain__removal_detected(self, store: Store, tenant_id: UUID) -> None:
        for _ in range(3):
            create_user(store, tenant_id)
        records = audit_records(store, tenant_id)

        failure = audit_chain.verify_chain(tenant_id, records[:1] + records[2:])

        assert failure is not None
        assert failure.position == 3
        assert failure.sequence == records[2].sequence


class AuditListContract:
    def test_audit_list__time_range(self, store: Store, tenant_id: UUID) -> None:
        for _ in range(5):
            create_user(store, tenant_id)
        records = audit_records(store, tenant_id)
        since = records[2].occurred_at
        until = records[5].occurred_at

        with unit(store, tenant_id) as uow:
            ranged = list(uow.audit.list(since=since, until=until).items)
            from_since = list(uow.audit.list(since=since).items)
            to_until = list(uow.audit.list(until=until).items)
            empty = list(uow.audit.list(since=since, until=since).items)

        assert ranged == records[2:5]
        assert from_since == records[2:]
        assert to_until == records[:5]
        assert empty == []

    def test_audit_list__time_range_other_zone(
        self, store: Store, tenant_id: UUID
    ) -> None:
        for _ in range(3):
            create_user(store, tenant_id)
        records = audit_records(store, tenant_id)
        zone = timezone(timedelta(hours=5, minutes=30))
        offset_since = records[1].occurred_at.astimezone(zone)

        with unit(store, tenant_id) as uow:
            listed = list(uow.audit.list(since=offset_since).items)

        assert listed == records[1:]

    def test_audit_list__range_and_target(self, store: Store, tenant_id: UUID) -> None:
        first = create_user(store, tenant_id)
        create_group(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.users.update(first.id, expected_version=1, display_name="Ada Range")
        records = audit_records(store, tenant_id)
        since = records[2].occurred_at

        with unit(store, tenant_id) as uow:
            listed = uow.audit.list(
                since=since, target_type="user", target_id=str(first.id)
            ).items

        assert [record.action for record in listed] == ["user.updated"]

    def test_audit_list__range_pages(self, store: Store, tenant_id: UUID) -> None:
        for _ in range(7):
            create_user(store, tenant_id)
        records = audit_records(store, tenant_id)
        since = records[1].occurred_at
        until = records[7].occurred_at + timedelta(microseconds=1)

        with unit(store, tenant_id) as uow:
            pages = walk(uow.audit.list, limit=2, since=since, until=until)

        assert [len(page.items) for page in pages] == [2, 2, 2, 1]
        assert [item for page in pages for item in page.items] == records[1:8]

    def test_audit_list__rejects_bad_range(self, store: Store, tenant_id: UUID) -> None:
        moment = datetime(2026, 3, 1, 12, 0)
        aware = moment.replace(tzinfo=UTC)

        with unit(store, tenant_id) as uow:
            naive = expect(ValidationError, uow.audit.list, since=moment)
            naive_until = expect(ValidationError, uow.audit.list, until=moment)
            reversed_range = expect(
                ValidationError,
                uow.audit.list,
                since=aware,
                until=aware - timedelta(seconds=1),
            )
            not_a_time = expect(ValidationError, uow.audit.list, since="2026-03-01")

        assert naive.field == "since"
        assert naive_until.field == "until"
        assert reversed_range.field == "until"
        assert not_a_time.field == "since"
