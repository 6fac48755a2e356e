"""The tenant account: the one table not scoped by tenant."""

from __future__ import annotations

import uuid

from django.db import models

from ue_store.domain import rules
from ue_store.domain.entities import TenantStatus

from . import names
from .fields import enum_field, in_enum, version_at_least_one


class TenantAccount(models.Model):
    """A tenant; its id is issued by the platform and scopes every other row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.CharField(max_length=rules.SLUG_MAX_LENGTH)
    display_name = models.CharField(max_length=rules.NAME_MAX_LENGTH)
    status = enum_field(TenantStatus)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.TENANT_TABLE
        constraints = (
            # The slug names the tenant across the platform, so it is the one
            # key that does not lead with tenant_id.
            models.UniqueConstraint(fields=["slug"], name=names.TENANT_SLUG_UNIQUE),
            in_enum("status", TenantStatus, name=names.TENANT_STATUS_CHECK),
            version_at_least_one(names.TENANT_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return self.slug
