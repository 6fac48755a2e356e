"""Values of sensitive profile attributes never reach a rendered admin page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from ue_store import models
from ue_store.admin.profiles import MASK

from .conftest import admin_url

pytestmark = pytest.mark.django_db

SECRET = "secret-passport-4711"


@pytest.fixture
def sensitive_value(tenant: models.TenantAccount) -> models.ProfileValue:
    attribute = factories.CatalogAttributeFactory(
        tenant=tenant, key="passport_number", sensitive=True
    )
    return factories.ProfileValueFactory(
        tenant=tenant, attribute=attribute, value=SECRET
    )


def test_changelist__masks_sensitive_value(
    admin_client: Client, sensitive_value: models.ProfileValue
) -> None:
    response = admin_client.get(admin_url(models.ProfileValue, "changelist"))

    body = response.content.decode()
    assert SECRET not in body
    assert MASK in body
    assert "passport_number" in body


def test_change_page__masks_sensitive_value(
    admin_client: Client, sensitive_value: models.ProfileValue
) -> None:
    response = admin_client.get(
        admin_url(models.ProfileValue, "change", sensitive_value.pk)
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in body
    assert MASK in body


def test_search__does_not_match_sensitive_value(
    admin_client: Client, sensitive_value: models.ProfileValue
) -> None:
    response = admin_client.get(
        admin_url(models.ProfileValue, "changelist"), {"q": SECRET}
    )

    assert list(response.context["cl"].result_list) == []


def test_changelist__shows_plain_value(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    factories.ProfileValueFactory(tenant=tenant, value="fr-FR")

    response = admin_client.get(admin_url(models.ProfileValue, "changelist"))

    body = response.content.decode()
    assert "fr-FR" in body
    assert MASK not in body
