"""Admin of the profile attribute catalog and of profile values.

Profile values are view-only, and the value of a sensitive attribute is
never rendered: the list and the change page show ``MASK`` in its place, and
the value column is not searchable, so a search can't probe it either.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar
from uuid import UUID

from django import forms
from django.contrib import admin

from ue_store import models
from ue_store.domain.entities import ValueType
from ue_store.postgres import PostgresUnitOfWork

from .base import TenantScopedAdmin
from .forms import StoreForm, line_list_field, lines_of

TIMESTAMPS = ("created_at", "updated_at")
ALLOWED_VALUES_HELP = (
    "One allowed value per line, for string, enum and string list attributes; "
    "an enum needs at least one."
)
MASK = "••••"


class CatalogForm(StoreForm):
    allowed_values = line_list_field(ALLOWED_VALUES_HELP)


class CatalogAddForm(CatalogForm):
    optional_fields = ("application",)

    class Meta:
        model = models.CatalogAttribute
        fields = (
            "tenant",
            "application",
            "key",
            "value_type",
            "required",
            "allowed_values",
            "max_length",
            "sensitive",
        )

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        application = data["application"]
        attribute = uow.catalog.define(
            key=data["key"],
            value_type=ValueType(data["value_type"]),
            application_id=None if application is None else application.id,
            required=data["required"],
            allowed_values=lines_of(data["allowed_values"]),
            max_length=data["max_length"],
            sensitive=data["sensitive"],
        )
        return attribute.id


class CatalogChangeForm(CatalogForm):
    class Meta:
        model = models.CatalogAttribute
        fields = ("required", "allowed_values", "max_length", "sensitive", "version")
        widgets: ClassVar[dict[str, Any]] = {"version": forms.HiddenInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["allowed_values"] = "\n".join(self.instance.allowed_values or ())

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        attribute = uow.catalog.update(
            self.instance.id,
            expected_version=self.expected_version(),
            required=data["required"],
            allowed_values=lines_of(data["allowed_values"]),
            max_length=data["max_length"],
            sensitive=data["sensitive"],
        )
        return attribute.id


@admin.register(models.CatalogAttribute)
class CatalogAttributeAdmin(TenantScopedAdmin):
    """Define attributes and change their limits, but never key, type or scope."""

    list_display = (
        "key",
        "value_type",
        "application",
        "required",
        "sensitive",
        "tenant",
        "version",
    )
    list_select_related = ("tenant", "application")
    list_filter = ("tenant", "value_type", "required", "sensitive")
    search_fields = ("key",)
    uuid_search_fields = ("id", "application_id")
    raw_id_fields = ("application",)
    add_form = CatalogAddForm
    change_form = CatalogChangeForm
    add_fields = CatalogAddForm.Meta.fields
    change_fields = CatalogChangeForm.Meta.fields
    readonly_on_change = (
        "id",
        "tenant",
        "application",
        "key",
        "value_type",
        *TIMESTAMPS,
    )


@admin.register(models.ProfileValue)
class ProfileValueAdmin(TenantScopedAdmin):
    """View profile values, with the values of sensitive attributes masked."""

    list_display = ("attribute", "user", "shown_value", "tenant", "updated_at")
    # shown_value reads attribute.sensitive, so the attribute is joined.
    list_select_related = ("tenant", "user", "attribute")
    list_filter = ("tenant", "attribute__sensitive")
    search_fields = ("attribute__key", "user__primary_email")
    key_search_fields = ("user__email_key",)
    uuid_search_fields = ("id", "user_id", "attribute_id")
    readonly_on_change = (
        "id",
        "tenant",
        "user",
        "attribute",
        "shown_value",
        "updated_at",
        "version",
    )

    @admin.display(description="value")
    def shown_value(self, obj: models.ProfileValue) -> str:
        """Return the stored value as JSON, or ``MASK`` when it is sensitive."""
        if obj.attribute.sensitive:
            return MASK
        return json.dumps(obj.value, ensure_ascii=False)
