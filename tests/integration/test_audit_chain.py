"""The audit table in PostgreSQL: append-only trigger, tamper detection, schema.

Tampering needs the trigger disabled, which only the table's owner or a
superuser may do, while the tests run as the runtime role. The tamper and
trigger tests therefore write their tenant on a separate superuser
connection, inside a transaction that is rolled back when the test ends, so
every edit, the disabled trigger included, is undone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from tests.tenancy import as_tenant
from ue_store import models
from ue_store.domain import audit_chain
from ue_store.models import names
from ue_store.postgres import PostgresStore
from ue_store.postgres.audit_chain import lock_key
from ue_store.postgres.audit_verify import verify_tenant

from .conftest import ACTOR

pytestmark = pytest.mark.postgres

TRIGGER = "ue_store_audit_append_only"


@pytest.fixture
def store(db: None) -> PostgresStore:
    return PostgresStore()


@pytest.fixture
def slug() -> str:
    return f"audit-{uuid4().hex[:12]}"


@pytest.fixture
def tenant_id(store: PostgresStore, slug: str) -> UUID:
    """Create a tenant with four audit records: the tenant and three users."""
    tenant_id = uuid4()
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.tenants.create(slug=slug, display_name="Audit Tenant")
        for index in range(3):
            uow.users.create(display_name=f"Audit Example {index}")
    return tenant_id


@pytest.fixture
def tampered_tenant(superuser_alias: str, slug: str) -> Iterator[UUID]:
    """Create the four-record tenant as a superuser, in a transaction rolled back.

    Tampering needs the table owner or a superuser, and is never committed,
    so later tests that check every tenant's chain still find them valid.
    """
    store = PostgresStore(using=superuser_alias)
    tenant_id = uuid4()
    with transaction.atomic(using=superuser_alias):
        with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            uow.tenants.create(slug=slug, display_name="Audit Tenant")
            for index in range(3):
                uow.users.create(display_name=f"Audit Example {index}")
        yield tenant_id
        transaction.set_rollback(True, using=superuser_alias)


def run_sql(using: str, sql: str, params: list[object] | None = None) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)


def audit_rows(using: str) -> Any:
    return models.AuditRecord._default_manager.using(using)


@contextmanager
def trigger_disabled(using: str) -> Iterator[None]:
    run_sql(using, f"ALTER TABLE {names.AUDIT_TABLE} DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        run_sql(
            using, f"ALTER TABLE {names.AUDIT_TABLE} ENABLE ALWAYS TRIGGER {TRIGGER}"
        )


def verify(*args: str) -> tuple[str, CommandError | None]:
    """Run the verify command; return its output and the error it raised."""
    output = StringIO()
    try:
        call_command("ue_store_audit_verify", *args, stdout=output)
    except CommandError as error:
        return output.getvalue(), error
    return output.getvalue(), None


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {names.AUDIT_TABLE} SET actor = 'rewritten' WHERE tenant_id = %s",
        f"DELETE FROM {names.AUDIT_TABLE} WHERE tenant_id = %s",
        f"TRUNCATE {names.AUDIT_TABLE}",
        # Statement-level, so even a statement that matches no row fails.
        f"UPDATE {names.AUDIT_TABLE} SET actor = 'x' WHERE tenant_id = %s AND false",
    ],
    ids=["update", "delete", "truncate", "update-no-rows"],
)
def test_trigger__rejects_rewrites(
    superuser_alias: str, tampered_tenant: UUID, statement: str
) -> None:
    """Even a superuser's rewrite fails while the trigger is enabled."""
    params: list[object] = [tampered_tenant] if "%s" in statement else []

    with (
        pytest.raises(IntegrityError) as info,
        transaction.atomic(using=superuser_alias),
    ):
        run_sql(superuser_alias, statement, params)

    rows = audit_rows(superuser_alias)
    assert "append-only" in str(info.value)
    assert rows.filter(tenant_id=tampered_tenant).count() == 4
    assert rows.filter(actor="rewritten").count() == 0


