"""The user and account repositories of the PostgreSQL store."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from ue_store import models
from ue_store.domain import inputs, rules
from ue_store.domain.entities import (
    Account,
    AccountKind,
    AccountStatus,
    User,
    UserStatus,
)
from ue_store.domain.errors import NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from . import convert
from .base import Reference, Repository, optional_uuid, page_by_time


def email_columns(email: str | None) -> dict[str, Any]:
    """Return the email and its key columns, all None when the email is unset."""
    if email is None:
        return {"primary_email": None, "email_key": None}
    return {"primary_email": email, "email_key": rules.normalise_key(email)}


def username_columns(username: str) -> dict[str, Any]:
    return {"username": username, "username_key": rules.normalise_key(username)}


class PostgresUserRepository(Repository):
    def create(
        self,
        *,
        display_name: str,
        primary_email: str | None = None,
        status: UserStatus = UserStatus.ACTIVE,
    ) -> User:
        fields = inputs.user_fields(
            display_name=display_name,
            primary_email=primary_email,
            status=status,
            creating=True,
        )
        with self._writing():
            now = self._now()
            user = User(
                tenant_id=self._tenant_id,
                id=uuid4(),
                created_at=now,
                updated_at=now,
                version=1,
                **fields,
            )
            self._insert(
                models.User(
                    tenant_id=user.tenant_id,
                    id=user.id,
                    display_name=user.display_name,
                    status=user.status.value,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    **email_columns(user.primary_email),
                )
            )
            self._record_change("created", user, now)
            return user

    def get(self, user_id: UUID) -> User:
        checked = rules.check_uuid("user_id", user_id)
        with self._reading():
            return convert.user(self._get(models.User, "user", checked))

    def get_by_email(self, email: str) -> User:
        _, key = rules.check_email("email", email)
        with self._reading():
            row = self._rows(models.User).filter(email_key=key).first()
        if row is None:
            # The email is personal data, so the error does not repeat it.
            raise NotFound("user", "with this email")
        return convert.user(row)

    def update(
        self,
        user_id: UUID,
        *,
        expected_version: int,
        display_name: str | Unset = UNSET,
        primary_email: str | Unset | None = UNSET,
        status: UserStatus | Unset = UNSET,
    ) -> User:
        checked_id = rules.check_uuid("user_id", user_id)
        version = rules.check_version(expected_version)
        fields = inputs.user_fields(
            display_name=display_name, primary_email=primary_email, status=status
        )
        with self._writing():
            row = self._lock(models.User, "user", checked_id, version)
            current = convert.user(row)
            user, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            columns = convert.column_values({name: fields[name] for name in changed})
            if "primary_email" in changed:
                columns.update(email_columns(user.primary_email))
            self._update(
                models.User,
                checked_id,
                **columns,
                updated_at=user.updated_at,
                version=user.version,
            )
            self._record_change("updated", user, user.updated_at, changed)
            return user

    def list(
        self,
        *,
        status: UserStatus | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[User]:
        rows = self._rows(models.User)
        if status is not None:
            checked = inputs.check_choice("status", UserStatus, status)
            rows = rows.filter(status=checked.value)
        with self._reading():
            return page_by_time(rows, convert.user, after, limit)


class PostgresAccountRepository(Repository):
    def create_human(
        self,
        *,
        user_id: UUID,
        username: str,
        status: AccountStatus = AccountStatus.ACTIVE,
    ) -> Account:
        checked_user = rules.check_uuid("user_id", user_id)
        fields = inputs.account_fields(username=username, status=status, creating=True)
        with self._writing(Reference("user", models.User, checked_user)):
            return self._create(AccountKind.HUMAN, checked_user, fields)

    def create_service(
        self, *, username: str, status: AccountStatus = AccountStatus.ACTIVE
    ) -> Account:
        fields = inputs.account_fields(username=username, status=status, creating=True)
        with self._writing():
            return self._create(AccountKind.SERVICE, None, fields)

    def get(self, account_id: UUID) -> Account:
        checked = rules.check_uuid("account_id", account_id)
        with self._reading():
            return convert.account(self._get(models.Account, "account", checked))

    def get_by_username(self, username: str) -> Account:
        _, key = rules.check_username(username)
        with self._reading():
            row = self._rows(models.Account).filter(username_key=key).first()
        if row is None:
            # The username is personal data, so the error does not repeat it.
            raise NotFound("account", "with this username")
        return convert.account(row)

    def update(
        self,
        account_id: UUID,
        *,
        expected_version: int,
        username: str | Unset = UNSET,
        status: AccountStatus | Unset = UNSET,
    ) -> Account:
        checked_id = rules.check_uuid("account_id", account_id)
        version = rules.check_version(expected_version)
        fields = inputs.account_fields(username=username, status=status)
        with self._writing():
            row = self._lock(models.Account, "account", checked_id, version)
            current = convert.account(row)
            account, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            columns = convert.column_values({name: fields[name] for name in changed})
            if "username" in changed:
                columns.update(username_columns(account.username))
            self._update(
                models.Account,
                checked_id,
                **columns,
                updated_at=account.updated_at,
                version=account.version,
            )
            self._record_change("updated", account, account.updated_at, changed)
            return account

    def list(
        self,
        *,
        user_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Account]:
        user_filter = optional_uuid("user_id", user_id)
        rows = self._rows(models.Account)
        if user_filter is not None:
            rows = rows.filter(user_id=user_filter)
        with self._reading():
            return page_by_time(rows, convert.account, after, limit)

    def _create(
        self, kind: AccountKind, user_id: UUID | None, fields: dict[str, Any]
    ) -> Account:
        now = self._now()
        account = Account(
            tenant_id=self._tenant_id,
            id=uuid4(),
            kind=kind,
            user_id=user_id,
            **fields,
            created_at=now,
            updated_at=now,
            version=1,
        )
        self._insert(
            models.Account(
                tenant_id=account.tenant_id,
                id=account.id,
                kind=kind.value,
                user_id=user_id,
                status=account.status.value,
                created_at=now,
                updated_at=now,
                version=1,
                **username_columns(account.username),
            )
        )
        self._record_change("created", account, now)
        return account
