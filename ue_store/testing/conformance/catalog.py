"""Conformance tests for catalog attribute definitions."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain.entities import ValueType
from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateCatalogKey,
    NotFound,
    ValidationError,
)
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import (
    create_application,
    create_attribute,
    expect,
    items,
    suffix,
    unit,
)


class CatalogContract:
    def test_catalog__define_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        key = f"department_{suffix()}"
        before = harness.clock()

        attribute = create_attribute(
            harness.store,
            tenant_id,
            key=key,
            value_type=ValueType.ENUM,
            required=True,
            allowed_values=["sales", "research", "sales"],
            sensitive=True,
        )

        after = harness.clock()
        assert attribute.tenant_id == tenant_id
        assert attribute.application_id is None
        assert attribute.key == key
        assert attribute.value_type is ValueType.ENUM
        assert attribute.required is True
        assert attribute.allowed_values == ("research", "sales")
        assert attribute.max_length is None
        assert attribute.sensitive is True
        assert attribute.version == 1
        assert before < attribute.created_at < after
        assert attribute.updated_at == attribute.created_at

    def test_catalog__define_defaults(self, store: Store, tenant_id: UUID) -> None:
        attribute = create_attribute(
            store, tenant_id, value_type=ValueType.STRING, max_length=40
        )

        assert attribute.required is False
        assert attribute.allowed_values == ()
        assert attribute.max_length == 40
        assert attribute.sensitive is False

    def test_catalog__define_for_application(
        self, store: Store, tenant_id: UUID
    ) -> None:
        application = create_application(store, tenant_id)
        key = f"locale_{suffix()}"

        tenant_wide = create_attribute(store, tenant_id, key=key)
        scoped = create_attribute(
            store, tenant_id, key=key, application_id=application.id
        )
        with unit(store, tenant_id) as uow:
            found_wide = uow.catalog.get_by_key(key)
            found_scoped = uow.catalog.get_by_key(key, application_id=application.id)

        assert scoped.application_id == application.id
        assert scoped.id != tenant_wide.id
        assert found_wide == tenant_wide
        assert found_scoped == scoped

    def test_catalog__define_needs_application(
        self, store: Store, tenant_id: UUID
    ) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            error = expect(
                NotFound,
                lambda: uow.catalog.define(
                    key="locale", value_type=ValueType.STRING, application_id=missing_id
                ),
            )

        assert error.entity == "application"
        assert error.key == missing_id

    def test_catalog__duplicate_key(self, store: Store, tenant_id: UUID) -> None:
        application = create_application(store, tenant_id)
        wide = create_attribute(store, tenant_id)
        scoped = create_attribute(
            store, tenant_id, key=wide.key, application_id=application.id
        )

        with unit(store, tenant_id) as uow:
            in_tenant = expect(
                DuplicateCatalogKey,
                lambda: uow.catalog.define(key=wide.key, value_type=ValueType.INTEGER),
            )
            in_application = expect(
                DuplicateCatalogKey,
                lambda: uow.catalog.define(
                    key=scoped.key,
                    value_type=ValueType.BOOLEAN,
                    application_id=application.id,
                ),
            )
            listed = items(uow.catalog.list)

        assert in_tenant.code == "duplicate_catalog_key"
        assert in_tenant.field == "key"
        assert in_application.code == "duplicate_catalog_key"
        assert listed == [wide, scoped]

    def test_catalog__get_missing(self, store: Store, tenant_id: UUID) -> None:
        application = create_application(store, tenant_id)
        wide = create_attribute(store, tenant_id)
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.catalog.get(missing_id))
            other_scope = expect(
                NotFound,
                lambda: uow.catalog.get_by_key(wide.key, application_id=application.id),
            )
            by_id_found = uow.catalog.get(wide.id)

        assert by_id.entity == "catalog attribute"
        assert by_id.key == missing_id
        assert other_scope.entity == "catalog attribute"
        assert by_id_found == wide

    def test_catalog__update(self, store: Store, tenant_id: UUID) -> None:
        attribute = create_attribute(store, tenant_id, value_type=ValueType.STRING)

        with unit(store, tenant_id) as uow:
            updated = uow.catalog.update(
                attribute.id,
                expected_version=1,
                required=True,
                allowed_values=["b", "a"],
                max_length=8,
                sensitive=True,
            )
            cleared = uow.catalog.update(
                attribute.id, expected_version=2, max_length=None
            )
        with unit(store, tenant_id) as uow:
            reread = uow.catalog.get(attribute.id)

        assert updated.required is True
        assert updated.allowed_values == ("a", "b")
        assert updated.max_length == 8
        assert updated.sensitive is True
        assert updated.version == 2
        assert updated.updated_at > attribute.updated_at
        assert updated.key == attribute.key
        assert updated.value_type is ValueType.STRING
        assert cleared.max_length is None
        assert cleared.version == 3
        assert reread == cleared

    def test_catalog__update_checks_limits(self, store: Store, tenant_id: UUID) -> None:
        attribute = create_attribute(store, tenant_id, value_type=ValueType.BOOLEAN)

        with unit(store, tenant_id) as uow:
            error = expect(
                ValidationError,
                lambda: uow.catalog.update(
                    attribute.id, expected_version=1, max_length=10
                ),
            )
            reread = uow.catalog.get(attribute.id)

        assert error.field == "max_length"
        assert reread == attribute

    def test_catalog__noop_update(self, store: Store, tenant_id: UUID) -> None:
        attribute = create_attribute(
            store, tenant_id, value_type=ValueType.ENUM, allowed_values=["x", "y"]
        )

        with unit(store, tenant_id) as uow:
            same = uow.catalog.update(
                attribute.id,
                expected_version=1,
                required=False,
                allowed_values=["y", "x"],
                max_length=None,
                sensitive=False,
            )

        assert same == attribute

    def test_catalog__stale_version(self, store: Store, tenant_id: UUID) -> None:
        attribute = create_attribute(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.catalog.update(attribute.id, expected_version=1, required=True)

        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.catalog.update(
                    attribute.id, expected_version=1, sensitive=True
                ),
            )

        assert error.entity == "catalog attribute"
        assert error.key == attribute.id
        assert error.expected_version == 1

    def test_catalog__list_by_scope(self, store: Store, tenant_id: UUID) -> None:
        first_app = create_application(store, tenant_id)
        second_app = create_application(store, tenant_id)
        wide = create_attribute(store, tenant_id)
        first = create_attribute(store, tenant_id, application_id=first_app.id)
        second = create_attribute(store, tenant_id, application_id=second_app.id)
        wide_later = create_attribute(store, tenant_id)

        with unit(store, tenant_id) as uow:
            every = items(uow.catalog.list)
            tenant_wide = items(uow.catalog.list, application_id=None)
            of_first = items(uow.catalog.list, application_id=first_app.id)

        assert every == [wide, first, second, wide_later]
        assert tenant_wide == [wide, wide_later]
        assert of_first == [first]
