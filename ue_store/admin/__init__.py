"""Django admin of the ue_store models, for operators.

Importing this package registers an admin for every ue_store model on the
default admin site; Django's admin autodiscovery imports it. Writes from the
admin go through the store protocol, so each writes its audit record and
outbox event like any other change. docs/admin.md describes what operators
see and may change.
"""

from __future__ import annotations

from . import applications, groups, people, profiles, records, tenants

#: Admin operations per ue_store model beyond viewing, as the admins allow
#: them. The operator group gets exactly these permissions.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "tenantaccount": ("add", "change"),
    "user": ("add", "change"),
    "account": ("add", "change"),
    "externalidentity": ("delete",),
    "application": ("add", "change"),
    "binding": ("add", "change", "delete"),
    "catalogattribute": ("add", "change"),
    "profilevalue": (),
    "group": ("add", "change"),
    "membership": ("add", "delete"),
    "auditrecord": (),
    # Change permission allows the requeue action only; the admin's change
    # form stays read-only.
    "outboxevent": ("change",),
}

__all__ = [
    "OPERATIONS",
    "applications",
    "groups",
    "people",
    "profiles",
    "records",
    "tenants",
]
