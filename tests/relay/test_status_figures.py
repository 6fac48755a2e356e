"""ue_store_status reports outbox figures and relay warnings without failing."""

from __future__ import annotations

import json
from io import StringIO
from uuid import UUID

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.tenancy import as_tenant
from ue_store import models

from .support import seed_events

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_status__dead_letter_is_warning(tenant_id: UUID) -> None:
    rows = seed_events(tenant_id, 3, aggregates=3)
    with as_tenant(tenant_id):
        models.OutboxEvent.objects.filter(pk=rows[0].pk).update(
            dead_lettered_at=timezone.now(), attempts=10
        )
    output = StringIO()

    call_command("ue_store_status", "--json", stdout=output)

    report = json.loads(output.getvalue())
    assert report["ready"] is True
    assert [w["name"] for w in report["warnings"]] == ["outbox_dead_letters"]
    assert report["outbox"]["dead_lettered"] == 1
    assert report["outbox"]["pending"] == 3


def test_status__text_shows_outbox(tenant_id: UUID) -> None:
    seed_events(tenant_id, 2, aggregates=2)
    output = StringIO()

    call_command("ue_store_status", stdout=output)

    text = output.getvalue()
    assert "outbox: 3 pending (0 in backoff), 0 leased, 0 dead-lettered" in text
    assert "WARNING" not in text
