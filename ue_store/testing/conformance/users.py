"""Conformance tests for users."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain.entities import UserStatus
from ue_store.domain.errors import ConcurrencyConflict, DuplicateEmail, NotFound
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import create_user, email, expect, items, unit


class UserContract:
    def test_user__create_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        address = email()
        before = harness.clock()

        user = create_user(
            harness.store, tenant_id, display_name="Ada Lovelace", primary_email=address
        )

        after = harness.clock()
        assert isinstance(user.id, UUID)
        assert user.tenant_id == tenant_id
        assert user.display_name == "Ada Lovelace"
        assert user.primary_email == address
        assert user.status is UserStatus.ACTIVE
        assert user.version == 1
        assert before < user.created_at < after
        assert user.updated_at == user.created_at

    def test_user__create_without_email(self, store: Store, tenant_id: UUID) -> None:
        first = create_user(store, tenant_id, primary_email=None)
        second = create_user(store, tenant_id, primary_email=None)

        assert first.primary_email is None
        assert second.primary_email is None
        assert first.id != second.id

    def test_user__create_with_status(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id, status=UserStatus.DISABLED)

        assert user.status is UserStatus.DISABLED

    def test_user__get_and_get_by_email(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        assert user.primary_email is not None

        with unit(store, tenant_id) as uow:
            by_id = uow.users.get(user.id)
            by_email = uow.users.get_by_email(user.primary_email)

        assert by_id == user
        assert by_email == user

    def test_user__get_missing(self, store: Store, tenant_id: UUID) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.users.get(missing_id))
            by_email = expect(NotFound, lambda: uow.users.get_by_email(email()))

        assert by_id.entity == "user"
        assert by_id.key == missing_id
        assert by_email.entity == "user"

    def test_user__duplicate_email(self, store: Store, tenant_id: UUID) -> None:
        address = email()
        create_user(store, tenant_id, primary_email=address)

        with unit(store, tenant_id) as uow:
            error = expect(
                DuplicateEmail,
                lambda: uow.users.create(display_name="Bo Test", primary_email=address),
            )
            users = items(uow.users.list)

        assert error.code == "duplicate_email"
        assert error.field == "primary_email"
        assert len(users) == 1

    def test_user__update(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        address = email()

        with unit(store, tenant_id) as uow:
            updated = uow.users.update(
                user.id,
                expected_version=1,
                display_name="Ada King",
                primary_email=address,
                status=UserStatus.DISABLED,
            )
        with unit(store, tenant_id) as uow:
            reread = uow.users.get(user.id)
            by_email = uow.users.get_by_email(address)

        assert updated.version == 2
        assert updated.display_name == "Ada King"
        assert updated.primary_email == address
        assert updated.status is UserStatus.DISABLED
        assert updated.created_at == user.created_at
        assert updated.updated_at > user.updated_at
        assert reread == updated
        assert by_email == updated

    def test_user__update_frees_old_email(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        old = user.primary_email
        assert old is not None

        with unit(store, tenant_id) as uow:
            uow.users.update(user.id, expected_version=1, primary_email=None)
            missing = expect(NotFound, lambda: uow.users.get_by_email(old))
            other = uow.users.create(display_name="Bo Test", primary_email=old)

        assert missing.entity == "user"
        assert other.primary_email == old

    def test_user__update_to_taken_email(self, store: Store, tenant_id: UUID) -> None:
        taken = create_user(store, tenant_id)
        user = create_user(store, tenant_id)

        with unit(store, tenant_id) as uow:
            error = expect(
                DuplicateEmail,
                lambda: uow.users.update(
                    user.id, expected_version=1, primary_email=taken.primary_email
                ),
            )
            reread = uow.users.get(user.id)

        assert error.code == "duplicate_email"
        assert reread == user

    def test_user__update_email_case(self, store: Store, tenant_id: UUID) -> None:
        """A user may re-case its own email: the key stays its own."""
        user = create_user(store, tenant_id)
        assert user.primary_email is not None
        upper = user.primary_email.upper()

        with unit(store, tenant_id) as uow:
            updated = uow.users.update(user.id, expected_version=1, primary_email=upper)

        assert updated.primary_email == upper
        assert updated.version == 2

    def test_user__noop_update(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)

        with unit(store, tenant_id) as uow:
            same = uow.users.update(
                user.id,
                expected_version=1,
                display_name=user.display_name,
                primary_email=user.primary_email,
                status=user.status,
            )
            bare = uow.users.update(user.id, expected_version=1)

        assert same == user
        assert bare == user

    def test_user__stale_version(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.users.update(user.id, expected_version=1, display_name="Ada One")

        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.users.update(
                    user.id, expected_version=1, display_name="Ada Two"
                ),
            )
            reread = uow.users.get(user.id)

        assert error.entity == "user"
        assert error.key == user.id
        assert error.expected_version == 1
        assert reread.display_name == "Ada One"
        assert reread.version == 2

    def test_user__update_missing(self, store: Store, tenant_id: UUID) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            error = expect(
                NotFound,
                lambda: uow.users.update(
                    missing_id, expected_version=1, display_name="Nobody"
                ),
            )

        assert error.entity == "user"
        assert error.key == missing_id

    def test_user__list_and_filter(self, store: Store, tenant_id: UUID) -> None:
        active = create_user(store, tenant_id)
        disabled = create_user(store, tenant_id, status=UserStatus.DISABLED)
        later = create_user(store, tenant_id)

        with unit(store, tenant_id) as uow:
            every = items(uow.users.list)
            only_disabled = items(uow.users.list, status=UserStatus.DISABLED)
            only_active = items(uow.users.list, status=UserStatus.ACTIVE)

        assert [user.id for user in every] == [active.id, disabled.id, later.id]
        assert [user.id for user in only_disabled] == [disabled.id]
        assert [user.id for user in only_active] == [active.id, later.id]
        assert every[0] == active
