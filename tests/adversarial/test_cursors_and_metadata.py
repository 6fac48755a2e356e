"""Tampered cursors and JSON metadata round trips, on both stores."""

from __future__ import annotations

import base64
import json
from uuid import UUID, uuid4

import pytest

from ue_store.domain.errors import UeStoreError, ValidationError
from ue_store.domain.protocol import Store

from .conftest import ACTOR, change_counts


def forge_cursor(parts: list[object]) -> str:
    """Encode ``parts`` the way the store encodes its opaque cursors."""
    raw = json.dumps(parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "moment",
    ["2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00-23:59"],
    ids=["plus-16h", "minus-23h59"],
)
def test_forged_time_cursor_keeps_unit_usable(
    store: Store, tenant: UUID, moment: str
) -> None:
    """Python accepts UTC offsets up to 23:59, PostgreSQL only up to 15:59.

    A forged cursor must give ValidationError or a page, and must not break
    the rest of the unit: the write after it has to commit.
    """
    cursor = forge_cursor([moment, str(uuid4())])
    before = change_counts(store, tenant)
    list_error: UeStoreError | None = None
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        try:
            uow.users.list(after=cursor)
        except UeStoreError as error:
            list_error = error
        uow.users.create(display_name="Written After Cursor")
    assert change_counts(store, tenant) == (before[0] + 1, before[1] + 1)
    if list_error is not None:
        assert isinstance(list_error, ValidationError)
        assert list_error.field == "cursor"


@pytest.mark.django_db(transaction=True)
def test_cursor_of_other_tenant_reveals_nothing(
    store: Store, tenant: UUID, other_tenant: UUID
) -> None:
    """A cursor from another tenant's list only positions the caller's own list."""
    with store.unit_of_work(other_tenant, actor=ACTOR) as uow:
        for index in range(3):
            uow.users.create(display_name=f"Other {index}")
        foreign_cursor = uow.users.list(limit=1).next_cursor
    assert foreign_cursor is not None
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        mine = uow.users.create(display_name="Mine")
        page = uow.users.list(after=foreign_cursor)
    assert all(user.tenant_id == tenant for user in page.items)
    assert [user.id for user in page.items] == [mine.id]


@pytest.mark.django_db(transaction=True)
def test_metadata_true_replaces_one(store: Store, tenant: UUID) -> None:
    """JSON true and 1 are different values, though Python evaluates True == 1 as true.

    The update must store true, bump the version and write one audit record.
    """
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        created = uow.applications.create(
            client_id="flags", name="Flags", metadata={"enabled": 1}
        )
    before = change_counts(store, tenant)
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        updated = uow.applications.update(
            created.id, expected_version=1, metadata={"enabled": True}
        )
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        stored = uow.applications.get(created.id)
    assert updated.version == 2
    assert stored.metadata["enabled"] is True
    assert change_counts(store, tenant) == (before[0] + 1, before[1] + 1)


@pytest.mark.django_db(transaction=True)
def test_metadata_float_round_trip(store: Store, tenant: UUID) -> None:
    """Both stores return a float as jsonb does, and a resend changes nothing.

    jsonb prints a whole number without an exponent, so 1e300 comes back as
    the integer 10**300; the input rules make the in-memory store do the same.
    """
    metadata = {"ratio": 1e300, "tiny": 5e-324}
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        created = uow.applications.create(
            client_id="floats", name="Floats", metadata=metadata
        )
    before = change_counts(store, tenant)
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        stored = uow.applications.get(created.id)
        again = uow.applications.update(
            created.id, expected_version=1, metadata=metadata
        )
    assert stored.metadata == {"ratio": 10**300, "tiny": 5e-324}
    assert created.metadata == stored.metadata
    assert again.version == 1
    assert change_counts(store, tenant) == before
