"""Conformance tests for profile values checked against the catalog."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from ue_store.domain.entities import ValueType
from ue_store.domain.errors import ConcurrencyConflict, NotFound, ValidationError
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import create_attribute, create_user, expect, items, unit

# (value type, attribute options, a value it accepts, the value read back)
ACCEPTED: list[tuple[ValueType, dict[str, Any], object, object]] = [
    (ValueType.STRING, {}, "Lisboa", "Lisboa"),
    (ValueType.STRING, {}, "", ""),
    (ValueType.STRING, {}, "line one\nline\ttwo", "line one\nline\ttwo"),
    (ValueType.INTEGER, {}, -(2**63), -(2**63)),
    (ValueType.INTEGER, {}, 2**63 - 1, 2**63 - 1),
    (ValueType.BOOLEAN, {}, False, False),
    (ValueType.DATE, {}, date(1999, 12, 31), date(1999, 12, 31)),
    (ValueType.ENUM, {"allowed_values": ["red", "blue"]}, "blue", "blue"),
    (ValueType.STRING_LIST, {}, ["b", "a", "b"], ("b", "a", "b")),
    (ValueType.STRING_LIST, {}, [], ()),
    (ValueType.STRING, {"max_length": 3}, "ééé", "ééé"),
]

# (value type, attribute options, a value it rejects)
REJECTED: list[tuple[ValueType, dict[str, Any], object]] = [
    (ValueType.STRING, {}, 12),
    (ValueType.STRING, {"max_length": 3}, "éééé"),
    (ValueType.STRING, {"required": True}, ""),
    (ValueType.STRING, {}, "nul\x00inside"),
    (ValueType.INTEGER, {}, True),
    (ValueType.INTEGER, {}, 2**63),
    (ValueType.INTEGER, {}, "12"),
    (ValueType.BOOLEAN, {}, 1),
    (ValueType.DATE, {}, datetime(2026, 1, 1)),
    (ValueType.DATE, {}, "2026-01-01"),
    (ValueType.ENUM, {"allowed_values": ["red"]}, "green"),
    (ValueType.STRING_LIST, {}, "not a list"),
    (ValueType.STRING_LIST, {"allowed_values": ["a"]}, ["a", "b"]),
    (ValueType.STRING_LIST, {"required": True}, []),
    (ValueType.STRING_LIST, {"max_length": 2}, ["abc"]),
]


class ProfileContract:
    def test_profile__set_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id)
        before = harness.clock()

        with unit(store, tenant_id) as uow:
            value = uow.profiles.set(user.id, attribute.id, "Porto")

        after = harness.clock()
        assert value.tenant_id == tenant_id
        assert value.user_id == user.id
        assert value.attribute_id == attribute.id
        assert value.value == "Porto"
        assert value.version == 1
        assert before < value.updated_at < after

    def test_profile__accepted_values(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        for value_type, options, given, expected in ACCEPTED:
            attribute = create_attribute(
                store, tenant_id, value_type=value_type, **options
            )
            with unit(store, tenant_id) as uow:
                uow.profiles.set(user.id, attribute.id, given)
            with unit(store, tenant_id) as uow:
                stored = uow.profiles.get(user.id, attribute.id)

            assert stored.value == expected, (value_type, given)
            assert type(stored.value) is type(expected), (value_type, given)

    def test_profile__rejected_values(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        for value_type, options, given in REJECTED:
            attribute = create_attribute(
                store, tenant_id, value_type=value_type, **options
            )
            with unit(store, tenant_id) as uow:
                error = expect(
                    ValidationError,
                    uow.profiles.set,
                    user.id,
                    attribute.id,
                    given,
                )
                missing = expect(
                    NotFound,
                    uow.profiles.get,
                    user.id,
                    attribute.id,
                )

            assert error.field == f"profile value {attribute.key}", (value_type, given)
            assert missing.entity == "profile value", (value_type, given)

    def test_profile__set_again(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id)

        with unit(store, tenant_id) as uow:
            first = uow.profiles.set(user.id, attribute.id, "one")
            second = uow.profiles.set(user.id, attribute.id, "two")
            same = uow.profiles.set(user.id, attribute.id, "two")
            checked = uow.profiles.set(
                user.id, attribute.id, "three", expected_version=2
            )
        with unit(store, tenant_id) as uow:
            reread = uow.profiles.get(user.id, attribute.id)

        assert first.version == 1
        assert second.version == 2
        assert second.updated_at > first.updated_at
        assert same == second
        assert checked.version == 3
        assert reread == checked

    def test_profile__stale_version(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.profiles.set(user.id, attribute.id, "one")
            uow.profiles.set(user.id, attribute.id, "two")

        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.profiles.set(
                    user.id, attribute.id, "three", expected_version=1
                ),
            )
            reread = uow.profiles.get(user.id, attribute.id)

        assert error.entity == "profile value"
        assert error.expected_version == 1
        assert reread.value == "two"

    def test_profile__needs_user_and_attribute(
        self, store: Store, tenant_id: UUID
    ) -> None:
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id)
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            no_user = expect(
                NotFound, lambda: uow.profiles.set(missing_id, attribute.id, "x")
            )
            no_attribute = expect(
                NotFound, lambda: uow.profiles.set(user.id, missing_id, "x")
            )
            unset_value = expect(
                NotFound, lambda: uow.profiles.get(user.id, attribute.id)
            )

        assert no_user.entity == "user"
        assert no_user.key == missing_id
        assert no_attribute.entity == "catalog attribute"
        assert no_attribute.key == missing_id
        assert unset_value.entity == "profile value"

    def test_profile__unset(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.profiles.set(user.id, attribute.id, "")

        with unit(store, tenant_id) as uow:
            uow.profiles.unset(user.id, attribute.id)
        with unit(store, tenant_id) as uow:
            gone = expect(NotFound, lambda: uow.profiles.get(user.id, attribute.id))
            again = expect(NotFound, lambda: uow.profiles.unset(user.id, attribute.id))
            listed = items(uow.profiles.list, user_id=user.id)
            reset = uow.profiles.set(user.id, attribute.id, "back")

        assert gone.entity == "profile value"
        assert again.entity == "profile value"
        assert listed == []
        assert reset.version == 1

    def test_profile__unset_required(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id, required=True)
        with unit(store, tenant_id) as uow:
            uow.profiles.set(user.id, attribute.id, "kept")

        with unit(store, tenant_id) as uow:
            error = expect(
                ValidationError, lambda: uow.profiles.unset(user.id, attribute.id)
            )
            kept = uow.profiles.get(user.id, attribute.id)

        assert error.field == f"profile value {attribute.key}"
        assert kept.value == "kept"

    def test_profile__limits_not_rechecked(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.profiles.set(user.id, attribute.id, "longer than four")

        with unit(store, tenant_id) as uow:
            uow.catalog.update(attribute.id, expected_version=1, max_length=4)
        with unit(store, tenant_id) as uow:
            kept = uow.profiles.get(user.id, attribute.id)
            error = expect(
                ValidationError,
                lambda: uow.profiles.set(user.id, attribute.id, "still too long"),
            )

        assert kept.value == "longer than four"
        assert error.field == f"profile value {attribute.key}"

    def test_profile__list_by_attribute_id(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        other = create_user(store, tenant_id)
        attributes = [create_attribute(store, tenant_id) for _ in range(4)]
        with unit(store, tenant_id) as uow:
            for attribute in reversed(attributes):
                uow.profiles.set(user.id, attribute.id, attribute.key)
            uow.profiles.set(other.id, attributes[0].id, "other")

        with unit(store, tenant_id) as uow:
            listed = items(uow.profiles.list, user_id=user.id)
            of_other = items(uow.profiles.list, user_id=other.id)

        expected = sorted(attribute.id for attribute in attributes)
        assert [value.attribute_id for value in listed] == expected
        assert {value.user_id for value in listed} == {user.id}
        assert [value.value for value in of_other] == ["other"]
