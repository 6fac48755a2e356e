"""Groups, nested under a parent group, and the accounts in them."""

from __future__ import annotations

import uuid

from django.db import models

from ue_store.domain import rules
from ue_store.domain.entities import MembershipRole

from . import names
from .fields import (
    enum_field,
    in_enum,
    reference,
    tenant_reference,
    version_at_least_one,
)


class Group(models.Model):
    """A named group; top-level when ``parent`` is null."""

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=rules.ROLE_MAX_LENGTH)
    parent = reference("self", null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.GROUP_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "created_at", "id"], name="ue_group_created_idx"
            ),
            models.Index(
                fields=["tenant", "parent", "created_at", "id"],
                name="ue_group_parent_idx",
            ),
        )
        constraints = (
            # NULLS NOT DISTINCT makes top-level names (null parent) unique too.
            models.UniqueConstraint(
                fields=["tenant", "parent", "name"],
                name=names.GROUP_NAME_UNIQUE,
                nulls_distinct=False,
            ),
            version_at_least_one(names.GROUP_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One account in one group, with a role."""

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = reference("Group")
    account = reference("Account")
    role = enum_field(MembershipRole)
    created_at = models.DateTimeField()

    class Meta:
        db_table = names.MEMBERSHIP_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "created_at", "id"],
                name="ue_membership_created_idx",
            ),
            models.Index(
                fields=["tenant", "group", "created_at", "id"],
                name="ue_membership_group_idx",
            ),
            models.Index(
                fields=["tenant", "account", "created_at", "id"],
                name="ue_membership_account_idx",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "group", "account"], name=names.MEMBERSHIP_UNIQUE
            ),
            in_enum("role", MembershipRole, name=names.MEMBERSHIP_ROLE_CHECK),
        )

    def __str__(self) -> str:
        return f"{self.group_id}:{self.account_id}"