def test_trigger__fires_in_replica_mode(
    superuser_alias: str, tampered_tenant: UUID
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(using=superuser_alias):
        run_sql(superuser_alias, "SET LOCAL session_replication_role = replica")
        run_sql(
            superuser_alias,
            f"DELETE FROM {names.AUDIT_TABLE} WHERE tenant_id = %s",
            [tampered_tenant],
        )

    rows = audit_rows(superuser_alias)
    assert rows.filter(tenant_id=tampered_tenant).count() == 4


def test_trigger__tenant_table_truncates(
    superuser_alias: str, tampered_tenant: UUID
) -> None:
    """Without a foreign key, the audit outlives its tenant account."""
    run_sql(superuser_alias, f"TRUNCATE {names.TENANT_TABLE} CASCADE")
    remaining = audit_rows(superuser_alias).filter(tenant_id=tampered_tenant).count()

    assert remaining == 4


def test_verify__valid_chain(tenant_id: UUID, slug: str) -> None:
    output, error = verify("--tenant-slug", slug, "--chunk-size", "2")

    assert error is None
    assert f"tenant {tenant_id}: valid, 4 record(s)" in output
    assert "0 broken chain(s)" in output


def test_verify__every_tenant(tenant_id: UUID) -> None:
    output, error = verify()

    assert error is None, output
    assert f"tenant {tenant_id}: valid, 4 record(s)" in output


def test_verify__edited_record(
    superuser_alias: str, tampered_tenant: UUID, slug: str
) -> None:
    tenant_id = tampered_tenant
    with trigger_disabled(superuser_alias):
        run_sql(
            superuser_alias,
            f'UPDATE {names.AUDIT_TABLE} SET details = \'{{"fields": ["x"]}}\''
            " WHERE tenant_id = %s AND position = 2",
            [tenant_id],
        )

    output, error = verify("--tenant-slug", slug, "--database", superuser_alias)

    assert error is not None
    assert error.returncode == 1
    assert f"tenant {tenant_id}: BROKEN at position 2" in output
    assert "record_hash does not match" in output
    assert "the 1 record(s) before it are valid" in output


def test_verify__deleted_record(
    superuser_alias: str, tampered_tenant: UUID, slug: str
) -> None:
    tenant_id = tampered_tenant
    with trigger_disabled(superuser_alias):
        run_sql(
            superuser_alias,
            f"DELETE FROM {names.AUDIT_TABLE} WHERE tenant_id = %s AND position = 2",
            [tenant_id],
        )

    output, error = verify("--tenant-slug", slug, "--database", superuser_alias)

    assert error is not None
    assert error.returncode == 1
    assert f"tenant {tenant_id}: BROKEN at position 3" in output
    assert "2 is missing" in output


def test_verify__rehashed_edit_changes_head(
    superuser_alias: str, tampered_tenant: UUID
) -> None:
    """An edit with every later hash recomputed shows only in the head hash."""
    tenant_id = tampered_tenant
    before = verify_tenant(superuser_alias, tenant_id)
    rows = list(audit_rows(superuser_alias).filter(tenant_id=tenant_id))
    rows.sort(key=lambda row: row.position)
    previous_hash = audit_chain.GENESIS_HASH
    with trigger_disabled(superuser_alias):
        for row in rows:
            actor = "intruder" if row.position == 2 else row.actor
            content = audit_chain.ChainContent(
                tenant_id=tenant_id,
                position=row.position,
                occurred_at=row.occurred_at,
                actor=actor,
                action=row.action,
                target_type=row.target_type,
                target_id=row.target_id,
                correlation_id=row.correlation_id,
                details=row.details,
                previous_hash=previous_hash,
            )
            record_hash = audit_chain.compute_hash(content)
            audit_rows(superuser_alias).filter(sequence=row.sequence).update(
                actor=actor, previous_hash=previous_hash, record_hash=record_hash
            )
            previous_hash = record_hash

    after = verify_tenant(superuser_alias, tenant_id)

    assert before.failure is None
    assert after.failure is None
    assert after.count == before.count
    assert after.head_hash != before.head_hash


def test_verify__unknown_slug(db: None) -> None:
    _, error = verify("--tenant-slug", "no-such-tenant")

    assert error is not None
    assert error.returncode == 2
    assert "tenant slug not found: no-such-tenant" in str(error)


def test_chain__lock_key_spreads_similar_ids() -> None:
    first = UUID("01890000-0000-7000-8000-000000000001")
    second = UUID("01890000-0000-7000-8000-000000000002")

    assert lock_key(first) != lock_key(second)
    assert -(2**31) <= lock_key(first) < 2**31


@pytest.mark.django_db
def test_schema__audit_columns_match_model() -> None:
    """The unmanaged model and its table agree, which makemigrations can't check."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(
            cursor, names.AUDIT_TABLE
        )
        constraints = connection.introspection.get_constraints(
            cursor, names.AUDIT_TABLE
        )
    columns = {column.name: column for column in description}
    meta = models.AuditRecord._meta

    for field in meta.concrete_fields:
        assert field.column in columns, field.column
        assert bool(columns[field.column].null_ok) == field.null, field.column
    assert len(columns) == len(meta.concrete_fields)
    for index in meta.indexes:
        assert index.name in constraints, index.name
    for constraint in meta.constraints:
        assert constraint.name in constraints, constraint.name
    assert names.AUDIT_TENANT_FK not in constraints


@pytest.mark.django_db(transaction=True)
def test_migration__fills_chains_of_existing_rows() -> None:
    tenant_id = uuid4()
    with PostgresStore().unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.tenants.create(slug=f"backfill-{tenant_id.hex[:12]}", display_name="Old")
    call_command("migrate", "ue_store", "0002", database="migrations", verbosity=0)
    try:
        for index in range(3):
            run_sql(
                "default",
                f"INSERT INTO {names.AUDIT_TABLE} (tenant_id, occurred_at, actor,"
                " action, target_type, target_id, correlation_id, details)"
                " VALUES (%s, now(), 'old-release', 'user.created', 'user', %s,"
                " NULL, '{\"fields\": []}')",
                [tenant_id, f"user-{index}"],
            )
    finally:
        call_command("migrate", "ue_store", database="migrations", verbosity=0)

    report = verify_tenant("default", tenant_id)
    with as_tenant(tenant_id):
        positions = list(
            models.AuditRecord.objects.filter(tenant_id=tenant_id)
            .order_by("sequence")
            .values_list("position", flat=True)
        )

    assert report.failure is None
    assert report.count == 4
    assert positions == [1, 2, 3, 4]
