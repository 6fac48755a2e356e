"""One record of each kind per tenant, and the calls that probe them across tenants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from ue_store.domain.entities import ValueType
from ue_store.domain.protocol import Store, UnitOfWork

from .support import (
    ISSUER,
    create_account,
    create_application,
    create_attribute,
    create_binding,
    create_group,
    create_identity,
    create_user,
    unit,
)


@dataclass(frozen=True)
class World:
    """One record of each kind in a tenant."""

    user_id: UUID
    account_id: UUID
    identity_id: UUID
    application_id: UUID
    binding_id: UUID
    attribute_id: UUID
    group_id: UUID
    membership_id: UUID


def build_world(store: Store, tenant_id: UUID) -> World:
    user = create_user(store, tenant_id)
    account = create_account(store, tenant_id, user_id=user.id)
    identity = create_identity(store, tenant_id, account_id=account.id)
    application = create_application(store, tenant_id)
    binding = create_binding(
        store, tenant_id, account_id=account.id, application_id=application.id
    )
    attribute = create_attribute(store, tenant_id, value_type=ValueType.STRING)
    group = create_group(store, tenant_id)
    with unit(store, tenant_id) as uow:
        uow.profiles.set(user.id, attribute.id, "value")
        membership = uow.memberships.add(group_id=group.id, account_id=account.id)
    return World(
        user_id=user.id,
        account_id=account.id,
        identity_id=identity.id,
        application_id=application.id,
        binding_id=binding.id,
        attribute_id=attribute.id,
        group_id=group.id,
        membership_id=membership.id,
    )


# A call, in a unit of the own tenant, that takes a foreign or a missing id.
Probe = Callable[[UnitOfWork, UUID], object]


def probes(mine: World, theirs: World) -> list[tuple[str, str | None, UUID, Probe]]:
    """Return (label, NotFound entity or None, foreign id, call) for each probe.

    The entity is None where the protocol leaves open which of two missing
    records a lookup reports. The error must still match the missing case.
    """
    now = datetime.now(UTC)
    return [
        ("users.get", "user", theirs.user_id, lambda u, i: u.users.get(i)),
        (
            "users.update",
            "user",
            theirs.user_id,
            lambda u, i: u.users.update(i, expected_version=1, display_name="X"),
        ),
        ("accounts.get", "account", theirs.account_id, lambda u, i: u.accounts.get(i)),
        (
            "accounts.update",
            "account",
            theirs.account_id,
            lambda u, i: u.accounts.update(i, expected_version=1, username="x-y"),
        ),
        (
            "accounts.create_human user_id",
            "user",
            theirs.user_id,
            lambda u, i: u.accounts.create_human(user_id=i, username="probe"),
        ),
        (
            "identities.get",
            "external identity",
            theirs.identity_id,
            lambda u, i: u.identities.get(i),
        ),
        (
            "identities.record_sign_in",
            "external identity",
            theirs.identity_id,
            lambda u, i: u.identities.record_sign_in(i, seen_at=now),
        ),
        (
            "identities.unlink",
            "external identity",
            theirs.identity_id,
            lambda u, i: u.identities.unlink(i),
        ),
        (
            "identities.link account_id",
            "account",
            theirs.account_id,
            lambda u, i: u.identities.link(account_id=i, issuer=ISSUER, subject="p"),
        ),
        (
            "applications.get",
            "application",
            theirs.application_id,
            lambda u, i: u.applications.get(i),
        ),
        (
            "applications.update",
            "application",
            theirs.application_id,
            lambda u, i: u.applications.update(i, expected_version=1, name="X"),
        ),
        ("bindings.get", "binding", theirs.binding_id, lambda u, i: u.bindings.get(i)),
        (
            "bindings.update",
            "binding",
            theirs.binding_id,
            lambda u, i: u.bindings.update(i, expected_version=1, roles=["x"]),
        ),
        (
            "bindings.delete",
            "binding",
            theirs.binding_id,
            lambda u, i: u.bindings.delete(i, expected_version=1),
        ),
        (
            "bindings.create account_id",
            "account",
            theirs.account_id,
            lambda u, i: u.bindings.create(
                account_id=i, application_id=mine.application_id, roles=()
            ),
        ),
        (
            "bindings.create application_id",
            "application",
            theirs.application_id,
            lambda u, i: u.bindings.create(
                account_id=mine.account_id, application_id=i, roles=()
            ),
        ),
        (
            "bindings.find account_id",
            None,
            theirs.account_id,
            lambda u, i: u.bindings.find(i, mine.application_id),
        ),
        (
            "bindings.find application_id",
            None,
            theirs.application_id,
            lambda u, i: u.bindings.find(mine.account_id, i),
        ),
        (
            "catalog.get",
            "catalog attribute",
            theirs.attribute_id,
            lambda u, i: u.catalog.get(i),
        ),
        (
            "catalog.update",
            "catalog attribute",
            theirs.attribute_id,
            lambda u, i: u.catalog.update(i, expected_version=1, required=True),
        ),
        (
            "catalog.define application_id",
            "application",
            theirs.application_id,
            lambda u, i: u.catalog.define(
                key="probe", value_type=ValueType.STRING, application_id=i
            ),
        ),
        (
            "catalog.get_by_key application_id",
            None,
            theirs.application_id,
            lambda u, i: u.catalog.get_by_key("probe", application_id=i),
        ),
        (
            "profiles.set user_id",
            "user",
            theirs.user_id,
            lambda u, i: u.profiles.set(i, mine.attribute_id, "x"),
        ),
        (
            "profiles.set attribute_id",
            "catalog attribute",
            theirs.attribute_id,
            lambda u, i: u.profiles.set(mine.user_id, i, "x"),
        ),
        (
            "profiles.get user_id",
            None,
            theirs.user_id,
            lambda u, i: u.profiles.get(i, mine.attribute_id),
        ),
        (
            "profiles.get attribute_id",
            None,
            theirs.attribute_id,
            lambda u, i: u.profiles.get(mine.user_id, i),
        ),
        (
            "profiles.unset user_id",
            None,
            theirs.user_id,
            lambda u, i: u.profiles.unset(i, mine.attribute_id),
        ),
        ("groups.get", "group", theirs.group_id, lambda u, i: u.groups.get(i)),
        (
            "groups.rename",
            "group",
            theirs.group_id,
            lambda u, i: u.groups.rename(i, expected_version=1, name="X"),
        ),
        (
            "groups.create parent_id",
            "group",
            theirs.group_id,
            lambda u, i: u.groups.create(name="Probe", parent_id=i),
        ),
        (
            "groups.get_by_name parent_id",
            None,
            theirs.group_id,
            lambda u, i: u.groups.get_by_name("Probe", parent_id=i),
        ),
        (
            "memberships.get",
            "membership",
            theirs.membership_id,
            lambda u, i: u.memberships.get(i),
        ),
        (
            "memberships.remove",
            "membership",
            theirs.membership_id,
            lambda u, i: u.memberships.remove(i),
        ),
        (
            "memberships.add group_id",
            "group",
            theirs.group_id,
            lambda u, i: u.memberships.add(group_id=i, account_id=mine.account_id),
        ),
        (
            "memberships.add account_id",
            "account",
            theirs.account_id,
            lambda u, i: u.memberships.add(group_id=mine.group_id, account_id=i),
        ),
        (
            "memberships.find group_id",
            None,
            theirs.group_id,
            lambda u, i: u.memberships.find(i, mine.account_id),
        ),
    ]
