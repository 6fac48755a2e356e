"""Quick checks of the in-memory store. The conformance suite covers the rest."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from ue_store.domain.entities import User, ValueType
from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateEmail,
    DuplicateUsername,
    NotFound,
    UeStoreError,
    ValidationError,
)
from ue_store.memory import MemoryStore
from ue_store.testing.clock import TickingClock
from ue_store.testing.memory_harness import MemoryHarness

ACTOR = "smoke-test"


def new_tenant(store: MemoryStore, slug: str = "acme") -> UUID:
    tenant_id = uuid4()
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.tenants.create(slug=slug, display_name="Acme Test")
    return tenant_id


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore(clock=TickingClock())


def test_unit_of_work__rolls_back_on_exception(store: MemoryStore) -> None:
    tenant_id = new_tenant(store)

    with pytest.raises(RuntimeError), store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.users.create(display_name="Ada Example", primary_email="ada@example.com")
        raise RuntimeError("abort the unit")

    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        assert uow.users.list().items == ()
        assert len(uow.audit.list().items) == 1
        assert len(uow.outbox.list().items) == 1


def test_closed_unit__raises_on_use(store: MemoryStore) -> None:
    tenant_id = new_tenant(store)
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        pass

    with pytest.raises(UeStoreError):
        uow.users.list()
    with pytest.raises(UeStoreError):
        uow.users.create(display_name="Late Example")


def test_nested__undoes_only_its_writes(store: MemoryStore) -> None:
    tenant_id = new_tenant(store)

    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        kept = uow.users.create(display_name="Kept Example")
        with pytest.raises(RuntimeError), uow.nested() as inner:
            inner.users.create(display_name="Dropped Example")
            raise RuntimeError("abort the savepoint")
        after = uow.users.create(display_name="After Example")

    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        names = [user.display_name for user in uow.users.list().items]
        audit_actions = [record.action for record in uow.audit.list().items]
    assert names == [kept.display_name, after.display_name]
    assert audit_actions == ["tenant.created", "user.created", "user.created"]


def test_failed_write__leaves_unit_usable(store: MemoryStore) -> None:
    tenant_id = new_tenant(store)

    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        user = uow.users.create(display_name="Ada Example")
        with pytest.raises(ConcurrencyConflict):
            uow.users.update(user.id, expected_version=2, display_name="Other")
        with pytest.raises(ValidationError):
            uow.users.create(display_name="   ")
        updated = uow.users.update(user.id, expected_version=1, display_name="Ada B")

    assert updated.version == 2


def test_other_tenant_record__is_not_found(store: MemoryStore) -> None:
    first = new_tenant(store, "first")
    second = new_tenant(store, "second")
    with store.unit_of_work(first, actor=ACTOR) as uow:
        user = uow.users.create(display_name="Ada Example")

    with store.unit_of_work(second, actor=ACTOR) as uow:
        with pytest.raises(NotFound) as foreign:
            uow.users.get(user.id)
        with pytest.raises(NotFound) as missing:
            uow.users.get(uuid4())
        with pytest.raises(NotFound) as reference:
            uow.accounts.create_human(user_id=user.id, username="ada")

    assert foreign.value.entity == "user"
    assert str(foreign.value) == f"user {user.id} not found in this tenant"
    assert missing.value.entity == "user"
    assert reference.value.entity == "user"


def test_write_without_tenant__is_not_found(store: MemoryStore) -> None:
    tenant_id = uuid4()
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        with pytest.raises(NotFound) as error:
            uow.users.create(display_name="Ada Example")

    assert error.value.entity == "tenant account"
    assert error.value.key == tenant_id


@pytest.mark.parametrize(
    ("stored", "variant"),
    [
        ("ada@example.com", "ADA@Example.COM"),
        # Composed U+00E1 against "a" followed by combining acute U+0301.
        ("ada@ex\u00e1mple.com", "ada@exa\u0301mple.com"),
        # ASCII against fullwidth U+FF41 U+FF44 U+FF41.
        ("ada@example.com", "\uff41\uff44\uff41@example.com"),
    ],
    ids=["case", "nfc-nfd", "fullwidth"],
)
def test_email_variant__is_duplicate(
    store: MemoryStore, stored: str, variant: str
) -> None:
    tenant_id = new_tenant(store)
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.users.create(display_name="Ada Example", primary_email=stored)
        with pytest.raises(DuplicateEmail):
            uow.users.create(display_name="Ada Again", primary_email=variant)
        found = uow.users.get_by_email(variant)

    assert found.primary_email == stored


def test_concurrent_username__has_one_winner() -> None:
    harness = MemoryHarness()
    tenant_id = new_tenant(harness.memory_store)

    def create() -> str:
        with harness.store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.accounts.create_service(username="robot").username

    results = harness.run_concurrently(create, 8)

    assert results.count("robot") == 1
    assert sum(isinstance(result, DuplicateUsername) for result in results) == 7


def test_change__writes_one_audit_and_event(store: MemoryStore) -> None:
    tenant_id = new_tenant(store)

    with store.unit_of_work(tenant_id, actor=ACTOR, correlation_id="req-1") as uow:
        user = uow.users.create(display_name="Ada Example")
        uow.users.update(user.id, expected_version=1, display_name="Ada Example")
        attribute = uow.catalog.define(
            key="nickname", value_type=ValueType.STRING, sensitive=True
        )
        uow.profiles.set(user.id, attribute.id, "ada")
        uow.profiles.set(user.id, attribute.id, "ada")
        audit = uow.audit.list(target_id=f"{user.id}:{attribute.id}").items
        events = uow.outbox.list().items

    assert [record.action for record in audit] == ["profile_value.set"]
    assert audit[0].correlation_id == "req-1"
    assert [event.event_type for event in events] == [
        "tenant.created",
        "user.created",
        "catalog_attribute.created",
        "profile_value.set",
    ]
    assert "value" not in events[-1].payload
    assert events[-1].headers["correlation_id"] == "req-1"


def test_list__pages_follow_cursor(store: MemoryStore) -> None:
    tenant_id = new_tenant(store)
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        created = [uow.users.create(display_name=f"User {i}") for i in range(5)]

    seen: list[User] = []
    cursor = None
    pages = 0
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        while True:
            page = uow.users.list(after=cursor, limit=2)
            pages += 1
            seen.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break

    assert pages == 3
    assert [user.id for user in seen] == [user.id for user in created]


def test_readiness__reports_schema_state() -> None:
    harness = MemoryHarness()

    assert harness.store.readiness().ready
    with harness.schema_pending():
        pending = harness.store.readiness()
    with harness.schema_ahead():
        ahead = harness.store.readiness()

    assert not pending.ready
    assert pending.checks[1].reason == "1 migration(s) pending"
    assert not ahead.ready
    assert ahead.checks[1].reason == "database schema is ahead of the code"
    assert harness.store.schema_version().current
