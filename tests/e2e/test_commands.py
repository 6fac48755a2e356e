"""The operator commands, run through Django's call_command on PostgreSQL."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from ue_store.management.commands.ue_store_demo import EXAMPLE_TENANT_ID
from ue_store.postgres import get_store

pytestmark = pytest.mark.django_db(transaction=True)


def run_command(name: str, *args: str) -> str:
    output = StringIO()
    call_command(name, *args, stdout=output)
    return output.getvalue()


def test_status_json__reports_ready_schema_and_counts() -> None:
    run_command("ue_store_demo")

    report = json.loads(run_command("ue_store_status", "--json"))

    assert report["ready"] is True
    assert [check["name"] for check in report["checks"]] == [
        "database",
        "migrations",
        "database role",
    ]
    assert report["schema"]["applied"] == report["schema"]["expected"]
    assert report["schema"]["expected"] != []
    assert report["counts"]["users"] == 2
    assert report["counts"]["accounts"] == 3
    assert report["counts"]["audit records"] > 0


def test_status_text__names_every_check() -> None:
    output = run_command("ue_store_status")

    assert "ready: yes" in output
    assert "database: ok" in output
    assert "migrations: ok" in output


def test_status__exits_nonzero_with_pending_migration() -> None:
    # The runtime role may only read django_migrations.
    with connections["migrations"].cursor() as cursor:
        cursor.execute(
            "SELECT name FROM django_migrations WHERE app = 'ue_store' "
            "ORDER BY id DESC LIMIT 1"
        )
        (latest,) = cursor.fetchone()
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'ue_store' AND name = %s",
            [latest],
        )
    try:
        with pytest.raises(CommandError) as caught:
            run_command("ue_store_status", "--json")
        assert caught.value.returncode == 1
    finally:
        with connections["migrations"].cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_migrations (app, name, applied) "
                "VALUES ('ue_store', %s, now())",
                [latest],
            )


def test_demo__writes_example_tenant_once() -> None:
    first = run_command("ue_store_demo")
    second = run_command("ue_store_demo")

    store = get_store()
    tenant = store.find_tenant_by_slug("example")
    with store.unit_of_work(EXAMPLE_TENANT_ID, actor="test") as uow:
        users = uow.users.list().items
        audit = uow.audit.list(limit=1000).items
    assert tenant.id == EXAMPLE_TENANT_ID
    assert "written" in first
    assert "already present" in second
    assert len(users) == 2
    assert all(record.actor == "ue_store_demo" for record in audit)


def test_audit_verify__demo_tenant_valid() -> None:
    run_command("ue_store_demo")

    output = run_command("ue_store_audit_verify", "--tenant-slug", "example")

    assert f"tenant {EXAMPLE_TENANT_ID}: valid" in output
    assert "0 broken chain(s)" in output
