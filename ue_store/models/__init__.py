"""Django models of the ue_store tables.

Every table but the tenant account leads with tenant_id, and its database
primary key and unique constraints lead with it too. Django treats ``id`` (or
``sequence``) as the primary key, which the admin needs; the migration
replaces that key in the database with (tenant_id, id) and adds foreign keys
over (tenant_id, <reference>), so a row can never reference another tenant's
row.
"""

from __future__ import annotations

from .applications import Application, Binding
from .groups import Group, Membership
from .people import Account, ExternalIdentity, User
from .profiles import CatalogAttribute, ProfileValue
from .records import AuditRecord, OutboxEvent
from .tenants import TenantAccount

__all__ = [
    "Account",
    "Application",
    "AuditRecord",
    "Binding",
    "CatalogAttribute",
    "ExternalIdentity",
    "Group",
    "Membership",
    "OutboxEvent",
    "ProfileValue",
    "TenantAccount",
    "User",
]
