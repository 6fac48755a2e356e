"""Outbox columns and functions for the relay that hands events to consumers."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ue_store", "0001_initial_schema")]

    operations: list[migrations.operations.base.Operation] = []
