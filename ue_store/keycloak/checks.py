"""Type checks of export values, each raising an error at the value's JSON path."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any, Final

from .errors import KeycloakImportError, child, item

#: Attribute names that suggest a secret, matched anywhere in the name and
#: in any case, such as ``password``, ``client_secret`` or ``apiToken``. The
#: importer never reads the values of such attributes.
SECRET_NAME: Final = re.compile(
    r"pass(word|wd|phrase)|secret|token|credential|api[-_]?key|private[-_]?key",
    re.IGNORECASE,
)


class Checker:
    """Check values of one export file, naming the file in every error."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, rule: str) -> KeycloakImportError:
        return KeycloakImportError(self.file, path, rule)

    def mapping(self, value: object, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, "must be a JSON object")
        return value

    def optional_mapping(
        self, parent: Mapping[str, Any], key: str, path: str
    ) -> Mapping[str, Any]:
        value = parent.get(key)
        if value is None:
            return {}
        return self.mapping(value, child(path, key))

    def array(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, "must be a JSON array")
        return value

    def optional_array(
        self, parent: Mapping[str, Any], key: str, path: str
    ) -> list[Any]:
        value = parent.get(key)
        if value is None:
            return []
        return self.array(value, child(path, key))

    def required_string(self, parent: Mapping[str, Any], key: str, path: str) -> str:
        value = parent.get(key)
        if value is None:
            raise self.fail(child(path, key), "is required but missing")
        if not isinstance(value, str):
            raise self.fail(child(path, key), "must be a string")
        if not value.strip():
            raise self.fail(child(path, key), "must not be blank")
        return value

    def optional_string(
        self, parent: Mapping[str, Any], key: str, path: str
    ) -> str | None:
        """Return a string member, or None when it is missing, null or empty."""
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(child(path, key), "must be a string")
        return value or None

    def optional_bool(
        self, parent: Mapping[str, Any], key: str, path: str, *, default: bool
    ) -> bool:
        value = parent.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(child(path, key), "must be true or false")
        return value

    def strings(self, value: object, path: str) -> tuple[str, ...]:
        """Check an array of strings; a plain string counts as one element.

        Keycloak writes multi-valued attributes as arrays, but older exports
        and hand-edited files give a single value as a plain string.
        """
        if isinstance(value, str):
            return (value,)
        items = self.array(value, path)
        for index, element in enumerate(items):
            if not isinstance(element, str):
                raise self.fail(item(path, index), "must be a string")
        return tuple(items)


def is_empty(value: object) -> bool:
    """Tell whether an export value carries nothing worth reporting."""
    return value is None or (isinstance(value, str | list | dict) and not value)


def count_unmapped(
    counter: Counter[str],
    scope: str,
    record: Mapping[str, Any],
    mapped: Collection[str],
) -> None:
    """Count each non-empty member of ``record`` outside ``mapped`` as not mapped."""
    for key, value in record.items():
        if key not in mapped and not is_empty(value):
            counter[f"{scope}.{key}"] += 1


def looks_secret(name: str) -> bool:
    """Tell whether an attribute name matches SECRET_NAME."""
    return SECRET_NAME.search(name) is not None
