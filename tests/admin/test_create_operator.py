"""The ue_store_create_operator command: an admin login for operators."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from tests import factories
from ue_store import models
from ue_store.admin import OPERATIONS
from ue_store.management.commands.ue_store_create_operator import (
    GROUP_NAME,
    PASSWORD_VARIABLE,
)

from .conftest import admin_url

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-operator-7391"


def create_operator(*args: str) -> str:
    """Run the command and return stdout and stderr together."""
    stdout = StringIO()
    stderr = StringIO()
    call_command("ue_store_create_operator", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue() + stderr.getvalue()


@pytest.fixture
def operator_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    return PASSWORD


def test_command__creates_staff_user_in_group(operator_password: str) -> None:
    output = create_operator("olivia", "--email", "olivia@example.test")

    user = get_user_model().objects.get(username="olivia")
    assert "Created operator olivia" in output
    assert operator_password not in output
    assert user.is_staff
    assert not user.is_superuser
    assert user.email == "olivia@example.test"
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAME]


def test_command__grants_view_and_admin_operations(operator_password: str) -> None:
    create_operator("olivia")

    user = get_user_model().objects.get(username="olivia")
    for model, operations in OPERATIONS.items():
        assert user.has_perm(f"ue_store.view_{model}")
        for operation in ("add", "change", "delete"):
            expected = operation in operations
            assert user.has_perm(f"ue_store.{operation}_{model}") is expected


def test_command__second_run_updates_password(
    monkeypatch: pytest.MonkeyPatch, operator_password: str
) -> None:
    create_operator("olivia")
    monkeypatch.setenv(PASSWORD_VARIABLE, "second-password-5120")

    output = create_operator("olivia")

    assert "Updated operator olivia" in output
    assert Client().login(username="olivia", password="second-password-5120")
    assert get_user_model().objects.filter(username="olivia").count() == 1
    assert Group.objects.filter(name=GROUP_NAME).count() == 1


def test_operator__logs_in_and_sees_ue_store_index(operator_password: str) -> None:
    create_operator("olivia")
    client = Client()

    assert client.login(username="olivia", password=operator_password)
    response = client.get("/admin/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "user-engine store" in body.lower()
    assert admin_url(models.AuditRecord, "changelist") in body
    assert operator_password not in body


def test_operator__views_audit_but_cannot_change_it(
    operator_password: str, tenant: models.TenantAccount
) -> None:
    create_operator("olivia")
    client = Client()
    client.login(username="olivia", password=operator_password)
    factories.UserFactory(tenant=tenant)

    listing = client.get(admin_url(models.User, "changelist"))
    audit_list = client.get(admin_url(models.AuditRecord, "changelist"))
    audit_add = client.post(admin_url(models.AuditRecord, "add"), {})

    assert listing.status_code == 200
    assert audit_list.status_code == 200
    assert audit_add.status_code == 403


def test_operator__change_writes_audit_with_actor(
    operator_password: str, tenant: models.TenantAccount
) -> None:
    create_operator("olivia")
    client = Client()
    client.login(username="olivia", password=operator_password)
    group = factories.GroupFactory(tenant=tenant, name="staff")

    response = client.post(
        admin_url(models.Group, "change", group.id),
        {"name": "all staff", "version": "1"},
    )

    assert response.status_code == 302
    record = models.AuditRecord.objects.get(tenant=tenant)
    assert record.actor == "admin:olivia"
    assert record.action == "group.updated"


def test_command__without_password_or_terminal_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr("sys.stdin", StringIO())

    with pytest.raises(CommandError, match=PASSWORD_VARIABLE):
        create_operator("olivia")

    assert not get_user_model().objects.filter(username="olivia").exists()


def test_command__prompts_on_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)

    output = create_operator("olivia")

    assert PASSWORD not in output
    assert Client().login(username="olivia", password=PASSWORD)


def test_command__mismatched_prompts_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([PASSWORD, "something-else"])
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="differ"):
        create_operator("olivia")


def test_command__empty_password_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, "")

    with pytest.raises(CommandError, match="must not be empty"):
        create_operator("olivia")


def test_createsuperuser__still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command(
        "createsuperuser",
        "--noinput",
        "--username",
        "root",
        "--email",
        "root@example.test",
        stdout=StringIO(),
    )

    client = Client()
    assert client.login(username="root", password=PASSWORD)
    assert client.get(admin_url(models.User, "add")).status_code == 200
