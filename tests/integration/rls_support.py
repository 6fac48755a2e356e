"""Helpers of the row-level security tests: the tables, a seed, raw counts."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db import connections

from ue_store.domain.entities import ValueType
from ue_store.postgres import PostgresStore

from .conftest import ACTOR, make_tenant

ISSUER = "https://idp.example.test/realms/rls"


@dataclass(frozen=True, slots=True)
class TenantTable:
    """A table that contains tenant rows, and the column naming the tenant."""

    name: str
    column: str


def tenant_tables(using: str = "default") -> list[TenantTable]:
    """List the schema's tables that hold tenant rows, read from pg_catalog.

    Every table with a ``tenant_id`` column counts, and every ``ue_store_``
    table: the tenant account's tenant column is its ``id``. A ue_store
    table with neither column is returned with an empty column name, so a
    test fails on it.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM pg_attribute AS a
                       WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                         AND NOT a.attisdropped)
                   THEN 'tenant_id'
                   WHEN c.relname = 'ue_store_tenant_account' THEN 'id'
                   ELSE '' END
            FROM pg_class AS c
            WHERE c.relnamespace = current_schema()::regnamespace
              AND c.relkind IN ('r', 'p')
              AND (c.relname LIKE 'ue\\_store\\_%' OR EXISTS (
                  SELECT 1 FROM pg_attribute AS a
                  WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                    AND NOT a.attisdropped))
            ORDER BY c.relname
            """
        )
        return [TenantTable(name, column) for name, column in cursor.fetchall()]


def seed_every_table(store: PostgresStore) -> UUID:
    """Create a tenant with at least one row in every ue_store table."""
    tenant_id = make_tenant(store)
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        user = uow.users.create(display_name="Ada Example")
        account = uow.accounts.create_human(user_id=user.id, username="ada")
        uow.identities.link(account_id=account.id, issuer=ISSUER, subject="ada")
        application = uow.applications.create(client_id="portal", name="Portal")
        uow.bindings.create(
            account_id=account.id, application_id=application.id, roles=["viewer"]
        )
        attribute = uow.catalog.define(key="locale", value_type=ValueType.STRING)
        uow.profiles.set(user.id, attribute.id, "en-GB")
        group = uow.groups.create(name="staff")
        uow.memberships.add(group_id=group.id, account_id=account.id)
    return tenant_id


def count_rows(table: TenantTable, tenant_id: UUID, using: str = "default") -> int:
    """Count the table's rows of one tenant with raw SQL, as the caller sees them."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{table.name}" WHERE "{table.column}" = %s',
            [tenant_id],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def count_all(table: TenantTable, using: str = "default") -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table.name}"')
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def copy_columns(table: TenantTable, using: str = "default") -> list[str]:
    """Return the columns an INSERT may copy: all but identity columns."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attidentity = '' ORDER BY attnum",
            [table.name],
        )
        return [name for (name,) in cursor.fetchall()]
