"""Admin writes go through the store: keys, versions, audit records and events."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from django.test import Client

from tests import factories
from ue_store import models
from ue_store.domain import rules

from .conftest import ADMIN_ACTOR, admin_url

pytestmark = pytest.mark.django_db


def last_audit() -> models.AuditRecord:
    record = models.AuditRecord.objects.order_by("-sequence").first()
    assert record is not None
    return record


def last_event() -> models.OutboxEvent:
    event = models.OutboxEvent.objects.order_by("-sequence").first()
    assert event is not None
    return event


def assert_recorded(action: str, target_id: object) -> None:
    record = last_audit()
    event = last_event()
    assert record.action == action
    assert record.actor == ADMIN_ACTOR
    assert record.target_id == str(target_id)
    assert event.event_type == action
    assert event.aggregate_id == str(target_id)


def test_user_add__writes_key_audit_and_event(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    response = admin_client.post(
        admin_url(models.User, "add"),
        {
            "tenant": str(tenant.id),
            "display_name": "Grace Example",
            "primary_email": "Grace.Example@Example.TEST",
            "status": "active",
        },
    )

    assert response.status_code == 302
    user = models.User.objects.get(tenant=tenant)
    assert user.email_key == rules.normalise_key("Grace.Example@Example.TEST")
    assert user.primary_email == "Grace.Example@Example.TEST"
    assert user.version == 1
    assert_recorded("user.created", user.id)


def test_user_change__bumps_version_and_records(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    user = factories.UserFactory(tenant=tenant, primary_email="ada@example.test")

    response = admin_client.post(
        admin_url(models.User, "change", user.id),
        {
            "display_name": "Ada Renamed",
            "primary_email": "ADA.NEW@example.test",
            "status": "disabled",
            "version": "1",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Ada Renamed"
    assert user.email_key == "ada.new@example.test"
    assert user.status == "disabled"
    assert user.version == 2
    assert_recorded("user.updated", user.id)
    assert last_audit().details["fields"] == [
        "display_name",
        "primary_email",
        "status",
    ]


def test_user_change__empty_email_clears_key(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    user = factories.UserFactory(tenant=tenant)

    admin_client.post(
        admin_url(models.User, "change", user.id),
        {
            "display_name": user.display_name,
            "primary_email": "",
            "status": "active",
            "version": "1",
        },
    )

    user.refresh_from_db()
    assert user.primary_email is None
    assert user.email_key is None


def test_unchanged_form__writes_no_audit_record(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    user = factories.UserFactory(tenant=tenant)

    response = admin_client.post(
        admin_url(models.User, "change", user.id),
        {
            "display_name": user.display_name,
            "primary_email": user.primary_email,
            "status": "active",
            "version": "1",
        },
    )

    assert response.status_code == 302
    assert models.AuditRecord.objects.filter(tenant=tenant).count() == 0
    user.refresh_from_db()
    assert user.version == 1


@pytest.mark.parametrize(
    ("kind", "with_user"), [("human", True), ("service", False)], ids=str
)
def test_account_add__creates_either_kind(
    admin_client: Client, tenant: models.TenantAccount, kind: str, with_user: bool
) -> None:
    user = factories.UserFactory(tenant=tenant)

    response = admin_client.post(
        admin_url(models.Account, "add"),
        {
            "tenant": str(tenant.id),
            "kind": kind,
            "user": str(user.id) if with_user else "",
            "username": "Ada.Example",
            "status": "active",
        },
    )

    assert response.status_code == 302
    account = models.Account.objects.get(tenant=tenant)
    assert account.kind == kind
    assert account.user_id == (user.id if with_user else None)
    assert account.username_key == "ada.example"
    assert_recorded("account.created", account.id)


def test_tenant_add__creates_under_given_id(admin_client: Client) -> None:
    tenant_id = UUID("3f2b6c1e-0000-4000-8000-000000000001")

    response = admin_client.post(
        admin_url(models.TenantAccount, "add"),
        {
            "tenant_id": str(tenant_id),
            "slug": "new-tenant",
            "display_name": "New Tenant",
            "status": "active",
        },
    )

    assert response.status_code == 302
    tenant = models.TenantAccount.objects.get(slug="new-tenant")
    assert tenant.id == tenant_id
    assert_recorded("tenant.created", tenant_id)
    assert last_audit().tenant_id == tenant_id


def test_tenant_change__updates_display_name(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    response = admin_client.post(
        admin_url(models.TenantAccount, "change", tenant.id),
        {"display_name": "Renamed Tenant", "status": "suspended", "version": "1"},
    )

    assert response.status_code == 302
    tenant.refresh_from_db()
    assert tenant.display_name == "Renamed Tenant"
    assert tenant.status == "suspended"
    assert_recorded("tenant.updated", tenant.id)


def test_application_add_and_change__record_both(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    admin_client.post(
        admin_url(models.Application, "add"),
        {
            "tenant": str(tenant.id),
            "client_id": "portal",
            "name": "Portal",
            "status": "active",
            "metadata": "{}",
        },
    )
    application = models.Application.objects.get(tenant=tenant)
    assert_recorded("application.created", application.id)

    response = admin_client.post(
        admin_url(models.Application, "change", application.id),
        {
            "name": "Portal",
            "status": "disabled",
            "metadata": '{"theme": "dark"}',
            "version": "1",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.metadata == {"theme": "dark"}
    assert application.status == "disabled"
    assert_recorded("application.updated", application.id)


def test_binding_add_change_delete__record_each(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    account = factories.AccountFactory(tenant=tenant)
    application = factories.ApplicationFactory(tenant=tenant)
    admin_client.post(
        admin_url(models.Binding, "add"),
        {
            "tenant": str(tenant.id),
            "account": str(account.id),
            "application": str(application.id),
            "roles": "viewer\neditor\n\nviewer",
        },
    )
    binding = models.Binding.objects.get(tenant=tenant)
    assert binding.roles == ["editor", "viewer"]
    assert_recorded("binding.created", binding.id)

    admin_client.post(
        admin_url(models.Binding, "change", binding.id),
        {"roles": "owner", "version": "1"},
    )
    binding.refresh_from_db()
    assert binding.roles == ["owner"]
    assert_recorded("binding.updated", binding.id)

    response = admin_client.post(
        admin_url(models.Binding, "delete", binding.id), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not models.Binding.objects.filter(id=binding.id).exists()
    assert_recorded("binding.deleted", binding.id)


def test_identity_delete__unlinks_and_records(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    identity = factories.ExternalIdentityFactory(tenant=tenant)

    response = admin_client.post(
        admin_url(models.ExternalIdentity, "delete", identity.id), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not models.ExternalIdentity.objects.filter(id=identity.id).exists()
    assert_recorded("external_identity.deleted", identity.id)


def test_membership_add_and_remove__record_both(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    group = factories.GroupFactory(tenant=tenant)
    account = factories.AccountFactory(tenant=tenant)
    admin_client.post(
        admin_url(models.Membership, "add"),
        {
            "tenant": str(tenant.id),
            "group": str(group.id),
            "account": str(account.id),
            "role": "manager",
        },
    )
    membership = models.Membership.objects.get(tenant=tenant)
    assert membership.role == "manager"
    assert_recorded("membership.created", membership.id)

    admin_client.post(
        admin_url(models.Membership, "delete", membership.id), {"post": "yes"}
    )

    assert not models.Membership.objects.filter(id=membership.id).exists()
    assert_recorded("membership.deleted", membership.id)


def test_group_add_and_rename__record_both(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    parent = factories.GroupFactory(tenant=tenant, name="staff")
    admin_client.post(
        admin_url(models.Group, "add"),
        {"tenant": str(tenant.id), "name": "nurses", "parent": str(parent.id)},
    )
    group = models.Group.objects.get(tenant=tenant, name="nurses")
    assert group.parent_id == parent.id
    assert_recorded("group.created", group.id)

    admin_client.post(
        admin_url(models.Group, "change", group.id),
        {"name": "night nurses", "version": "1"},
    )

    group.refresh_from_db()
    assert group.name == "night nurses"
    assert_recorded("group.updated", group.id)


def test_catalog_define_and_update__record_both(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    fields: dict[str, Any] = {
        "tenant": str(tenant.id),
        "application": "",
        "key": "locale",
        "value_type": "enum",
        "allowed_values": "en-GB\nfr-FR",
        "max_length": "",
    }
    admin_client.post(admin_url(models.CatalogAttribute, "add"), fields)
    attribute = models.CatalogAttribute.objects.get(tenant=tenant)
    assert attribute.allowed_values == ["en-GB", "fr-FR"]
    assert attribute.application_id is None
    assert_recorded("catalog_attribute.created", attribute.id)

    admin_client.post(
        admin_url(models.CatalogAttribute, "change", attribute.id),
        {
            "required": "on",
            "allowed_values": "en-GB\nfr-FR\nde-DE",
            "max_length": "",
            "sensitive": "on",
            "version": "1",
        },
    )

    attribute.refresh_from_db()
    assert attribute.required is True
    assert attribute.sensitive is True
    assert attribute.allowed_values == ["de-DE", "en-GB", "fr-FR"]
    assert_recorded("catalog_attribute.updated", attribute.id)


def test_admin_log__names_the_written_row(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    from django.contrib.admin.models import LogEntry

    admin_client.post(
        admin_url(models.Group, "add"), {"tenant": str(tenant.id), "name": "staff"}
    )

    group = models.Group.objects.get(tenant=tenant)
    entry = LogEntry.objects.get()
    assert entry.object_id == str(group.id)
    assert entry.is_addition()
