"""Conformance tests for units of work: commit, rollback and savepoints."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from ue_store.domain.errors import DuplicateEmail, NotFound, ValidationError
from ue_store.domain.protocol import Store

from .support import (
    ACTOR,
    actions,
    create_user,
    email,
    expect,
    items,
    outbox_events,
    unit,
)


class Boom(Exception):
    """An error from caller code inside a unit of work."""


class UnitContract:
    def test_unit__commits_on_exit(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            user = uow.users.create(display_name="Ada Test", primary_email=email())
            inside = uow.users.get(user.id)
            uow_tenant = uow.tenant_id

        with unit(store, tenant_id) as uow:
            reread = uow.users.get(user.id)

        assert uow_tenant == tenant_id
        assert inside == user
        assert reread == user

    def test_unit__rolls_back_on_error(self, store: Store, tenant_id: UUID) -> None:
        before = actions(store, tenant_id)
        events_before = outbox_events(store, tenant_id)

        with pytest.raises(Boom), unit(store, tenant_id) as uow:
            user = uow.users.create(display_name="Ada Test", primary_email=email())
            uow.tenants.update(expected_version=1, display_name="Changed Test")
            raise Boom

        with unit(store, tenant_id) as uow:
            missing = expect(NotFound, lambda: uow.users.get(user.id))
            tenant = uow.tenants.get()
            users = items(uow.users.list)

        assert missing.entity == "user"
        assert tenant.version == 1
        assert users == []
        assert actions(store, tenant_id) == before
        assert outbox_events(store, tenant_id) == events_before

    def test_unit__rollback_frees_unique_values(
        self, store: Store, tenant_id: UUID
    ) -> None:
        address = email()
        with pytest.raises(Boom), unit(store, tenant_id) as uow:
            uow.users.create(display_name="Ada Test", primary_email=address)
            raise Boom

        user = create_user(store, tenant_id, primary_email=address)

        assert user.primary_email == address

    def test_unit__nested_failure_undoes_inner(
        self, store: Store, tenant_id: UUID
    ) -> None:
        with unit(store, tenant_id) as uow:
            outer = uow.users.create(display_name="Outer Test", primary_email=email())
            with pytest.raises(Boom), uow.nested() as inner_uow:
                inner = inner_uow.users.create(display_name="Inner Test")
                inner_uow.users.update(
                    outer.id, expected_version=1, display_name="Inner Rename"
                )
                raise Boom
            missing_inside = expect(NotFound, lambda: uow.users.get(inner.id))
            after = uow.users.create(display_name="After Test")

        with unit(store, tenant_id) as uow:
            listed = items(uow.users.list)

        assert missing_inside.entity == "user"
        assert listed == [outer, after]
        assert actions(store, tenant_id) == [
            "tenant.created",
            "user.created",
            "user.created",
        ]

    def test_unit__nested_success_commits(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow, uow.nested() as inner_uow:
            inner = inner_uow.users.create(display_name="Inner Test")
            seen_by_inner = inner_uow.tenant_id

        with unit(store, tenant_id) as uow:
            reread = uow.users.get(inner.id)

        assert seen_by_inner == tenant_id
        assert reread == inner

    def test_unit__outer_failure_undoes_nested(
        self, store: Store, tenant_id: UUID
    ) -> None:
        with pytest.raises(Boom), unit(store, tenant_id) as uow:
            with uow.nested() as inner_uow:
                inner_uow.users.create(display_name="Inner Test")
            raise Boom

        with unit(store, tenant_id) as uow:
            listed = items(uow.users.list)

        assert listed == []

    def test_unit__twice_nested(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            with uow.nested() as middle:
                kept = middle.users.create(display_name="Middle Test")
                with pytest.raises(Boom), middle.nested() as deepest:
                    deepest.users.create(display_name="Deepest Test")
                    raise Boom
            top = uow.users.create(display_name="Top Test")

        with unit(store, tenant_id) as uow:
            listed = items(uow.users.list)

        assert listed == [kept, top]

    def test_unit__usable_after_failed_write(
        self, store: Store, tenant_id: UUID
    ) -> None:
        taken = create_user(store, tenant_id)

        with unit(store, tenant_id) as uow:
            expect(
                DuplicateEmail,
                lambda: uow.users.create(
                    display_name="Copy Test", primary_email=taken.primary_email
                ),
            )
            expect(
                ValidationError,
                lambda: uow.users.create(display_name="", primary_email=email()),
            )
            expect(NotFound, lambda: uow.users.get(uuid4()))
            later = uow.users.create(display_name="Later Test", primary_email=email())

        with unit(store, tenant_id) as uow:
            listed = items(uow.users.list)

        assert listed == [taken, later]
        assert actions(store, tenant_id).count("user.created") == 2

    def test_unit__actor_and_correlation_recorded(
        self, store: Store, tenant_id: UUID
    ) -> None:
        correlation_id = f"req-{uuid4()}"

        with unit(store, tenant_id, correlation_id=correlation_id) as uow:
            user = uow.users.create(display_name="Ada Test")
        with unit(store, tenant_id) as uow:
            record = items(uow.audit.list, target_id=str(user.id))[0]
            event = items(uow.outbox.list)[-1]

        assert record.actor == ACTOR
        assert record.correlation_id == correlation_id
        assert event.headers["correlation_id"] == correlation_id
        assert event.aggregate_id == str(user.id)

    def test_unit__without_correlation_id(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            user = uow.users.create(display_name="Ada Test")
        with unit(store, tenant_id) as uow:
            record = items(uow.audit.list, target_id=str(user.id))[0]
            event = items(uow.outbox.list)[-1]

        assert record.correlation_id is None
        assert event.headers["correlation_id"] is None

    def test_unit__rejects_bad_actor(self, store: Store, tenant_id: UUID) -> None:
        cases = [
            ("actor", {"actor": ""}),
            ("actor", {"actor": "a" * 256}),
            ("actor", {"actor": "bad\x00actor"}),
            ("correlation_id", {"actor": ACTOR, "correlation_id": "c" * 256}),
            ("correlation_id", {"actor": ACTOR, "correlation_id": "bad\nid"}),
        ]
        for field, arguments in cases:

            def open_unit(arguments: dict[str, str] = arguments) -> None:
                with store.unit_of_work(tenant_id, **arguments) as uow:
                    uow.users.create(display_name="Never Written")

            error = expect(ValidationError, open_unit)

            assert error.field == field, arguments

        with unit(store, tenant_id) as uow:
            assert items(uow.users.list) == []
