"""Fixtures of the admin tests: a tenant, and helpers to read admin pages.

Every admin test runs in one transaction (pytest-django's ``db``), which
``reads_all_tenants`` marks cross-tenant, like the admin's own views, so that
the test's ORM checks see every tenant. Factories still bind each insert to
its row's tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import models as django_models
from django.urls import reverse

from tests.factories import TenantAccountFactory
from tests.tenancy import inspect_all
from ue_store import models

ADMIN_ACTOR = "admin:admin"


@pytest.fixture(autouse=True)
def reads_all_tenants(db: None) -> Iterator[None]:
    with inspect_all():
        yield


@pytest.fixture
def tenant(db: None) -> models.TenantAccount:
    return TenantAccountFactory(slug="example-tenant")


def admin_url(model: type[django_models.Model], view: str, *args: Any) -> str:
    """Return the URL of an admin view, such as changelist, add or change."""
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_errors(response: Any) -> dict[str, list[str]]:
    """Return the errors of the admin form a response rendered."""
    form = response.context["adminform"].form
    return {field: list(errors) for field, errors in form.errors.items()}


def audit_count(tenant: models.TenantAccount) -> int:
    """Count the tenant's audit records; other tests' records outlive them."""
    return models.AuditRecord.objects.filter(tenant=tenant).count()
