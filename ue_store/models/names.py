"""Names of the database constraints and keys of the ue_store tables.

The models and migrations create constraints under these names, and the
PostgreSQL adapter maps a violation back to a domain error by the name that
PostgreSQL reports, so each name is defined here once.
"""

from __future__ import annotations

from typing import Final

# Table names. Every table but the tenant account is tenant-scoped.
TENANT_TABLE: Final = "ue_store_tenant_account"
USER_TABLE: Final = "ue_store_user"
ACCOUNT_TABLE: Final = "ue_store_account"
IDENTITY_TABLE: Final = "ue_store_external_identity"
APPLICATION_TABLE: Final = "ue_store_application"
BINDING_TABLE: Final = "ue_store_binding"
CATALOG_TABLE: Final = "ue_store_catalog_attribute"
PROFILE_TABLE: Final = "ue_store_profile_value"
GROUP_TABLE: Final = "ue_store_group"
MEMBERSHIP_TABLE: Final = "ue_store_membership"
AUDIT_TABLE: Final = "ue_store_audit_record"
OUTBOX_TABLE: Final = "ue_store_outbox_event"
#: The LISTEN/NOTIFY channel that a trigger signals on each outbox insert.
OUTBOX_NOTIFY_CHANNEL: Final = "ue_store_outbox"

TENANT_SCOPED_TABLES: Final = (
    USER_TABLE,
    ACCOUNT_TABLE,
    IDENTITY_TABLE,
    APPLICATION_TABLE,
    BINDING_TABLE,
    CATALOG_TABLE,
    PROFILE_TABLE,
    GROUP_TABLE,
    MEMBERSHIP_TABLE,
    AUDIT_TABLE,
    OUTBOX_TABLE,
)


def primary_key(table: str) -> str:
    """Return the primary key name, which keeps PostgreSQL's default form."""
    return f"{table}_pkey"


# Unique constraints and unique indexes.
TENANT_SLUG_UNIQUE: Final = "ue_tenant_slug_uniq"
USER_EMAIL_UNIQUE: Final = "ue_user_email_uniq"
ACCOUNT_USERNAME_UNIQUE: Final = "ue_account_username_uniq"
IDENTITY_SUBJECT_UNIQUE: Final = "ue_identity_subject_uniq"
APPLICATION_CLIENT_ID_UNIQUE: Final = "ue_application_client_id_uniq"
BINDING_UNIQUE: Final = "ue_binding_account_app_uniq"
CATALOG_KEY_UNIQUE: Final = "ue_catalog_key_uniq"
PROFILE_UNIQUE: Final = "ue_profile_user_attribute_uniq"
GROUP_NAME_UNIQUE: Final = "ue_group_parent_name_uniq"
MEMBERSHIP_UNIQUE: Final = "ue_membership_group_account_uniq"
OUTBOX_EVENT_ID_UNIQUE: Final = "ue_outbox_event_id_uniq"
OUTBOX_IDEMPOTENCY_UNIQUE: Final = "ue_outbox_idempotency_key_uniq"
AUDIT_POSITION_UNIQUE: Final = "ue_audit_position_uniq"

# Composite foreign keys, added by the migration in raw SQL because Django's
# ForeignKey can't span two columns.
USER_TENANT_FK: Final = "ue_user_tenant_fk"
ACCOUNT_TENANT_FK: Final = "ue_account_tenant_fk"
ACCOUNT_USER_FK: Final = "ue_account_user_fk"
IDENTITY_TENANT_FK: Final = "ue_identity_tenant_fk"
IDENTITY_ACCOUNT_FK: Final = "ue_identity_account_fk"
APPLICATION_TENANT_FK: Final = "ue_application_tenant_fk"
BINDING_TENANT_FK: Final = "ue_binding_tenant_fk"
BINDING_ACCOUNT_FK: Final = "ue_binding_account_fk"
BINDING_APPLICATION_FK: Final = "ue_binding_application_fk"
CATALOG_TENANT_FK: Final = "ue_catalog_tenant_fk"
CATALOG_APPLICATION_FK: Final = "ue_catalog_application_fk"
PROFILE_TENANT_FK: Final = "ue_profile_tenant_fk"
PROFILE_USER_FK: Final = "ue_profile_user_fk"
PROFILE_ATTRIBUTE_FK: Final = "ue_profile_attribute_fk"
GROUP_TENANT_FK: Final = "ue_group_tenant_fk"
GROUP_PARENT_FK: Final = "ue_group_parent_fk"
MEMBERSHIP_TENANT_FK: Final = "ue_membership_tenant_fk"
MEMBERSHIP_GROUP_FK: Final = "ue_membership_group_fk"
MEMBERSHIP_ACCOUNT_FK: Final = "ue_membership_account_fk"
# Dropped by migration 0003: audit records must outlive their tenant account.
AUDIT_TENANT_FK: Final = "ue_audit_tenant_fk"
OUTBOX_TENANT_FK: Final = "ue_outbox_tenant_fk"

# Check constraints.
TENANT_STATUS_CHECK: Final = "ue_tenant_status_check"
TENANT_VERSION_CHECK: Final = "ue_tenant_version_check"
USER_STATUS_CHECK: Final = "ue_user_status_check"
USER_VERSION_CHECK: Final = "ue_user_version_check"
USER_EMAIL_KEY_CHECK: Final = "ue_user_email_key_check"
ACCOUNT_KIND_CHECK: Final = "ue_account_kind_check"
ACCOUNT_STATUS_CHECK: Final = "ue_account_status_check"
ACCOUNT_VERSION_CHECK: Final = "ue_account_version_check"
ACCOUNT_KIND_USER_CHECK: Final = "ue_account_kind_user_check"
APPLICATION_STATUS_CHECK: Final = "ue_application_status_check"
APPLICATION_VERSION_CHECK: Final = "ue_application_version_check"
APPLICATION_METADATA_CHECK: Final = "ue_application_metadata_check"
BINDING_ROLES_CHECK: Final = "ue_binding_roles_check"
BINDING_VERSION_CHECK: Final = "ue_binding_version_check"
CATALOG_VALUE_TYPE_CHECK: Final = "ue_catalog_value_type_check"
CATALOG_ALLOWED_VALUES_CHECK: Final = "ue_catalog_allowed_values_check"
CATALOG_MAX_LENGTH_CHECK: Final = "ue_catalog_max_length_check"
CATALOG_VERSION_CHECK: Final = "ue_catalog_version_check"
PROFILE_VERSION_CHECK: Final = "ue_profile_version_check"
GROUP_VERSION_CHECK: Final = "ue_group_version_check"
MEMBERSHIP_ROLE_CHECK: Final = "ue_membership_role_check"
AUDIT_DETAILS_CHECK: Final = "ue_audit_details_check"
AUDIT_POSITION_CHECK: Final = "ue_audit_position_check"
AUDIT_HASH_CHECK: Final = "ue_audit_hash_check"
OUTBOX_PAYLOAD_CHECK: Final = "ue_outbox_payload_check"
OUTBOX_HEADERS_CHECK: Final = "ue_outbox_headers_check"
OUTBOX_ATTEMPTS_CHECK: Final = "ue_outbox_attempts_check"
