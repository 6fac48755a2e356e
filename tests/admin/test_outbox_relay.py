"""Outbox admin: relay figures in the header, state filter, audited requeue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ue_store import models

from .conftest import admin_url
from .rows import outbox_events

pytestmark = pytest.mark.django_db


def make_dead_letter(tenant: models.TenantAccount) -> models.OutboxEvent:
    outbox_events(tenant, 2)
    row = models.OutboxEvent.objects.filter(tenant=tenant).order_by("sequence")[0]
    row.dead_lettered_at = timezone.now()
    row.attempts = 10
    row.last_error = "HTTP sink returned status 500"
    row.save()
    return row


def test_changelist__shows_relay_counts(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    make_dead_letter(tenant)

    response = admin_client.get(admin_url(models.OutboxEvent, "changelist"))

    counts = response.context["relay_counts"]
    assert counts.dead_lettered == 1
    assert counts.pending == 1
    assert b"Dead-lettered: <strong>1</strong>" in response.content


def test_state_filter__dead_lettered(
    admin_client: Client, tenant: models.TenantAccount
) -> None:
    dead = make_dead_letter(tenant)

    response = admin_client.get(
        admin_url(models.OutboxEvent, "changelist"), {"state": "dead_lettered"}
    )

    shown = list(response.context["cl"].result_list)
    assert [row.pk for row in shown] == [dead.pk]


def test_requeue_action__audited_as_admin(
    admin_client: Client,
    admin_user: object,
    tenant: models.TenantAccount,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dead = make_dead_letter(tenant)

    # The action's units run once the change list's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            admin_url(models.OutboxEvent, "changelist"),
            {"action": "requeue_dead_letters", "_selected_action": [str(dead.pk)]},
        )

    dead.refresh_from_db()
    record = models.AuditRecord.objects.get(
        action="outbox_event.requeued", target_id=str(dead.event_id)
    )
    assert response.status_code == 302
    assert dead.dead_lettered_at is None
    assert dead.attempts == 0
    assert dead.available_at >= timezone.now() - timedelta(minutes=1)
    assert record.tenant_id == tenant.id
    assert record.actor == "admin:admin"
