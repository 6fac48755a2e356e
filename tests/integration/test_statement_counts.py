"""Pinned SQL statement counts: each operation runs a fixed number of statements.

A write runs SAVEPOINT, the tenant's audit chain lock, its reads and writes,
a SELECT of the chain head (only for the unit's first change) and one INSERT
each for the audit record and the outbox event, and RELEASE SAVEPOINT. A
list is one SELECT whatever the number of rows. The counts start inside an
open unit; the one statement that opening a unit runs, its tenant binding,
is pinned in test_tenant_binding.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from ue_store.domain.entities import ValueType
from ue_store.postgres import PostgresStore, PostgresUnitOfWork

from .conftest import ACTOR, make_tenant

pytestmark = pytest.mark.postgres

ISSUER = "https://idp.example.test/realms/counts"


def count_statements(
    store: PostgresStore,
    tenant_id: UUID,
    operation: Callable[[PostgresUnitOfWork], object],
) -> int:
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        with CaptureQueriesContext(connections[store.using]) as captured:
            operation(uow)
    return len(captured)


def seed(store: PostgresStore, tenant_id: UUID, rows: int) -> dict[str, UUID]:
    """Create ``rows`` users, each with an account, identity, binding and value."""
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        application = uow.applications.create(client_id="portal", name="Portal")
        group = uow.groups.create(name="staff")
        attributes = [
            uow.catalog.define(key=f"attribute_{index}", value_type=ValueType.STRING)
            for index in range(rows)
        ]
        first_user = None
        for index in range(rows):
            user = uow.users.create(
                display_name="Ada Example",
                primary_email=f"ada.{index}@example.test",
            )
            first_user = first_user or user
            account = uow.accounts.create_human(
                user_id=user.id, username=f"ada-{index}"
            )
            uow.identities.link(
                account_id=account.id, issuer=ISSUER, subject=f"subject-{index}"
            )
            uow.bindings.create(
                account_id=account.id, application_id=application.id, roles=["viewer"]
            )
            uow.memberships.add(group_id=group.id, account_id=account.id)
        assert first_user is not None
        for attribute in attributes:
            uow.profiles.set(first_user.id, attribute.id, "value")
    return {"user": first_user.id, "application": application.id, "group": group.id}


LISTS: dict[str, Callable[[PostgresUnitOfWork, dict[str, UUID]], object]] = {
    "users": lambda uow, ids: uow.users.list(),
    "accounts": lambda uow, ids: uow.accounts.list(),
    "accounts of user": lambda uow, ids: uow.accounts.list(user_id=ids["user"]),
    "identities": lambda uow, ids: uow.identities.list(),
    "applications": lambda uow, ids: uow.applications.list(),
    "bindings": lambda uow, ids: uow.bindings.list(application_id=ids["application"]),
    "catalog": lambda uow, ids: uow.catalog.list(),
    "profiles": lambda uow, ids: uow.profiles.list(ids["user"]),
    "groups": lambda uow, ids: uow.groups.list(),
    "memberships": lambda uow, ids: uow.memberships.list(group_id=ids["group"]),
    "audit": lambda uow, ids: uow.audit.list(),
    "outbox": lambda uow, ids: uow.outbox.list(),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list__one_query_for_1_or_50_rows(store: PostgresStore, name: str) -> None:
    small_tenant = make_seeded(store, 1)
    large_tenant = make_seeded(store, 50)
    operation = LISTS[name]

    small = count_statements(
        store, small_tenant[0], lambda uow: operation(uow, small_tenant[1])
    )
    large = count_statements(
        store, large_tenant[0], lambda uow: operation(uow, large_tenant[1])
    )

    assert small == 1
    assert large == 1


def make_seeded(store: PostgresStore, rows: int) -> tuple[UUID, dict[str, UUID]]:
    tenant_id = make_tenant(store)
    return tenant_id, seed(store, tenant_id, rows)


def test_user__create_get_update_counts(store: PostgresStore, tenant_id: UUID) -> None:
    created: list[UUID] = []

    def create(uow: PostgresUnitOfWork) -> None:
        created.append(uow.users.create(display_name="Ada Example").id)

    create_count = count_statements(store, tenant_id, create)
    user_id = created[0]
    get_count = count_statements(store, tenant_id, lambda uow: uow.users.get(user_id))
    update_count = count_statements(
        store,
        tenant_id,
        lambda uow: uow.users.update(
            user_id, expected_version=1, display_name="Grace Example"
        ),
    )
    noop_count = count_statements(
        store,
        tenant_id,
        lambda uow: uow.users.update(
            user_id, expected_version=2, display_name="Grace Example"
        ),
    )

    # SAVEPOINT, chain lock, INSERT user, SELECT chain head, INSERT audit,
    # INSERT outbox, RELEASE.
    assert create_count == 7
    assert get_count == 1
    # SAVEPOINT, chain lock, SELECT FOR UPDATE, UPDATE, SELECT chain head,
    # INSERT audit, INSERT outbox, RELEASE.
    assert update_count == 8
    # SAVEPOINT, chain lock, SELECT FOR UPDATE, RELEASE.
    assert noop_count == 4


def write_counts(store: PostgresStore, rows: int) -> list[int]:
    """Count the statements of four writes in a tenant seeded with ``rows``."""
    tenant_id, ids = make_seeded(store, rows)
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        attribute = uow.catalog.define(key="locale", value_type=ValueType.STRING)
        account = uow.accounts.list(user_id=ids["user"]).items[0]
        identity = uow.identities.list(account_id=account.id).items[0]
        new_group = uow.groups.create(name="new-staff")
    operations: list[Callable[[PostgresUnitOfWork], object]] = [
        lambda uow: uow.profiles.set(ids["user"], attribute.id, "en-GB"),
        lambda uow: uow.profiles.set(ids["user"], attribute.id, "fr-FR"),
        lambda uow: uow.identities.record_sign_in(
            identity.id, seen_at=datetime(2026, 2, 1, tzinfo=UTC)
        ),
        lambda uow: uow.memberships.add(group_id=new_group.id, account_id=account.id),
    ]
    return [count_statements(store, tenant_id, op) for op in operations]


def test_write__counts_do_not_grow(store: PostgresStore) -> None:
    """Writes in a tenant of 50 rows run as many statements as in one of 1."""
    small = write_counts(store, 1)
    large = write_counts(store, 50)

    assert small == large
    # SAVEPOINT, chain lock, SELECT attribute, SELECT value, INSERT or UPDATE
    # value, SELECT chain head, INSERT audit, INSERT outbox, RELEASE.
    assert small[:2] == [9, 9]
    # SAVEPOINT, chain lock, SELECT FOR UPDATE, UPDATE, SELECT chain head,
    # INSERT audit, INSERT outbox, RELEASE.
    assert small[2] == 8
    # SAVEPOINT, chain lock, INSERT membership, SELECT chain head, INSERT
    # audit, INSERT outbox, RELEASE.
    assert small[3] == 7


def test_chain_head__read_once_per_unit(store: PostgresStore, tenant_id: UUID) -> None:
    connection = connections[store.using]
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        with CaptureQueriesContext(connection) as first:
            uow.users.create(display_name="First Example")
        with CaptureQueriesContext(connection) as second:
            uow.users.create(display_name="Second Example")
        with pytest.raises(RuntimeError), uow.nested() as inner:
            inner.users.create(display_name="Undone Example")
            raise RuntimeError("roll the savepoint back")
        with CaptureQueriesContext(connection) as after_rollback:
            uow.users.create(display_name="Third Example")
        positions = [record.position for record in uow.audit.list().items]

    assert len(second) == len(first) - 1
    assert len(after_rollback) == len(first)
    assert positions[-3:] == [positions[-3], positions[-3] + 1, positions[-3] + 2]
