"""Outbox columns and functions for the relay that hands events to consumers.

Adds the dead-letter time, the indexes that the relay's claim and purge
read, and a trigger that signals the ``ue_store_outbox`` LISTEN/NOTIFY
channel after each INSERT into the outbox, so a waiting relay wakes up when
the inserting transaction commits.
"""

from __future__ import annotations

from django.db import migrations, models

CREATE_NOTIFY = """
CREATE FUNCTION ue_store_outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- PostgreSQL delivers the notification at commit, once per transaction
    -- and channel, so a payload-free signal costs one message per commit.
    PERFORM pg_notify('ue_store_outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER ue_outbox_notify_trg
    AFTER INSERT ON ue_store_outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION ue_store_outbox_notify();
"""

DROP_NOTIFY = """
DROP TRIGGER IF EXISTS ue_outbox_notify_trg ON ue_store_outbox_event;
DROP FUNCTION IF EXISTS ue_store_outbox_notify();
"""


class Migration(migrations.Migration):
    dependencies = [("ue_store", "0001_initial_schema")]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="outboxevent",
            name="dead_lettered_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="outboxevent",
            index=models.Index(
                condition=models.Q(("delivered_at__isnull", True)),
                fields=["tenant", "aggregate_type", "aggregate_id", "sequence"],
                name="ue_outbox_aggregate_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="outboxevent",
            index=models.Index(
                condition=models.Q(("delivered_at__isnull", False)),
                fields=["delivered_at"],
                name="ue_outbox_delivered_idx",
            ),
        ),
        migrations.RunSQL(CREATE_NOTIFY, DROP_NOTIFY),
    ]
