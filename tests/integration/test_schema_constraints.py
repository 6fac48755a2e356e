"""The database schema, read from pg_catalog, against the constraint map.

Every unique key, check and foreign key on a ue_store table must map to a
domain error, every tenant-scoped key must lead with tenant_id, and the
composite foreign keys must stop a row from referencing another tenant.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from django.db import IntegrityError, connection, transaction

from tests import factories
from tests.tenancy import as_tenant
from ue_store.domain import errors
from ue_store.models import names
from ue_store.postgres.constraints import (
    VIOLATIONS,
    CheckViolation,
    ReferenceViolation,
    UniqueViolation,
)
from ue_store.postgres.errors import integrity_error

pytestmark = pytest.mark.postgres

# Constraints and unique indexes that no constraint owns, with their kind:
# p primary key, u unique, c check, f foreign key, i unique index.
SCHEMA_KEYS = r"""
SELECT c.conname, c.contype::text, t.relname
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
WHERE t.relname LIKE 'ue\_store\_%' AND c.contype IN ('p', 'u', 'c', 'f')
UNION ALL
SELECT i.relname, 'i', t.relname
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname LIKE 'ue\_store\_%' AND x.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""

# The first column of every unique index, primary keys included.
UNIQUE_INDEX_FIRST_COLUMNS = r"""
SELECT i.relname, t.relname, a.attname
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
WHERE t.relname LIKE 'ue\_store\_%' AND x.indisunique
"""

FOREIGN_KEY_FIRST_COLUMNS = r"""
SELECT c.conname, t.relname, a.attname
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1]
WHERE t.relname LIKE 'ue\_store\_%' AND c.contype = 'f'
"""

FIRST_COLUMNS = r"""
SELECT t.relname, a.attname
FROM pg_class t
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = 1
WHERE t.relname LIKE 'ue\_store\_%' AND t.relkind = 'r'
"""

KIND_OF_VIOLATION = {
    "p": UniqueViolation,
    "u": UniqueViolation,
    "i": UniqueViolation,
    "c": CheckViolation,
    "f": ReferenceViolation,
}


def fetch(sql: str) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_schema__every_constraint_is_mapped() -> None:
    keys = fetch(SCHEMA_KEYS)
    found = {name for name, _, _ in keys}

    unmapped = sorted(name for name in found if name not in VIOLATIONS)
    assert unmapped == []
    stale = sorted(name for name in VIOLATIONS if name not in found)
    assert stale == []
    for name, kind, table in keys:
        expected = KIND_OF_VIOLATION[kind]
        assert isinstance(VIOLATIONS[name], expected), (name, kind, table)


@pytest.mark.django_db
def test_schema__mapped_errors_are_domain_errors() -> None:
    for name, violation in VIOLATIONS.items():
        if isinstance(violation, UniqueViolation):
            error: errors.UeStoreError = violation.conflict()
        elif isinstance(violation, ReferenceViolation):
            error = errors.NotFound(violation.entity, "x")
        else:
            error = errors.ValidationError(violation.field, violation.rule)
        assert isinstance(error, errors.UeStoreError), name
        assert str(error), name


@pytest.mark.django_db
def test_schema__tenant_scoped_tables_lead_with_tenant_id() -> None:
    first_columns = dict(fetch(FIRST_COLUMNS))

    assert set(first_columns) >= {names.TENANT_TABLE, *names.TENANT_SCOPED_TABLES}
    for table in names.TENANT_SCOPED_TABLES:
        assert first_columns[table] == "tenant_id", table


@pytest.mark.django_db
def test_schema__tenant_scoped_keys_lead_with_tenant_id() -> None:
    rows = fetch(UNIQUE_INDEX_FIRST_COLUMNS)
    scoped = [row for row in rows if row[1] in names.TENANT_SCOPED_TABLES]

    assert len(scoped) >= 2 * len(names.TENANT_SCOPED_TABLES) - 2
    for index, table, column in scoped:
        assert column == "tenant_id", (index, table)


@pytest.mark.django_db
def test_schema__primary_keys_are_composite() -> None:
    rows = fetch(
        r"""
        SELECT t.relname, array_length(x.indkey::int2[], 1)
        FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname LIKE 'ue\_store\_%' AND x.indisprimary
        """
    )
    widths = dict(rows)

    assert widths[names.TENANT_TABLE] == 1
    for table in names.TENANT_SCOPED_TABLES:
        assert widths[table] == 2, table


@pytest.mark.django_db
def test_schema__foreign_keys_lead_with_tenant_id() -> None:
    rows = fetch(FOREIGN_KEY_FIRST_COLUMNS)

    # One tenant foreign key per tenant-scoped table but the audit table,
    # whose records must outlive their tenant account, plus the composite keys.
    assert len(rows) == 20
    for name, table, column in rows:
        assert column == "tenant_id", (name, table)


