"""Change lists: every model is registered, shows its tenant and runs fixed queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db import models as django_models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from ue_store import models
from ue_store.admin.base import TenantScopedAdmin

from .conftest import admin_url
from .rows import BUILDERS, audit_records

pytestmark = pytest.mark.django_db

UE_STORE_MODELS = list(apps.get_app_config("ue_store").get_models())
TENANT_SCOPED = [
    model for model in UE_STORE_MODELS if model is not models.TenantAccount
]


def model_id(model: type[django_models.Model]) -> str:
    return model.__name__


def changelist_queries(client: Client, model: type[django_models.Model]) -> int:
    url = admin_url(model, "changelist")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_registry__has_every_ue_store_model() -> None:
    registered = {model for model in admin.site._registry if model in UE_STORE_MODELS}

    assert registered == set(UE_STORE_MODELS)
    assert len(UE_STORE_MODELS) == 12


@pytest.mark.parametrize("model", TENANT_SCOPED, ids=model_id)
def test_tenant_scoped_admin__lists_and_filters_tenant(
    model: type[django_models.Model],
) -> None:
    model_admin = admin.site._registry[model]

    assert isinstance(model_admin, TenantScopedAdmin)
    assert "tenant" in model_admin.list_display
    assert "tenant" in model_admin.list_select_related
    assert "tenant" in model_admin.list_filter
    assert model_admin.show_full_result_count is False


@pytest.mark.parametrize("model", UE_STORE_MODELS, ids=model_id)
def test_changelist_queries__fixed_for_1000_rows(
    admin_client: Client, tenant: models.TenantAccount, model: type[Any]
) -> None:
    build = BUILDERS[model]
    build(tenant, 1)
    admin_client.get(admin_url(model, "changelist"))  # warms the session
    one_row = changelist_queries(admin_client, model)

    build(tenant, 999)
    many_rows = changelist_queries(admin_client, model)

    assert model._default_manager.count() >= 1000
    assert many_rows == one_row


@pytest.mark.parametrize("model", TENANT_SCOPED, ids=model_id)
def test_changelist__shows_tenant_slug_on_rows(
    admin_client: Client, tenant: models.TenantAccount, model: type[Any]
) -> None:
    BUILDERS[model](tenant, 3)

    response = admin_client.get(admin_url(model, "changelist"))

    body = response.content.decode()
    assert body.count(f">{tenant.slug}<") >= 3


@pytest.mark.parametrize("model", UE_STORE_MODELS, ids=model_id)
def test_changelist__offers_no_bulk_delete(
    admin_client: Client, tenant: models.TenantAccount, model: type[Any]
) -> None:
    BUILDERS[model](tenant, 1)

    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert b"delete_selected" not in response.content


@pytest.mark.parametrize("model", UE_STORE_MODELS, ids=model_id)
def test_change_page__renders_for_superuser(
    admin_client: Client, tenant: models.TenantAccount, model: type[Any]
) -> None:
    BUILDERS[model](tenant, 1)
    row = model._default_manager.exclude(pk=tenant.pk).order_by("pk").first()

    response = admin_client.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in UE_STORE_MODELS if admin.site._registry[m].add_form]
)
def test_add_page__renders_for_superuser(
    admin_client: Client, model: type[Any]
) -> None:
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200


def test_user_search__matches_normalised_email(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    factories.UserFactory(tenant=tenant, primary_email="strasse@example.test")
    factories.UserFactory(tenant=tenant, primary_email="other@example.test")

    response = admin_client.get(
        admin_url(models.User, "changelist"), {"q": "STRAßE@Example.TEST"}
    )

    rows = list(response.context["cl"].result_list)
    assert [row.primary_email for row in rows] == ["strasse@example.test"]


def test_account_search__matches_username_ignoring_case(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    factories.AccountFactory(tenant=tenant, username="Ada.Lovelace")
    factories.AccountFactory(tenant=tenant, username="grace")

    response = admin_client.get(
        admin_url(models.Account, "changelist"), {"q": "ＡＤＡ.lovelace"}
    )

    rows = list(response.context["cl"].result_list)
    assert [row.username for row in rows] == ["Ada.Lovelace"]


@pytest.mark.parametrize(
    ("model", "factory", "fields", "term"),
    [
        (
            models.ExternalIdentity,
            factories.ExternalIdentityFactory,
            {"subject": "subject-find-me"},
            "subject-find-me",
        ),
        (
            models.ExternalIdentity,
            factories.ExternalIdentityFactory,
            {"issuer": "https://idp.example.test/realms/find-me"},
            "realms/find-me",
        ),
        (
            models.Application,
            factories.ApplicationFactory,
            {"client_id": "portal-find-me"},
            "portal-find-me",
        ),
    ],
    ids=["identity-subject", "identity-issuer", "application-client-id"],
)
def test_search__finds_one_row_by_text(
    admin_client: Client,
    tenant: models.TenantAccount,
    model: type[Any],
    factory: Any,
    fields: dict[str, str],
    term: str,
) -> None:
    wanted = factory(tenant=tenant, **fields)
    factory(tenant=tenant)

    response = admin_client.get(admin_url(model, "changelist"), {"q": term})

    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


def test_outbox_search__matches_event_id(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    BUILDERS[models.OutboxEvent](tenant, 3)
    wanted = models.OutboxEvent.objects.order_by("sequence").first()
    assert wanted is not None

    response = admin_client.get(
        admin_url(models.OutboxEvent, "changelist"), {"q": str(wanted.event_id)}
    )

    rows = list(response.context["cl"].result_list)
    assert [row.sequence for row in rows] == [wanted.sequence]


def test_changelist_filter__narrows_to_one_tenant(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    factories.UserFactory(tenant=tenant)
    factories.UserFactory()

    response = admin_client.get(
        admin_url(models.User, "changelist"), {"tenant__id__exact": str(tenant.id)}
    )

    rows = list(response.context["cl"].result_list)
    assert [row.tenant_id for row in rows] == [tenant.id]


def test_audit_filter__narrows_to_record_type(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    audit_records(tenant, 2, target_types=("group", "user"))

    # Audit records outlive the tenants of earlier tests, so the filter on
    # this tenant keeps their rows out.
    response = admin_client.get(
        admin_url(models.AuditRecord, "changelist"),
        {"record_type": "group", "tenant__id__exact": str(tenant.id)},
    )

    rows = list(response.context["cl"].result_list)
    assert [row.target_type for row in rows] == ["group"]
