"""How units of work share a database transaction, on PostgreSQL.

The protocol states that a second unit opened while one is open in the same thread
raises UeStoreError, because one transaction must never mix two tenants, and
that a unit's writes commit when its ``with`` block ends normally and vanish
when it raises.
"""

from __future__ import annotations

import threading
from uuid import UUID

import pytest
from django.db import connections, transaction

from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateGroupName,
    NotFound,
    UeStoreError,
)
from ue_store.domain.protocol import Store
from ue_store.postgres import PostgresStore
from ue_store.testing.clock import TickingClock

from .conftest import ACTOR, change_counts, make_tenant


def group_names(store: Store, tenant_id: UUID) -> list[str]:
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        return [group.name for group in uow.groups.list().items]


def test_second_store_cannot_open_unit_inside_unit(pg_store: PostgresStore) -> None:
    """Two PostgresStore objects on one alias share the thread's connection."""
    first_tenant = make_tenant(pg_store)
    second_tenant = make_tenant(pg_store)
    second_store = PostgresStore(clock=TickingClock())

    with pg_store.unit_of_work(first_tenant, actor=ACTOR) as outer:
        outer.groups.create(name="outer-group")
        with pytest.raises(UeStoreError):
            with second_store.unit_of_work(second_tenant, actor=ACTOR) as inner:
                inner.groups.create(name="inner-group")

    assert group_names(pg_store, first_tenant) == ["outer-group"]


def test_second_store_unit_commits_on_its_own(pg_store: PostgresStore) -> None:
    """If a second store may open a unit, that unit must commit when it ends.

    Here the inner unit ends normally and the outer one raises afterwards.
    """
    first_tenant = make_tenant(pg_store)
    second_tenant = make_tenant(pg_store)
    second_store = PostgresStore(clock=TickingClock())
    opened_inner = False

    with pytest.raises(RuntimeError):
        with pg_store.unit_of_work(first_tenant, actor=ACTOR):
            try:
                with second_store.unit_of_work(second_tenant, actor=ACTOR) as inner:
                    opened_inner = True
                    inner.groups.create(name="inner-group")
            except UeStoreError:
                pass
            raise RuntimeError("the outer unit fails after the inner one ended")

    if opened_inner:
        assert group_names(pg_store, second_tenant) == ["inner-group"]


def test_unit_inside_caller_transaction(pg_store: PostgresStore) -> None:
    """A unit inside the caller's transaction.atomic() joins it, for one tenant.

    The unit runs as a savepoint and commits only with the caller's
    transaction, as the protocol documents. A unit of a second tenant in the
    same transaction raises UeStoreError, so two tenants never share one.
    """
    first_tenant = make_tenant(pg_store)
    second_tenant = make_tenant(pg_store)

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            with pg_store.unit_of_work(first_tenant, actor=ACTOR) as uow:
                uow.groups.create(name="joined-group")
            with pg_store.unit_of_work(first_tenant, actor=ACTOR) as uow:
                uow.groups.create(name="second-unit-same-tenant")
            with pytest.raises(UeStoreError):
                with pg_store.unit_of_work(second_tenant, actor=ACTOR):
                    pass
            raise RuntimeError("the caller's transaction rolls back")

    assert group_names(pg_store, first_tenant) == []
    assert group_names(pg_store, second_tenant) == []


def test_unit_used_from_other_thread(pg_store: PostgresStore) -> None:
    """A write through a unit from another thread must not escape its rollback.

    Django gives each thread its own connection, so the other thread's write
    runs outside the unit's transaction. Raising UeStoreError is also fine.
    """
    tenant_id = make_tenant(pg_store)
    before = change_counts(pg_store, tenant_id)
    outcome: list[object] = []

    def write_through(uow: object) -> None:
        try:
            outcome.append(uow.groups.create(name="from-other-thread"))  # type: ignore[attr-defined]
        except UeStoreError as error:
            outcome.append(error)
        finally:
            connections.close_all()

    with pytest.raises(RuntimeError):
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            worker = threading.Thread(target=write_through, args=(uow,))
            worker.start()
            worker.join()
            raise RuntimeError("the unit rolls back")

    assert len(outcome) == 1
    assert group_names(pg_store, tenant_id) == []
    assert change_counts(pg_store, tenant_id) == before


@pytest.mark.django_db(transaction=True)
def test_nested_failure_after_caught_error(store: Store, tenant: UUID) -> None:
    """Caught domain errors inside nested savepoints leave the unit consistent."""
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        kept = uow.groups.create(name="kept")
        with pytest.raises(DuplicateGroupName):
            uow.groups.create(name="kept")
        with pytest.raises(KeyError):
            with uow.nested() as inner:
                inner.groups.create(name="undone")
                with pytest.raises(ConcurrencyConflict):
                    inner.groups.rename(kept.id, expected_version=7, name="x")
                with inner.nested() as innermost:
                    innermost.groups.create(name="undone-too")
                raise KeyError("leave the savepoint")
        with pytest.raises(NotFound):
            uow.groups.get_by_name("undone")
        uow.groups.create(name="after")
    assert sorted(group_names(store, tenant)) == ["after", "kept"]
    assert change_counts(store, tenant)[0] == 3


@pytest.mark.django_db(transaction=True)
def test_closed_unit_rejects_every_call(store: Store, tenant: UUID) -> None:
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        group = uow.groups.create(name="before-close")
    calls = [
        lambda: uow.groups.create(name="after-close"),
        lambda: uow.groups.get(group.id),
        lambda: uow.groups.list(),
        lambda: uow.tenants.get(),
        lambda: uow.audit.list(),
        lambda: uow.outbox.list(),
        lambda: uow.nested().__enter__(),
    ]
    for call in calls:
        with pytest.raises(UeStoreError):
            call()
    assert group_names(store, tenant) == ["before-close"]


@pytest.mark.django_db(transaction=True)
def test_unit_inside_unit_raises(store: Store, tenant: UUID) -> None:
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        uow.groups.create(name="outer")
        with pytest.raises(UeStoreError):
            with store.unit_of_work(tenant, actor=ACTOR):
                pass
        uow.groups.create(name="still-usable")
    assert sorted(group_names(store, tenant)) == ["outer", "still-usable"]
