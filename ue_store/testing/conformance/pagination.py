"""Conformance tests for keyset pagination of every list."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from uuid import UUID

from ue_store.domain.errors import ValidationError
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import Store, UnitOfWork

from .support import (
    create_account,
    create_application,
    create_attribute,
    create_binding,
    create_group,
    create_identity,
    create_user,
    expect,
    items,
    unit,
    walk,
)

COUNT = 5


def garbage_cursors() -> list[str]:
    """Return cursors that no list can have returned."""

    def encoded(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return [
        "not a cursor",
        "%%%",
        encoded(b"not json"),
        encoded(b'{"a": 1}'),
        encoded(b"[1, 2, 3]"),
        encoded(b'["yesterday", "not-a-uuid"]'),
        encoded(b'["2026-01-01T00:00:00", "00000000-0000-0000-0000-000000000000"]'),
        encoded(b'["not-a-uuid"]'),
        encoded(b"[-1]"),
        encoded(b"[true]"),
        "A" * 600,
    ]


# A function that picks one list method of a unit of work.
Lister = Callable[[UnitOfWork], Callable[..., Page[Any]]]


def sort_by_time(item: Any) -> tuple[Any, UUID]:
    return (item.created_at, item.id)


class PaginationContract:
    def test_pagination__walk_every_list(self, store: Store, tenant_id: UUID) -> None:
        """Walk each list two at a time: every item once, in sort order."""
        user = create_user(store, tenant_id)
        account = create_account(store, tenant_id, user_id=user.id)
        application = create_application(store, tenant_id)
        group = create_group(store, tenant_id)
        for _ in range(COUNT - 1):
            create_user(store, tenant_id)
            create_identity(store, tenant_id, account_id=account.id)
            create_application(store, tenant_id)
            create_binding(store, tenant_id, application_id=application.id)
            create_group(store, tenant_id)
        create_identity(store, tenant_id, account_id=account.id)
        create_binding(store, tenant_id, application_id=application.id)
        attributes = [create_attribute(store, tenant_id) for _ in range(COUNT)]
        members = [create_account(store, tenant_id) for _ in range(COUNT)]
        with unit(store, tenant_id) as uow:
            for attribute in attributes:
                uow.profiles.set(user.id, attribute.id, "x")
            for member in members:
                uow.memberships.add(group_id=group.id, account_id=member.id)

        cases: list[tuple[str, Lister, dict[str, Any], Callable[[Any], Any]]] = [
            ("users", lambda u: u.users.list, {}, sort_by_time),
            ("accounts", lambda u: u.accounts.list, {}, sort_by_time),
            (
                "identities",
                lambda u: u.identities.list,
                {"account_id": account.id},
                lambda item: (item.linked_at, item.id),
            ),
            ("applications", lambda u: u.applications.list, {}, sort_by_time),
            (
                "bindings",
                lambda u: u.bindings.list,
                {"application_id": application.id},
                sort_by_time,
            ),
            ("catalog", lambda u: u.catalog.list, {}, sort_by_time),
            (
                "profiles",
                lambda u: u.profiles.list,
                {"user_id": user.id},
                lambda item: item.attribute_id,
            ),
            ("groups", lambda u: u.groups.list, {}, sort_by_time),
            (
                "memberships",
                lambda u: u.memberships.list,
                {"group_id": group.id},
                sort_by_time,
            ),
            ("audit", lambda u: u.audit.list, {}, lambda item: item.sequence),
            ("outbox", lambda u: u.outbox.list, {}, lambda item: item.sequence),
        ]
        with unit(store, tenant_id) as uow:
            for name, lister, filters, sort_key in cases:
                list_page = lister(uow)
                whole = list_page(**filters).items
                pages = walk(list_page, limit=2, **filters)
                walked = [item for page in pages for item in page.items]

                assert len(whole) >= COUNT, name
                assert walked == list(whole), name
                assert walked == sorted(walked, key=sort_key), name
                assert len({sort_key(item) for item in walked}) == len(walked), name
                assert [len(page.items) for page in pages[:-1]] == [2] * (
                    len(pages) - 1
                ), name
                assert pages[-1].next_cursor is None, name
                assert len(pages) == (len(whole) + 1) // 2, name

    def test_pagination__exact_multiple(self, store: Store, tenant_id: UUID) -> None:
        """A list that fills its last page ends there, with no empty page."""
        for _ in range(4):
            create_group(store, tenant_id)

        with unit(store, tenant_id) as uow:
            pages = walk(uow.groups.list, limit=2)
            single = uow.groups.list(limit=4)
            first = uow.groups.list(limit=3)

        assert [len(page.items) for page in pages] == [2, 2]
        assert pages[-1].next_cursor is None
        assert single.next_cursor is None
        assert len(first.items) == 3
        assert first.next_cursor is not None

    def test_pagination__empty_list(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            page = uow.users.list(limit=1)

        assert page.items == ()
        assert page.next_cursor is None

    def test_pagination__cursor_survives_delete(
        self, store: Store, tenant_id: UUID
    ) -> None:
        """The cursor is a sort key: deleting its item doesn't break the walk."""
        application = create_application(store, tenant_id)
        bindings = [
            create_binding(store, tenant_id, application_id=application.id)
            for _ in range(4)
        ]
        with unit(store, tenant_id) as uow:
            first = uow.bindings.list(limit=2)
        with unit(store, tenant_id) as uow:
            uow.bindings.delete(bindings[1].id, expected_version=1)
        late = create_binding(store, tenant_id, application_id=application.id)

        with unit(store, tenant_id) as uow:
            rest = items(uow.bindings.list, after=first.next_cursor)

        assert list(first.items) == bindings[:2]
        assert rest == [*bindings[2:], late]

    def test_pagination__garbage_cursor(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        group = create_group(store, tenant_id)
        with unit(store, tenant_id) as uow:
            listers: list[tuple[str, Callable[..., object]]] = [
                ("users", uow.users.list),
                ("accounts", uow.accounts.list),
                ("identities", uow.identities.list),
                ("applications", uow.applications.list),
                ("bindings", uow.bindings.list),
                ("catalog", uow.catalog.list),
                ("profiles", lambda **kw: uow.profiles.list(user.id, **kw)),
                ("groups", uow.groups.list),
                (
                    "memberships",
                    lambda **kw: uow.memberships.list(group_id=group.id, **kw),
                ),
                ("audit", uow.audit.list),
                ("outbox", uow.outbox.list),
            ]
            for name, list_call in listers:
                for cursor in garbage_cursors():
                    error = expect(ValidationError, list_call, after=cursor)
                    assert error.field == "cursor", (name, cursor)
                for limit in (0, 1001):
                    error = expect(ValidationError, list_call, limit=limit)
                    assert error.field == "limit", (name, limit)
