"""Import Keycloak realm exports into a store, through the store protocol only.

``import_keycloak(store, paths, options)`` reads single-realm files, files
holding a JSON array of realms, ``kc.sh export --dir`` folders and lone
users files, and writes each realm into its tenant in one unit of work.
README.md in this package describes the mapping. Nothing here imports Django.
"""

from __future__ import annotations

from .errors import KeycloakImportError
from .runner import (
    DEFAULT_ACTOR,
    TENANT_NAMESPACE,
    ImportOptions,
    ImportReport,
    import_keycloak,
    slugify,
    tenant_id_for,
)
from .summary import ENTITIES, RealmSummary, SkippedItem

__all__ = [
    "DEFAULT_ACTOR",
    "ENTITIES",
    "TENANT_NAMESPACE",
    "ImportOptions",
    "ImportReport",
    "KeycloakImportError",
    "RealmSummary",
    "SkippedItem",
    "import_keycloak",
    "slugify",
    "tenant_id_for",
]
