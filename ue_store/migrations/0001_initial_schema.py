"""Create the ue_store tables with tenant-leading keys and composite references."""

from __future__ import annotations

import uuid

import django.db.models.deletion
import django.db.models.lookups
from django.db import migrations, models

# Database primary keys (tenant_id, id): Django keeps the single-column key
# in its model state, which the admin needs.
TENANT_PRIMARY_KEYS = [
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_user DROP CONSTRAINT ue_store_user_pkey, ADD CONSTRAINT ue_store_user_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_user DROP CONSTRAINT ue_store_user_pkey, ADD CONSTRAINT ue_store_user_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_account DROP CONSTRAINT ue_store_account_pkey, ADD CONSTRAINT ue_store_account_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_account DROP CONSTRAINT ue_store_account_pkey, ADD CONSTRAINT ue_store_account_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_external_identity DROP CONSTRAINT ue_store_external_identity_pkey, ADD CONSTRAINT ue_store_external_identity_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_external_identity DROP CONSTRAINT ue_store_external_identity_pkey, ADD CONSTRAINT ue_store_external_identity_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_application DROP CONSTRAINT ue_store_application_pkey, ADD CONSTRAINT ue_store_application_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_application DROP CONSTRAINT ue_store_application_pkey, ADD CONSTRAINT ue_store_application_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_binding DROP CONSTRAINT ue_store_binding_pkey, ADD CONSTRAINT ue_store_binding_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_binding DROP CONSTRAINT ue_store_binding_pkey, ADD CONSTRAINT ue_store_binding_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_catalog_attribute DROP CONSTRAINT ue_store_catalog_attribute_pkey, ADD CONSTRAINT ue_store_catalog_attribute_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_catalog_attribute DROP CONSTRAINT ue_store_catalog_attribute_pkey, ADD CONSTRAINT ue_store_catalog_attribute_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_profile_value DROP CONSTRAINT ue_store_profile_value_pkey, ADD CONSTRAINT ue_store_profile_value_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_profile_value DROP CONSTRAINT ue_store_profile_value_pkey, ADD CONSTRAINT ue_store_profile_value_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_group DROP CONSTRAINT ue_store_group_pkey, ADD CONSTRAINT ue_store_group_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_group DROP CONSTRAINT ue_store_group_pkey, ADD CONSTRAINT ue_store_group_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_membership DROP CONSTRAINT ue_store_membership_pkey, ADD CONSTRAINT ue_store_membership_pkey PRIMARY KEY (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_membership DROP CONSTRAINT ue_store_membership_pkey, ADD CONSTRAINT ue_store_membership_pkey PRIMARY KEY (id)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_audit_record DROP CONSTRAINT ue_store_audit_record_pkey, ADD CONSTRAINT ue_store_audit_record_pkey PRIMARY KEY (tenant_id, sequence)",
        reverse_sql="ALTER TABLE ue_store_audit_record DROP CONSTRAINT ue_store_audit_record_pkey, ADD CONSTRAINT ue_store_audit_record_pkey PRIMARY KEY (sequence)",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_outbox_event DROP CONSTRAINT ue_store_outbox_event_pkey, ADD CONSTRAINT ue_store_outbox_event_pkey PRIMARY KEY (tenant_id, sequence)",
        reverse_sql="ALTER TABLE ue_store_outbox_event DROP CONSTRAINT ue_store_outbox_event_pkey, ADD CONSTRAINT ue_store_outbox_event_pkey PRIMARY KEY (sequence)",
    ),
]

# Every tenant-scoped row belongs to an existing tenant account.
TENANT_FOREIGN_KEYS = [
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_user ADD CONSTRAINT ue_user_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_user DROP CONSTRAINT ue_user_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_account ADD CONSTRAINT ue_account_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_account DROP CONSTRAINT ue_account_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_external_identity ADD CONSTRAINT ue_identity_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_external_identity DROP CONSTRAINT ue_identity_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_application ADD CONSTRAINT ue_application_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_application DROP CONSTRAINT ue_application_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_binding ADD CONSTRAINT ue_binding_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_binding DROP CONSTRAINT ue_binding_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_catalog_attribute ADD CONSTRAINT ue_catalog_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_catalog_attribute DROP CONSTRAINT ue_catalog_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_profile_value ADD CONSTRAINT ue_profile_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_profile_value DROP CONSTRAINT ue_profile_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_group ADD CONSTRAINT ue_group_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_group DROP CONSTRAINT ue_group_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_membership ADD CONSTRAINT ue_membership_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_membership DROP CONSTRAINT ue_membership_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_audit_record ADD CONSTRAINT ue_audit_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_audit_record DROP CONSTRAINT ue_audit_tenant_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_outbox_event ADD CONSTRAINT ue_outbox_tenant_fk FOREIGN KEY (tenant_id) REFERENCES ue_store_tenant_account (id)",
        reverse_sql="ALTER TABLE ue_store_outbox_event DROP CONSTRAINT ue_outbox_tenant_fk",
    ),
]

