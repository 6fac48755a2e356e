"""Audit records, outbox events and profile values can't be written in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import models as django_models
from django.forms.models import model_to_dict
from django.test import Client

from tests import factories
from ue_store import models

from .conftest import admin_url
from .rows import BUILDERS

pytestmark = pytest.mark.django_db

READ_ONLY = [models.AuditRecord, models.OutboxEvent, models.ProfileValue]


def only_row(model: type[django_models.Model], tenant_id: object) -> Any:
    """Return the tenant's one row; audit records of earlier tests' tenants remain."""
    return model._default_manager.get(tenant_id=tenant_id)


def snapshot(row: django_models.Model) -> dict[str, Any]:
    return model_to_dict(row)


@pytest.fixture(params=READ_ONLY, ids=lambda model: model.__name__)
def read_only_row(request: Any, tenant: models.TenantAccount) -> Any:
    model = request.param
    if model is models.ProfileValue:
        factories.ProfileValueFactory(tenant=tenant)
    else:
        BUILDERS[model](tenant, 1)
    return only_row(model, tenant.id)


def test_change_post__is_forbidden_and_changes_nothing(
    admin_client: Client, read_only_row: Any
) -> None:
    model = type(read_only_row)
    before = snapshot(read_only_row)
    data = dict.fromkeys(before, "changed")

    response = admin_client.post(admin_url(model, "change", read_only_row.pk), data)

    assert response.status_code == 403
    assert snapshot(only_row(model, read_only_row.tenant_id)) == before


def test_delete_post__is_forbidden_and_keeps_row(
    admin_client: Client, read_only_row: Any
) -> None:
    model = type(read_only_row)

    response = admin_client.post(
        admin_url(model, "delete", read_only_row.pk), {"post": "yes"}
    )

    assert response.status_code == 403
    assert model._default_manager.filter(pk=read_only_row.pk).exists()


def test_add_post__is_forbidden_and_adds_nothing(
    admin_client: Client, read_only_row: Any
) -> None:
    model = type(read_only_row)
    before = model._default_manager.count()

    response = admin_client.post(admin_url(model, "add"), {"actor": "someone"})

    assert response.status_code == 403
    assert model._default_manager.count() == before


def test_bulk_delete_action__is_rejected(
    admin_client: Client, read_only_row: Any
) -> None:
    model = type(read_only_row)

    response = admin_client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [str(read_only_row.pk)]},
    )

    assert model._default_manager.filter(pk=read_only_row.pk).exists()
    assert response.status_code in (200, 302)


def test_changelist__has_no_action_form(
    admin_client: Client, read_only_row: Any
) -> None:
    model = type(read_only_row)
    response = admin_client.get(admin_url(model, "changelist"))

    assert b"delete_selected" not in response.content
    if model is models.OutboxEvent:
        # The one action of the outbox requeues dead letters through the store.
        actions = admin.site._registry[model].get_actions(response.wsgi_request)
        assert list(actions) == ["requeue_dead_letters"]
    else:
        assert response.context["action_form"] is None


def test_change_page__has_no_save_or_delete_button(
    admin_client: Client, read_only_row: Any
) -> None:
    response = admin_client.get(
        admin_url(type(read_only_row), "change", read_only_row.pk)
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in body
    assert "deletelink" not in body
