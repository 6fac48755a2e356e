"""Row-level security on every ue_store table, bound to a per-transaction tenant.

Written by hand. Each table gets ENABLE and FORCE ROW LEVEL SECURITY, so
the policies bind the table's owner too; only superusers and roles with
BYPASSRLS pass them. Three kinds of policy:

- ``ue_store_tenant_isolation`` (every command): a row is visible and
  writable only when its tenant column equals the transaction-local setting
  ``ue_store.tenant_id``, which the adapter sets at the start of each unit
  of work. Without the setting, or with the empty string that PostgreSQL
  returns for a custom setting used earlier in the session, the NULLIF
  yields NULL, so nothing matches and no cast error is raised.
- ``ue_store_cross_tenant_read`` (SELECT): every row is visible while the
  transaction-local setting ``ue_store.cross_tenant`` is ``on``, which only
  ``ue_store.postgres.tenancy.cross_tenant`` sets.
- ``ue_store_cross_tenant_relay`` (UPDATE and DELETE, outbox only): the
  relay leases, settles and purges events of every tenant.

The cross-tenant policies are a documented exception: they guard against a
forgotten tenant filter or a raw query, not against hostile code running as
the runtime role, which can set the same setting.
"""

from __future__ import annotations

from django.db import migrations

#: Each ue_store table and the column that holds its tenant id.
TENANT_COLUMNS = {
    "ue_store_tenant_account": "id",
    "ue_store_user": "tenant_id",
    "ue_store_account": "tenant_id",
    "ue_store_external_identity": "tenant_id",
    "ue_store_application": "tenant_id",
    "ue_store_binding": "tenant_id",
    "ue_store_catalog_attribute": "tenant_id",
    "ue_store_profile_value": "tenant_id",
    "ue_store_group": "tenant_id",
    "ue_store_membership": "tenant_id",
    "ue_store_audit_record": "tenant_id",
    "ue_store_outbox_event": "tenant_id",
}
OUTBOX_TABLE = "ue_store_outbox_event"

CURRENT_TENANT = "NULLIF(current_setting('ue_store.tenant_id', true), '')::uuid"
CROSS_TENANT_ON = "current_setting('ue_store.cross_tenant', true) = 'on'"


def enable_sql(table: str, column: str) -> str:
    return f"""
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
CREATE POLICY ue_store_tenant_isolation ON {table} FOR ALL
    USING ({column} = {CURRENT_TENANT})
    WITH CHECK ({column} = {CURRENT_TENANT});
CREATE POLICY ue_store_cross_tenant_read ON {table} FOR SELECT
    USING ({CROSS_TENANT_ON});
"""


def disable_sql(table: str) -> str:
    return f"""
DROP POLICY ue_store_cross_tenant_read ON {table};
DROP POLICY ue_store_tenant_isolation ON {table};
ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
"""


RELAY_SQL = f"""
CREATE POLICY ue_store_cross_tenant_relay_update ON {OUTBOX_TABLE} FOR UPDATE
    USING ({CROSS_TENANT_ON}) WITH CHECK ({CROSS_TENANT_ON});
CREATE POLICY ue_store_cross_tenant_relay_delete ON {OUTBOX_TABLE} FOR DELETE
    USING ({CROSS_TENANT_ON});
"""

DROP_RELAY_SQL = f"""
DROP POLICY ue_store_cross_tenant_relay_delete ON {OUTBOX_TABLE};
DROP POLICY ue_store_cross_tenant_relay_update ON {OUTBOX_TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [("ue_store", "0003_audit_chain")]

    operations = [
        *(
            migrations.RunSQL(
                sql=enable_sql(table, column), reverse_sql=disable_sql(table)
            )
            for table, column in TENANT_COLUMNS.items()
        ),
        migrations.RunSQL(sql=RELAY_SQL, reverse_sql=DROP_RELAY_SQL),
    ]
