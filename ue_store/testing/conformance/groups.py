"""Conformance tests for groups and their memberships."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain.entities import MembershipRole
from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateGroupName,
    DuplicateMembership,
    NotFound,
)
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import create_account, create_group, expect, items, unit


class GroupContract:
    def test_group__create_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        before = harness.clock()

        parent = create_group(store, tenant_id, name="Engineering")
        child = create_group(store, tenant_id, name="Platform", parent_id=parent.id)

        after = harness.clock()
        assert parent.tenant_id == tenant_id
        assert parent.name == "Engineering"
        assert parent.parent_id is None
        assert parent.version == 1
        assert before < parent.created_at < after
        assert parent.updated_at == parent.created_at
        assert child.parent_id == parent.id

    def test_group__create_needs_parent(self, store: Store, tenant_id: UUID) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            error = expect(
                NotFound,
                lambda: uow.groups.create(name="Orphans", parent_id=missing_id),
            )

        assert error.entity == "group"
        assert error.key == missing_id

    def test_group__get_and_get_by_name(self, store: Store, tenant_id: UUID) -> None:
        parent = create_group(store, tenant_id, name="Sales")
        child = create_group(store, tenant_id, name="Sales", parent_id=parent.id)

        with unit(store, tenant_id) as uow:
            by_id = uow.groups.get(child.id)
            top = uow.groups.get_by_name("Sales")
            nested = uow.groups.get_by_name("Sales", parent_id=parent.id)

        assert by_id == child
        assert top == parent
        assert nested == child

    def test_group__get_missing(self, store: Store, tenant_id: UUID) -> None:
        parent = create_group(store, tenant_id)
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.groups.get(missing_id))
            by_name = expect(
                NotFound,
                lambda: uow.groups.get_by_name(parent.name, parent_id=parent.id),
            )

        assert by_id.entity == "group"
        assert by_id.key == missing_id
        assert by_name.entity == "group"

    def test_group__duplicate_name(self, store: Store, tenant_id: UUID) -> None:
        parent = create_group(store, tenant_id, name="Ops")
        create_group(store, tenant_id, name="Oncall", parent_id=parent.id)

        with unit(store, tenant_id) as uow:
            top = expect(DuplicateGroupName, lambda: uow.groups.create(name="Ops"))
            nested = expect(
                DuplicateGroupName,
                lambda: uow.groups.create(name="Oncall", parent_id=parent.id),
            )
            listed = items(uow.groups.list)

        assert top.code == "duplicate_group_name"
        assert top.field == "name"
        assert nested.code == "duplicate_group_name"
        assert len(listed) == 2

    def test_group__rename(self, store: Store, tenant_id: UUID) -> None:
        group = create_group(store, tenant_id, name="Old Name")
        create_group(store, tenant_id, name="Taken")

        with unit(store, tenant_id) as uow:
            renamed = uow.groups.rename(group.id, expected_version=1, name="New Name")
            same = uow.groups.rename(group.id, expected_version=2, name="New Name")
            taken = expect(
                DuplicateGroupName,
                lambda: uow.groups.rename(group.id, expected_version=2, name="Taken"),
            )
            freed = uow.groups.create(name="Old Name")
        with unit(store, tenant_id) as uow:
            reread = uow.groups.get(group.id)

        assert renamed.name == "New Name"
        assert renamed.version == 2
        assert renamed.updated_at > group.updated_at
        assert same == renamed
        assert taken.code == "duplicate_group_name"
        assert freed.name == "Old Name"
        assert reread == renamed

    def test_group__stale_version(self, store: Store, tenant_id: UUID) -> None:
        group = create_group(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.groups.rename(group.id, expected_version=1, name="First")

        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.groups.rename(group.id, expected_version=1, name="Second"),
            )

        assert error.entity == "group"
        assert error.key == group.id
        assert error.expected_version == 1

    def test_group__list_by_parent(self, store: Store, tenant_id: UUID) -> None:
        top = create_group(store, tenant_id)
        child = create_group(store, tenant_id, parent_id=top.id)
        other_top = create_group(store, tenant_id)
        grandchild = create_group(store, tenant_id, parent_id=child.id)

        with unit(store, tenant_id) as uow:
            every = items(uow.groups.list)
            top_level = items(uow.groups.list, parent_id=None)
            under_top = items(uow.groups.list, parent_id=top.id)

        assert every == [top, child, other_top, grandchild]
        assert top_level == [top, other_top]
        assert under_top == [child]


class MembershipContract:
    def test_membership__add_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        group = create_group(store, tenant_id)
        account = create_account(store, tenant_id)
        before = harness.clock()

        with unit(store, tenant_id) as uow:
            membership = uow.memberships.add(group_id=group.id, account_id=account.id)

        after = harness.clock()
        assert membership.tenant_id == tenant_id
        assert membership.group_id == group.id
        assert membership.account_id == account.id
        assert membership.role is MembershipRole.MEMBER
        assert before < membership.created_at < after

    def test_membership__needs_group_and_account(
        self, store: Store, tenant_id: UUID
    ) -> None:
        group = create_group(store, tenant_id)
        account = create_account(store, tenant_id)
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            no_group = expect(
                NotFound,
                lambda: uow.memberships.add(group_id=missing_id, account_id=account.id),
            )
            no_account = expect(
                NotFound,
                lambda: uow.memberships.add(group_id=group.id, account_id=missing_id),
            )

        assert no_group.entity == "group"
        assert no_group.key == missing_id
        assert no_account.entity == "account"
        assert no_account.key == missing_id

    def test_membership__get_and_find(self, store: Store, tenant_id: UUID) -> None:
        group = create_group(store, tenant_id)
        account = create_account(store, tenant_id)
        outsider = create_account(store, tenant_id)
        with unit(store, tenant_id) as uow:
            membership = uow.memberships.add(
                group_id=group.id, account_id=account.id, role=MembershipRole.OWNER
            )

        with unit(store, tenant_id) as uow:
            by_id = uow.memberships.get(membership.id)
            found = uow.memberships.find(group.id, account.id)
            missing = expect(NotFound, lambda: uow.memberships.get(uuid4()))
            not_member = expect(
                NotFound,
                lambda: uow.memberships.find(group.id, outsider.id),
            )

        assert membership.role is MembershipRole.OWNER
        assert by_id == membership
        assert found == membership
        assert missing.entity == "membership"
        assert not_member.entity == "membership"

    def test_membership__duplicate(self, store: Store, tenant_id: UUID) -> None:
        group = create_group(store, tenant_id)
        account = create_account(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.memberships.add(group_id=group.id, account_id=account.id)

        with unit(store, tenant_id) as uow:
            error = expect(
                DuplicateMembership,
                lambda: uow.memberships.add(
                    group_id=group.id,
                    account_id=account.id,
                    role=MembershipRole.MANAGER,
                ),
            )
            listed = items(uow.memberships.list, group_id=group.id)

        assert error.code == "duplicate_membership"
        assert error.field == "account_id"
        assert [row.role for row in listed] == [MembershipRole.MEMBER]

    def test_membership__remove(self, store: Store, tenant_id: UUID) -> None:
        group = create_group(store, tenant_id)
        account = create_account(store, tenant_id)
        with unit(store, tenant_id) as uow:
            membership = uow.memberships.add(group_id=group.id, account_id=account.id)

        with unit(store, tenant_id) as uow:
            uow.memberships.remove(membership.id)
        with unit(store, tenant_id) as uow:
            gone = expect(NotFound, lambda: uow.memberships.get(membership.id))
            again = expect(NotFound, lambda: uow.memberships.remove(membership.id))
            readded = uow.memberships.add(group_id=group.id, account_id=account.id)

        assert gone.entity == "membership"
        assert gone.key == membership.id
        assert again.entity == "membership"
        assert readded.id != membership.id

    def test_membership__list_and_filter(self, store: Store, tenant_id: UUID) -> None:
        group = create_group(store, tenant_id)
        other_group = create_group(store, tenant_id)
        account = create_account(store, tenant_id)
        other_account = create_account(store, tenant_id)
        with unit(store, tenant_id) as uow:
            first = uow.memberships.add(group_id=group.id, account_id=account.id)
            second = uow.memberships.add(group_id=other_group.id, account_id=account.id)
            third = uow.memberships.add(group_id=group.id, account_id=other_account.id)

        with unit(store, tenant_id) as uow:
            every = items(uow.memberships.list)
            of_group = items(uow.memberships.list, group_id=group.id)
            of_account = items(uow.memberships.list, account_id=account.id)
            of_both = items(
                uow.memberships.list, group_id=group.id, account_id=account.id
            )

        assert every == [first, second, third]
        assert of_group == [first, third]
        assert of_account == [first, second]
        assert of_both == [first]
