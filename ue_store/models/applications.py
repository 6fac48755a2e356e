"""Client applications and the bindings that give accounts access to them."""

from __future__ import annotations

import uuid

from django.db import models

from ue_store.domain import rules
from ue_store.domain.entities import ApplicationStatus

from . import names
from .fields import (
    enum_field,
    in_enum,
    json_type_is,
    reference,
    tenant_reference,
    version_at_least_one,
)


class Application(models.Model):
    """A client application; ``metadata`` is a JSON object of non-secret settings."""

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.CharField(max_length=rules.CLIENT_ID_MAX_LENGTH)
    name = models.CharField(max_length=rules.NAME_MAX_LENGTH)
    status = enum_field(ApplicationStatus)
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.APPLICATION_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "created_at", "id"],
                name="ue_application_created_idx",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "client_id"],
                name=names.APPLICATION_CLIENT_ID_UNIQUE,
            ),
            in_enum("status", ApplicationStatus, name=names.APPLICATION_STATUS_CHECK),
            json_type_is("metadata", "object", name=names.APPLICATION_METADATA_CHECK),
            version_at_least_one(names.APPLICATION_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return self.client_id


class Binding(models.Model):
    """Access of one account to one application; ``roles`` is a sorted JSON array."""

    tenant = tenant_reference()
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = reference("Account")
    application = reference("Application")
    roles = models.JSONField(default=list)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = names.BINDING_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "created_at", "id"], name="ue_binding_created_idx"
            ),
            models.Index(
                fields=["tenant", "application", "created_at", "id"],
                name="ue_binding_application_idx",
            ),
            models.Index(
                fields=["tenant", "account", "created_at", "id"],
                name="ue_binding_account_idx",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "account", "application"],
                name=names.BINDING_UNIQUE,
            ),
            json_type_is("roles", "array", name=names.BINDING_ROLES_CHECK),
            version_at_least_one(names.BINDING_VERSION_CHECK),
        )

    def __str__(self) -> str:
        return str(self.id)
