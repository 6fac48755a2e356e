"""Admin of applications and the bindings of accounts to them."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from django import forms
from django.contrib import admin

from ue_store import models
from ue_store.domain.entities import ApplicationStatus
from ue_store.postgres import PostgresUnitOfWork

from .base import TenantScopedAdmin
from .forms import StoreForm, line_list_field, lines_of

TIMESTAMPS = ("created_at", "updated_at")
ROLES_HELP = "One role name per line."


class ApplicationForm(StoreForm):
    """Shared handling of ``metadata``, which may be the empty object."""

    # forms.JSONField treats {} as empty, and {} is a valid value here.
    optional_fields = ("metadata",)

    def metadata(self) -> Any:
        value = self.cleaned_data["metadata"]
        return {} if value is None else value


class ApplicationAddForm(ApplicationForm):
    class Meta:
        model = models.Application
        fields = ("tenant", "client_id", "name", "status", "metadata")

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        application = uow.applications.create(
            client_id=data["client_id"],
            name=data["name"],
            status=ApplicationStatus(data["status"]),
            metadata=self.metadata(),
        )
        return application.id


class ApplicationChangeForm(ApplicationForm):
    class Meta:
        model = models.Application
        fields = ("name", "status", "metadata", "version")
        widgets: ClassVar[dict[str, Any]] = {"version": forms.HiddenInput}

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        application = uow.applications.update(
            self.instance.id,
            expected_version=self.expected_version(),
            name=data["name"],
            status=ApplicationStatus(data["status"]),
            metadata=self.metadata(),
        )
        return application.id


@admin.register(models.Application)
class ApplicationAdmin(TenantScopedAdmin):
    list_display = ("client_id", "name", "status", "tenant", "created_at")
    list_select_related = ("tenant",)
    list_filter = ("tenant", "status")
    search_fields = ("client_id", "name")
    add_form = ApplicationAddForm
    change_form = ApplicationChangeForm
    add_fields = ("tenant", "client_id", "name", "status", "metadata")
    change_fields = ("name", "status", "metadata", "version")
    readonly_on_change = ("id", "tenant", "client_id", *TIMESTAMPS)


class BindingAddForm(StoreForm):
    roles = line_list_field(ROLES_HELP)

    class Meta:
        model = models.Binding
        fields = ("tenant", "account", "application", "roles")

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        binding = uow.bindings.create(
            account_id=data["account"].id,
            application_id=data["application"].id,
            roles=lines_of(data["roles"]),
        )
        return binding.id


class BindingChangeForm(StoreForm):
    roles = line_list_field(ROLES_HELP)

    class Meta:
        model = models.Binding
        fields = ("roles", "version")
        widgets: ClassVar[dict[str, Any]] = {"version": forms.HiddenInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["roles"] = "\n".join(self.instance.roles or ())

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        binding = uow.bindings.update(
            self.instance.id,
            expected_version=self.expected_version(),
            roles=lines_of(self.cleaned_data["roles"]),
        )
        return binding.id


@admin.register(models.Binding)
class BindingAdmin(TenantScopedAdmin):
    list_display = ("id", "account", "application", "roles", "tenant", "created_at")
    list_select_related = ("tenant", "account", "application")
    search_fields = ("account__username", "application__client_id")
    key_search_fields = ("account__username_key",)
    uuid_search_fields = ("id", "account_id", "application_id")
    raw_id_fields = ("account", "application")
    add_form = BindingAddForm
    change_form = BindingChangeForm
    add_fields = ("tenant", "account", "application", "roles")
    change_fields = ("roles", "version")
    readonly_on_change = ("id", "tenant", "account", "application", *TIMESTAMPS)
    deletable = True

    def delete_record(self, uow: PostgresUnitOfWork, obj: models.Binding) -> None:
        uow.bindings.delete(obj.id, expected_version=obj.version)
