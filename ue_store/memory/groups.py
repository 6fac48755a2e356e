"""The group and membership repositories of the in-memory store."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store.domain import inputs, rules
from ue_store.domain.entities import Group, Membership, MembershipRole
from ue_store.domain.errors import DuplicateGroupName, DuplicateMembership, NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from .base import Repository, optional_uuid, page_by_time


class MemoryGroupRepository(Repository):
    def create(self, *, name: str, parent_id: UUID | None = None) -> Group:
        with self._writing():
            checked_name = inputs.group_name(name)
            checked_parent = optional_uuid("parent_id", parent_id)
            self._require_tenant()
            if checked_parent is not None:
                self._fetch(self._tables.groups, "group", checked_parent)
            if self._find(checked_name, checked_parent) is not None:
                raise DuplicateGroupName()
            now = self._now()
            group = Group(
                tenant_id=self._tenant_id,
                id=uuid4(),
                name=checked_name,
                parent_id=checked_parent,
                created_at=now,
                updated_at=now,
                version=1,
            )
            self._put(self._tables.groups, group.id, group)
            self._record_change("created", group, now)
            return group

    def get(self, group_id: UUID) -> Group:
        self._reading()
        checked = rules.check_uuid("group_id", group_id)
        return self._fetch(self._tables.groups, "group", checked)

    def get_by_name(self, name: str, *, parent_id: UUID | None = None) -> Group:
        self._reading()
        checked_name = inputs.group_name(name)
        checked_parent = optional_uuid("parent_id", parent_id)
        group = self._find(checked_name, checked_parent)
        if group is None:
            raise NotFound("group", checked_name)
        return group

    def rename(self, group_id: UUID, *, expected_version: int, name: str) -> Group:
        with self._writing():
            checked_id = rules.check_uuid("group_id", group_id)
            version = rules.check_version(expected_version)
            checked_name = inputs.group_name(name)
            self._require_tenant()
            current = self._fetch_at_version(
                self._tables.groups, "group", checked_id, version
            )
            other = self._find(checked_name, current.parent_id)
            if other is not None and other.id != checked_id:
                raise DuplicateGroupName()
            group, changed = inputs.revise(current, {"name": checked_name}, self._now())
            if not changed:
                return current
            self._put(self._tables.groups, group.id, group)
            self._record_change("updated", group, group.updated_at, changed)
            return group

    def list(
        self,
        *,
        parent_id: UUID | Unset | None = UNSET,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Group]:
        self._reading()
        rows = self._tables.groups.rows(self._tenant_id)
        if not isinstance(parent_id, Unset):
            parent = optional_uuid("parent_id", parent_id)
            rows = tuple(group for group in rows if group.parent_id == parent)
        return page_by_time(
            rows, lambda group: (group.created_at, group.id), after, limit
        )

    def _find(self, name: str, parent_id: UUID | None) -> Group | None:
        return self._tables.groups.find(self._tenant_id, "name", (parent_id, name))


class MemoryMembershipRepository(Repository):
    def add(
        self,
        *,
        group_id: UUID,
        account_id: UUID,
        role: MembershipRole = MembershipRole.MEMBER,
    ) -> Membership:
        with self._writing():
            checked_group = rules.check_uuid("group_id", group_id)
            checked_account = rules.check_uuid("account_id", account_id)
            checked_role = inputs.membership_role(role)
            self._require_tenant()
            self._fetch(self._tables.groups, "group", checked_group)
            self._fetch(self._tables.accounts, "account", checked_account)
            if self._find(checked_group, checked_account) is not None:
                raise DuplicateMembership()
            now = self._now()
            membership = Membership(
                tenant_id=self._tenant_id,
                id=uuid4(),
                group_id=checked_group,
                account_id=checked_account,
                role=checked_role,
                created_at=now,
            )
            self._put(self._tables.memberships, membership.id, membership)
            self._record_change("created", membership, now)
            return membership

    def get(self, membership_id: UUID) -> Membership:
        self._reading()
        checked = rules.check_uuid("membership_id", membership_id)
        return self._fetch(self._tables.memberships, "membership", checked)

    def find(self, group_id: UUID, account_id: UUID) -> Membership:
        self._reading()
        checked_group = rules.check_uuid("group_id", group_id)
        checked_account = rules.check_uuid("account_id", account_id)
        membership = self._find(checked_group, checked_account)
        if membership is None:
            raise NotFound("membership", f"{checked_group}:{checked_account}")
        return membership

    def remove(self, membership_id: UUID) -> None:
        with self._writing():
            checked_id = rules.check_uuid("membership_id", membership_id)
            self._require_tenant()
            current = self._fetch(self._tables.memberships, "membership", checked_id)
            self._delete(self._tables.memberships, checked_id)
            self._record_change("deleted", current, self._now())

    def list(
        self,
        *,
        group_id: UUID | None = None,
        account_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Membership]:
        self._reading()
        group_filter = optional_uuid("group_id", group_id)
        account_filter = optional_uuid("account_id", account_id)
        rows = [
            membership
            for membership in self._tables.memberships.rows(self._tenant_id)
            if (group_filter is None or membership.group_id == group_filter)
            and (account_filter is None or membership.account_id == account_filter)
        ]
        return page_by_time(
            rows,
            lambda membership: (membership.created_at, membership.id),
            after,
            limit,
        )

    def _find(self, group_id: UUID, account_id: UUID) -> Membership | None:
        return self._tables.memberships.find(
            self._tenant_id, "pair", (group_id, account_id)
        )