# References include tenant_id, so a row can't point at another tenant's row.
REFERENCE_FOREIGN_KEYS = [
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_account ADD CONSTRAINT ue_account_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES ue_store_user (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_account DROP CONSTRAINT ue_account_user_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_external_identity ADD CONSTRAINT ue_identity_account_fk FOREIGN KEY (tenant_id, account_id) REFERENCES ue_store_account (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_external_identity DROP CONSTRAINT ue_identity_account_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_binding ADD CONSTRAINT ue_binding_account_fk FOREIGN KEY (tenant_id, account_id) REFERENCES ue_store_account (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_binding DROP CONSTRAINT ue_binding_account_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_binding ADD CONSTRAINT ue_binding_application_fk FOREIGN KEY (tenant_id, application_id) REFERENCES ue_store_application (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_binding DROP CONSTRAINT ue_binding_application_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_catalog_attribute ADD CONSTRAINT ue_catalog_application_fk FOREIGN KEY (tenant_id, application_id) REFERENCES ue_store_application (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_catalog_attribute DROP CONSTRAINT ue_catalog_application_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_profile_value ADD CONSTRAINT ue_profile_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES ue_store_user (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_profile_value DROP CONSTRAINT ue_profile_user_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_profile_value ADD CONSTRAINT ue_profile_attribute_fk FOREIGN KEY (tenant_id, attribute_id) REFERENCES ue_store_catalog_attribute (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_profile_value DROP CONSTRAINT ue_profile_attribute_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_group ADD CONSTRAINT ue_group_parent_fk FOREIGN KEY (tenant_id, parent_id) REFERENCES ue_store_group (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_group DROP CONSTRAINT ue_group_parent_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_membership ADD CONSTRAINT ue_membership_group_fk FOREIGN KEY (tenant_id, group_id) REFERENCES ue_store_group (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_membership DROP CONSTRAINT ue_membership_group_fk",
    ),
    migrations.RunSQL(
        sql="ALTER TABLE ue_store_membership ADD CONSTRAINT ue_membership_account_fk FOREIGN KEY (tenant_id, account_id) REFERENCES ue_store_account (tenant_id, id)",
        reverse_sql="ALTER TABLE ue_store_membership DROP CONSTRAINT ue_membership_account_fk",
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="TenantAccount",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("slug", models.CharField(max_length=63)),
                ("display_name", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("active", "active"),
                            ("suspended", "suspended"),
                            ("closed", "closed"),
                        ],
                        max_length=16,
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_tenant_account",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("slug",), name="ue_tenant_slug_uniq"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["active", "suspended", "closed"])
                        ),
                        name="ue_tenant_status_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_tenant_version_check",
                    ),
                ],
                "indexes": [],
            },
        ),
        migrations.CreateModel(
            name="User",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("display_name", models.CharField(max_length=200)),
                (
                    "primary_email",
                    models.CharField(blank=True, max_length=254, null=True),
                ),
                ("email_key", models.CharField(max_length=600, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("active", "active"),
                            ("disabled", "disabled"),
                            ("deleted", "deleted"),
                        ],
                        max_length=16,
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_user",
                "indexes": [
                    models.Index(
                        fields=["tenant", "created_at", "id"],
                        name="ue_user_created_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("email_key__isnull", False)),
                        fields=("tenant", "email_key"),
                        name="ue_user_email_uniq",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("email_key__isnull", True),
                                ("primary_email__isnull", True),
                            ),
                            models.Q(
                                ("email_key__isnull", False),
                                ("primary_email__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="ue_user_email_key_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["active", "disabled", "deleted"])
                        ),
                        name="ue_user_status_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_user_version_check",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Account",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("human", "human"), ("service", "service")],
                        max_length=16,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.user",
                    ),
                ),
                ("username", models.CharField(max_length=255)),
                ("username_key", models.CharField(max_length=600)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("active", "active"),
                            ("locked", "locked"),
                            ("disabled", "disabled"),
                        ],
                        max_length=16,
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_account",
                "indexes": [
                    models.Index(
                        fields=["tenant", "created_at", "id"],
                        name="ue_account_created_idx",
                    ),
                    models.Index(
                        fields=["tenant", "user", "created_at", "id"],
                        name="ue_account_user_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "username_key"),
                        name="ue_account_username_uniq",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "human"), ("user__isnull", False)),
                            models.Q(("kind", "service"), ("user__isnull", True)),
                            _connector="OR",
                        ),
                        name="ue_account_kind_user_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["human", "service"])),
                        name="ue_account_kind_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["active", "locked", "disabled"])
                        ),
                        name="ue_account_status_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_account_version_check",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ExternalIdentity",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "account",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.account",
                    ),
                ),
                ("issuer", models.CharField(max_length=255)),
                ("subject", models.CharField(max_length=255)),
                ("email", models.CharField(blank=True, max_length=254, null=True)),
                ("linked_at", models.DateTimeField()),
                ("last_seen_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name_plural": "external identities",
                "db_table": "ue_store_external_identity",
                "indexes": [
                    models.Index(
                        fields=["tenant", "linked_at", "id"],
                        name="ue_identity_linked_idx",
                    ),
                    models.Index(
                        fields=["tenant", "account", "linked_at", "id"],
                        name="ue_identity_account_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "issuer", "subject"),
                        name="ue_identity_subject_uniq",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Application",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("client_id", models.CharField(max_length=255)),
                ("name", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[("active", "active"), ("disabled", "disabled")],
                        max_length=16,
                    ),
                ),
                ("metadata", models.JSONField(default=dict)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_application",
                "indexes": [
                    models.Index(
                        fields=["tenant", "created_at", "id"],
                        name="ue_application_created_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "client_id"),
                        name="ue_application_client_id_uniq",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["active", "disabled"])),
                        name="ue_application_status_check",
                    ),
                    models.CheckConstraint(
                        condition=django.db.models.lookups.Exact(
                            models.Func(
                                models.F("metadata"),
                                function="jsonb_typeof",
                                output_field=models.TextField(),
                            ),
                            models.Value("object"),
                        ),
                        name="ue_application_metadata_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_application_version_check",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Binding",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "account",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.account",
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.application",
                    ),
                ),
                ("roles", models.JSONField(default=list)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_binding",
                "indexes": [
                    models.Index(
                        fields=["tenant", "created_at", "id"],
                        name="ue_binding_created_idx",
                    ),
                    models.Index(
                        fields=["tenant", "application", "created_at", "id"],
                        name="ue_binding_application_idx",
                    ),
                    models.Index(
                        fields=["tenant", "account", "created_at", "id"],
                        name="ue_binding_account_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "account", "application"),
                        name="ue_binding_account_app_uniq",
                    ),
                    models.CheckConstraint(
                        condition=django.db.models.lookups.Exact(
                            models.Func(
                                models.F("roles"),
                                function="jsonb_typeof",
                                output_field=models.TextField(),
                            ),
                            models.Value("array"),
                        ),
                        name="ue_binding_roles_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_binding_version_check",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CatalogAttribute",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.application",
                    ),
                ),
                ("key", models.CharField(max_length=255)),
                (
                    "value_type",
                    models.CharField(
                        choices=[
                            ("string", "string"),
                            ("integer", "integer"),
                            ("boolean", "boolean"),
                            ("date", "date"),
                            ("enum", "enum"),
                            ("string_list", "string_list"),
                        ],
                        max_length=16,
                    ),
                ),
                ("required", models.BooleanField(default=False)),
                ("allowed_values", models.JSONField(default=list)),
                ("max_length", models.IntegerField(blank=True, null=True)),
                ("sensitive", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_catalog_attribute",
                "indexes": [
                    models.Index(
                        fields=["tenant", "created_at", "id"],
                        name="ue_catalog_created_idx",
                    ),
                    models.Index(
                        fields=["tenant", "application", "created_at", "id"],
                        name="ue_catalog_application_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "application", "key"),
                        name="ue_catalog_key_uniq",
                        nulls_distinct=False,
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "value_type__in",
                                [
                                    "string",
                                    "integer",
                                    "boolean",
                                    "date",
                                    "enum",
                                    "string_list",
                                ],
                            )
                        ),
                        name="ue_catalog_value_type_check",
                    ),
                    models.CheckConstraint(
                        condition=django.db.models.lookups.Exact(
                            models.Func(
                                models.F("allowed_values"),
                                function="jsonb_typeof",
                                output_field=models.TextField(),
                            ),
                            models.Value("array"),
                        ),
                        name="ue_catalog_allowed_values_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("max_length__isnull", True),
                            models.Q(
                                ("max_length__gte", 1), ("max_length__lte", 65535)
                            ),
                            _connector="OR",
                        ),
                        name="ue_catalog_max_length_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_catalog_version_check",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ProfileValue",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.user",
                    ),
                ),
                (
                    "attribute",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.catalogattribute",
                    ),
                ),
                ("value", models.JSONField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_profile_value",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "user", "attribute"),
                        name="ue_profile_user_attribute_uniq",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_profile_version_check",
                    ),
                ],
                "indexes": [],
            },
        ),
        migrations.CreateModel(
            name="Group",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("name", models.CharField(max_length=255)),
                (
                    "parent",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.group",
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
            ],
            options={
                "db_table": "ue_store_group",
                "indexes": [
                    models.Index(
                        fields=["tenant", "created_at", "id"],
                        name="ue_group_created_idx",
                    ),
                    models.Index(
                        fields=["tenant", "parent", "created_at", "id"],
                        name="ue_group_parent_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "parent", "name"),
                        name="ue_group_parent_name_uniq",
                        nulls_distinct=False,
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)),
                        name="ue_group_version_check",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.group",
                    ),
                ),
                (
                    "account",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.account",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("member", "member"),
                            ("manager", "manager"),
                            ("owner", "owner"),
                        ],
                        max_length=16,
                    ),
                ),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "db_table": "ue_store_membership",
                "indexes": [
                    models.Index(
                        fields=["tenant", "created_at", "id"],
                        name="ue_membership_created_idx",
                    ),
                    models.Index(
                        fields=["tenant", "group", "created_at", "id"],
                        name="ue_membership_group_idx",
                    ),
                    models.Index(
                        fields=["tenant", "account", "created_at", "id"],
                        name="ue_membership_account_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "group", "account"),
                        name="ue_membership_group_account_uniq",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("role__in", ["member", "manager", "owner"])
                        ),
                        name="ue_membership_role_check",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditRecord",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "sequence",
                    models.BigAutoField(primary_key=True, serialize=False),
                ),
                ("occurred_at", models.DateTimeField()),
                ("actor", models.CharField(max_length=255)),
                ("action", models.CharField(max_length=64)),
                ("target_type", models.CharField(max_length=64)),
                ("target_id", models.CharField(max_length=80)),
                (
                    "correlation_id",
                    models.CharField(blank=True, max_length=255, null=True),
                ),
                ("details", models.JSONField(default=dict)),
            ],
            options={
                "db_table": "ue_store_audit_record",
                "indexes": [
                    models.Index(
                        fields=["tenant", "target_type", "target_id", "sequence"],
                        name="ue_audit_target_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=django.db.models.lookups.Exact(
                            models.Func(
                                models.F("details"),
                                function="jsonb_typeof",
                                output_field=models.TextField(),
                            ),
                            models.Value("object"),
                        ),
                        name="ue_audit_details_check",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OutboxEvent",
            fields=[
                (
                    "tenant",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="ue_store.tenantaccount",
                    ),
                ),
                (
                    "sequence",
                    models.BigAutoField(primary_key=True, serialize=False),
                ),
                ("event_id", models.UUIDField()),
                ("event_type", models.CharField(max_length=64)),
                ("aggregate_type", models.CharField(max_length=64)),
                ("aggregate_id", models.CharField(max_length=80)),
                ("payload", models.JSONField(default=dict)),
                ("headers", models.JSONField(default=dict)),
                ("created_at", models.DateTimeField()),
                ("available_at", models.DateTimeField()),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.IntegerField(db_default=0, default=0)),
                ("last_error", models.TextField(blank=True, null=True)),
                (
                    "lease_owner",
                    models.CharField(blank=True, max_length=255, null=True),
                ),
                ("lease_token", models.UUIDField(blank=True, null=True)),
                ("lease_expires_at", models.DateTimeField(blank=True, null=True)),
                (
                    "idempotency_key",
                    models.CharField(blank=True, max_length=255, null=True),
                ),
            ],
            options={
                "db_table": "ue_store_outbox_event",
                "indexes": [
                    models.Index(
                        condition=models.Q(("delivered_at__isnull", True)),
                        fields=["available_at", "sequence"],
                        name="ue_outbox_undelivered_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tenant", "event_id"),
                        name="ue_outbox_event_id_uniq",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("idempotency_key__isnull", False)),
                        fields=("tenant", "idempotency_key"),
                        name="ue_outbox_idempotency_key_uniq",
                    ),
                    models.CheckConstraint(
                        condition=django.db.models.lookups.Exact(
                            models.Func(
                                models.F("payload"),
                                function="jsonb_typeof",
                                output_field=models.TextField(),
                            ),
                            models.Value("object"),
                        ),
                        name="ue_outbox_payload_check",
                    ),
                    models.CheckConstraint(
                        condition=django.db.models.lookups.Exact(
                            models.Func(
                                models.F("headers"),
                                function="jsonb_typeof",
                                output_field=models.TextField(),
                            ),
                            models.Value("object"),
                        ),
                        name="ue_outbox_headers_check",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("attempts__gte", 0)),
                        name="ue_outbox_attempts_check",
                    ),
                ],
            },
        ),
        *TENANT_PRIMARY_KEYS,
        *TENANT_FOREIGN_KEYS,
        *REFERENCE_FOREIGN_KEYS,
    ]
