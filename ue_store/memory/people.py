"""The user and account repositories of the in-memory store."""

from __future__ import annotations

import functools
from typing import Any
from uuid import UUID, uuid4

from ue_store.domain import inputs, rules
from ue_store.domain.entities import (
    Account,
    AccountKind,
    AccountStatus,
    User,
    UserStatus,
)
from ue_store.domain.errors import DuplicateEmail, DuplicateUsername, NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from .base import Repository, optional_uuid, page_by_time

# Uniqueness checks scan the tenant's rows, so each stored key is computed
# once and cached rather than normalised again on every write.
_normalise_key = functools.lru_cache(maxsize=65536)(rules.normalise_key)


class MemoryUserRepository(Repository):
    def create(
        self,
        *,
        display_name: str,
        primary_email: str | None = None,
        status: UserStatus = UserStatus.ACTIVE,
    ) -> User:
        with self._writing():
            fields = inputs.user_fields(
                display_name=display_name,
                primary_email=primary_email,
                status=status,
                creating=True,
            )
            self._require_tenant()
            self._check_email_free(fields["primary_email"], None)
            now = self._now()
            user = User(
                tenant_id=self._tenant_id,
                id=uuid4(),
                created_at=now,
                updated_at=now,
                version=1,
                **fields,
            )
            self._put(self._tables.users, user.id, user)
            self._record_change("created", user, now)
            return user

    def get(self, user_id: UUID) -> User:
        self._reading()
        checked = rules.check_uuid("user_id", user_id)
        return self._fetch(self._tables.users, "user", checked)

    def get_by_email(self, email: str) -> User:
        self._reading()
        _, key = rules.check_email("email", email)
        user = self._find_by_email_key(key)
        if user is None:
            # The email is personal data, so the error does not repeat it.
            raise NotFound("user", "with this email")
        return user

    def update(
        self,
        user_id: UUID,
        *,
        expected_version: int,
        display_name: str | Unset = UNSET,
        primary_email: str | Unset | None = UNSET,
        status: UserStatus | Unset = UNSET,
    ) -> User:
        with self._writing():
            checked_id = rules.check_uuid("user_id", user_id)
            version = rules.check_version(expected_version)
            fields = inputs.user_fields(
                display_name=display_name, primary_email=primary_email, status=status
            )
            self._require_tenant()
            current = self._fetch_at_version(
                self._tables.users, "user", checked_id, version
            )
            if "primary_email" in fields:
                self._check_email_free(fields["primary_email"], checked_id)
            user, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            self._put(self._tables.users, user.id, user)
            self._record_change("updated", user, user.updated_at, changed)
            return user

    def list(
        self,
        *,
        status: UserStatus | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[User]:
        self._reading()
        status_filter = None
        if status is not None:
            status_filter = inputs.check_choice("status", UserStatus, status)
        rows = [
            user
            for user in self._tables.users.rows(self._tenant_id)
            if status_filter is None or user.status is status_filter
        ]
        return page_by_time(rows, lambda user: (user.created_at, user.id), after, limit)

    def _find_by_email_key(self, key: str) -> User | None:
        return self._tables.users.find(self._tenant_id, "email", key)

    def _check_email_free(self, email: str | None, owner_id: UUID | None) -> None:
        """Raise DuplicateEmail when another user of the tenant has the email key."""
        if email is None:
            return
        other = self._find_by_email_key(_normalise_key(email))
        if other is not None and other.id != owner_id:
            raise DuplicateEmail()


class MemoryAccountRepository(Repository):
    def create_human(
        self,
        *,
        user_id: UUID,
        username: str,
        status: AccountStatus = AccountStatus.ACTIVE,
    ) -> Account:
        with self._writing():
            checked_user = rules.check_uuid("user_id", user_id)
            fields = inputs.account_fields(
                username=username, status=status, creating=True
            )
            self._require_tenant()
            self._fetch(self._tables.users, "user", checked_user)
            return self._create(AccountKind.HUMAN, checked_user, fields)

    def create_service(
        self, *, username: str, status: AccountStatus = AccountStatus.ACTIVE
    ) -> Account:
        with self._writing():
            fields = inputs.account_fields(
                username=username, status=status, creating=True
            )
            self._require_tenant()
            return self._create(AccountKind.SERVICE, None, fields)

    def get(self, account_id: UUID) -> Account:
        self._reading()
        checked = rules.check_uuid("account_id", account_id)
        return self._fetch(self._tables.accounts, "account", checked)

    def get_by_username(self, username: str) -> Account:
        self._reading()
        _, key = rules.check_username(username)
        account = self._find_by_username_key(key)
        if account is None:
            # The username is personal data, so the error does not repeat it.
            raise NotFound("account", "with this username")
        return account

    def update(
        self,
        account_id: UUID,
        *,
        expected_version: int,
        username: str | Unset = UNSET,
        status: AccountStatus | Unset = UNSET,
    ) -> Account:
        with self._writing():
            checked_id = rules.check_uuid("account_id", account_id)
            version = rules.check_version(expected_version)
            fields = inputs.account_fields(username=username, status=status)
            self._require_tenant()
            current = self._fetch_at_version(
                self._tables.accounts, "account", checked_id, version
            )
            if "username" in fields:
                self._check_username_free(fields["username"], checked_id)
            account, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            self._put(self._tables.accounts, account.id, account)
            self._record_change("updated", account, account.updated_at, changed)
            return account

    def list(
        self,
        *,
        user_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Account]:
        self._reading()
        user_filter = optional_uuid("user_id", user_id)
        rows = [
            account
            for account in self._tables.accounts.rows(self._tenant_id)
            if user_filter is None or account.user_id == user_filter
        ]
        return page_by_time(
            rows, lambda account: (account.created_at, account.id), after, limit
        )

    def _create(
        self, kind: AccountKind, user_id: UUID | None, fields: dict[str, Any]
    ) -> Account:
        self._check_username_free(fields["username"], None)
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
        self._put(self._tables.accounts, account.id, account)
        self._record_change("created", account, now)
        return account

    def _find_by_username_key(self, key: str) -> Account | None:
        return self._tables.accounts.find(self._tenant_id, "username", key)

    def _check_username_free(self, username: str, owner_id: UUID | None) -> None:
        """Raise DuplicateUsername when another account has the username key."""
        other = self._find_by_username_key(_normalise_key(username))
        if other is not None and other.id != owner_id:
            raise DuplicateUsername()