def violate(sql: str, params: list[object]) -> IntegrityError:
    """Run a statement that must break a constraint and return the error."""
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return info.value


@pytest.mark.django_db
def test_violation__duplicate_email_key() -> None:
    user = factories.UserFactory(primary_email="ada@example.test")

    with as_tenant(user.tenant_id):
        error = integrity_error(
            violate(
                "INSERT INTO ue_store_user (tenant_id, id, display_name,"
                " primary_email, email_key, status, created_at, updated_at, version)"
                " SELECT tenant_id, %s, display_name, 'ADA@example.test', email_key,"
                " status, created_at, updated_at, version"
                " FROM ue_store_user WHERE id = %s",
                [uuid4(), user.id],
            )
        )

    assert isinstance(error, errors.DuplicateEmail)


@pytest.mark.django_db
def test_violation__check_constraints() -> None:
    account = factories.AccountFactory()
    cases = [
        ("UPDATE ue_store_account SET status = 'frozen' WHERE id = %s", "status"),
        ("UPDATE ue_store_account SET version = 0 WHERE id = %s", "version"),
        ("UPDATE ue_store_account SET kind = 'service' WHERE id = %s", "user_id"),
    ]

    for sql, field in cases:
        with as_tenant(account.tenant_id):
            error = integrity_error(violate(sql, [account.id]))
        assert isinstance(error, errors.ValidationError), sql
        assert error.field == field


@pytest.mark.django_db
def test_violation__json_type_checks() -> None:
    application = factories.ApplicationFactory()

    with as_tenant(application.tenant_id):
        error = integrity_error(
            violate(
                "UPDATE ue_store_application SET metadata = '[]'::jsonb WHERE id = %s",
                [application.id],
            )
        )

    assert isinstance(error, errors.ValidationError)
    assert error.field == "metadata"


# Each case: the factory of a row in tenant A, the table and referencing
# column, the factory of the referenced kind of row, and the NotFound entity.
CROSS_TENANT_REFERENCES = [
    (
        factories.AccountFactory,
        "ue_store_account",
        "user_id",
        factories.UserFactory,
        "user",
    ),
    (
        factories.ExternalIdentityFactory,
        "ue_store_external_identity",
        "account_id",
        factories.AccountFactory,
        "account",
    ),
    (
        factories.BindingFactory,
        "ue_store_binding",
        "application_id",
        factories.ApplicationFactory,
        "application",
    ),
    (
        factories.ProfileValueFactory,
        "ue_store_profile_value",
        "attribute_id",
        factories.CatalogAttributeFactory,
        "catalog attribute",
    ),
    (
        factories.GroupFactory,
        "ue_store_group",
        "parent_id",
        factories.GroupFactory,
        "group",
    ),
    (
        factories.MembershipFactory,
        "ue_store_membership",
        "group_id",
        factories.GroupFactory,
        "group",
    ),
]


def repoint(table: str, column: str, row_id: UUID, target_id: UUID) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s", [target_id, row_id]
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "table", "column", "target", "entity"), CROSS_TENANT_REFERENCES
)
def test_isolation__raw_sql_cannot_cross_tenants(
    source: type, table: str, column: str, target: type, entity: str
) -> None:
    row_in_a = source()
    row_in_b = target()
    same_tenant_row = target(tenant=row_in_a.tenant)
    assert row_in_b.tenant_id != row_in_a.tenant_id

    # Bound to tenant A, as a unit would be: foreign key checks ignore
    # row-level security, so the composite key is what rejects B's row.
    with as_tenant(row_in_a.tenant_id):
        with pytest.raises(IntegrityError) as info, transaction.atomic():
            repoint(table, column, row_in_a.id, row_in_b.id)
        translated = integrity_error(info.value)
        # The same statement is accepted when the reference stays in the tenant.
        repoint(table, column, row_in_a.id, same_tenant_row.id)

    assert isinstance(translated, errors.NotFound)
    assert translated.entity == entity


@pytest.mark.django_db
def test_isolation__missing_tenant_rejected() -> None:
    tenant_id = uuid4()

    with (
        as_tenant(tenant_id),
        pytest.raises(IntegrityError) as info,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ue_store_user (tenant_id, id, display_name, status,"
            " created_at, updated_at, version)"
            " VALUES (%s, %s, 'Ada Example', 'active', now(), now(), 1)",
            [tenant_id, uuid4()],
        )
    translated = integrity_error(info.value)

    assert isinstance(translated, errors.NotFound)
    assert translated.entity == "tenant account"
