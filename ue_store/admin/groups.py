"""Admin of groups and the memberships of accounts in them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from uuid import UUID

from django import forms
from django.contrib import admin

from ue_store import models
from ue_store.domain.entities import MembershipRole
from ue_store.postgres import PostgresUnitOfWork

from .base import TenantScopedAdmin
from .forms import StoreForm


class GroupAddForm(StoreForm):
    # The store reports a missing parent as a missing "group".
    error_fields: ClassVar[Mapping[str, str]] = {"group": "parent"}
    optional_fields = ("parent",)

    class Meta:
        model = models.Group
        fields = ("tenant", "name", "parent")

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        parent = self.cleaned_data["parent"]
        group = uow.groups.create(
            name=self.cleaned_data["name"],
            parent_id=None if parent is None else parent.id,
        )
        return group.id


class GroupChangeForm(StoreForm):
    class Meta:
        model = models.Group
        fields = ("name", "version")
        widgets: ClassVar[dict[str, Any]] = {"version": forms.HiddenInput}

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        group = uow.groups.rename(
            self.instance.id,
            expected_version=self.expected_version(),
            name=self.cleaned_data["name"],
        )
        return group.id


@admin.register(models.Group)
class GroupAdmin(TenantScopedAdmin):
    """Create and rename groups, which the store never moves to a new parent."""

    list_display = ("name", "parent", "tenant", "created_at", "version")
    list_select_related = ("tenant", "parent")
    search_fields = ("name",)
    uuid_search_fields = ("id", "parent_id")
    raw_id_fields = ("parent",)
    add_form = GroupAddForm
    change_form = GroupChangeForm
    add_fields = ("tenant", "name", "parent")
    change_fields = ("name", "version")
    readonly_on_change = ("id", "tenant", "parent", "created_at", "updated_at")


class MembershipAddForm(StoreForm):
    class Meta:
        model = models.Membership
        fields = ("tenant", "group", "account", "role")

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        membership = uow.memberships.add(
            group_id=data["group"].id,
            account_id=data["account"].id,
            role=MembershipRole(data["role"]),
        )
        return membership.id


@admin.register(models.Membership)
class MembershipAdmin(TenantScopedAdmin):
    """Add and remove memberships, because the store has no change of role."""

    list_display = ("group", "account", "role", "tenant", "created_at")
    list_select_related = ("tenant", "group", "account")
    list_filter = ("tenant", "role")
    search_fields = ("group__name", "account__username")
    key_search_fields = ("account__username_key",)
    uuid_search_fields = ("id", "group_id", "account_id")
    raw_id_fields = ("group", "account")
    add_form = MembershipAddForm
    add_fields = ("tenant", "group", "account", "role")
    readonly_on_change = ("id", "tenant", "group", "account", "role", "created_at")
    deletable = True

    def delete_record(self, uow: PostgresUnitOfWork, obj: models.Membership) -> None:
        uow.memberships.remove(obj.id)
