"""Admin of users, accounts and external identities."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from django import forms
from django.contrib import admin

from ue_store import models
from ue_store.domain.entities import AccountKind, AccountStatus, UserStatus
from ue_store.postgres import PostgresUnitOfWork

from .base import TenantScopedAdmin
from .forms import StoreForm

TIMESTAMPS = ("created_at", "updated_at")


def optional_text(value: str | None) -> str | None:
    """Return None for an empty form value, which the store stores as NULL."""
    return value or None


class UserAddForm(StoreForm):
    class Meta:
        model = models.User
        fields = ("tenant", "display_name", "primary_email", "status")

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        user = uow.users.create(
            display_name=data["display_name"],
            primary_email=optional_text(data["primary_email"]),
            status=UserStatus(data["status"]),
        )
        return user.id


class UserChangeForm(StoreForm):
    class Meta:
        model = models.User
        fields = ("display_name", "primary_email", "status", "version")
        widgets: ClassVar[dict[str, Any]] = {"version": forms.HiddenInput}

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        user = uow.users.update(
            self.instance.id,
            expected_version=self.expected_version(),
            display_name=data["display_name"],
            primary_email=optional_text(data["primary_email"]),
            status=UserStatus(data["status"]),
        )
        return user.id


@admin.register(models.User)
class UserAdmin(TenantScopedAdmin):
    list_display = (
        "display_name",
        "primary_email",
        "status",
        "tenant",
        "created_at",
        "version",
    )
    list_select_related = ("tenant",)
    list_filter = ("tenant", "status")
    search_fields = ("display_name", "primary_email")
    key_search_fields = ("email_key",)
    add_form = UserAddForm
    change_form = UserChangeForm
    add_fields = ("tenant", "display_name", "primary_email", "status")
    change_fields = ("display_name", "primary_email", "status", "version")
    readonly_on_change = ("id", "tenant", "email_key", *TIMESTAMPS)


class AccountAddForm(StoreForm):
    optional_fields = ("user",)

    class Meta:
        model = models.Account
        fields = ("tenant", "kind", "user", "username", "status")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        user = data.get("user")
        if kind == AccountKind.HUMAN and user is None:
            self.add_error("user", "A human account needs a user.")
        if kind == AccountKind.SERVICE and user is not None:
            self.add_error("user", "A service account has no user; leave it empty.")
        return data

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        status = AccountStatus(data["status"])
        if data["kind"] == AccountKind.SERVICE:
            account = uow.accounts.create_service(
                username=data["username"], status=status
            )
        else:
            account = uow.accounts.create_human(
                user_id=data["user"].id, username=data["username"], status=status
            )
        return account.id


class AccountChangeForm(StoreForm):
    class Meta:
        model = models.Account
        fields = ("username", "status", "version")
        widgets: ClassVar[dict[str, Any]] = {"version": forms.HiddenInput}

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        data = self.cleaned_data
        account = uow.accounts.update(
            self.instance.id,
            expected_version=self.expected_version(),
            username=data["username"],
            status=AccountStatus(data["status"]),
        )
        return account.id


@admin.register(models.Account)
class AccountAdmin(TenantScopedAdmin):
    list_display = ("username", "kind", "status", "user", "tenant", "created_at")
    list_select_related = ("tenant", "user")
    list_filter = ("tenant", "kind", "status")
    search_fields = ("username",)
    key_search_fields = ("username_key",)
    uuid_search_fields = ("id", "user_id")
    raw_id_fields = ("user",)
    add_form = AccountAddForm
    change_form = AccountChangeForm
    add_fields = ("tenant", "kind", "user", "username", "status")
    change_fields = ("username", "status", "version")
    readonly_on_change = ("id", "tenant", "kind", "user", "username_key", *TIMESTAMPS)


@admin.register(models.ExternalIdentity)
class ExternalIdentityAdmin(TenantScopedAdmin):
    """View and unlink external identities, which are linked at sign-in."""

    list_display = ("issuer", "subject", "account", "tenant", "linked_at")
    list_select_related = ("tenant", "account")
    search_fields = ("issuer", "subject", "email")
    uuid_search_fields = ("id", "account_id")
    readonly_on_change = (
        "id",
        "tenant",
        "account",
        "issuer",
        "subject",
        "email",
        "linked_at",
        "last_seen_at",
    )
    deletable = True

    def delete_record(
        self, uow: PostgresUnitOfWork, obj: models.ExternalIdentity
    ) -> None:
        uow.identities.unlink(obj.id)
