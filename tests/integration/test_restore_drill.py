"""Backup and restore drill: pg_dump the test database, restore it, check it.

The drill is what an operator runs after restoring a ue_store database:

1. ``pg_dump -Fc`` the source database as a superuser (a dump must read
   every row, and row-level security is forced on every ue_store table, so
   only a superuser or a BYPASSRLS role sees them all).
2. ``pg_restore`` into a new, empty database, keeping owners and privileges,
   so the migration role owns the restored tables as it owned the source's.
3. Run ``ue_store_grants --apply`` on the restored database as the migration
   role. The runtime role is cluster-wide and kept its grants through the
   dump, but a restore into another cluster or under another runtime role
   needs this step, and it is idempotent.
4. As the runtime role: readiness is green (reachable, no migration pending,
   the role bound by row-level security), and every tenant's audit hash
   chain verifies to the same head as in the source.
5. As a superuser: every table has the same row count as in the source.

The restored database is dropped at the end. The superuser comes from
``tests/roles.py``; without one the test is skipped.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.core.management import call_command
from django.db import connections

from ue_store.domain.entities import ValueType
from ue_store.postgres import PostgresStore
from ue_store.postgres.audit_verify import ChainReport, audit_tenant_ids, verify_tenant

pytestmark = pytest.mark.postgres

#: PostgreSQL 15 client binaries; the dump format must match the server.
PG_BIN = Path("/usr/lib/postgresql/15/bin")
ACTOR = "restore-drill"
RESTORED_SUPERUSER = "restore_drill_superuser"
RESTORED_MIGRATIONS = "restore_drill_migrations"
RESTORED_RUNTIME = "restore_drill_runtime"
#: Seconds each pg_dump or pg_restore may take before the drill fails.
TOOL_TIMEOUT = 60


def _populate_tenant(store: PostgresStore, index: int) -> UUID:
    """Write one tenant with a row in every ue_store table; return its id."""
    tenant_id = uuid4()
    with store.unit_of_work(
        tenant_id, actor=ACTOR, correlation_id=f"drill-{index}"
    ) as uow:
        uow.tenants.create(
            slug=f"drill-{tenant_id.hex[:12]}", display_name=f"Drill Tenant {index}"
        )
        application = uow.applications.create(
            client_id=f"portal-{index}", name="Portal", metadata={"tier": index}
        )
        attribute = uow.catalog.define(key="department", value_type=ValueType.STRING)
        group = uow.groups.create(name="staff")
        for person in range(3):
            user = uow.users.create(
                display_name=f"Drill Person {person}",
                primary_email=f"person{person}@drill{index}.example",
            )
            account = uow.accounts.create_human(
                user_id=user.id, username=f"person{person}"
            )
            uow.identities.link(
                account_id=account.id,
                issuer="https://idp.example/realms/drill",
                subject=f"subject-{index}-{person}",
            )
            uow.bindings.create(
                account_id=account.id, application_id=application.id, roles=["reader"]
            )
            uow.memberships.add(group_id=group.id, account_id=account.id)
            uow.profiles.set(user.id, attribute.id, f"unit-{person}")
        uow.outbox.enqueue(
            event_type="drill.completed",
            aggregate_type="drill",
            aggregate_id=str(index),
            payload={"index": index},
            idempotency_key=f"drill-{index}",
        )
    return tenant_id


def _deliver_some_events(store: PostgresStore, limit: int) -> int:
    """Claim up to ``limit`` events through the relay API and acknowledge them."""
    relay = store.relay()
    claim = relay.claim(
        owner="restore-drill", limit=limit, lease_for=timedelta(minutes=1)
    )
    event_ids = [claimed.event.event_id for claimed in claim.events]
    settlement = relay.acknowledge(claim.lease.token, event_ids)
    return len(settlement.accepted)


def _client_environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """Return the environment of a client tool; the password goes only here."""
    environment = dict(os.environ)
    environment["PGPASSWORD"] = str(settings["PASSWORD"] or "")
    return environment


def _client_arguments(settings: Mapping[str, Any]) -> list[str]:
    arguments = ["--username", str(settings["USER"])]
    if settings["HOST"]:
        arguments += ["--host", str(settings["HOST"])]
    if settings["PORT"]:
        arguments += ["--port", str(settings["PORT"])]
    return arguments


def _run_tool(name: str, arguments: list[str], settings: Mapping[str, Any]) -> None:
    """Run a PostgreSQL client tool; fail with its stderr, never its environment."""
    result = subprocess.run(
        [str(PG_BIN / name), *_client_arguments(settings), *arguments],
        env=_client_environment(settings),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{name} failed: {result.stderr.strip()}"


def _table_counts(using: str) -> dict[str, int]:
    """Count the rows of every table in the public schema (needs a superuser)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _chain_reports(using: str) -> dict[UUID, ChainReport]:
    return {tenant: verify_tenant(using, tenant) for tenant in audit_tenant_ids(using)}


