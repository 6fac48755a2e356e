"""The group and membership repositories of the PostgreSQL store."""

from __future__ import annotations

from uuid import UUID, uuid4

from ue_store import models
from ue_store.domain import inputs, rules
from ue_store.domain.entities import Group, Membership, MembershipRole
from ue_store.domain.errors import NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from . import convert
from .base import Reference, Repository, optional_uuid, page_by_time


class PostgresGroupRepository(Repository):
    def create(self, *, name: str, parent_id: UUID | None = None) -> Group:
        checked_name = inputs.group_name(name)
        checked_parent = optional_uuid("parent_id", parent_id)
        references: tuple[Reference, ...] = ()
        if checked_parent is not None:
            references = (Reference("group", models.Group, checked_parent),)
        with self._writing(*references):
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
            self._insert(
                models.Group(
                    tenant_id=group.tenant_id,
                    id=group.id,
                    name=checked_name,
                    parent_id=checked_parent,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            self._record_change("created", group, now)
            return group

    def get(self, group_id: UUID) -> Group:
        checked = rules.check_uuid("group_id", group_id)
        with self._reading():
            return convert.group(self._get(models.Group, "group", checked))

    def get_by_name(self, name: str, *, parent_id: UUID | None = None) -> Group:
        checked_name = inputs.group_name(name)
        checked_parent = optional_uuid("parent_id", parent_id)
        with self._reading():
            row = (
                self._rows(models.Group)
                .filter(name=checked_name, parent_id=checked_parent)
                .first()
            )
        if row is None:
            raise NotFound("group", checked_name)
        return convert.group(row)

    def rename(self, group_id: UUID, *, expected_version: int, name: str) -> Group:
        checked_id = rules.check_uuid("group_id", group_id)
        version = rules.check_version(expected_version)
        checked_name = inputs.group_name(name)
        with self._writing():
            row = self._lock(models.Group, "group", checked_id, version)
            current = convert.group(row)
            group, changed = inputs.revise(current, {"name": checked_name}, self._now())
            if not changed:
                return current
            self._update(
                models.Group,
                checked_id,
                name=group.name,
                updated_at=group.updated_at,
                version=group.version,
            )
            self._record_change("updated", group, group.updated_at, changed)
            return group

    def list(
        self,
        *,
        parent_id: UUID | Unset | None = UNSET,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Group]:
        rows = self._rows(models.Group)
        if not isinstance(parent_id, Unset):
            rows = rows.filter(parent_id=optional_uuid("parent_id", parent_id))
        with self._reading():
            return page_by_time(rows, convert.group, after, limit)


class PostgresMembershipRepository(Repository):
    def add(
        self,
        *,
        group_id: UUID,
        account_id: UUID,
        role: MembershipRole = MembershipRole.MEMBER,
    ) -> Membership:
        checked_group = rules.check_uuid("group_id", group_id)
        checked_account = rules.check_uuid("account_id", account_id)
        checked_role = inputs.membership_role(role)
        references = (
            Reference("group", models.Group, checked_group),
            Reference("account", models.Account, checked_account),
        )
        with self._writing(*references):
            now = self._now()
            membership = Membership(
                tenant_id=self._tenant_id,
                id=uuid4(),
                group_id=checked_group,
                account_id=checked_account,
                role=checked_role,
                created_at=now,
            )
            self._insert(
                models.Membership(
                    tenant_id=membership.tenant_id,
                    id=membership.id,
                    group_id=checked_group,
                    account_id=checked_account,
                    role=checked_role.value,
                    created_at=now,
                )
            )
            self._record_change("created", membership, now)
            return membership

    def get(self, membership_id: UUID) -> Membership:
        checked = rules.check_uuid("membership_id", membership_id)
        with self._reading():
            row = self._get(models.Membership, "membership", checked)
        return convert.membership(row)

    def find(self, group_id: UUID, account_id: UUID) -> Membership:
        checked_group = rules.check_uuid("group_id", group_id)
        checked_account = rules.check_uuid("account_id", account_id)
        with self._reading():
            row = (
                self._rows(models.Membership)
                .filter(group_id=checked_group, account_id=checked_account)
                .first()
            )
        if row is None:
            raise NotFound("membership", f"{checked_group}:{checked_account}")
        return convert.membership(row)

    def remove(self, membership_id: UUID) -> None:
        checked_id = rules.check_uuid("membership_id", membership_id)
        with self._writing():
            row = self._lock(models.Membership, "membership", checked_id)
            current = convert.membership(row)
            self._rows(models.Membership).filter(id=checked_id).delete()
            self._record_change("deleted", current, self._now())

    def list(
        self,
        *,
        group_id: UUID | None = None,
        account_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Membership]:
        group_filter = optional_uuid("group_id", group_id)
        account_filter = optional_uuid("account_id", account_id)
        rows = self._rows(models.Membership)
        if group_filter is not None:
            rows = rows.filter(group_id=group_filter)
        if account_filter is not None:
            rows = rows.filter(account_id=account_filter)
        with self._reading():
            return page_by_time(rows, convert.membership, after, limit)
