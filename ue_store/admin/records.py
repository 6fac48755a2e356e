"""Read-only admin of the audit trail and the outbox.

Operators can list, filter and open records but never add, change or delete
one, in bulk or otherwise: the store alone writes them, in the transaction
of the change they describe.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ue_store import models

from .base import TenantScopedAdmin
from .outbox import OutboxRelayAdmin, OutboxStateFilter

#: The ``target_type`` of audit records and ``aggregate_type`` of outbox
#: events, as ``ue_store.domain.changes`` names them. A fixed list keeps the
#: filter from running SELECT DISTINCT over the whole table.
RECORD_TYPES = (
    "tenant",
    "user",
    "account",
    "external_identity",
    "application",
    "binding",
    "catalog_attribute",
    "profile_value",
    "group",
    "membership",
)


class RecordTypeFilter(admin.SimpleListFilter):
    """Filter by the type of record a change concerns."""

    title = "record type"
    parameter_name = "record_type"
    field_name = ""

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [(name, name.replace("_", " ")) for name in RECORD_TYPES]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> QuerySet[Any] | None:
        # Only a listed type reaches the database: any other value, such as
        # one holding a NUL that PostgreSQL rejects, leaves the list unfiltered
        # like an unknown state in OutboxStateFilter does.
        value = self.value()
        if value not in RECORD_TYPES:
            return queryset
        return queryset.filter(**{self.field_name: value})


class TargetTypeFilter(RecordTypeFilter):
    field_name = "target_type"


class AggregateTypeFilter(RecordTypeFilter):
    field_name = "aggregate_type"


@admin.register(models.AuditRecord)
class AuditRecordAdmin(TenantScopedAdmin):
    list_display = (
        "sequence",
        "position",
        "occurred_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "tenant",
    )
    list_select_related = ("tenant",)
    list_filter = ("tenant", TargetTypeFilter)
    search_fields = ("actor", "action", "target_id", "correlation_id")
    uuid_search_fields = ()
    ordering = ("-sequence",)
    readonly_on_change = (
        "sequence",
        "tenant",
        "occurred_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "correlation_id",
        "details",
    )


@admin.register(models.OutboxEvent)
class OutboxEventAdmin(OutboxRelayAdmin):
    list_display = (
        "sequence",
        "event_type",
        "aggregate_id",
        "created_at",
        "delivered_at",
        "dead_lettered_at",
        "attempts",
        "tenant",
    )
    list_select_related = ("tenant",)
    list_filter = (
        "tenant",
        OutboxStateFilter,
        AggregateTypeFilter,
    )
    search_fields = ("event_type", "aggregate_id")
    uuid_search_fields = ("event_id",)
    ordering = ("-sequence",)
    readonly_on_change = (
        "sequence",
        "event_id",
        "tenant",
        "event_type",
        "aggregate_type",
        "aggregate_id",
        "payload",
        "headers",
        "created_at",
        "available_at",
        "delivered_at",
        "attempts",
        "last_error",
        "lease_owner",
        "lease_expires_at",
        "dead_lettered_at",
        "idempotency_key",
    )
