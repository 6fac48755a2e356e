"""The realm's user-profile configuration and the catalog it implies.

Keycloak 24 and later keep the declarative user profile as a JSON string
under ``kc.user.profile.config``, either in the realm's ``attributes`` or in
a ``components`` entry whose providerId is ``declarative-user-profile``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ue_store.domain.entities import ValueType

from .checks import Checker, count_unmapped, looks_secret
from .errors import child, item

PROFILE_CONFIG_KEY: Final = "kc.user.profile.config"
PROFILE_PROVIDER_ID: Final = "declarative-user-profile"

_BUILTIN: Final = frozenset({"username", "email", "firstName", "lastName"})
_ATTRIBUTE_MAPPED: Final = frozenset({"name", "multivalued"})


@dataclass(frozen=True, slots=True)
class ProfileAttribute:
    """A catalog attribute to define: its key, type and where it was declared."""

    key: str
    value_type: ValueType
    file: str
    path: str


def read_profile_config(
    check: Checker, realm: Mapping[str, Any], path: str, unmapped: Counter[str]
) -> dict[str, ProfileAttribute] | None:
    """Return the custom attributes of the realm's user profile, by key.

    Returns None when the realm has no user-profile configuration; the
    catalog is then inferred from the users. Built-in attributes are left
    out because they map to user fields.
    """
    found = _find_config(check, realm, path)
    if found is None:
        return None
    text, text_path = found
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise check.fail(
            text_path, f"must be a JSON user-profile configuration: {error.msg}"
        ) from None
    except (ValueError, RecursionError):
        # json.loads raises ValueError for an integer of more than 4,300
        # digits and RecursionError for very deep nesting.
        raise check.fail(
            text_path,
            "must be a JSON user-profile configuration: a number is too long "
            "or the nesting too deep",
        ) from None
    config = check.mapping(document, text_path)
    attributes: dict[str, ProfileAttribute] = {}
    list_path = f"{text_path} (parsed).attributes"
    for index, raw in enumerate(check.optional_array(config, "attributes", text_path)):
        entry_path = item(list_path, index)
        entry = check.mapping(raw, entry_path)
        key = check.required_string(entry, "name", entry_path)
        multivalued = check.optional_bool(
            entry, "multivalued", entry_path, default=False
        )
        if key in _BUILTIN:
            continue
        if looks_secret(key):
            unmapped["userProfile.attributes[] (name suggests a secret)"] += 1
            continue
        value_type = ValueType.STRING_LIST if multivalued else ValueType.STRING
        attributes[key] = ProfileAttribute(key, value_type, check.file, entry_path)
        count_unmapped(unmapped, "userProfile.attributes[]", entry, _ATTRIBUTE_MAPPED)
    count_unmapped(unmapped, "userProfile", config, frozenset({"attributes"}))
    return attributes


def _find_config(
    check: Checker, realm: Mapping[str, Any], path: str
) -> tuple[str, str] | None:
    attributes = check.optional_mapping(realm, "attributes", path)
    if PROFILE_CONFIG_KEY in attributes:
        text_path = child(child(path, "attributes"), PROFILE_CONFIG_KEY)
        return _config_text(check, attributes[PROFILE_CONFIG_KEY], text_path), text_path
    components_path = child(path, "components")
    components = check.optional_mapping(realm, "components", path)
    for provider_type, entries in components.items():
        type_path = child(components_path, provider_type)
        for index, raw in enumerate(check.array(entries, type_path)):
            entry_path = item(type_path, index)
            entry = check.mapping(raw, entry_path)
            if entry.get("providerId") != PROFILE_PROVIDER_ID:
                continue
            config = check.optional_mapping(entry, "config", entry_path)
            if PROFILE_CONFIG_KEY not in config:
                continue
            text_path = child(child(entry_path, "config"), PROFILE_CONFIG_KEY)
            return _config_text(check, config[PROFILE_CONFIG_KEY], text_path), (
                text_path
            )
    return None


def _config_text(check: Checker, value: object, path: str) -> str:
    """Return the configuration string; components store it as a one-item list."""
    if isinstance(value, list) and len(value) == 1:
        value, path = value[0], item(path, 0)
    if not isinstance(value, str):
        raise check.fail(path, "must be a JSON string")
    return value


def count_other_components(realm: Mapping[str, Any], unmapped: Counter[str]) -> None:
    """Count components other than the user profile as not mapped."""
    components = realm.get("components")
    if not isinstance(components, Mapping):
        return
    for entries in components.values():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, Mapping) and entry.get("providerId") == (
                PROFILE_PROVIDER_ID
            ):
                continue
            unmapped["realm.components (other than the user profile)"] += 1


def count_other_attributes(realm: Mapping[str, Any], unmapped: Counter[str]) -> None:
    """Count realm attributes other than the user profile as not mapped."""
    attributes = realm.get("attributes")
    if not isinstance(attributes, Mapping):
        return
    others = sum(1 for key in attributes if key != PROFILE_CONFIG_KEY)
    if others:
        unmapped["realm.attributes"] += others
