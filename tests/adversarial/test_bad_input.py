"""Inputs that no store can keep must raise ValidationError, on both stores.

A lone surrogate such as "\\ud800" is a valid Python str but not valid UTF-8,
so PostgreSQL can't store it and the driver can't even send it. Each test
expects ValidationError naming the field, nothing written, and a unit that
still works afterwards; any other exception is a crash escaping the protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from ue_store.domain.errors import NotFound, UeStoreError, ValidationError
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import UNSET, Store

from .conftest import ACTOR, Seeded, change_counts

LONE_SURROGATE = "\ud800"

Action = Callable[[Any, Seeded], object]


def assert_rejected(
    store: Store, tenant: UUID, seeded: Seeded, action: Action, field: str
) -> None:
    """Run ``action`` and expect ValidationError on ``field`` with nothing written."""
    before = change_counts(store, tenant)
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        with pytest.raises(ValidationError) as info:
            action(uow, seeded)
        assert info.value.field == field
        # The unit must still accept a write after the rejected one.
        uow.groups.create(name="written-after-rejection")
    audit_count, outbox_count = change_counts(store, tenant)
    assert audit_count == before[0] + 1
    assert outbox_count == before[1] + 1


WRITES_WITH_SURROGATE: dict[str, tuple[Action, str]] = {
    "user display_name": (
        lambda uow, s: uow.users.create(display_name=f"Ada{LONE_SURROGATE}"),
        "display_name",
    ),
    "user primary_email": (
        lambda uow, s: uow.users.create(
            display_name="Ada", primary_email=f"ada{LONE_SURROGATE}@example.test"
        ),
        "primary_email",
    ),
    "service username": (
        lambda uow, s: uow.accounts.create_service(username=f"bot{LONE_SURROGATE}"),
        "username",
    ),
    "group name": (
        lambda uow, s: uow.groups.create(name=f"team{LONE_SURROGATE}"),
        "name",
    ),
    "application client_id": (
        lambda uow, s: uow.applications.create(
            client_id=f"app{LONE_SURROGATE}", name="App"
        ),
        "client_id",
    ),
    "identity subject": (
        lambda uow, s: uow.identities.link(
            account_id=s.account_id, issuer="https://idp.test", subject=LONE_SURROGATE
        ),
        "subject",
    ),
    "application metadata": (
        lambda uow, s: uow.applications.create(
            client_id="meta-app", name="App", metadata={"note": LONE_SURROGATE}
        ),
        "metadata",
    ),
    "catalog allowed_values": (
        lambda uow, s: uow.catalog.define(
            key="colour", value_type="enum", allowed_values=["red", LONE_SURROGATE]
        ),
        "allowed_values",
    ),
    "profile string value": (
        lambda uow, s: uow.profiles.set(s.user_id, s.attribute_id, LONE_SURROGATE),
        "profile value nickname",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", sorted(WRITES_WITH_SURROGATE))
def test_lone_surrogate_write_rejected(
    store: Store, tenant: UUID, seeded: Seeded, case: str
) -> None:
    action, field = WRITES_WITH_SURROGATE[case]
    assert_rejected(store, tenant, seeded, action, field)


LOOKUPS_WITH_SURROGATE: dict[str, Action] = {
    "users.get_by_email": lambda uow, s: uow.users.get_by_email(
        f"{LONE_SURROGATE}@example.test"
    ),
    "accounts.get_by_username": lambda uow, s: uow.accounts.get_by_username(
        LONE_SURROGATE
    ),
    "applications.get_by_client_id": lambda uow, s: uow.applications.get_by_client_id(
        LONE_SURROGATE
    ),
    "identities.find": lambda uow, s: uow.identities.find(
        "https://idp.test", LONE_SURROGATE
    ),
    "groups.get_by_name": lambda uow, s: uow.groups.get_by_name(LONE_SURROGATE),
    "catalog.get_by_key": lambda uow, s: uow.catalog.get_by_key(LONE_SURROGATE),
    "audit.list": lambda uow, s: uow.audit.list(target_id=LONE_SURROGATE),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", sorted(LOOKUPS_WITH_SURROGATE))
def test_lone_surrogate_lookup_is_domain_error(
    store: Store, tenant: UUID, seeded: Seeded, case: str
) -> None:
    """A lookup may reject the value or find nothing, but must not crash."""
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        try:
            result = LOOKUPS_WITH_SURROGATE[case](uow, seeded)
        except (ValidationError, NotFound):
            pass
        else:
            assert isinstance(result, Page)
            assert result.items == ()
        assert uow.users.get(seeded.user_id).id == seeded.user_id


@pytest.mark.django_db(transaction=True)
def test_lone_surrogate_actor_rejected(store: Store, tenant: UUID) -> None:
    """The actor goes into every audit record, so a unit must reject it up front."""
    with pytest.raises(ValidationError) as info:
        with store.unit_of_work(tenant, actor=f"svc{LONE_SURROGATE}") as uow:
            uow.groups.create(name="by-bad-actor")
    assert info.value.field == "actor"


@pytest.mark.django_db(transaction=True)
def test_huge_integer_metadata_rejected(
    store: Store, tenant: UUID, seeded: Seeded
) -> None:
    """An int of more than 4,300 digits can't be encoded as JSON by Python."""
    huge = 10**5000
    assert_rejected(
        store,
        tenant,
        seeded,
        lambda uow, s: uow.applications.create(
            client_id="huge-app", name="App", metadata={"n": huge}
        ),
        "metadata",
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "seen_at",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=23))),
        datetime.max.replace(tzinfo=timezone(timedelta(hours=-23))),
    ],
    ids=["before-year-1-in-utc", "after-year-9999-in-utc"],
)
def test_sign_in_time_out_of_range(
    store: Store, tenant: UUID, seeded: Seeded, seen_at: datetime
) -> None:
    """An aware datetime whose UTC value leaves Python's range must be rejected."""
    assert_rejected(
        store,
        tenant,
        seeded,
        lambda uow, s: uow.identities.record_sign_in(s.identity_id, seen_at=seen_at),
        "seen_at",
    )


