"""Conformance tests for tenant accounts."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain.entities import TenantStatus, ValueType
from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateTenant,
    DuplicateTenantSlug,
    NotFound,
)
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import create_user, expect, suffix, unit


class TenantContract:
    def test_tenant__create_returns_record(self, harness: StoreHarness) -> None:
        store = harness.store
        tenant_id = uuid4()
        slug = f"acme-{suffix()}"
        before = harness.clock()

        with unit(store, tenant_id) as uow:
            tenant = uow.tenants.create(slug=slug, display_name="Acme Test")

        after = harness.clock()
        assert tenant.id == tenant_id
        assert tenant.slug == slug
        assert tenant.display_name == "Acme Test"
        assert tenant.status is TenantStatus.ACTIVE
        assert tenant.version == 1
        assert before < tenant.created_at < after
        assert tenant.updated_at == tenant.created_at

    def test_tenant__create_with_status(self, store: Store) -> None:
        with unit(store, uuid4()) as uow:
            tenant = uow.tenants.create(
                slug=f"paused-{suffix()}",
                display_name="Paused Test",
                status=TenantStatus.SUSPENDED,
            )

        assert tenant.status is TenantStatus.SUSPENDED

    def test_tenant__get_and_find_by_slug(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            tenant = uow.tenants.get()

        found = store.find_tenant_by_slug(tenant.slug)

        assert tenant.id == tenant_id
        assert found == tenant

    def test_tenant__find_by_missing_slug(self, store: Store) -> None:
        error = expect(
            NotFound, lambda: store.find_tenant_by_slug(f"missing-{suffix()}")
        )

        assert error.entity == "tenant account"

    def test_tenant__get_without_account(self, store: Store) -> None:
        with unit(store, uuid4()) as uow:
            error = expect(NotFound, uow.tenants.get)

        assert error.entity == "tenant account"

    def test_tenant__duplicate_id(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            error = expect(
                DuplicateTenant,
                lambda: uow.tenants.create(
                    slug=f"again-{suffix()}", display_name="Again Test"
                ),
            )

        assert error.code == "duplicate_tenant"
        assert error.field == "id"

    def test_tenant__duplicate_slug(self, store: Store, tenant_id: UUID) -> None:
        slug = store_slug(store, tenant_id)

        with unit(store, uuid4()) as uow:
            error = expect(
                DuplicateTenantSlug,
                lambda: uow.tenants.create(slug=slug, display_name="Copy Test"),
            )
            missing = expect(NotFound, uow.tenants.get)

        assert error.code == "duplicate_tenant_slug"
        assert error.field == "slug"
        assert missing.entity == "tenant account"

    def test_tenant__update(self, harness: StoreHarness, tenant_id: UUID) -> None:
        store = harness.store
        with unit(store, tenant_id) as uow:
            updated = uow.tenants.update(
                expected_version=1,
                display_name="Renamed Test",
                status=TenantStatus.SUSPENDED,
            )
        with unit(store, tenant_id) as uow:
            reread = uow.tenants.get()

        assert updated.version == 2
        assert updated.display_name == "Renamed Test"
        assert updated.status is TenantStatus.SUSPENDED
        assert updated.updated_at > updated.created_at
        assert reread == updated

    def test_tenant__noop_update_keeps_version(
        self, store: Store, tenant_id: UUID
    ) -> None:
        with unit(store, tenant_id) as uow:
            current = uow.tenants.get()
            same = uow.tenants.update(
                expected_version=1, display_name=current.display_name
            )

        assert same == current

    def test_tenant__stale_version(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            uow.tenants.update(expected_version=1, display_name="First Test")
        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.tenants.update(
                    expected_version=1, display_name="Second Test"
                ),
            )
            current = uow.tenants.get()

        assert error.entity == "tenant account"
        assert error.key == tenant_id
        assert error.expected_version == 1
        assert current.display_name == "First Test"
        assert current.version == 2

    def test_tenant__writes_need_account(self, store: Store) -> None:
        """Every write but tenants.create needs the unit's tenant account."""
        with unit(store, uuid4()) as uow:
            errors = [
                expect(NotFound, lambda: uow.users.create(display_name="Ada Test")),
                expect(NotFound, lambda: uow.accounts.create_service(username="robot")),
                expect(
                    NotFound,
                    lambda: uow.applications.create(client_id="app", name="App"),
                ),
                expect(NotFound, lambda: uow.groups.create(name="Staff")),
                expect(
                    NotFound,
                    lambda: uow.catalog.define(
                        key="locale", value_type=ValueType.STRING
                    ),
                ),
                expect(
                    NotFound,
                    lambda: uow.tenants.update(
                        expected_version=1, display_name="Nobody"
                    ),
                ),
            ]

        assert [error.entity for error in errors] == ["tenant account"] * 6

    def test_tenant__account_created_later_allows_writes(self, store: Store) -> None:
        tenant_id = uuid4()
        with unit(store, tenant_id) as uow:
            uow.tenants.create(slug=f"late-{suffix()}", display_name="Late Test")
            user = uow.users.create(display_name="Ada Test")

        assert user.tenant_id == tenant_id
        assert create_user(store, tenant_id).tenant_id == tenant_id


def store_slug(store: Store, tenant_id: UUID) -> str:
    with unit(store, tenant_id) as uow:
        return uow.tenants.get().slug
