"""The ue_store migration matches the models and reverses cleanly."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.postgres


def regrant_runtime_role() -> None:
    call_command(
        "ue_store_grants",
        "--apply",
        "--runtime-role",
        connection.settings_dict["USER"],
        "--database",
        "migrations",
        verbosity=0,
    )


def ue_store_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            r"SELECT tablename FROM pg_tables WHERE tablename LIKE 'ue\_store\_%'"
            " ORDER BY tablename"
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db
def test_migrations__models_have_no_pending_changes() -> None:
    output = io.StringIO()

    call_command("makemigrations", "ue_store", check=True, dry_run=True, stdout=output)

    assert "No changes detected" in output.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrations__zero_and_back() -> None:
    before = ue_store_tables()

    call_command("migrate", "ue_store", "zero", database="migrations", verbosity=0)
    emptied = ue_store_tables()
    call_command("migrate", "ue_store", database="migrations", verbosity=0)
    # The tables are new, so the runtime role needs its privileges again.
    regrant_runtime_role()
    after = ue_store_tables()

    assert len(before) == 12
    assert emptied == []
    assert after == before
