"""The importer and its command on the PostgreSQL store."""

from __future__ import annotations

import logging
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from keycloak_support import (
    CANARY,
    CANARY_REALM,
    EXPORT_DIR,
    FIXTURES,
    REAL_EXPORTS,
    actions,
    change_log_sizes,
    realm,
    run,
    tenant_ids,
    tenant_records,
    user,
    write_json,
)

from tests.tenancy import inspect_all
from ue_store.domain.errors import NotFound
from ue_store.keycloak import tenant_id_for
from ue_store.postgres import PostgresStore, get_store

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def store() -> PostgresStore:
    return get_store()


def table_rows() -> dict[str, list[str]]:
    """Return every row of every ue_store table, as PostgreSQL's row text."""
    rows: dict[str, list[str]] = {}
    with inspect_all(), connection.cursor() as cursor:
        for model in apps.get_app_config("ue_store").get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            rows[table] = [row[0] for row in cursor.fetchall()]
    return rows


def run_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ue_store_import_keycloak", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_exports__leave_no_canary_anywhere(
    store: PostgresStore,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    outputs = []

    for export in [*REAL_EXPORTS, CANARY_REALM, EXPORT_DIR]:
        outputs.append(run_command(str(export), "--on-conflict=skip"))

    for table, rows in table_rows().items():
        assert all(CANARY not in row for row in rows), table
    assert sum(len(rows) for rows in table_rows().values()) > 100
    assert CANARY not in caplog.text
    assert all(CANARY not in out + err for out, err in outputs)
    captured = capsys.readouterr()
    assert CANARY not in captured.out + captured.err


def test_canary_realm__records_hold_no_canary(store: PostgresStore) -> None:
    report = run(store, CANARY_REALM)

    assert report.ok, report.failure
    dump = repr(tenant_records(store, tenant_id_for("canary")))
    assert CANARY not in dump
    assert "ada@corp.example.com" in dump


@pytest.mark.parametrize(
    "export",
    [FIXTURES / "01-keycloak-testrealm.json", CANARY_REALM, EXPORT_DIR],
    ids=lambda path: path.name,
)
def test_second_import__adds_no_rows_audit_or_events(
    store: PostgresStore, export: Path
) -> None:
    first = run(store, export)
    assert first.ok, first.failure
    rows = {table: len(found) for table, found in table_rows().items()}
    sizes = {tid: change_log_sizes(store, tid) for tid in tenant_ids(first)}

    second = run(store, export)

    assert second.ok, second.failure
    assert {table: len(found) for table, found in table_rows().items()} == rows
    assert {tid: change_log_sizes(store, tid) for tid in tenant_ids(second)} == sizes
    assert all(summary.changes() == 0 for summary in second.realms)


def test_changed_email__writes_one_user_update(
    store: PostgresStore, tmp_path: Path
) -> None:
    users = [user("a", email="a@example.com"), user("b", email="b@example.com")]
    assert run(store, write_json(tmp_path, "v1.json", realm(users=users))).ok
    before = actions(store, tenant_id_for("shop"))
    users[0]["email"] = "a.new@example.com"

    report = run(store, write_json(tmp_path, "v2.json", realm(users=users)))

    assert report.ok, report.failure
    assert actions(store, tenant_id_for("shop"))[len(before) :] == ["user.updated"]


def test_failure_late_in_file__writes_nothing(
    store: PostgresStore, tmp_path: Path
) -> None:
    users = [user(f"u{index}", email=f"u{index}@example.com") for index in range(5)]
    users.append(user("bad", email="no-at-sign"))
    export = write_json(tmp_path, "realm.json", realm(users=users))
    rows = {table: len(found) for table, found in table_rows().items()}

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[5].email"
    assert {table: len(found) for table, found in table_rows().items()} == rows
    with pytest.raises(NotFound):
        store.find_tenant_by_slug("shop")


def test_skip_mode__savepoint_leaves_no_partial_user(
    store: PostgresStore, tmp_path: Path
) -> None:
    link = {"identityProvider": "corp", "userId": "same-subject"}
    users = [
        user("owner", federatedIdentities=[link]),
        user("thief", federatedIdentities=[link], clientRoles={"app": ["r"]}),
        user("fine"),
    ]
    export = write_json(tmp_path, "realm.json", realm(users=users))

    report = run(store, export, on_conflict="skip")

    assert report.ok, report.failure
    assert [item.path for item in report.realms[0].skipped] == [
        "$.users[1].federatedIdentities[0]"
    ]
    with store.unit_of_work(tenant_id_for("shop"), actor="tests") as uow:
        usernames = sorted(a.username for a in uow.accounts.list().items)
        user_count = len(uow.users.list().items)
        applications = uow.applications.list().items
    assert usernames == ["fine", "owner"]
    assert user_count == 2
    assert applications == ()


def test_command__prints_summary(store: PostgresStore) -> None:
    out, _ = run_command(str(FIXTURES / "02-keycloak-model-testrealm-fedids.json"))

    assert "realm test-realm -> tenant test-realm" in out
    assert "committed" in out
    assert "users[].credentials: 3" in out
    assert store.find_tenant_by_slug("test-realm").id == tenant_id_for("test-realm")


def test_command__dry_run_writes_nothing(store: PostgresStore) -> None:
    out, _ = run_command(str(EXPORT_DIR), "--dry-run")

    assert "dry run, rolled back" in out
    with pytest.raises(NotFound):
        store.find_tenant_by_slug("acme-zurich")


def test_command__fails_with_path_and_writes_nothing(store: PostgresStore) -> None:
    export = FIXTURES / "07-catenax-central-users-0-fedids.json"

    with pytest.raises(CommandError) as caught:
        run_command(str(export))

    assert "$.users[10].email" in str(caught.value)
    assert "@" not in str(caught.value)
    with pytest.raises(NotFound):
        store.find_tenant_by_slug("cx-central")


def test_command__skip_reports_skipped_user(store: PostgresStore) -> None:
    export = FIXTURES / "07-catenax-central-users-0-fedids.json"

    out, _ = run_command(str(export), "--on-conflict=skip", "--tenant-slug=central")

    assert "skipped items (1)" in out
    assert "$.users[10].email" in out
    assert store.find_tenant_by_slug("central").id == tenant_id_for("CX-Central")
