"""Conformance tests for human and service accounts."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain.entities import AccountKind, AccountStatus
from ue_store.domain.errors import ConcurrencyConflict, DuplicateUsername, NotFound
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import (
    create_account,
    create_service_account,
    create_user,
    expect,
    items,
    suffix,
    unit,
)


class AccountContract:
    def test_account__create_human(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        user = create_user(store, tenant_id)
        username = f"ada-{suffix()}"
        before = harness.clock()

        with unit(store, tenant_id) as uow:
            account = uow.accounts.create_human(user_id=user.id, username=username)

        after = harness.clock()
        assert account.tenant_id == tenant_id
        assert account.kind is AccountKind.HUMAN
        assert account.user_id == user.id
        assert account.username == username
        assert account.status is AccountStatus.ACTIVE
        assert account.version == 1
        assert before < account.created_at < after
        assert account.updated_at == account.created_at

    def test_account__create_service(self, store: Store, tenant_id: UUID) -> None:
        username = f"robot-{suffix()}"

        with unit(store, tenant_id) as uow:
            account = uow.accounts.create_service(
                username=username, status=AccountStatus.LOCKED
            )

        assert account.kind is AccountKind.SERVICE
        assert account.user_id is None
        assert account.username == username
        assert account.status is AccountStatus.LOCKED
        assert account.version == 1

    def test_account__human_needs_user(self, store: Store, tenant_id: UUID) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            error = expect(
                NotFound,
                lambda: uow.accounts.create_human(
                    user_id=missing_id, username=f"ghost-{suffix()}"
                ),
            )

        assert error.entity == "user"
        assert error.key == missing_id

    def test_account__get_and_get_by_username(
        self, store: Store, tenant_id: UUID
    ) -> None:
        account = create_account(store, tenant_id)

        with unit(store, tenant_id) as uow:
            by_id = uow.accounts.get(account.id)
            by_username = uow.accounts.get_by_username(account.username)

        assert by_id == account
        assert by_username == account

    def test_account__get_missing(self, store: Store, tenant_id: UUID) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.accounts.get(missing_id))
            by_name = expect(
                NotFound, lambda: uow.accounts.get_by_username(f"nobody-{suffix()}")
            )

        assert by_id.entity == "account"
        assert by_id.key == missing_id
        assert by_name.entity == "account"

    def test_account__duplicate_username(self, store: Store, tenant_id: UUID) -> None:
        human = create_account(store, tenant_id)
        user = create_user(store, tenant_id)

        with unit(store, tenant_id) as uow:
            as_service = expect(
                DuplicateUsername,
                lambda: uow.accounts.create_service(username=human.username),
            )
            as_human = expect(
                DuplicateUsername,
                lambda: uow.accounts.create_human(
                    user_id=user.id, username=human.username
                ),
            )
            accounts = items(uow.accounts.list)

        assert as_service.code == "duplicate_username"
        assert as_service.field == "username"
        assert as_human.code == "duplicate_username"
        assert [account.id for account in accounts] == [human.id]

    def test_account__user_may_have_several(
        self, store: Store, tenant_id: UUID
    ) -> None:
        user = create_user(store, tenant_id)

        first = create_account(store, tenant_id, user_id=user.id)
        second = create_account(store, tenant_id, user_id=user.id)

        assert first.user_id == user.id
        assert second.user_id == user.id
        assert first.id != second.id

    def test_account__update(self, store: Store, tenant_id: UUID) -> None:
        account = create_account(store, tenant_id)
        username = f"renamed-{suffix()}"

        with unit(store, tenant_id) as uow:
            updated = uow.accounts.update(
                account.id,
                expected_version=1,
                username=username,
                status=AccountStatus.DISABLED,
            )
            old_name = expect(
                NotFound, lambda: uow.accounts.get_by_username(account.username)
            )
            reused = uow.accounts.create_service(username=account.username)
        with unit(store, tenant_id) as uow:
            reread = uow.accounts.get_by_username(username)

        assert updated.username == username
        assert updated.status is AccountStatus.DISABLED
        assert updated.version == 2
        assert updated.updated_at > account.updated_at
        assert updated.kind is AccountKind.HUMAN
        assert updated.user_id == account.user_id
        assert reread == updated
        assert old_name.entity == "account"
        assert reused.username == account.username

    def test_account__update_to_taken_username(
        self, store: Store, tenant_id: UUID
    ) -> None:
        taken = create_service_account(store, tenant_id)
        account = create_service_account(store, tenant_id)

        with unit(store, tenant_id) as uow:
            error = expect(
                DuplicateUsername,
                lambda: uow.accounts.update(
                    account.id, expected_version=1, username=taken.username.upper()
                ),
            )
            reread = uow.accounts.get(account.id)

        assert error.code == "duplicate_username"
        assert reread == account

    def test_account__noop_update(self, store: Store, tenant_id: UUID) -> None:
        account = create_account(store, tenant_id)

        with unit(store, tenant_id) as uow:
            same = uow.accounts.update(
                account.id,
                expected_version=1,
                username=account.username,
                status=account.status,
            )

        assert same == account

    def test_account__stale_version(self, store: Store, tenant_id: UUID) -> None:
        account = create_account(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.accounts.update(
                account.id, expected_version=1, status=AccountStatus.LOCKED
            )

        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.accounts.update(
                    account.id, expected_version=1, status=AccountStatus.DISABLED
                ),
            )
            reread = uow.accounts.get(account.id)

        assert error.entity == "account"
        assert error.key == account.id
        assert error.expected_version == 1
        assert reread.status is AccountStatus.LOCKED

    def test_account__list_and_filter(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        first = create_account(store, tenant_id, user_id=user.id)
        service = create_service_account(store, tenant_id)
        other = create_account(store, tenant_id)
        second = create_account(store, tenant_id, user_id=user.id)

        with unit(store, tenant_id) as uow:
            every = items(uow.accounts.list)
            of_user = items(uow.accounts.list, user_id=user.id)

        expected = [first.id, service.id, other.id, second.id]
        assert [account.id for account in every] == expected
        assert [account.id for account in of_user] == [first.id, second.id]
