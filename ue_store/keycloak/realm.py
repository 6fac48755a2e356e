"""The realm-level part of an export: tenant name, clients, groups, providers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote

from ue_store.domain.entities import JSONValue

from .checks import Checker, count_unmapped, is_empty
from .errors import child, item
from .userprofile import (
    ProfileAttribute,
    count_other_attributes,
    count_other_components,
    read_profile_config,
)

#: Client settings copied into application metadata. Each is a plain
#: setting without credentials; secrets, ``attributes`` (which can hold
#: certificates and keys), protocol mappers and authorization settings are
#: left out and reported as not mapped.
CLIENT_METADATA_KEYS: Final = (
    "description",
    "rootUrl",
    "baseUrl",
    "adminUrl",
    "redirectUris",
    "webOrigins",
    "protocol",
    "publicClient",
    "bearerOnly",
    "consentRequired",
    "standardFlowEnabled",
    "implicitFlowEnabled",
    "directAccessGrantsEnabled",
    "serviceAccountsEnabled",
    "frontchannelLogout",
    "fullScopeAllowed",
)

#: Realm members that hold keys or secrets. They are reported by name, one
#: line each, so an operator sees that they were left out on purpose.
REALM_SECRET_KEYS: Final = frozenset(
    {"privateKey", "publicKey", "certificate", "codeSecret"}
)

_REALM_MAPPED: Final = frozenset(
    {
        "realm",
        "displayName",
        "users",
        "clients",
        "groups",
        "identityProviders",
        "attributes",
        "components",
        "roles",
    }
)
_CLIENT_MAPPED: Final = frozenset(
    {"clientId", "name", "enabled", *CLIENT_METADATA_KEYS}
)
_GROUP_MAPPED: Final = frozenset({"name", "subGroups", "path"})
_PROVIDER_MAPPED: Final = frozenset({"alias", "config"})


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """A client of the realm, with only its non-secret settings."""

    client_id: str
    name: str
    enabled: bool
    metadata: dict[str, JSONValue]
    path: str


#: Deepest nesting of subgroups. The reader already rejects JSON nested
#: deeper than MAX_DEPTH, which allows 31 levels of groups, and this limit
#: keeps the recursive parse and write safe for a realm built in Python too.
MAX_GROUP_DEPTH: Final = 31


@dataclass(slots=True)
class GroupNode:
    """A group definition.

    ``names`` are the names from the top-level group down to this one, and
    ``path`` is the JSON path of its definition.
    """

    name: str
    names: tuple[str, ...]
    path: str
    children: list[GroupNode] = field(default_factory=list)


def group_path_forms(names: tuple[str, ...]) -> set[str]:
    """Return the Keycloak paths that can name a group, such as ``/A/B``.

    Keycloak joins the names with ``/`` and by default leaves a ``/`` inside
    a name as it is, so the group ``a/b`` and the subgroup ``b`` of ``a``
    share the path ``/a/b``. With its ``escape-slashes-in-group-path`` option
    on (off by default), it writes a ``/`` inside a name as ``~/``, which
    gives ``/a~/b`` for the first group. Both forms are accepted.
    """
    plain = "".join(f"/{name}" for name in names)
    escaped = "".join("/" + name.replace("/", "~/") for name in names)
    return {plain, escaped}


@dataclass(slots=True)
class RealmPlan:
    """Everything of a realm except its users, checked for types.

    ``defines_groups`` is False for a users-only input; group paths of its
    users then create the groups they name. ``group_paths`` maps each
    Keycloak path of a defined group to the groups it names, keyed by their
    names. A path with more than one group is ambiguous.
    """

    file: str
    path: str
    name: str
    display_name: str
    defines_groups: bool = False
    clients: list[ClientRecord] = field(default_factory=list)
    groups: list[GroupNode] = field(default_factory=list)
    group_paths: dict[str, dict[tuple[str, ...], GroupNode]] = field(
        default_factory=dict
    )
    issuers: dict[str, str] = field(default_factory=dict)
    provider_aliases: set[str] = field(default_factory=set)
    profile: dict[str, ProfileAttribute] | None = None
    unmapped: Counter[str] = field(default_factory=Counter)

    def issuer_for(self, alias: str) -> str:
        """Return the issuer of the identity provider ``alias``.

        A provider without an ``issuer`` setting, or one missing from the
        export, gets ``keycloak:<realm>/idp/<alias>`` with both parts
        percent-encoded, so the issuer stays stable across imports.
        """
        configured = self.issuers.get(alias)
        if configured:
            return configured
        return f"keycloak:{quote(self.name, safe='')}/idp/{quote(alias, safe='')}"


def parse_realm(raw: object, file: str, path: str = "$") -> RealmPlan:
    """Check the realm members the importer maps and count the others.

    ``raw`` may still contain ``users``; they are not read here.
    """
    check = Checker(file)
    realm = check.mapping(raw, path)
    name = check.required_string(realm, "realm", path)
    plan = RealmPlan(
        file=file,
        path=path,
        name=name,
        display_name=check.optional_string(realm, "displayName", path) or name,
        defines_groups="groups" in realm,
    )
    _parse_clients(check, realm, plan)
    for index, group in enumerate(check.optional_array(realm, "groups", path)):
        plan.groups.append(
            _parse_group(check, group, item(child(path, "groups"), index), (), plan)
        )
    _parse_providers(check, realm, plan)
    plan.profile = read_profile_config(check, realm, path, plan.unmapped)
    count_other_attributes(realm, plan.unmapped)
    count_other_components(realm, plan.unmapped)
    _count_realm_unmapped(realm, plan.unmapped)
    return plan


def _parse_clients(check: Checker, realm: Mapping[str, Any], plan: RealmPlan) -> None:
    clients_path = child(plan.path, "clients")
    seen: dict[str, str] = {}
    for index, raw in enumerate(check.optional_array(realm, "clients", plan.path)):
        path = item(clients_path, index)
        client = check.mapping(raw, path)
        client_id = check.required_string(client, "clientId", path)
        if client_id in seen:
            raise check.fail(
                child(path, "clientId"), f"repeats the clientId of {seen[client_id]}"
            )
        seen[client_id] = path
        name = check.optional_string(client, "name", path)
        # "${client_account}" and the like are message keys of Keycloak's
        # admin console, not names, so the client id replaces them.
        if name is None or not name.strip() or name.startswith("${"):
            name = client_id
        plan.clients.append(
            ClientRecord(
                client_id=client_id,
                name=name,
                # Like a user, a client not marked enabled is imported as
                # disabled.
                enabled=check.optional_bool(client, "enabled", path, default=False),
                metadata=_client_metadata(check, client, path),
                path=path,
            )
        )
        count_unmapped(plan.unmapped, "clients[]", client, _CLIENT_MAPPED)


def _client_metadata(
    check: Checker, client: Mapping[str, Any], path: str
) -> dict[str, JSONValue]:
    metadata: dict[str, JSONValue] = {}
    for key in CLIENT_METADATA_KEYS:
        value = client.get(key)
        if is_empty(value):
            continue
        if isinstance(value, bool):
            metadata[key] = value
        elif isinstance(value, str):
            metadata[key] = value
        else:
            metadata[key] = list(check.strings(value, child(path, key)))
    return metadata


def _parse_group(
    check: Checker,
    raw: object,
    path: str,
    parent_names: tuple[str, ...],
    plan: RealmPlan,
) -> GroupNode:
    if len(parent_names) >= MAX_GROUP_DEPTH:
        raise check.fail(path, f"subgroups nest more than {MAX_GROUP_DEPTH} levels")
    group = check.mapping(raw, path)
    name = check.required_string(group, "name", path)
    node = GroupNode(name=name, names=(*parent_names, name), path=path)
    for form in group_path_forms(node.names):
        plan.group_paths.setdefault(form, {}).setdefault(node.names, node)
    children_path = child(path, "subGroups")
    for index, sub in enumerate(check.optional_array(group, "subGroups", path)):
        node.children.append(
            _parse_group(check, sub, item(children_path, index), node.names, plan)
        )
    count_unmapped(plan.unmapped, "groups[]", group, _GROUP_MAPPED)
    return node


def _parse_providers(check: Checker, realm: Mapping[str, Any], plan: RealmPlan) -> None:
    providers_path = child(plan.path, "identityProviders")
    for index, raw in enumerate(
        check.optional_array(realm, "identityProviders", plan.path)
    ):
        path = item(providers_path, index)
        provider = check.mapping(raw, path)
        alias = check.required_string(provider, "alias", path)
        plan.provider_aliases.add(alias)
        config = check.optional_mapping(provider, "config", path)
        issuer = check.optional_string(config, "issuer", child(path, "config"))
        if issuer is not None:
            plan.issuers[alias] = issuer
        count_unmapped(plan.unmapped, "identityProviders[]", provider, _PROVIDER_MAPPED)
        count_unmapped(
            plan.unmapped, "identityProviders[].config", config, frozenset({"issuer"})
        )


def _count_realm_unmapped(realm: Mapping[str, Any], unmapped: Counter[str]) -> None:
    roles = realm.get("roles")
    if isinstance(roles, Mapping):
        realm_roles = roles.get("realm")
        client_roles = roles.get("client")
        defined: list[Any] = []
        if isinstance(realm_roles, list):
            unmapped["realm.roles.realm (realm roles)"] += len(realm_roles)
            defined.extend(realm_roles)
        if isinstance(client_roles, Mapping):
            for role_list in client_roles.values():
                if isinstance(role_list, list):
                    unmapped["realm.roles.client (client role definitions)"] += len(
                        role_list
                    )
                    defined.extend(role_list)
        composite = sum(
            1 for role in defined if isinstance(role, Mapping) and role.get("composite")
        )
        if composite:
            unmapped["realm.roles (composite roles)"] += composite
    for key, value in realm.items():
        if key in _REALM_MAPPED or is_empty(value):
            continue
        if key in REALM_SECRET_KEYS:
            unmapped[f"realm.{key} (secret or key material)"] += 1
        elif isinstance(value, list | Mapping):
            unmapped[f"realm.{key}"] += len(value)
        else:
            unmapped["realm settings (single values)"] += 1
