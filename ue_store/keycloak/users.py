"""Checked user records parsed from Keycloak's UserRepresentation JSON."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ue_store.domain import rules
from ue_store.domain.errors import ValidationError

from .checks import Checker, count_unmapped, is_empty, looks_secret
from .errors import child, item

#: Keycloak's built-in profile attributes; they feed user fields, not the catalog.
BUILTIN_ATTRIBUTES: Final = frozenset({"username", "email", "firstName", "lastName"})

_MAPPED_KEYS: Final = frozenset(
    {
        "username",
        "email",
        "firstName",
        "lastName",
        "enabled",
        "attributes",
        "federatedIdentities",
        "clientRoles",
        "applicationRoles",
        "groups",
        "serviceAccountClientId",
    }
)
_IDENTITY_KEYS: Final = frozenset({"identityProvider", "userId", "userName"})


@dataclass(frozen=True, slots=True)
class FederatedIdentity:
    """A link to an identity provider, from ``federatedIdentities``."""

    alias: str
    subject: str
    user_name: str | None
    path: str


@dataclass(slots=True)
class UserRecord:
    """One user of the export, checked for types.

    ``client_roles`` merges ``clientRoles`` and the legacy ``applicationRoles``;
    ``role_paths`` gives the JSON path of each client's role list.
    """

    file: str
    path: str
    username: str
    email: str | None
    first_name: str | None
    last_name: str | None
    enabled: bool
    service_client_id: str | None
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    identities: list[FederatedIdentity] = field(default_factory=list)
    client_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    role_paths: dict[str, str] = field(default_factory=dict)
    groups: list[tuple[str, str]] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)

    @property
    def is_service_account(self) -> bool:
        return self.service_client_id is not None

    def display_name(self) -> tuple[str, str]:
        """Return the display name and the JSON path it came from.

        The name joins firstName and lastName; without either it is the
        username. It is cut to the store's name limit, because a long
        username is valid but a display name has a shorter limit.
        """
        parts = [part.strip() for part in (self.first_name, self.last_name) if part]
        name = " ".join(part for part in parts if part)
        source = child(self.path, "firstName" if self.first_name else "lastName")
        if not name:
            name, source = self.username, child(self.path, "username")
        return name[: rules.NAME_MAX_LENGTH], source


def parse_user(raw: object, file: str, path: str) -> UserRecord:
    """Check one element of a ``users`` array and return it as a record.

    Raises:
        KeycloakImportError: A member has the wrong type, or username is
            missing.
    """
    check = Checker(file)
    user = check.mapping(raw, path)
    record = UserRecord(
        file=file,
        path=path,
        username=check.required_string(user, "username", path),
        email=check.optional_string(user, "email", path),
        first_name=check.optional_string(user, "firstName", path),
        last_name=check.optional_string(user, "lastName", path),
        # A user whose export does not say it is enabled is imported as
        # disabled, because nothing shows that it may sign in.
        enabled=check.optional_bool(user, "enabled", path, default=False),
        service_client_id=check.optional_string(user, "serviceAccountClientId", path),
    )
    _parse_attributes(check, user, record)
    _parse_identities(check, user, record)
    for key in ("clientRoles", "applicationRoles"):
        _parse_roles(check, user, key, record)
    groups_path = child(path, "groups")
    for index, group in enumerate(check.optional_array(user, "groups", path)):
        if not isinstance(group, str):
            raise check.fail(item(groups_path, index), "must be a group path string")
        record.groups.append((group, item(groups_path, index)))
    count_unmapped(record.unmapped, "users[]", user, _MAPPED_KEYS)
    if record.is_service_account:
        record.unmapped["users[].serviceAccountClientId (link to its client)"] += 1
        _count_service_account_extras(record)
    return record


def _parse_attributes(
    check: Checker, user: Mapping[str, Any], record: UserRecord
) -> None:
    path = child(record.path, "attributes")
    for key, value in check.optional_mapping(user, "attributes", record.path).items():
        if key in BUILTIN_ATTRIBUTES:
            if not is_empty(value):
                record.unmapped[f"users[].attributes.{key} (built-in field)"] += 1
            continue
        if looks_secret(key):
            # A secret must not become a profile value, which the admin
            # shows, so its value is never read.
            record.unmapped[f"users[].attributes.{key} (name suggests a secret)"] += 1
            continue
        try:
            rules.check_text("key", key, max_length=rules.CATALOG_KEY_MAX_LENGTH)
        except ValidationError as error:
            raise check.fail(path, f"attribute name: {error.rule}") from None
        if value is None:
            continue
        record.attributes[key] = check.strings(value, child(path, key))


def _parse_identities(
    check: Checker, user: Mapping[str, Any], record: UserRecord
) -> None:
    path = child(record.path, "federatedIdentities")
    for index, raw in enumerate(
        check.optional_array(user, "federatedIdentities", path)
    ):
        item_path = item(path, index)
        link = check.mapping(raw, item_path)
        record.identities.append(
            FederatedIdentity(
                alias=check.required_string(link, "identityProvider", item_path),
                subject=check.required_string(link, "userId", item_path),
                user_name=check.optional_string(link, "userName", item_path),
                path=item_path,
            )
        )
        count_unmapped(
            record.unmapped, "users[].federatedIdentities[]", link, _IDENTITY_KEYS
        )


def _parse_roles(
    check: Checker, user: Mapping[str, Any], key: str, record: UserRecord
) -> None:
    path = child(record.path, key)
    for client_id, roles in check.optional_mapping(user, key, record.path).items():
        role_path = child(path, client_id)
        checked = check.strings(roles, role_path)
        merged = set(record.client_roles.get(client_id, ())) | set(checked)
        record.client_roles[client_id] = tuple(sorted(merged))
        record.role_paths.setdefault(client_id, role_path)


def _count_service_account_extras(record: UserRecord) -> None:
    """Count what a service account carries but the store keeps only for users."""
    if record.attributes:
        record.unmapped["users[].attributes (service account)"] += 1
        record.attributes = {}
    for name, value in (
        ("email", record.email),
        ("firstName", record.first_name),
        ("lastName", record.last_name),
    ):
        if value is not None:
            record.unmapped[f"users[].{name} (service account)"] += 1
