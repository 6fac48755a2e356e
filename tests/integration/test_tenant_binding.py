"""How long a unit's tenant binding lasts: savepoints, joined and reused connections.

The binding is a transaction-local setting, so it must end with the unit's
transaction, survive a nested savepoint that rolls back, and never reach
the next transaction on a reused or pooled connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from ue_store.domain.errors import UeStoreError
from ue_store.postgres import PostgresStore
from ue_store.postgres.tenancy import cross_tenant

from .conftest import ACTOR, make_tenant

pytestmark = pytest.mark.postgres

POOLED_ALIAS = "pooled"


def settings_and_pid(using: str = "default") -> tuple[str, str, int]:
    """Return the tenant setting, the cross-tenant setting and the backend pid."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('ue_store.tenant_id', true),"
            " current_setting('ue_store.cross_tenant', true), pg_backend_pid()"
        )
        row = cursor.fetchone()
    assert row is not None
    return (row[0] or "", row[1] or "", int(row[2]))


def visible_users(using: str = "default") -> int:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ue_store_user")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def test_unit__bound_to_its_tenant(store: PostgresStore, tenant_id: UUID) -> None:
    with store.unit_of_work(tenant_id, actor=ACTOR):
        tenant, cross, _ = settings_and_pid()

    assert tenant == str(tenant_id)
    assert cross == ""


def test_unit__opens_with_one_statement(store: PostgresStore, tenant_id: UUID) -> None:
    with CaptureQueriesContext(connection) as captured:
        with store.unit_of_work(tenant_id, actor=ACTOR):
            pass

    statements = [query["sql"] for query in captured]
    assert statements[0] == "BEGIN"
    assert "set_config('ue_store.tenant_id'" in statements[1]
    assert statements[2:] == ["COMMIT"]


def test_failed_savepoint__outer_unit_keeps_tenant(
    store: PostgresStore, tenant_id: UUID
) -> None:
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.users.create(display_name="Ada Example")
        with pytest.raises(RuntimeError), uow.nested() as inner:
            inner.users.create(display_name="Rolled Back")
            raise RuntimeError("undo the savepoint")
        tenant, _, _ = settings_and_pid()
        users = uow.users.list().items
        raw_count = visible_users()

    assert tenant == str(tenant_id)
    assert [user.display_name for user in users] == ["Ada Example"]
    assert raw_count == 1


def test_joined_unit__restores_caller_settings(
    store: PostgresStore, tenant_id: UUID
) -> None:
    with transaction.atomic():
        before = settings_and_pid()[:2]
        with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            uow.users.create(display_name="Ada Example")
            inside = settings_and_pid()[0]
        after = settings_and_pid()[:2]
        unbound_count = visible_users()

    assert before == ("", "")
    assert inside == str(tenant_id)
    assert after == ("", "")
    assert unbound_count == 0


def test_joined_unit__failed_unit_restores_cross_tenant(
    store: PostgresStore, tenant_id: UUID
) -> None:
    with cross_tenant("default", "test"):
        with pytest.raises(RuntimeError), store.unit_of_work(tenant_id, actor=ACTOR):
            raise RuntimeError("undo the unit")
        after = settings_and_pid()[:2]

    assert after == ("", "on")


def test_cross_tenant__rejected_inside_unit(
    store: PostgresStore, tenant_id: UUID
) -> None:
    with store.unit_of_work(tenant_id, actor=ACTOR):
        with pytest.raises(UeStoreError, match="inside a unit of work"):
            with cross_tenant("default", "test"):
                pass


def test_cross_tenant__reads_all_inserts_none(store: PostgresStore) -> None:
    first, second = make_tenant(store), make_tenant(store)

    with cross_tenant("default", "test"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT id) FROM ue_store_tenant_account WHERE id = ANY(%s)",
            [[first, second]],
        )
        row = cursor.fetchone()
    with pytest.raises(UeStoreError), cross_tenant("default", "test"):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ue_store_group (tenant_id, id, name, created_at,"
                " updated_at, version)"
                " VALUES (%s, gen_random_uuid(), 'loose', now(), now(), 1)",
                [first],
            )

    assert row is not None
    assert row[0] == 2


def test_reused_connection__next_request_unbound(
    store: PostgresStore, tenant_id: UUID
) -> None:
    """With CONN_MAX_AGE, one connection serves two requests in turn."""
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.users.create(display_name="Ada Example")
        first_pid = settings_and_pid()[2]

    with transaction.atomic():
        tenant, cross, second_pid = settings_and_pid()
        count = visible_users()

    assert second_pid == first_pid
    assert tenant == ""
    assert cross == ""
    assert count == 0


@pytest.fixture
def pooled_alias(transactional_db: None, django_db_blocker: Any) -> Iterator[str]:
    """Add an alias on the test database through Django's psycopg pool of one.

    Its OPTIONS are those the settings ship for a transaction-mode pooler.
    """
    settings = dict(connections.settings["default"])
    settings.update(
        CONN_MAX_AGE=0,
        OPTIONS={
            "pool": {"min_size": 1, "max_size": 1},
            "prepare_threshold": None,
        },
        TEST={"MIRROR": None},
    )
    connections.settings[POOLED_ALIAS] = settings
    try:
        with django_db_blocker.unblock():
            yield POOLED_ALIAS
    finally:
        pooled = connections[POOLED_ALIAS]
        pooled.close()
        pooled.close_pool()  # type: ignore[attr-defined]
        del connections[POOLED_ALIAS]
        del connections.settings[POOLED_ALIAS]


def test_pooled_connection__next_request_unbound(
    pooled_alias: str, tenant_id: UUID
) -> None:
    store = PostgresStore(using=pooled_alias)
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.users.create(display_name="Ada Example")
        first_pid = settings_and_pid(pooled_alias)[2]
    # The end of a request: Django hands the connection back to the pool.
    connections[pooled_alias].close()

    with transaction.atomic(using=pooled_alias):
        tenant, cross, second_pid = settings_and_pid(pooled_alias)
        count = visible_users(pooled_alias)

    assert second_pid == first_pid
    assert tenant == ""
    assert cross == ""
    assert count == 0


def test_shipped_options__safe_behind_transaction_pooler() -> None:
    from django.conf import settings

    for alias in ("default", "migrations"):
        options = settings.DATABASES[alias]["OPTIONS"]
        assert options["prepare_threshold"] is None, alias
        assert "assume_role" not in options, alias
