"""Relay figures, a state filter and the dead-letter requeue of the outbox admin.

The outbox stays read-only: the one write an operator may make is the
requeue action, which goes through the store so that each requeued event
gets an audit record naming ``admin:<username>``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ue_store import models
from ue_store.postgres import get_store

from .base import TenantScopedAdmin, actor_of

#: The states the filter offers, each as a condition on the row's columns.
STATES = (
    ("pending", "pending"),
    ("retrying", "waiting out a backoff"),
    ("leased", "leased"),
    ("dead_lettered", "dead-lettered"),
    ("delivered", "delivered"),
)


def state_condition(state: str, now: Any) -> Q | None:
    """Return the filter of rows in ``state`` at ``now``, or None if unknown."""
    undelivered = Q(delivered_at__isnull=True)
    live = undelivered & Q(dead_lettered_at__isnull=True)
    unleased = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now)
    conditions = {
        "pending": live & unleased,
        "retrying": live & unleased & Q(available_at__gt=now),
        "leased": live & Q(lease_expires_at__gt=now),
        "dead_lettered": undelivered & Q(dead_lettered_at__isnull=False),
        "delivered": Q(delivered_at__isnull=False),
    }
    return conditions.get(state)


class OutboxStateFilter(admin.SimpleListFilter):
    """Filter events by relay state: pending, leased, dead-lettered, delivered."""

    title = "state"
    parameter_name = "state"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return list(STATES)

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> QuerySet[Any] | None:
        value = self.value()
        if value is None:
            return queryset
        condition = state_condition(value, timezone.now())
        return queryset if condition is None else queryset.filter(condition)


@admin.action(description="Requeue selected dead letters", permissions=["requeue"])
def requeue_dead_letters(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[models.OutboxEvent],
) -> None:
    """Requeue the selected dead letters through the store, one unit per tenant.

    The change list reads the selection in its cross-tenant transaction, and
    a transaction may hold units of one tenant only, so the units run once
    that transaction has committed.
    """
    by_tenant: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    selected = queryset.filter(
        dead_lettered_at__isnull=False, delivered_at__isnull=True
    ).values_list("tenant_id", "event_id")
    for tenant_id, event_id in selected:
        by_tenant[uuid.UUID(str(tenant_id))].append(event_id)
    store = get_store()

    def requeue() -> None:
        requeued = 0
        for tenant_id, event_ids in by_tenant.items():
            with store.unit_of_work(tenant_id, actor=actor_of(request)) as uow:
                requeued += len(uow.outbox.requeue(event_ids))
        model_admin.message_user(
            request, f"Requeued {requeued} dead-lettered event(s).", messages.SUCCESS
        )

    transaction.on_commit(requeue, using=store.using)


class OutboxRelayAdmin(TenantScopedAdmin):
    """Base of the outbox admin: relay figures in the change list, and requeue."""

    change_list_template = "admin/ue_store/outboxevent/change_list.html"
    actions = (requeue_dead_letters,)

    def has_requeue_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ue_store.change_outboxevent")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # One aggregate query, whatever the number of rows.
        counts = get_store().relay().counts()
        context = {**(extra_context or {}), "relay_counts": counts}
        return super().changelist_view(request, context)
