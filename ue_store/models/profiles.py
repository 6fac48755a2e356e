"""The profile attribute catalog and the values users hold for it."""

from __future__ import annotations

import uuid

from django.db import models

from ue_store.domain import rules
from ue_store.domain.entities import ValueType

from . import names
from .fields import (
    enum_field,
    in_enum,
    json_type_is,
    reference,
    tenant_reference,
    version_at_least_one,
)


class CatalogAttribute(models.Model):
    """A profile attribute, tenant-wide when ``application`` is null."""

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = reference("Application", null=True)
    key = models.CharField(max_length=rules.CATALOG_KEY_MAX_LENGTH)
    value_type = enum_field(ValueType)
    required = models.BooleanField(default=False)
    allowed_values = models.JSONField(default=list)
    max_length = models.IntegerField(null=True, blank=True)
    sensitive = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.CATALOG_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "created_at", "id"], name="ue_catalog_created_idx"
            ),
            models.Index(
                fields=["tenant", "application", "created_at", "id"],
                name="ue_catalog_application_idx",
            ),
        )
        constraints = (
            # NULLS NOT DISTINCT makes tenant-wide keys (null application)
            # unique too.
            models.UniqueConstraint(
                fields=["tenant", "application", "key"],
                name=names.CATALOG_KEY_UNIQUE,
                nulls_distinct=False,
            ),
            in_enum("value_type", ValueType, name=names.CATALOG_VALUE_TYPE_CHECK),
            json_type_is(
                "allowed_values", "array", name=names.CATALOG_ALLOWED_VALUES_CHECK
            ),
            models.CheckConstraint(
                condition=models.Q(max_length__isnull=True)
                | models.Q(
                    max_length__gte=1,
                    max_length__lte=rules.PROFILE_MAX_LENGTH_CEILING,
                ),
                name=names.CATALOG_MAX_LENGTH_CHECK,
            ),
            version_at_least_one(names.CATALOG_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return self.key


class ProfileValue(models.Model):
    """A user's value for one attribute, as ``profile.to_stored`` encodes it.

    An unset value has no row. ``id`` exists only because Django needs a
    single-column primary key; the store addresses values by
    (user, attribute).
    """

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = reference("User")
    attribute = reference("CatalogAttribute")
    value = models.JSONField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.PROFILE_TABLE
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "user", "attribute"], name=names.PROFILE_UNIQUE
            ),
            version_at_least_one(names.PROFILE_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return f"{self.user_id}:{self.attribute_id}"
