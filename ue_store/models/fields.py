"""Field and constraint helpers shared by the ue_store models."""

from __future__ import annotations

import enum
from typing import Any

from django.db import models
from django.db.models.lookups import Exact

#: Width of every enum column; the longest value, "string_list", has 11.
ENUM_MAX_LENGTH = 16


def choices(enum_type: type[enum.Enum]) -> list[tuple[str, str]]:
    return [(str(member.value), str(member.value)) for member in enum_type]


def enum_field(
    enum_type: type[enum.Enum], **options: Any
) -> models.CharField[Any, Any]:
    return models.CharField(
        max_length=ENUM_MAX_LENGTH, choices=choices(enum_type), **options
    )


def in_enum(
    field: str, enum_type: type[enum.Enum], *, name: str
) -> models.CheckConstraint:
    values = [str(member.value) for member in enum_type]
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": values}), name=name
    )


def version_at_least_one(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(version__gte=1), name=name)


def json_type_is(field: str, json_type: str, *, name: str) -> models.CheckConstraint:
    """Require a jsonb column to hold one JSON type, such as object or array."""
    json_typeof = models.Func(
        models.F(field), function="jsonb_typeof", output_field=models.TextField()
    )
    return models.CheckConstraint(
        condition=Exact(json_typeof, models.Value(json_type)), name=name
    )


def tenant_reference() -> models.ForeignKey[Any, Any]:
    """Return the tenant_id column, a reference to the tenant account.

    The database constraint is the composite-aware one the migration adds,
    so Django creates neither a constraint nor an index of its own.
    """
    return reference("TenantAccount")


def reference(model: str, *, null: bool = False) -> models.ForeignKey[Any, Any]:
    """Return a reference to a model of the same tenant, checked by the database.

    The migration adds a foreign key over (tenant_id, <column>), so a row can
    never point at another tenant's row; Django's own single-column
    constraint and index are turned off.
    """
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        related_name="+",
    )
