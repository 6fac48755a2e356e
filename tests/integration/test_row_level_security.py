"""Row-level security binds the runtime role to the tenant of its transaction.

The tests run as the runtime role and use raw SQL, so they check the
database's own boundary, not the adapter's tenant filters. The tables come
from pg_catalog, so a new tenant table without a policy fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID, uuid4

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from tests.tenancy import as_tenant
from ue_store.postgres import PostgresStore

from .rls_support import (
    TenantTable,
    copy_columns,
    count_all,
    count_rows,
    seed_every_table,
    tenant_tables,
)

pytestmark = pytest.mark.postgres

INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture
def two_tenants(store: PostgresStore) -> tuple[UUID, UUID]:
    return seed_every_table(store), seed_every_table(store)


@pytest.fixture
def tables(transactional_db: None) -> list[TenantTable]:
    return tenant_tables()


def sqlstate(error: BaseException) -> str | None:
    cause = error.__cause__
    return cause.sqlstate if isinstance(cause, psycopg.Error) else None


def expect_rejected(sql: str, params: list[object]) -> None:
    """Run a statement that row-level security or a missing grant must reject."""
    with pytest.raises(DatabaseError) as info, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert sqlstate(info.value) == INSUFFICIENT_PRIVILEGE, str(info.value)


def test_catalog__every_tenant_table_has_forced_policy(
    tables: list[TenantTable],
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " array(SELECT polname FROM pg_policy WHERE polrelid = c.oid)"
            " FROM pg_class AS c WHERE c.oid = ANY(%s::regclass[])",
            [[table.name for table in tables]],
        )
        rows = {
            name: (enabled, forced, set(policies))
            for name, enabled, forced, policies in cursor.fetchall()
        }

    assert len(tables) >= 12
    for table in tables:
        enabled, forced, policies = rows[table.name]
        assert table.column, f"{table.name} has no tenant column"
        assert enabled, f"row-level security not enabled on {table.name}"
        assert forced, f"row-level security not forced on {table.name}"
        assert "ue_store_tenant_isolation" in policies, table.name


def test_raw_select__sees_only_bound_tenant(
    tables: list[TenantTable], two_tenants: tuple[UUID, UUID]
) -> None:
    tenant_a, tenant_b = two_tenants

    for table in tables:
        with as_tenant(tenant_b):
            own_rows_of_b = count_rows(table, tenant_b)
        with as_tenant(tenant_a):
            rows_of_b = count_rows(table, tenant_b)
            own_rows = count_rows(table, tenant_a)
            visible = count_all(table)

        assert own_rows_of_b > 0, f"seed wrote no row of tenant B in {table.name}"
        assert rows_of_b == 0, table.name
        assert own_rows > 0, table.name
        assert visible == own_rows, table.name


def test_raw_insert__other_tenant_rejected(
    tables: list[TenantTable], two_tenants: tuple[UUID, UUID]
) -> None:
    tenant_a, tenant_b = two_tenants

    for table in tables:
        columns = copy_columns(table)
        values = ", ".join(
            "%s" if column == table.column else f'"{column}"' for column in columns
        )
        names = ", ".join(f'"{column}"' for column in columns)
        with as_tenant(tenant_a):
            expect_rejected(
                f'INSERT INTO "{table.name}" ({names})'
                f' SELECT {values} FROM "{table.name}" LIMIT 1',
                [tenant_b],
            )


def test_raw_update__other_tenant_untouched(
    tables: list[TenantTable], two_tenants: tuple[UUID, UUID]
) -> None:
    tenant_a, tenant_b = two_tenants

    for table in tables:
        column = f'"{table.column}"'
        with as_tenant(tenant_a):
            # Moving an own row into tenant B breaks WITH CHECK; the audit
            # table has no UPDATE grant at all.
            expect_rejected(
                f'UPDATE "{table.name}" SET {column} = %s WHERE {column} = %s',
                [tenant_b, tenant_a],
            )
            touched = rows_touched(
                f'UPDATE "{table.name}" SET {column} = {column} WHERE {column} = %s',
                [tenant_b],
            )
        assert touched in (0, None), table.name


def rows_touched(sql: str, params: list[object]) -> int | None:
    """Return the rows a statement changed, or None when a grant is missing."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)
    except DatabaseError as error:
        assert sqlstate(error) == INSUFFICIENT_PRIVILEGE, str(error)
        return None


def test_unbound_transaction__reads_and_writes_nothing(
    tables: list[TenantTable], two_tenants: tuple[UUID, UUID]
) -> None:
    tenant_a, _ = two_tenants

    for table in tables:
        with transaction.atomic():
            unbound = count_all(table)
        with transaction.atomic(), connection.cursor() as cursor:
            # PostgreSQL returns '' for a custom setting used earlier in the
            # session; the policies must treat it as unset, without a cast error.
            cursor.execute("SELECT set_config('ue_store.tenant_id', '', true)")
            empty = count_all(table)
        assert unbound == 0, table.name
        assert empty == 0, table.name
    with transaction.atomic():
        expect_rejected(
            "INSERT INTO ue_store_group (tenant_id, id, name, created_at,"
            " updated_at, version) VALUES (%s, %s, 'loose', now(), now(), 1)",
            [tenant_a, uuid4()],
        )


def test_runtime_role__no_truncate_ddl_or_audit_rewrite(
    tables: list[TenantTable],
) -> None:
    for table in tables:
        expect_rejected(f'TRUNCATE "{table.name}"', [])
    expect_rejected("UPDATE ue_store_audit_record SET actor = 'x' WHERE false", [])
    expect_rejected("DELETE FROM ue_store_audit_record WHERE false", [])
    expect_rejected("CREATE TABLE ue_store_intruder (id integer)", [])


@pytest.fixture
def filter_removed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make every repository read all rows of a model, with no tenant filter."""
    from ue_store.postgres.base import Repository

    def unfiltered(self: Repository, model: type) -> object:
        return model._default_manager.using(self._unit.using).all()  # type: ignore[attr-defined]

    monkeypatch.setattr(Repository, "_rows", unfiltered)
    yield


def test_adapter_without_filter__still_one_tenant(
    store: PostgresStore, two_tenants: tuple[UUID, UUID], filter_removed: None
) -> None:
    tenant_a, tenant_b = two_tenants
    with store.unit_of_work(tenant_b, actor="rls-tests") as uow:
        users_of_b = {user.id for user in uow.users.list().items}

    with store.unit_of_work(tenant_a, actor="rls-tests") as uow:
        users = uow.users.list().items
        groups = uow.groups.list().items
        audit = uow.audit.list(limit=1000).items
        events = uow.outbox.list(limit=1000).items

    assert len(users) == 1
    assert not users_of_b & {user.id for user in users}
    assert {group.tenant_id for group in groups} == {tenant_a}
    assert {record.tenant_id for record in audit} == {tenant_a}
    assert {event.tenant_id for event in events} == {tenant_a}
