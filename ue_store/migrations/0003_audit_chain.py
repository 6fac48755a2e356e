"""Tamper evidence for the audit trail: a hash chain per tenant and a trigger.

Written by hand. The operations run in this order because each needs the
one before it: add the chain columns as nullable, fill them for existing
rows, make them required, add the keys and indexes, drop the foreign key to
the tenant account, install the append-only trigger, and last mark the model
unmanaged. Django runs no schema operation on an unmanaged model, so every
change of the audit table after this migration must be written by hand too.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from ue_store.domain import audit_chain

AUDIT_TABLE = "ue_store_audit_record"
HASH_PATTERN = r"^[0-9a-f]{64}$"
#: Rows read per query while the chain columns are filled.
BACKFILL_CHUNK = 1000

APPEND_ONLY_SQL = f"""
CREATE FUNCTION ue_store_audit_append_only_v1() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{AUDIT_TABLE} is append-only: % is rejected', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Audit records are never changed or removed.';
END;
$$;
CREATE TRIGGER ue_store_audit_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON {AUDIT_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION ue_store_audit_append_only_v1();
ALTER TABLE {AUDIT_TABLE} ENABLE ALWAYS TRIGGER ue_store_audit_append_only;
"""
# ENABLE ALWAYS makes the trigger fire under session_replication_role =
# replica as well; only ALTER TABLE ... DISABLE TRIGGER, which needs the
# table's owner or a superuser, turns it off.

DROP_APPEND_ONLY_SQL = f"""
DROP TRIGGER ue_store_audit_append_only ON {AUDIT_TABLE};
DROP FUNCTION ue_store_audit_append_only_v1();
"""

DROP_TENANT_FK_SQL = f"ALTER TABLE {AUDIT_TABLE} DROP CONSTRAINT ue_audit_tenant_fk"
# The table may by now hold records of tenant accounts that are gone, so the
# restored key checks only rows written after the reverse migration.
ADD_TENANT_FK_SQL = (
    f"ALTER TABLE {AUDIT_TABLE} ADD CONSTRAINT ue_audit_tenant_fk"
    " FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id) NOT VALID"
)


def fill_chains(apps: Any, schema_editor: Any) -> None:
    """Number and hash the existing records of each tenant, in sequence order.

    Uses layout version 1 of ``ue_store.domain.audit_chain``; a later layout
    must not change what this function writes.
    """
    record_model = apps.get_model("ue_store", "AuditRecord")
    rows = record_model._default_manager.using(schema_editor.connection.alias)
    tenant_ids = rows.order_by().values_list("tenant_id", flat=True).distinct()
    for tenant_id in tenant_ids.iterator():
        _fill_chain(rows.filter(tenant_id=tenant_id), tenant_id)


def _fill_chain(rows: Any, tenant_id: Any) -> None:
    position = 0
    previous_hash = audit_chain.GENESIS_HASH
    last_sequence = 0
    while True:
        chunk = list(
            rows.filter(sequence__gt=last_sequence).order_by("sequence")[
                :BACKFILL_CHUNK
            ]
        )
        if not chunk:
            return
        for row in chunk:
            position += 1
            content = audit_chain.ChainContent(
                tenant_id=tenant_id,
                position=position,
                occurred_at=row.occurred_at,
                actor=row.actor,
                action=row.action,
                target_type=row.target_type,
                target_id=row.target_id,
                correlation_id=row.correlation_id,
                details=row.details,
                previous_hash=previous_hash,
            )
            row.position = position
            row.previous_hash = previous_hash
            row.record_hash = audit_chain.compute_hash(content)
            previous_hash = row.record_hash
        type(chunk[0])._default_manager.using(rows.db).bulk_update(
            chunk, ["position", "previous_hash", "record_hash"]
        )
        last_sequence = chunk[-1].sequence


class Migration(migrations.Migration):
    dependencies = [("ue_store", "0002_outbox_relay")]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="position",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="previous_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="record_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(fill_chains, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditrecord",
            name="position",
            field=models.BigIntegerField(),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="previous_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="record_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.RemoveIndex(
            model_name="auditrecord",
            name="ue_audit_target_idx",
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(
                fields=["tenant", "target_type", "target_id", "position"],
                name="ue_audit_target_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(
                fields=["tenant", "occurred_at", "position"],
                name="ue_audit_time_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditrecord",
            constraint=models.UniqueConstraint(
                fields=["tenant", "position"], name="ue_audit_position_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(position__gte=1), name="ue_audit_position_check"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(previous_hash__regex=HASH_PATTERN)
                & models.Q(record_hash__regex=HASH_PATTERN),
                name="ue_audit_hash_check",
            ),
        ),
        migrations.RunSQL(sql=DROP_TENANT_FK_SQL, reverse_sql=ADD_TENANT_FK_SQL),
        migrations.RunSQL(sql=APPEND_ONLY_SQL, reverse_sql=DROP_APPEND_ONLY_SQL),
        migrations.AlterModelOptions(name="auditrecord", options={"managed": False}),
    ]
