"""Conformance tests for bindings of accounts to applications."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain.errors import ConcurrencyConflict, DuplicateBinding, NotFound
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import (
    create_account,
    create_application,
    create_binding,
    expect,
    items,
    unit,
)


class BindingContract:
    def test_binding__create_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        account = create_account(store, tenant_id)
        application = create_application(store, tenant_id)
        before = harness.clock()

        with unit(store, tenant_id) as uow:
            binding = uow.bindings.create(
                account_id=account.id,
                application_id=application.id,
                roles=["editor", "admin", "editor"],
            )

        after = harness.clock()
        assert binding.tenant_id == tenant_id
        assert binding.account_id == account.id
        assert binding.application_id == application.id
        assert binding.roles == ("admin", "editor")
        assert binding.version == 1
        assert before < binding.created_at < after
        assert binding.updated_at == binding.created_at

    def test_binding__empty_roles(self, store: Store, tenant_id: UUID) -> None:
        binding = create_binding(store, tenant_id, roles=())

        assert binding.roles == ()

    def test_binding__needs_account_and_application(
        self, store: Store, tenant_id: UUID
    ) -> None:
        account = create_account(store, tenant_id)
        application = create_application(store, tenant_id)
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            no_account = expect(
                NotFound,
                lambda: uow.bindings.create(
                    account_id=missing_id, application_id=application.id, roles=()
                ),
            )
            no_application = expect(
                NotFound,
                lambda: uow.bindings.create(
                    account_id=account.id, application_id=missing_id, roles=()
                ),
            )

        assert no_account.entity == "account"
        assert no_account.key == missing_id
        assert no_application.entity == "application"
        assert no_application.key == missing_id

    def test_binding__get_and_find(self, store: Store, tenant_id: UUID) -> None:
        binding = create_binding(store, tenant_id)

        with unit(store, tenant_id) as uow:
            by_id = uow.bindings.get(binding.id)
            found = uow.bindings.find(binding.account_id, binding.application_id)

        assert by_id == binding
        assert found == binding

    def test_binding__get_missing(self, store: Store, tenant_id: UUID) -> None:
        binding = create_binding(store, tenant_id)
        application = create_application(store, tenant_id)
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.bindings.get(missing_id))
            found = expect(
                NotFound,
                lambda: uow.bindings.find(binding.account_id, application.id),
            )

        assert by_id.entity == "binding"
        assert by_id.key == missing_id
        assert found.entity == "binding"

    def test_binding__duplicate(self, store: Store, tenant_id: UUID) -> None:
        binding = create_binding(store, tenant_id)

        with unit(store, tenant_id) as uow:
            error = expect(
                DuplicateBinding,
                lambda: uow.bindings.create(
                    account_id=binding.account_id,
                    application_id=binding.application_id,
                    roles=["other"],
                ),
            )
            listed = items(uow.bindings.list)

        assert error.code == "duplicate_binding"
        assert error.field == "application_id"
        assert listed == [binding]

    def test_binding__update_roles(self, store: Store, tenant_id: UUID) -> None:
        binding = create_binding(store, tenant_id, roles=("viewer",))

        with unit(store, tenant_id) as uow:
            updated = uow.bindings.update(
                binding.id, expected_version=1, roles=["viewer", "editor"]
            )
            same = uow.bindings.update(
                binding.id, expected_version=2, roles=("editor", "viewer", "viewer")
            )
        with unit(store, tenant_id) as uow:
            reread = uow.bindings.get(binding.id)

        assert updated.roles == ("editor", "viewer")
        assert updated.version == 2
        assert updated.updated_at > binding.updated_at
        assert same == updated
        assert reread == updated

    def test_binding__stale_version(self, store: Store, tenant_id: UUID) -> None:
        binding = create_binding(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.bindings.update(binding.id, expected_version=1, roles=["admin"])

        with unit(store, tenant_id) as uow:
            on_update = expect(
                ConcurrencyConflict,
                lambda: uow.bindings.update(
                    binding.id, expected_version=1, roles=["owner"]
                ),
            )
            on_delete = expect(
                ConcurrencyConflict,
                lambda: uow.bindings.delete(binding.id, expected_version=1),
            )
            reread = uow.bindings.get(binding.id)

        assert on_update.entity == "binding"
        assert on_update.key == binding.id
        assert on_update.expected_version == 1
        assert on_delete.entity == "binding"
        assert reread.roles == ("admin",)

    def test_binding__delete(self, store: Store, tenant_id: UUID) -> None:
        binding = create_binding(store, tenant_id)

        with unit(store, tenant_id) as uow:
            uow.bindings.delete(binding.id, expected_version=1)
        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.bindings.get(binding.id))
            again = expect(
                NotFound, lambda: uow.bindings.delete(binding.id, expected_version=1)
            )
            rebound = uow.bindings.create(
                account_id=binding.account_id,
                application_id=binding.application_id,
                roles=(),
            )

        assert by_id.entity == "binding"
        assert again.entity == "binding"
        assert rebound.id != binding.id

    def test_binding__list_and_filter(self, store: Store, tenant_id: UUID) -> None:
        account = create_account(store, tenant_id)
        application = create_application(store, tenant_id)
        first = create_binding(
            store, tenant_id, account_id=account.id, application_id=application.id
        )
        by_account = create_binding(store, tenant_id, account_id=account.id)
        by_application = create_binding(store, tenant_id, application_id=application.id)

        with unit(store, tenant_id) as uow:
            every = items(uow.bindings.list)
            of_account = items(uow.bindings.list, account_id=account.id)
            of_application = items(uow.bindings.list, application_id=application.id)
            of_both = items(
                uow.bindings.list,
                account_id=account.id,
                application_id=application.id,
            )

        assert every == [first, by_account, by_application]
        assert of_account == [first, by_account]
        assert of_application == [first, by_application]
        assert of_both == [first]
