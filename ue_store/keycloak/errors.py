"""Errors of the Keycloak importer and the JSON paths that locate them.

Messages name the file, a JSON path such as ``$.users[3].email`` and the
broken rule. They never repeat a value from the export, because usernames,
emails and names are personal data and secrets must never reach a log.
"""

from __future__ import annotations

import re
from pathlib import Path

from ue_store.domain.errors import Conflict, UeStoreError, ValidationError

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class KeycloakImportError(Exception):
    """An export breaks an import rule; the tenant's unit of work rolls back.

    Attributes:
        file: The export file, or the folder when no single file applies.
        path: JSON path of the offending value, ``$`` for the whole document.
        rule: What the value must satisfy, without the value itself.
    """

    def __init__(self, file: Path | str, path: str, rule: str) -> None:
        self.file = str(file)
        self.path = path
        self.rule = rule
        super().__init__(f"{self.file}: {path}: {rule}")


def child(path: str, key: str) -> str:
    """Return the JSON path of member ``key`` of the object at ``path``.

    Keys that are not plain identifiers use bracket notation, so a client id
    such as ``Cl2-CX-Portal`` gives ``$.clientRoles['Cl2-CX-Portal']``.
    """
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


def item(path: str, index: int) -> str:
    """Return the JSON path of element ``index`` of the array at ``path``."""
    return f"{path}[{index}]"


def describe_store_error(error: UeStoreError) -> str:
    """Return the rule a store error reports, without any value.

    Store errors already leave values out of their messages, so the message
    is safe to repeat.
    """
    if isinstance(error, ValidationError):
        return f"invalid {error.field}: {error.rule}"
    if isinstance(error, Conflict):
        return (
            f"{error.entity} {error.field} {error.rule}; another record in the "
            f"tenant already has this value"
        )
    return str(error)


def from_store_error(
    file: Path | str,
    error: UeStoreError,
    default_path: str,
    field_paths: dict[str, str] | None = None,
) -> KeycloakImportError:
    """Convert a store error into an import error at the JSON path of its field.

    ``field_paths`` maps a store field name, such as ``primary_email``, to the
    JSON path of the export value that fed it; other fields use
    ``default_path``.
    """
    path = default_path
    field = getattr(error, "field", None)
    if field_paths and isinstance(field, str):
        path = field_paths.get(field, default_path)
    return KeycloakImportError(file, path, describe_store_error(error))
