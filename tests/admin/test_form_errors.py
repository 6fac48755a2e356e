"""Saves that break a store rule show a form error and write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from tests import factories
from ue_store import models
from ue_store.admin.applications import BindingAdmin
from ue_store.admin.people import UserAddForm
from ue_store.domain.errors import ValidationError
from ue_store.postgres import get_store

from .conftest import ADMIN_ACTOR, admin_url, form_errors

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    tables = (
        models.TenantAccount,
        models.User,
        models.Account,
        models.Application,
        models.Binding,
        models.CatalogAttribute,
        models.Group,
        models.Membership,
        models.AuditRecord,
        models.OutboxEvent,
    )
    return {table.__name__: table._default_manager.count() for table in tables}


def post_rejected(client: Client, url: str, data: dict[str, Any]) -> Any:
    """Post a form that must fail, and check that nothing was written."""
    before = row_counts()
    response = client.post(url, data)
    assert response.status_code == 200
    assert row_counts() == before
    return response


def test_user_add__duplicate_email_differing_in_case(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    factories.UserFactory(tenant=tenant, primary_email="ada@example.test")

    response = post_rejected(
        admin_client,
        admin_url(models.User, "add"),
        {
            "tenant": str(tenant.id),
            "display_name": "Ada Again",
            "primary_email": "ADA@Example.Test",
            "status": "active",
        },
    )

    errors = form_errors(response)
    assert list(errors) == ["primary_email"]
    assert (
        "another user in this tenant already has this value"
        in (errors["primary_email"][0])
    )


def test_user_change__duplicate_email_of_other_user(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    factories.UserFactory(tenant=tenant, primary_email="ada@example.test")
    user = factories.UserFactory(tenant=tenant, primary_email="grace@example.test")

    response = post_rejected(
        admin_client,
        admin_url(models.User, "change", user.id),
        {
            "display_name": "Grace",
            "primary_email": "Ada@example.test",
            "status": "active",
            "version": "1",
        },
    )

    assert "primary_email" in form_errors(response)
    user.refresh_from_db()
    assert user.primary_email == "grace@example.test"
    assert user.version == 1


def test_user_add__invalid_email_on_field(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    response = post_rejected(
        admin_client,
        admin_url(models.User, "add"),
        {
            "tenant": str(tenant.id),
            "display_name": "Ada",
            "primary_email": "not-an-address",
            "status": "active",
        },
    )

    assert form_errors(response) == {
        "primary_email": [
            "Invalid primary_email: must be an address of the form local@domain."
        ]
    }


def test_account_add__duplicate_username(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    existing = factories.AccountFactory(tenant=tenant, username="ada")

    response = post_rejected(
        admin_client,
        admin_url(models.Account, "add"),
        {
            "tenant": str(tenant.id),
            "kind": "human",
            "user": str(existing.user_id),
            "username": "ADA",
            "status": "active",
        },
    )

    errors = form_errors(response)
    assert list(errors) == ["username"]
    assert "another account in this tenant" in errors["username"][0]


def test_account_add__user_of_other_tenant(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    stranger = factories.UserFactory()

    response = post_rejected(
        admin_client,
        admin_url(models.Account, "add"),
        {
            "tenant": str(tenant.id),
            "kind": "human",
            "user": str(stranger.id),
            "username": "ada",
            "status": "active",
        },
    )

    assert form_errors(response) == {
        "user": ["No user with this id exists in the row's tenant."]
    }


@pytest.mark.parametrize(
    ("kind", "with_user", "message"),
    [
        ("human", False, "A human account needs a user."),
        ("service", True, "A service account has no user; leave it empty."),
    ],
    ids=["human-without-user", "service-with-user"],
)
def test_account_add__kind_and_user_mismatch(
    admin_client: Client,
    tenant: models.TenantAccount,
    kind: str,
    with_user: bool,
    message: str,
) -> None:
    user = factories.UserFactory(tenant=tenant)

    response = post_rejected(
        admin_client,
        admin_url(models.Account, "add"),
        {
            "tenant": str(tenant.id),
            "kind": kind,
            "user": str(user.id) if with_user else "",
            "username": "ada",
            "status": "active",
        },
    )

    assert form_errors(response) == {"user": [message]}


def test_membership_add__second_for_same_group_and_account(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    existing = factories.MembershipFactory(tenant=tenant)

    response = post_rejected(
        admin_client,
        admin_url(models.Membership, "add"),
        {
            "tenant": str(tenant.id),
            "group": str(existing.group_id),
            "account": str(existing.account_id),
            "role": "owner",
        },
    )

    errors = form_errors(response)
    assert list(errors) == ["account"]
    assert "another membership in this tenant" in errors["account"][0]


def test_application_add__duplicate_client_id(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    factories.ApplicationFactory(tenant=tenant, client_id="portal")

    response = post_rejected(
        admin_client,
        admin_url(models.Application, "add"),
        {
            "tenant": str(tenant.id),
            "client_id": "portal",
            "name": "Second Portal",
            "status": "active",
            "metadata": "{}",
        },
    )

    errors = form_errors(response)
    assert list(errors) == ["client_id"]
    assert "another application in this tenant" in errors["client_id"][0]


def test_tenant_add__duplicate_slug(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    response = post_rejected(
        admin_client,
        admin_url(models.TenantAccount, "add"),
        {"slug": tenant.slug, "display_name": "Copy", "status": "active"},
    )

    assert list(form_errors(response)) == ["slug"]


def test_tenant_add__duplicate_id(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    response = post_rejected(
        admin_client,
        admin_url(models.TenantAccount, "add"),
        {
            "tenant_id": str(tenant.id),
            "slug": "another-slug",
            "display_name": "Copy",
            "status": "active",
        },
    )

    assert list(form_errors(response)) == ["tenant_id"]


def test_group_add__parent_of_other_tenant(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    stranger = factories.GroupFactory()

    response = post_rejected(
        admin_client,
        admin_url(models.Group, "add"),
        {"tenant": str(tenant.id), "name": "staff", "parent": str(stranger.id)},
    )

    assert list(form_errors(response)) == ["parent"]


def test_catalog_add__enum_without_allowed_values(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    response = post_rejected(
        admin_client,
        admin_url(models.CatalogAttribute, "add"),
        {
            "tenant": str(tenant.id),
            "key": "locale",
            "value_type": "enum",
            "allowed_values": "",
        },
    )

    assert list(form_errors(response)) == ["allowed_values"]


def test_binding_change__invalid_role_name(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    binding = factories.BindingFactory(tenant=tenant)

    response = post_rejected(
        admin_client,
        admin_url(models.Binding, "change", binding.id),
        {"roles": "x" * 256, "version": "1"},
    )

    assert list(form_errors(response)) == ["roles"]


def test_stale_version__concurrency_error_and_no_lost_update(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    user = factories.UserFactory(tenant=tenant, display_name="Ada")
    form_page = admin_client.get(admin_url(models.User, "change", user.id))
    loaded_version = form_page.context["adminform"].form.initial["version"]
    with get_store().unit_of_work(tenant.id, actor="other-operator") as uow:
        uow.users.update(user.id, expected_version=1, display_name="Ada Lovelace")

    response = post_rejected(
        admin_client,
        admin_url(models.User, "change", user.id),
        {
            "display_name": "Ada Byron",
            "primary_email": user.primary_email,
            "status": "active",
            "version": str(loaded_version),
        },
    )

    errors = form_errors(response)
    assert list(errors) == ["__all__"]
    assert "no longer at version 1" in errors["__all__"][0]
    user.refresh_from_db()
    assert user.display_name == "Ada Lovelace"
    assert user.version == 2


def test_store_error_without_form_field__shows_above_form(
    tenant: models.TenantAccount,
) -> None:
    form_class = type("Form", (UserAddForm,), {"actor": ADMIN_ACTOR})
    form = form_class(data={})
    form.full_clean()

    form.add_store_error(ValidationError("expected_version", "must be positive"))

    assert form.errors["__all__"] == ["Invalid expected_version: must be positive."]


def test_delete__store_error_shows_message_and_keeps_row(
    admin_client: Client,
    tenant: models.TenantAccount,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    binding = factories.BindingFactory(tenant=tenant)

    def reject_delete(*args: Any, **kwargs: Any) -> None:
        raise ValidationError("expected_version", "must be positive")

    monkeypatch.setattr(BindingAdmin, "delete_record", reject_delete)

    response = admin_client.post(
        admin_url(models.Binding, "delete", binding.id), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert models.Binding.objects.filter(id=binding.id).exists()
    assert LogEntry.objects.count() == 0
    assert "Nothing was deleted" in response.content.decode()
