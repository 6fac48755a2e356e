"""Conformance tests for client applications."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain.entities import ApplicationStatus, JSONValue
from ue_store.domain.errors import ConcurrencyConflict, DuplicateClientId, NotFound
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import create_application, expect, items, suffix, unit

METADATA: dict[str, JSONValue] = {
    "redirect_uris": ["https://portal.example.test/callback"],
    "pkce": True,
    "token_ttl": 300,
    "ratio": 0.5,
    "logo": None,
    "nested": {"label": "Ünïcode ✓", "tags": []},
}


class ApplicationContract:
    def test_application__create_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        client_id = f"portal-{suffix()}"
        before = harness.clock()

        application = create_application(
            harness.store,
            tenant_id,
            client_id=client_id,
            name="Customer Portal",
            metadata=METADATA,
        )

        after = harness.clock()
        assert application.tenant_id == tenant_id
        assert application.client_id == client_id
        assert application.name == "Customer Portal"
        assert application.status is ApplicationStatus.ACTIVE
        assert application.metadata == METADATA
        assert application.version == 1
        assert before < application.created_at < after
        assert application.updated_at == application.created_at

    def test_application__metadata_defaults_empty(
        self, store: Store, tenant_id: UUID
    ) -> None:
        application = create_application(
            store, tenant_id, status=ApplicationStatus.DISABLED
        )

        assert application.metadata == {}
        assert application.status is ApplicationStatus.DISABLED

    def test_application__get_and_get_by_client_id(
        self, store: Store, tenant_id: UUID
    ) -> None:
        application = create_application(store, tenant_id, metadata=METADATA)

        with unit(store, tenant_id) as uow:
            by_id = uow.applications.get(application.id)
            by_client_id = uow.applications.get_by_client_id(application.client_id)

        assert by_id == application
        assert by_client_id == application
        assert by_id.metadata == METADATA

    def test_application__get_missing(self, store: Store, tenant_id: UUID) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.applications.get(missing_id))
            by_client_id = expect(
                NotFound,
                lambda: uow.applications.get_by_client_id(f"none-{suffix()}"),
            )

        assert by_id.entity == "application"
        assert by_id.key == missing_id
        assert by_client_id.entity == "application"

    def test_application__client_id_is_exact(
        self, store: Store, tenant_id: UUID
    ) -> None:
        application = create_application(store, tenant_id)
        upper = application.client_id.upper()

        with unit(store, tenant_id) as uow:
            missing = expect(NotFound, lambda: uow.applications.get_by_client_id(upper))
            second = uow.applications.create(client_id=upper, name="Upper Portal")

        assert missing.entity == "application"
        assert second.client_id == upper

    def test_application__duplicate_client_id(
        self, store: Store, tenant_id: UUID
    ) -> None:
        application = create_application(store, tenant_id)

        with unit(store, tenant_id) as uow:
            error = expect(
                DuplicateClientId,
                lambda: uow.applications.create(
                    client_id=application.client_id, name="Copy"
                ),
            )
            listed = items(uow.applications.list)

        assert error.code == "duplicate_client_id"
        assert error.field == "client_id"
        assert [row.id for row in listed] == [application.id]

    def test_application__update(self, store: Store, tenant_id: UUID) -> None:
        application = create_application(store, tenant_id)

        with unit(store, tenant_id) as uow:
            updated = uow.applications.update(
                application.id,
                expected_version=1,
                name="Renamed Portal",
                status=ApplicationStatus.DISABLED,
                metadata=METADATA,
            )
        with unit(store, tenant_id) as uow:
            reread = uow.applications.get(application.id)

        assert updated.name == "Renamed Portal"
        assert updated.status is ApplicationStatus.DISABLED
        assert updated.metadata == METADATA
        assert updated.client_id == application.client_id
        assert updated.version == 2
        assert updated.updated_at > application.updated_at
        assert reread == updated

    def test_application__noop_update(self, store: Store, tenant_id: UUID) -> None:
        application = create_application(store, tenant_id, metadata=METADATA)

        with unit(store, tenant_id) as uow:
            same = uow.applications.update(
                application.id,
                expected_version=1,
                name=application.name,
                status=application.status,
                metadata=dict(METADATA),
            )

        assert same == application

    def test_application__stale_version(self, store: Store, tenant_id: UUID) -> None:
        application = create_application(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.applications.update(application.id, expected_version=1, name="One")

        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.applications.update(
                    application.id, expected_version=1, name="Two"
                ),
            )
            reread = uow.applications.get(application.id)

        assert error.entity == "application"
        assert error.key == application.id
        assert error.expected_version == 1
        assert reread.name == "One"

    def test_application__list(self, store: Store, tenant_id: UUID) -> None:
        first = create_application(store, tenant_id)
        second = create_application(store, tenant_id)

        with unit(store, tenant_id) as uow:
            listed = items(uow.applications.list)

        assert listed == [first, second]