WRONG_TYPES: dict[str, tuple[Action, str]] = {
    "display_name bytes": (
        lambda uow, s: uow.users.create(display_name=b"Ada"),
        "display_name",
    ),
    "display_name with NUL": (
        lambda uow, s: uow.users.create(display_name="Ada\x00"),
        "display_name",
    ),
    "display_name with C1 control": (
        lambda uow, s: uow.users.create(display_name="Ada\x85"),
        "display_name",
    ),
    "user_id as str": (
        lambda uow, s: uow.accounts.create_human(
            user_id=str(s.user_id), username="ada2"
        ),
        "user_id",
    ),
    "expected_version bool": (
        lambda uow, s: uow.groups.rename(s.group_id, expected_version=True, name="x"),
        "expected_version",
    ),
    "status unknown": (
        lambda uow, s: uow.users.create(display_name="Ada", status="ACTIVE"),
        "status",
    ),
    "status list": (
        lambda uow, s: uow.users.create(display_name="Ada", status=["active"]),
        "status",
    ),
    "roles as str": (
        lambda uow, s: uow.bindings.create(
            account_id=s.account_id, application_id=s.application_id, roles="admin"
        ),
        "roles",
    ),
    "roles with None": (
        lambda uow, s: uow.bindings.create(
            account_id=s.account_id, application_id=s.application_id, roles=[None]
        ),
        "roles",
    ),
    "metadata NaN": (
        lambda uow, s: uow.applications.create(
            client_id="nan-app", name="App", metadata={"x": float("nan")}
        ),
        "metadata",
    ),
    "metadata int key": (
        lambda uow, s: uow.applications.create(
            client_id="key-app", name="App", metadata={"x": {1: "one"}}
        ),
        "metadata",
    ),
    "metadata NUL key": (
        lambda uow, s: uow.applications.create(
            client_id="nul-app", name="App", metadata={"x\x00": 1}
        ),
        "metadata",
    ),
    "metadata nested 40 deep": (
        lambda uow, s: uow.applications.create(
            client_id="deep-app", name="App", metadata=_nested(40)
        ),
        "metadata",
    ),
    "metadata set value": (
        lambda uow, s: uow.applications.create(
            client_id="set-app", name="App", metadata={"x": {1, 2}}
        ),
        "metadata",
    ),
    "max_length bool": (
        lambda uow, s: uow.catalog.define(
            key="k", value_type="string", max_length=True
        ),
        "max_length",
    ),
    "profile integer as bool": (
        lambda uow, s: uow.profiles.set(s.user_id, s.attribute_id, 5),
        "profile value nickname",
    ),
    "seen_at naive": (
        lambda uow, s: uow.identities.record_sign_in(
            s.identity_id, seen_at=datetime(2026, 1, 1)
        ),
        "seen_at",
    ),
    "seen_at as str": (
        lambda uow, s: uow.identities.record_sign_in(
            s.identity_id, seen_at=datetime.now(UTC).isoformat()
        ),
        "seen_at",
    ),
    "limit bool": (lambda uow, s: uow.users.list(limit=True), "limit"),
    "limit huge": (lambda uow, s: uow.users.list(limit=10**6), "limit"),
    "cursor garbage": (lambda uow, s: uow.users.list(after="%%%"), "cursor"),
    "cursor bytes": (lambda uow, s: uow.users.list(after=b"W10"), "cursor"),
    "huge display_name": (
        lambda uow, s: uow.users.create(display_name="A" * 10_000_000),
        "display_name",
    ),
}


def _nested(depth: int) -> dict[str, object]:
    document: dict[str, object] = {}
    node = document
    for _ in range(depth):
        child: dict[str, object] = {}
        node["a"] = child
        node = child
    return document


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", sorted(WRONG_TYPES))
def test_wrong_input_rejected(
    store: Store, tenant: UUID, seeded: Seeded, case: str
) -> None:
    """Check inputs that the rules already reject, to show that these paths hold."""
    action, field = WRONG_TYPES[case]
    assert_rejected(store, tenant, seeded, action, field)


def test_error_is_store_error() -> None:
    """ValidationError is a UeStoreError, which every assertion here relies on."""
    assert issubclass(ValidationError, UeStoreError)


UNSET_REQUIRED: dict[str, tuple[Action, str]] = {
    "users.create display_name": (
        lambda uow, s: uow.users.create(display_name=UNSET),
        "display_name",
    ),
    "applications.create client_id": (
        lambda uow, s: uow.applications.create(client_id=UNSET, name="App"),
        "client_id",
    ),
    "accounts.create_service username": (
        lambda uow, s: uow.accounts.create_service(username=UNSET),
        "username",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", sorted(UNSET_REQUIRED))
def test_unset_marker_for_required_argument(
    store: Store, tenant: UUID, seeded: Seeded, case: str
) -> None:
    """UNSET has a meaning only in updates, so a create must reject it by name."""
    action, field = UNSET_REQUIRED[case]
    assert_rejected(store, tenant, seeded, action, field)
