"""Streaming reads of export files with ijson, so memory stays bounded.

A realm file is read twice: once for everything except its users, which are
checked one at a time as they stream past, and once more to write the users.
Only one user is ever held in memory. A file holding a JSON array of realms
is read one whole realm at a time instead.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import ijson

from .errors import KeycloakImportError, child, item

#: Callback for each element of a ``users`` array: its index and raw value.
UserCallback = Callable[[int, Any], None]


@contextmanager
def open_json(path: Path) -> Iterator[IO[bytes]]:
    """Open ``path`` for ijson, past a UTF-8 byte order mark if there is one."""
    try:
        stream = path.open("rb")
    except OSError as error:
        raise KeycloakImportError(
            path, "$", f"cannot be read: {error.strerror}"
        ) from None
    with stream:
        if stream.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            stream.seek(0)
        yield stream


def top_level_kind(path: Path) -> str:
    """Return ``object`` or ``array``, from the document's first character."""
    with open_json(path) as stream:
        head = stream.read(4096).lstrip()
    if head.startswith(b"{"):
        return "object"
    if head.startswith(b"["):
        return "array"
    raise KeycloakImportError(
        path, "$", "malformed JSON: must be a JSON object or array"
    )


def malformed(path: Path, where: str, error: Exception) -> KeycloakImportError:
    """Build the error for JSON that the parser rejected.

    Only the first line of the parser's message is kept, because the next
    lines quote the surrounding input, which can hold personal data.
    """
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return KeycloakImportError(path, where, f"malformed JSON: {first_line[:120]}")


def read_realm_object(path: Path, on_user: UserCallback) -> tuple[dict[str, Any], int]:
    """Read a realm or users file without keeping its users in memory.

    Returns the document without ``users`` and the number of users. Each
    user goes to ``on_user`` as soon as it is complete.
    """
    builder = ijson.ObjectBuilder()
    user_builder: Any = None
    depth = 0
    users = 0
    where = "$"
    with open_json(path) as stream:
        try:
            for prefix, event, value in ijson.parse(stream, use_float=True):
                if prefix == "" and event == "map_key":
                    where = child("$", value)
                    if value == "users":
                        continue
                elif prefix == "users":
                    if event not in ("start_array", "end_array", "null"):
                        raise KeycloakImportError(
                            path, "$.users", "must be a JSON array"
                        )
                    continue
                elif prefix.startswith("users.item"):
                    if user_builder is None:
                        where = item("$.users", users)
                        user_builder = ijson.ObjectBuilder()
                    user_builder.event(event, value)
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                    if depth == 0 and event != "map_key":
                        on_user(users, user_builder.value)
                        users += 1
                        user_builder = None
                    continue
                builder.event(event, value)
        except ijson.JSONError as error:
            raise malformed(path, where, error) from None
    document = builder.value
    if not isinstance(document, dict):
        raise KeycloakImportError(path, "$", "must be a JSON object")
    return document, users


def iter_users(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield each element of the file's top-level ``users`` array, with its index."""
    index = 0
    with open_json(path) as stream:
        try:
            for user in ijson.items(stream, "users.item", use_float=True):
                yield index, user
                index += 1
        except ijson.JSONError as error:
            raise malformed(path, item("$.users", index), error) from None


def iter_realms(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield each realm of a file holding a JSON array of realms, whole."""
    index = 0
    with open_json(path) as stream:
        try:
            for realm in ijson.items(stream, "item", use_float=True):
                yield index, realm
                index += 1
        except ijson.JSONError as error:
            raise malformed(path, item("$", index), error) from None


def realm_names_in_array(path: Path) -> list[object]:
    """Return the ``realm`` member of each element of a top-level array.

    Reads parser events only, so no realm is built in memory. An element
    without a string ``realm`` gives None.
    """
    names: list[object] = []
    index = -1
    with open_json(path) as stream:
        try:
            for prefix, event, value in ijson.parse(stream):
                if prefix == "item" and event in ("start_map", "start_array"):
                    index += 1
                    names.append(None)
                elif prefix == "item" and event not in (
                    "end_map",
                    "end_array",
                    "map_key",
                ):
                    index += 1
                    names.append(None)
                elif prefix == "item.realm" and event == "string":
                    names[index] = value
        except ijson.JSONError as error:
            raise malformed(path, item("$", max(index, 0)), error) from None
    return names
