"""Writes of one user: user, account, identities, bindings, groups, profile."""

from __future__ import annotations

from typing import Any

from ue_store.domain import rules
from ue_store.domain.entities import (
    Account,
    AccountKind,
    AccountStatus,
    CatalogAttribute,
    ProfileScalar,
    User,
    UserStatus,
    ValueType,
)
from ue_store.domain.errors import NotFound, ValidationError

from .errors import KeycloakImportError, child
from .users import FederatedIdentity, UserRecord
from .writer import RealmWriter, at


def claimed_email(user_name: str | None) -> str | None:
    """Return a federated userName as the identity's email when it is one.

    Providers often use the email as the userName, but not always, so only a
    value that passes the store's email check is kept.
    """
    if user_name is None or "@" not in user_name:
        return None
    try:
        return rules.check_email("email", user_name)[0]
    except ValidationError:
        return None


class UserWriter:
    """Writes users of one realm through the realm writer's unit of work."""

    def __init__(self, realm: RealmWriter) -> None:
        self.realm = realm
        self.uow = realm.uow
        self.summary = realm.summary

    def write(self, record: UserRecord) -> None:
        """Create or update everything one export user maps to."""
        self.summary.not_mapped.update(record.unmapped)
        if record.is_service_account:
            account, fresh = self._service_account(record)
            user = None
        else:
            user, account, fresh = self._human(record)
        for identity in record.identities:
            self._identity(account, identity, record)
        for client_id, roles in record.client_roles.items():
            self._binding(account, client_id, roles, record, fresh)
        for group_path, path in record.groups:
            self._membership(account, group_path, record.file, path, fresh)
        if user is not None:
            self._profile(user, record, fresh)

    def _human(self, record: UserRecord) -> tuple[User, Account, bool]:
        name, name_path = record.display_name()
        email_path = child(record.path, "email")
        username_path = child(record.path, "username")
        fields = {
            "display_name": name_path,
            "primary_email": email_path,
            "username": username_path,
        }
        status = UserStatus.ACTIVE if record.enabled else UserStatus.DISABLED
        with at(record.file, record.path, fields):
            account = self._find_account(record.username)
            if account is None:
                user = self.uow.users.create(
                    display_name=name, primary_email=record.email, status=status
                )
                account = self.uow.accounts.create_human(
                    user_id=user.id,
                    username=record.username,
                    status=_account_status(record.enabled),
                )
                self.summary.count("users", "created")
                self.summary.count("accounts", "created")
                return user, account, True
            if account.kind is not AccountKind.HUMAN or account.user_id is None:
                raise KeycloakImportError(
                    record.file,
                    username_path,
                    "names a service account in the store, but the export "
                    "has a user without serviceAccountClientId",
                )
            user = self._update_user(self.uow.users.get(account.user_id), record)
            account = self._update_account(account, record, "accounts")
        return user, account, False

    def _update_user(self, user: User, record: UserRecord) -> User:
        name, _ = record.display_name()
        changes: dict[str, Any] = {}
        if user.display_name != name:
            changes["display_name"] = name
        if user.primary_email != record.email:
            changes["primary_email"] = record.email
        wanted = UserStatus.ACTIVE if record.enabled else UserStatus.DISABLED
        if user.status is UserStatus.DELETED:
            # A user deleted in the store stays deleted; an import must not
            # bring it back.
            self.summary.notes["users deleted in the store, kept deleted"] += 1
        elif user.status is not wanted:
            changes["status"] = wanted
        if not changes:
            self.summary.count("users", "unchanged")
            return user
        self.summary.count("users", "updated")
        return self.uow.users.update(user.id, expected_version=user.version, **changes)

    def _update_account(
        self, account: Account, record: UserRecord, entity: str
    ) -> Account:
        wanted = _account_status(record.enabled)
        # A locked account stays locked when the export marks it enabled,
        # because the lock is the store's own state and Keycloak doesn't export it.
        keep = account.status is AccountStatus.LOCKED and record.enabled
        if keep or account.status is wanted:
            self.summary.count(entity, "unchanged")
            return account
        self.summary.count(entity, "updated")
        return self.uow.accounts.update(
            account.id, expected_version=account.version, status=wanted
        )

    def _service_account(self, record: UserRecord) -> tuple[Account, bool]:
        username_path = child(record.path, "username")
        with at(record.file, record.path, {"username": username_path}):
            account = self._find_account(record.username)
            if account is None:
                account = self.uow.accounts.create_service(
                    username=record.username, status=_account_status(record.enabled)
                )
                self.summary.count("service accounts", "created")
                return account, True
            if account.kind is not AccountKind.SERVICE:
                raise KeycloakImportError(
                    record.file,
                    username_path,
                    "names a human account in the store, but the export has a "
                    "service account",
                )
            return self._update_account(account, record, "service accounts"), False

    def _find_account(self, username: str) -> Account | None:
        try:
            return self.uow.accounts.get_by_username(username)
        except NotFound:
            return None

    def _identity(
        self, account: Account, identity: FederatedIdentity, record: UserRecord
    ) -> None:
        plan = self.realm.plan
        if plan.provider_aliases and identity.alias not in plan.provider_aliases:
            self.summary.notes[
                "federated identities of a provider the realm does not define"
            ] += 1
        issuer = plan.issuer_for(identity.alias)
        fields = {
            "issuer": child(identity.path, "identityProvider"),
            "subject": child(identity.path, "userId"),
        }
        with at(record.file, identity.path, fields):
            try:
                linked = self.uow.identities.find(issuer, identity.subject)
            except NotFound:
                self.uow.identities.link(
                    account_id=account.id,
                    issuer=issuer,
                    subject=identity.subject,
                    email=claimed_email(identity.user_name),
                )
                self.summary.count("external identities", "created")
                return
        if linked.account_id != account.id:
            raise KeycloakImportError(
                record.file,
                identity.path,
                "this identity provider and userId are already linked to "
                "another account",
            )
        self.summary.count("external identities", "unchanged")

    def _binding(
        self,
        account: Account,
        client_id: str,
        roles: tuple[str, ...],
        record: UserRecord,
        fresh: bool,
    ) -> None:
        path = record.role_paths[client_id]
        with at(record.file, path):
            wanted = rules.check_roles(roles)
        application = self.realm.application_for(client_id, record.file, path)
        bindings = self.uow.bindings
        with at(record.file, path):
            binding = None
            if not fresh:
                try:
                    binding = bindings.find(account.id, application.id)
                except NotFound:
                    binding = None
            if binding is None:
                if wanted:
                    bindings.create(
                        account_id=account.id,
                        application_id=application.id,
                        roles=wanted,
                    )
                    self.summary.count("bindings", "created")
                return
            if binding.roles == wanted:
                self.summary.count("bindings", "unchanged")
                return
            bindings.update(binding.id, expected_version=binding.version, roles=wanted)
        self.summary.count("bindings", "updated")

    def _membership(
        self, account: Account, group_path: str, file: str, path: str, fresh: bool
    ) -> None:
        group = self.realm.group_for(group_path, file, path)
        memberships = self.uow.memberships
        with at(file, path):
            if not fresh:
                try:
                    memberships.find(group.id, account.id)
                except NotFound:
                    pass
                else:
                    self.summary.count("memberships", "unchanged")
                    return
            memberships.add(group_id=group.id, account_id=account.id)
        self.summary.count("memberships", "created")

    def _profile(self, user: User, record: UserRecord, fresh: bool) -> None:
        stored = {} if fresh else self._stored_values(user)
        attributes_path = child(record.path, "attributes")
        for key, values in record.attributes.items():
            attribute = self.realm.catalog.get(key)
            path = child(attributes_path, key)
            if attribute is None:
                self.summary.count("profile values", "skipped")
                continue
            value = _profile_value(attribute, values, record.file, path)
            if value is None:
                continue
            current = stored.get(attribute.id)
            if current == value:
                self.summary.count("profile values", "unchanged")
                continue
            with at(record.file, path):
                self.uow.profiles.set(user.id, attribute.id, value)
            self.summary.count(
                "profile values", "created" if current is None else "updated"
            )

    def _stored_values(self, user: User) -> dict[Any, ProfileScalar]:
        values: dict[Any, ProfileScalar] = {}
        cursor = None
        while True:
            page = self.uow.profiles.list(
                user.id, after=cursor, limit=rules.PAGE_MAX_LIMIT
            )
            values.update((item.attribute_id, item.value) for item in page.items)
            cursor = page.next_cursor
            if cursor is None:
                return values


def _account_status(enabled: bool) -> AccountStatus:
    return AccountStatus.ACTIVE if enabled else AccountStatus.DISABLED


def _profile_value(
    attribute: CatalogAttribute, values: tuple[str, ...], file: str, path: str
) -> str | tuple[str, ...] | None:
    """Return the value to store, or None when the export has no value.

    Keycloak keeps an attribute without values as an empty list, which is
    the same as unset, so it is not written.
    """
    if not values:
        return None
    if attribute.value_type is ValueType.STRING_LIST:
        return values
    if len(values) > 1:
        raise KeycloakImportError(
            file,
            path,
            f"has {len(values)} values, but catalog attribute {attribute.key} "
            f"holds a single {attribute.value_type.value}",
        )
    return values[0]
