"""The first pass over a realm's users, before anything is written.

It checks every user's types, finds usernames and emails that collide after
normalisation, and records the shape of each custom attribute so that the
catalog can be inferred. It keeps one username key and one email key per
user, so its memory grows with the number of users (about 350 bytes each,
measured by benchmarks/keycloak_import.py), but it never keeps a user list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ue_store.domain.entities import ValueType
from ue_store.domain.rules import normalise_key

from .errors import KeycloakImportError, child
from .summary import SkippedItem
from .userprofile import ProfileAttribute
from .users import UserRecord, parse_user


@dataclass(slots=True)
class UserScan:
    """Findings of the first pass over a realm's users.

    ``skipped`` maps (file, JSON path) of each user left out under
    ``--on-conflict=skip`` to the reason; the write pass leaves them out too.
    """

    skip_invalid: bool
    users: int = 0
    skipped: dict[tuple[str, str], SkippedItem] = field(default_factory=dict)
    inferred: dict[str, ProfileAttribute] = field(default_factory=dict)
    _usernames: dict[str, tuple[str, str]] = field(default_factory=dict)
    _emails: dict[str, tuple[str, str]] = field(default_factory=dict)

    def scan(self, file: str, path: str, raw: Any) -> None:
        """Check one user; raise, or record it as skipped, when it breaks a rule."""
        self.users += 1
        try:
            record = parse_user(raw, file, path)
            self._check_unique(record)
        except KeycloakImportError as error:
            if not self.skip_invalid:
                raise
            self.skipped[(file, path)] = SkippedItem(file, error.path, error.rule)
            return
        self._observe_attributes(record)

    def _check_unique(self, record: UserRecord) -> None:
        location = (record.file, record.path)
        username_key = normalise_key(record.username)
        first = self._usernames.get(username_key)
        if first is not None:
            raise KeycloakImportError(
                record.file,
                child(record.path, "username"),
                "collides after normalisation with the username of "
                + _locate(first, record.file),
            )
        if record.email is not None and not record.is_service_account:
            email_key = normalise_key(record.email)
            first = self._emails.get(email_key)
            if first is not None:
                raise KeycloakImportError(
                    record.file,
                    child(record.path, "email"),
                    "collides after normalisation with the email of "
                    + _locate(first, record.file),
                )
            self._emails[email_key] = location
        self._usernames[username_key] = location

    def _observe_attributes(self, record: UserRecord) -> None:
        """Infer string_list for a key with several values anywhere, else string."""
        for key, values in record.attributes.items():
            known = self.inferred.get(key)
            if known is not None and known.value_type is ValueType.STRING_LIST:
                continue
            observed = ValueType.STRING_LIST if len(values) > 1 else ValueType.STRING
            if known is None or observed is ValueType.STRING_LIST:
                path = child(child(record.path, "attributes"), key)
                self.inferred[key] = ProfileAttribute(key, observed, record.file, path)


def _locate(first: tuple[str, str], file: str) -> str:
    """Name the user seen first: its JSON path, and its file if another one."""
    first_file, first_path = first
    return first_path if first_file == file else f"{first_path} in {first_file}"