def _add_alias(alias: str, base: Mapping[str, Any], name: str) -> None:
    settings = dict(base)
    settings["NAME"] = name
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": None}
    connections.settings[alias] = settings


def _remove_alias(alias: str) -> None:
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@pytest.fixture
def restored_name(superuser_alias: str) -> Iterator[str]:
    """Create an empty database for the restore, owned by the migration role.

    Drops it, with any connection still open to it, when the test ends.
    """
    name = f"{connections['default'].settings_dict['NAME']}_restore_{uuid4().hex[:8]}"
    owner = connections["migrations"].settings_dict["USER"]
    admin = connections[superuser_alias]
    quote = admin.ops.quote_name
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quote(name)} OWNER {quote(owner)}")
    try:
        yield name
    finally:
        for alias in (RESTORED_RUNTIME, RESTORED_MIGRATIONS, RESTORED_SUPERUSER):
            _remove_alias(alias)
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")


def test_restore_drill__restored_copy_ready_and_equal(
    store: PostgresStore, superuser_alias: str, restored_name: str, tmp_path: Path
) -> None:
    tenants = [_populate_tenant(store, index) for index in range(3)]
    delivered = _deliver_some_events(store, limit=2)
    assert delivered == 2

    superuser = connections[superuser_alias].settings_dict
    source_name = str(superuser["NAME"])
    dump = tmp_path / "ue_store.dump"
    _run_tool("pg_dump", ["--format=custom", f"--file={dump}", source_name], superuser)
    _run_tool(
        "pg_restore",
        [
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={restored_name}",
            str(dump),
        ],
        superuser,
    )

    _add_alias(RESTORED_SUPERUSER, superuser, restored_name)
    _add_alias(
        RESTORED_MIGRATIONS, connections["migrations"].settings_dict, restored_name
    )
    _add_alias(RESTORED_RUNTIME, connections["default"].settings_dict, restored_name)
    call_command(
        "ue_store_grants",
        "--apply",
        "--host-tables",
        "--runtime-role",
        connections["default"].settings_dict["USER"],
        "--database",
        RESTORED_MIGRATIONS,
        verbosity=0,
    )

    restored = PostgresStore(using=RESTORED_RUNTIME)
    readiness = restored.readiness()
    failed = [check for check in readiness.checks if not check.ok]
    assert failed == []
    assert readiness.ready
    assert restored.schema_version() == store.schema_version()

    source_counts = _table_counts(superuser_alias)
    restored_counts = _table_counts(RESTORED_SUPERUSER)
    assert set(restored_counts) == set(source_counts)
    for table, count in source_counts.items():
        assert restored_counts[table] == count, f"row count of {table} differs"

    source_chains = _chain_reports("default")
    restored_chains = _chain_reports(RESTORED_RUNTIME)
    for tenant in tenants:
        assert restored_chains[tenant].failure is None
        assert restored_chains[tenant].count > 0
    assert restored_chains == source_chains

    for tenant in tenants:
        with restored.unit_of_work(tenant, actor=ACTOR) as uow:
            assert uow.tenants.get().id == tenant
            assert len(uow.users.list().items) == 3
    source_outbox = store.relay().counts()
    restored_outbox = restored.relay().counts()
    assert restored_outbox.pending == source_outbox.pending
    assert restored_outbox.leased == source_outbox.leased
    assert restored_outbox.dead_lettered == source_outbox.dead_lettered
    assert restored_outbox.oldest_pending_at == source_outbox.oldest_pending_at
