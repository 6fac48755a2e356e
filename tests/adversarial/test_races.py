"""Races between real threads on PostgreSQL, each on its own connection.

Every race must end with exactly one winner, losers that get the domain
error the protocol names, and one audit record and one outbox event per
successful change. Each thread closes its connections when it ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connections

from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateBinding,
    DuplicateCatalogKey,
    DuplicateClientId,
    DuplicateGroupName,
    DuplicateMembership,
    DuplicateTenantSlug,
    NotFound,
    UeStoreError,
)
from ue_store.postgres import PostgresStore
from ue_store.testing.harness import run_in_threads

from .conftest import ACTOR, change_counts, make_tenant, seed

THREADS = 8


def race(work: Callable[[], object], count: int = THREADS) -> list[object]:
    return run_in_threads(work, count, cleanup=connections.close_all)


def split(results: list[object]) -> tuple[list[object], list[BaseException]]:
    winners = [result for result in results if not isinstance(result, BaseException)]
    losers = [result for result in results if isinstance(result, BaseException)]
    return winners, losers


CREATES: dict[str, tuple[Callable[[object], object], type[UeStoreError]]] = {
    "group name": (
        lambda uow: uow.groups.create(name="contested"),  # type: ignore[attr-defined]
        DuplicateGroupName,
    ),
    "client id": (
        lambda uow: uow.applications.create(  # type: ignore[attr-defined]
            client_id="contested", name="App"
        ),
        DuplicateClientId,
    ),
    "tenant-wide catalog key": (
        lambda uow: uow.catalog.define(  # type: ignore[attr-defined]
            key="contested", value_type="string"
        ),
        DuplicateCatalogKey,
    ),
}


@pytest.mark.parametrize("case", sorted(CREATES))
def test_race_same_unique_create(pg_store: PostgresStore, case: str) -> None:
    tenant_id = make_tenant(pg_store)
    before = change_counts(pg_store, tenant_id)
    create, duplicate = CREATES[case]

    def work() -> object:
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return create(uow)

    winners, losers = split(race(work))
    assert len(winners) == 1
    assert [type(loser) for loser in losers] == [duplicate] * (THREADS - 1)
    assert change_counts(pg_store, tenant_id) == (before[0] + 1, before[1] + 1)


def test_race_binding_and_membership(pg_store: PostgresStore) -> None:
    tenant_id = make_tenant(pg_store)
    seeded = seed(pg_store, tenant_id)
    before = change_counts(pg_store, tenant_id)

    def bind() -> object:
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.bindings.create(
                account_id=seeded.account_id,
                application_id=seeded.application_id,
                roles=["admin"],
            )

    def join() -> object:
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.memberships.add(
                group_id=seeded.group_id, account_id=seeded.account_id
            )

    bind_winners, bind_losers = split(race(bind))
    join_winners, join_losers = split(race(join))
    assert len(bind_winners) == 1
    assert all(isinstance(loser, DuplicateBinding) for loser in bind_losers)
    assert len(join_winners) == 1
    assert all(isinstance(loser, DuplicateMembership) for loser in join_losers)
    assert change_counts(pg_store, tenant_id) == (before[0] + 2, before[1] + 2)


def test_race_tenant_slug(pg_store: PostgresStore) -> None:
    from uuid import uuid4

    tenant_ids = iter([uuid4() for _ in range(THREADS)])
    lock = threading.Lock()

    def work() -> object:
        with lock:
            tenant_id = next(tenant_ids)
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.tenants.create(slug="contested-slug", display_name="Contested")

    winners, losers = split(race(work))
    assert len(winners) == 1
    assert all(isinstance(loser, DuplicateTenantSlug) for loser in losers)


def test_race_profile_set_without_version(pg_store: PostgresStore) -> None:
    """Every unconditional set succeeds; versions run 1..N with one record each."""
    tenant_id = make_tenant(pg_store)
    seeded = seed(pg_store, tenant_id)
    before = change_counts(pg_store, tenant_id)
    values = iter(f"value-{index}" for index in range(THREADS))
    lock = threading.Lock()

    def work() -> object:
        with lock:
            value = next(values)
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.profiles.set(seeded.user_id, seeded.attribute_id, value)

    winners, losers = split(race(work))
    assert losers == []
    assert sorted(winner.version for winner in winners) == list(  # type: ignore[attr-defined]
        range(1, THREADS + 1)
    )
    assert change_counts(pg_store, tenant_id) == (
        before[0] + THREADS,
        before[1] + THREADS,
    )


def test_race_profile_set_same_version(pg_store: PostgresStore) -> None:
    tenant_id = make_tenant(pg_store)
    seeded = seed(pg_store, tenant_id)
    with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.profiles.set(seeded.user_id, seeded.attribute_id, "first")
    before = change_counts(pg_store, tenant_id)
    values = iter(f"value-{index}" for index in range(THREADS))
    lock = threading.Lock()

    def work() -> object:
        with lock:
            value = next(values)
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.profiles.set(
                seeded.user_id, seeded.attribute_id, value, expected_version=1
            )

    winners, losers = split(race(work))
    assert len(winners) == 1
    assert all(isinstance(loser, ConcurrencyConflict) for loser in losers)
    assert change_counts(pg_store, tenant_id) == (before[0] + 1, before[1] + 1)


def test_race_unset_and_delete_twice(pg_store: PostgresStore) -> None:
    """Of N units removing one record, one succeeds and the rest get NotFound."""
    tenant_id = make_tenant(pg_store)
    seeded = seed(pg_store, tenant_id)
    with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.profiles.set(seeded.user_id, seeded.attribute_id, "gone soon")
    before = change_counts(pg_store, tenant_id)

    def unset() -> object:
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            uow.profiles.unset(seeded.user_id, seeded.attribute_id)
            return "unset"

    def unlink() -> object:
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            uow.identities.unlink(seeded.identity_id)
            return "unlinked"

    for work in (unset, unlink):
        winners, losers = split(race(work))
        assert len(winners) == 1
        assert all(isinstance(loser, NotFound) for loser in losers)
    assert change_counts(pg_store, tenant_id) == (before[0] + 2, before[1] + 2)


def test_race_opposite_lock_order(pg_store: PostgresStore) -> None:
    """Two units renaming two groups in opposite order can't deadlock.

    Every write takes the tenant's audit chain lock before it locks a row, so
    the second unit waits at its first rename until the first unit commits
    both renames, then finds its group moved on (ConcurrencyConflict).
    """
    tenant_id = make_tenant(pg_store)
    with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        first = uow.groups.create(name="first")
        second = uow.groups.create(name="second")
    before = change_counts(pg_store, tenant_id)
    first_renamed = threading.Event()
    roles = iter(["leader", "follower"])
    lock = threading.Lock()

    def work() -> object:
        with lock:
            role = next(roles)
        if role == "follower":
            assert first_renamed.wait(timeout=10)
            with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
                uow.groups.rename(second.id, expected_version=1, name="second-b")
                uow.groups.rename(first.id, expected_version=1, name="first-b")
            return role
        with pg_store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            uow.groups.rename(first.id, expected_version=1, name="first-a")
            first_renamed.set()
            wait_for_advisory_waiter()
            uow.groups.rename(second.id, expected_version=1, name="second-a")
        return role

    winners, losers = split(race(work, 2))
    assert winners == ["leader"]
    assert len(losers) == 1
    assert isinstance(losers[0], ConcurrencyConflict), repr(losers[0])
    assert change_counts(pg_store, tenant_id) == (before[0] + 2, before[1] + 2)


def wait_for_advisory_waiter(timeout: float = 10.0) -> None:
    """Wait until some session waits for an advisory lock, or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks"
                " WHERE locktype = 'advisory' AND NOT granted AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            (waiting,) = cursor.fetchone()
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("no session waited for the audit chain lock")
