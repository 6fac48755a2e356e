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
from typing import IO, Any, Final

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


#: Deepest nesting of JSON arrays and objects that an export may have. Each
#: level of subgroups adds two (its ``subGroups`` array and the group object),
#: so groups can nest 31 levels deep. The limit bounds the parser's memory and
#: the recursion of every later step.
MAX_DEPTH: Final = 64

#: Rules for the parser's errors, by a fragment of its message. The message
#: itself is never shown, because it quotes the input around the error.
_PARSER_RULES: Final = (
    (
        "overflow",
        "malformed JSON: a number is out of range (integers must fit in 64 bits)",
    ),
    ("UTF8", "malformed JSON: invalid UTF-8"),
    ("premature EOF", "malformed JSON: the document ends before it is complete"),
)


def malformed(path: Path, where: str, error: Exception) -> KeycloakImportError:
    """Build the error for JSON that the parser rejected, naming no input."""
    message = str(error)
    for fragment, rule in _PARSER_RULES:
        if fragment in message:
            return KeycloakImportError(path, where, rule)
    return KeycloakImportError(path, where, "malformed JSON: invalid syntax")


class JsonEvents:
    """The parser events of one export file, checked as they stream past.

    Iterating yields ``(prefix, event, value)`` tuples like ``ijson.parse``,
    built from ``ijson.basic_parse`` events. ``ijson.parse`` is not used
    because its C backend builds the events of a whole 64 KiB buffer at once,
    each with a prefix as long as the nesting is deep. A deeply nested file
    therefore took memory in proportion to the square of its depth.

    Numbers that are not integers become floats (``use_float``), and
    integers outside 64 bits are an error. Without ``use_float``, a
    5,000-digit integer crashed the process in ijson 3.6.0's C backend.

    Raises:
        KeycloakImportError: Malformed JSON, nesting deeper than MAX_DEPTH, or
            an object that repeats a member name, at the JSON path where the
            parser stopped.
    """

    def __init__(self, file: Path, stream: IO[bytes]) -> None:
        self.file = file
        self._stream = stream
        # One step per open container: the index of the current element of
        # an array (-1 before the first), or the current member name of an
        # object (None before the first).
        self._steps: list[int | str | None] = []

    def where(self) -> str:
        """Return the JSON path of the value the parser is reading."""
        path = "$"
        for step in self._steps:
            if step is None or step == -1:
                break
            path = item(path, step) if isinstance(step, int) else child(path, step)
        return path

    def __iter__(self) -> Iterator[tuple[str, str, Any]]:
        try:
            yield from self._events()
        except ijson.JSONError as error:
            raise malformed(self.file, self.where(), error) from None

    def _events(self) -> Iterator[tuple[str, str, Any]]:
        steps = self._steps
        # The ijson prefix of each open container, and the names each open
        # object has used so far (None for an array).
        prefixes: list[str] = []
        names: list[set[str] | None] = []
        prefix = ""
        for event, value in ijson.basic_parse(self._stream, use_float=True):
            if event == "map_key":
                used = names[-1]
                assert used is not None
                steps[-1] = value
                if value in used:
                    raise KeycloakImportError(
                        self.file,
                        self.where(),
                        "repeats a member name of its object; each name may "
                        "appear once",
                    )
                used.add(value)
                yield prefixes[-1], event, value
                prefix = f"{prefixes[-1]}.{value}" if prefixes[-1] else value
                continue
            if event in ("end_map", "end_array"):
                steps.pop()
                names.pop()
                yield prefixes.pop(), event, value
                if steps and isinstance(steps[-1], int):
                    prefix = _item_prefix(prefixes[-1])
                continue
            if steps and isinstance(steps[-1], int):
                steps[-1] += 1
            if event not in ("start_map", "start_array"):
                yield prefix, event, value
                continue
            if len(steps) >= MAX_DEPTH:
                raise KeycloakImportError(
                    self.file,
                    self.where(),
                    f"nests arrays and objects more than {MAX_DEPTH} levels deep",
                )
            yield prefix, event, value
            prefixes.append(prefix)
            if event == "start_map":
                steps.append(None)
                names.append(set())
            else:
                steps.append(-1)
                names.append(None)
                prefix = _item_prefix(prefix)


def _item_prefix(prefix: str) -> str:
    return f"{prefix}.item" if prefix else "item"


def read_realm_object(path: Path, on_user: UserCallback) -> tuple[dict[str, Any], int]:
    """Read a realm or users file without keeping its users in memory.

    Returns the document without ``users`` and the number of users. Each
    user goes to ``on_user`` as soon as it is complete.
    """
    builder = ijson.ObjectBuilder()
    user_builder: Any = None
    depth = 0
    users = 0
    with open_json(path) as stream:
        for prefix, event, value in JsonEvents(path, stream):
            if prefix == "" and event == "map_key" and value == "users":
                continue
            if prefix == "users":
                if event not in ("start_array", "end_array", "null"):
                    raise KeycloakImportError(path, "$.users", "must be a JSON array")
                continue
            if prefix.startswith("users.item"):
                if user_builder is None:
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
    document = builder.value
    if not isinstance(document, dict):
        raise KeycloakImportError(path, "$", "must be a JSON object")
    return document, users


def iter_users(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield each element of the file's top-level ``users`` array, with its index."""
    with open_json(path) as stream:
        yield from enumerate(ijson.items(JsonEvents(path, stream), "users.item"))


def iter_realms(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield each realm of a file holding a JSON array of realms, whole."""
    with open_json(path) as stream:
        yield from enumerate(ijson.items(JsonEvents(path, stream), "item"))


def realm_names_in_array(path: Path) -> list[object]:
    """Return the ``realm`` member of each element of a top-level array.

    Reads parser events only, so no realm is built in memory. An element
    without a string ``realm`` gives None.
    """
    names: list[object] = []
    with open_json(path) as stream:
        for prefix, event, value in JsonEvents(path, stream):
            if prefix == "item" and event not in ("end_map", "end_array", "map_key"):
                names.append(None)
            elif prefix == "item.realm" and event == "string":
                names[-1] = value
    return names
