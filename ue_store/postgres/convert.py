"""Conversion of model instances to the domain records the store returns.

Callers of the store never see a model instance or a QuerySet.
"""

from __future__ import annotations

from typing import Any

from ue_store import models
from ue_store.domain import entities, profile


def tenant(row: models.TenantAccount) -> entities.TenantAccount:
    return entities.TenantAccount(
        id=row.id,
        slug=row.slug,
        display_name=row.display_name,
        status=entities.TenantStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def user(row: models.User) -> entities.User:
    return entities.User(
        tenant_id=row.tenant_id,
        id=row.id,
        display_name=row.display_name,
        primary_email=row.primary_email,
        status=entities.UserStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def account(row: models.Account) -> entities.Account:
    return entities.Account(
        tenant_id=row.tenant_id,
        id=row.id,
        kind=entities.AccountKind(row.kind),
        user_id=row.user_id,
        username=row.username,
        status=entities.AccountStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def identity(row: models.ExternalIdentity) -> entities.ExternalIdentity:
    return entities.ExternalIdentity(
        tenant_id=row.tenant_id,
        id=row.id,
        account_id=row.account_id,
        issuer=row.issuer,
        subject=row.subject,
        email=row.email,
        linked_at=row.linked_at,
        last_seen_at=row.last_seen_at,
    )


def application(row: models.Application) -> entities.Application:
    return entities.Application(
        tenant_id=row.tenant_id,
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        status=entities.ApplicationStatus(row.status),
        metadata=row.metadata,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def binding(row: models.Binding) -> entities.Binding:
    return entities.Binding(
        tenant_id=row.tenant_id,
        id=row.id,
        account_id=row.account_id,
        application_id=row.application_id,
        roles=tuple(row.roles),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def attribute(row: models.CatalogAttribute) -> entities.CatalogAttribute:
    return entities.CatalogAttribute(
        tenant_id=row.tenant_id,
        id=row.id,
        application_id=row.application_id,
        key=row.key,
        value_type=entities.ValueType(row.value_type),
        required=row.required,
        allowed_values=tuple(row.allowed_values),
        max_length=row.max_length,
        sensitive=row.sensitive,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def profile_value(
    row: models.ProfileValue, value_type: entities.ValueType | str
) -> entities.ProfileValue:
    """Convert a stored value, decoded by the value type of its attribute."""
    return entities.ProfileValue(
        tenant_id=row.tenant_id,
        user_id=row.user_id,
        attribute_id=row.attribute_id,
        value=profile.from_stored(entities.ValueType(value_type), row.value),
        updated_at=row.updated_at,
        version=row.version,
    )


def group(row: models.Group) -> entities.Group:
    return entities.Group(
        tenant_id=row.tenant_id,
        id=row.id,
        name=row.name,
        parent_id=row.parent_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def membership(row: models.Membership) -> entities.Membership:
    return entities.Membership(
        tenant_id=row.tenant_id,
        id=row.id,
        group_id=row.group_id,
        account_id=row.account_id,
        role=entities.MembershipRole(row.role),
        created_at=row.created_at,
    )


def audit_record(row: models.AuditRecord) -> entities.AuditRecord:
    return entities.AuditRecord(
        tenant_id=row.tenant_id,
        sequence=row.sequence,
        position=row.position,
        occurred_at=row.occurred_at,
        actor=row.actor,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        correlation_id=row.correlation_id,
        details=row.details,
        previous_hash=row.previous_hash,
        record_hash=row.record_hash,
    )


def outbox_event(row: models.OutboxEvent) -> entities.OutboxEvent:
    return entities.OutboxEvent(
        tenant_id=row.tenant_id,
        event_id=row.event_id,
        sequence=row.sequence,
        event_type=row.event_type,
        aggregate_type=row.aggregate_type,
        aggregate_id=row.aggregate_id,
        payload=row.payload,
        headers=row.headers,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        idempotency_key=row.idempotency_key,
    )


def column_values(fields: dict[str, Any]) -> dict[str, Any]:
    """Convert checked domain field values to what the model columns hold.

    Tuples become JSON arrays and enum members their string values.
    """
    columns: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, tuple):
            columns[name] = list(value)
        elif isinstance(value, str):
            columns[name] = str(value)
        else:
            columns[name] = value
    return columns
