"""Users, their sign-in accounts and the external identities linked to them."""

from __future__ import annotations

import uuid

from django.db import models

from ue_store.domain import rules
from ue_store.domain.entities import AccountKind, AccountStatus, UserStatus

from . import names
from .fields import (
    enum_field,
    in_enum,
    reference,
    tenant_reference,
    version_at_least_one,
)


class User(models.Model):
    """A person in a tenant.

    ``email_key`` contains ``rules.normalise_key(primary_email)``, computed in
    Python; the unique index covers it.
    """

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(max_length=rules.NAME_MAX_LENGTH)
    primary_email = models.CharField(
        max_length=rules.EMAIL_MAX_LENGTH, null=True, blank=True
    )
    email_key = models.CharField(max_length=rules.KEY_MAX_LENGTH, null=True)
    status = enum_field(UserStatus)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.USER_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "created_at", "id"], name="ue_user_created_idx"
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "email_key"],
                condition=models.Q(email_key__isnull=False),
                name=names.USER_EMAIL_UNIQUE,
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(primary_email__isnull=True, email_key__isnull=True)
                    | models.Q(primary_email__isnull=False, email_key__isnull=False)
                ),
                name=names.USER_EMAIL_KEY_CHECK,
            ),
            in_enum("status", UserStatus, name=names.USER_STATUS_CHECK),
            version_at_least_one(names.USER_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return self.display_name


class Account(models.Model):
    """A sign-in principal: a human account has a user, a service account none.

    ``username_key`` contains ``rules.normalise_key(username)``, computed in
    Python; the unique index covers it.
    """

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = enum_field(AccountKind)
    user = reference("User", null=True)
    username = models.CharField(max_length=rules.USERNAME_MAX_LENGTH)
    username_key = models.CharField(max_length=rules.KEY_MAX_LENGTH)
    status = enum_field(AccountStatus)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.ACCOUNT_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "created_at", "id"], name="ue_account_created_idx"
            ),
            models.Index(
                fields=["tenant", "user", "created_at", "id"],
                name="ue_account_user_idx",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "username_key"],
                name=names.ACCOUNT_USERNAME_UNIQUE,
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=AccountKind.HUMAN.value, user__isnull=False)
                    | models.Q(kind=AccountKind.SERVICE.value, user__isnull=True)
                ),
                name=names.ACCOUNT_KIND_USER_CHECK,
            ),
            in_enum("kind", AccountKind, name=names.ACCOUNT_KIND_CHECK),
            in_enum("status", AccountStatus, name=names.ACCOUNT_STATUS_CHECK),
            version_at_least_one(names.ACCOUNT_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return self.username


class ExternalIdentity(models.Model):
    """An (issuer, subject) pair from an identity provider, linked to one account.

    Issuer and subject compare exactly, case included.
    """

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = reference("Account")
    issuer = models.CharField(max_length=rules.ISSUER_MAX_LENGTH)
    subject = models.CharField(max_length=rules.SUBJECT_MAX_LENGTH)
    email = models.CharField(max_length=rules.EMAIL_MAX_LENGTH, null=True, blank=True)
    linked_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = names.IDENTITY_TABLE
        verbose_name_plural = "external identities"
        indexes = (
            models.Index(
                fields=["tenant", "linked_at", "id"], name="ue_identity_linked_idx"
            ),
            models.Index(
                fields=["tenant", "account", "linked_at", "id"],
                name="ue_identity_account_idx",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "issuer", "subject"],
                name=names.IDENTITY_SUBJECT_UNIQUE,
            ),
        )

    def __str__(self) -> str:
        return f"{self.issuer} {self.id}"
