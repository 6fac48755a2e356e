"""Admin of tenant accounts."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar
from uuid import UUID

from django import forms
from django.contrib import admin
from django.db import models as django_models

from ue_store import models
from ue_store.domain.entities import TenantStatus
from ue_store.postgres import PostgresUnitOfWork

from .base import StoreAdmin
from .forms import StoreForm


class TenantForm(StoreForm):
    """A tenant account form: the row is the tenant, so it has no tenant column."""

    def load_written_row(self, tenant_id: UUID, row_id: UUID) -> django_models.Model:
        return models.TenantAccount._default_manager.get(pk=row_id)


class TenantAddForm(TenantForm):
    tenant_id = forms.UUIDField(
        required=False,
        label="Tenant id",
        help_text="The id the platform issued; left empty, a random id is used.",
    )
    error_fields: ClassVar[Mapping[str, str]] = {"id": "tenant_id"}

    class Meta:
        model = models.TenantAccount
        fields = ("tenant_id", "slug", "display_name", "status")

    def clean_tenant_id(self) -> UUID:
        value: UUID | None = self.cleaned_data.get("tenant_id")
        return value or uuid.uuid4()

    def write_tenant_id(self) -> UUID:
        tenant_id: UUID = self.cleaned_data["tenant_id"]
        return tenant_id

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        tenant = uow.tenants.create(
            slug=data["slug"],
            display_name=data["display_name"],
            status=TenantStatus(data["status"]),
        )
        return tenant.id


class TenantChangeForm(TenantForm):
    class Meta:
        model = models.TenantAccount
        fields = ("display_name", "status", "version")
        widgets: ClassVar[dict[str, Any]] = {"version": forms.HiddenInput}

    def write_tenant_id(self) -> UUID:
        return UUID(str(self.instance.id))

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        tenant = uow.tenants.update(
            expected_version=self.expected_version(),
            display_name=data["display_name"],
            status=TenantStatus(data["status"]),
        )
        return tenant.id


@admin.register(models.TenantAccount)
class TenantAccountAdmin(StoreAdmin):
    """Create tenants and change their name and status, but never the slug."""

    list_display = ("slug", "display_name", "status", "id", "created_at", "version")
    list_filter = ("status",)
    search_fields = ("slug", "display_name")
    add_form = TenantAddForm
    change_form = TenantChangeForm
    add_fields = ("tenant_id", "slug", "display_name", "status")
    change_fields = ("display_name", "status", "version")
    readonly_on_change = ("id", "slug", "created_at", "updated_at")
