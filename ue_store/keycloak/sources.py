"""Finding the realms in the paths given, and reading their parts.

A realm can come from a single-realm file, from one element of a file that
contains a JSON array of realms, or from a ``kc.sh export --dir`` folder, where
``<realm>-realm.json`` contains the realm and ``<realm>-users-N.json`` files
hold ``{"realm": ..., "users": [...]}``. Parts are grouped by realm name, so
a users file given next to its realm file joins that realm.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KeycloakImportError, child, item
from .reader import (
    JsonEvents,
    iter_realms,
    iter_users,
    open_json,
    read_realm_object,
    realm_names_in_array,
    top_level_kind,
)

_USERS_FILE = re.compile(r"-users-(\d+)\.json$")

#: Callback of the first pass: file, JSON path and raw value of each user.
ScanCallback = Callable[[str, str, Any], None]


@dataclass(slots=True)
class RealmPart:
    """One file, or one element of a realm array, that contains part of a realm.

    ``array_index`` is None for a file whose top level is a realm object.
    """

    file: Path
    array_index: int | None = None
    inline_users: list[Any] | None = None

    @property
    def prefix(self) -> str:
        return "$" if self.array_index is None else item("$", self.array_index)


@dataclass(slots=True)
class RealmSource:
    """Every part of one realm found in the paths given."""

    name: str
    parts: list[RealmPart] = field(default_factory=list)


def discover(paths: Sequence[Path]) -> list[RealmSource]:
    """Return the realms in ``paths``, in the order they first appear."""
    realms: dict[str, RealmSource] = {}
    for path in paths:
        for name, part in _parts_of(path):
            realms.setdefault(name, RealmSource(name)).parts.append(part)
    return list(realms.values())


def _parts_of(path: Path) -> Iterator[tuple[str, RealmPart]]:
    if path.is_dir():
        files = _export_folder_files(path)
        if not files:
            raise KeycloakImportError(
                path,
                "$",
                "the folder has no <realm>-realm.json or <realm>-users-N.json file",
            )
        for file in files:
            yield _object_realm_name(file), RealmPart(file)
        return
    if not path.is_file():
        raise KeycloakImportError(path, "$", "no such file or folder")
    if top_level_kind(path) == "object":
        yield _object_realm_name(path), RealmPart(path)
        return
    for index, name in enumerate(realm_names_in_array(path)):
        if not isinstance(name, str) or not name.strip():
            raise KeycloakImportError(
                path, child(item("$", index), "realm"), "must be a non-empty string"
            )
        yield name, RealmPart(path, array_index=index)


def _export_folder_files(folder: Path) -> list[Path]:
    """Return the realm files, then the users files in their numeric order."""
    realm_files = sorted(folder.glob("*-realm.json"))
    users_files = sorted(
        (
            file
            for file in folder.glob("*-users-*.json")
            if _USERS_FILE.search(file.name)
        ),
        key=lambda file: (
            file.name[: _USERS_FILE.search(file.name).start()],  # type: ignore[union-attr]
            int(_USERS_FILE.search(file.name).group(1)),  # type: ignore[union-attr]
        ),
    )
    return realm_files + users_files


def _object_realm_name(path: Path) -> str:
    """Read the top-level ``realm`` member, stopping as soon as it is found."""
    with open_json(path) as stream:
        events = iter(JsonEvents(path, stream))
        for prefix, event, value in events:
            if prefix == "" and event == "map_key" and value == "realm":
                _, kind, name = next(events)
                if kind != "string" or not name.strip():
                    raise KeycloakImportError(
                        path, "$.realm", "must be a non-empty string"
                    )
                return str(name)
    raise KeycloakImportError(path, "$.realm", "is required but missing")


def read_part(part: RealmPart, scan: ScanCallback) -> dict[str, Any]:
    """Read a part's realm members and pass each of its users to ``scan``.

    A realm from an array is kept whole, users included, until the realm is
    written; a part from an object file is read again for the write pass.
    """
    file = str(part.file)
    if part.array_index is None:
        config, _ = read_realm_object(
            part.file,
            lambda index, user: scan(file, item("$.users", index), user),
        )
        return config
    for index, realm in iter_realms(part.file):
        if index != part.array_index:
            continue
        if not isinstance(realm, dict):
            raise KeycloakImportError(file, part.prefix, "must be a JSON object")
        users = realm.pop("users", None)
        users_path = child(part.prefix, "users")
        if users is not None and not isinstance(users, list):
            raise KeycloakImportError(file, users_path, "must be a JSON array")
        part.inline_users = users or []
        for position, user in enumerate(part.inline_users):
            scan(file, item(users_path, position), user)
        return realm
    raise KeycloakImportError(file, part.prefix, "is missing from the array")


def part_users(part: RealmPart) -> Iterator[tuple[str, str, Any]]:
    """Yield the file, JSON path and raw value of each user of a part."""
    file = str(part.file)
    if part.inline_users is not None:
        users_path = child(part.prefix, "users")
        for index, user in enumerate(part.inline_users):
            yield file, item(users_path, index), user
        return
    for index, user in iter_users(part.file):
        yield file, item("$.users", index), user


def merge_configs(
    source: RealmSource, configs: list[dict[str, Any]]
) -> tuple[dict[str, Any], RealmPart]:
    """Return the realm definition among a realm's parts, and the part it is in.

    A users file holds only ``realm`` next to its users. When no part holds
    more, the realm is users-only and has a name and nothing else.
    """
    defining = [
        (config, part)
        for config, part in zip(configs, source.parts, strict=True)
        if set(config) - {"realm"}
    ]
    if len(defining) > 1:
        second = defining[1][1]
        raise KeycloakImportError(
            second.file,
            second.prefix,
            f"defines realm {source.name} again; give each realm's definition once",
        )
    if defining:
        return defining[0]
    return {"realm": source.name}, source.parts[0]
