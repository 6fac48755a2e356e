"""Conformance tests for tenant isolation.

A record of another tenant must be reported exactly like a missing one, as
the record itself and as a reference in any argument, so that a caller can't
learn that an id exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from ue_store.domain.entities import ValueType
from ue_store.domain.errors import NotFound, UeStoreError
from ue_store.domain.protocol import Store

from .isolation_probes import build_world, probes
from .support import (
    ISSUER,
    audit_records,
    create_account,
    create_application,
    create_attribute,
    create_group,
    create_identity,
    create_user,
    expect,
    items,
    unit,
)


def neutral_message(error: UeStoreError, record_id: UUID) -> str:
    return str(error).replace(str(record_id), "<id>")


class IsolationContract:
    def test_isolation__foreign_ids_look_missing(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        mine = build_world(store, tenant_id)
        theirs = build_world(store, other_tenant_id)
        their_audit = audit_records(store, other_tenant_id)

        with unit(store, tenant_id) as uow:
            for label, entity, foreign_id, probe in probes(mine, theirs):
                missing_id = uuid4()
                foreign = expect(NotFound, probe, uow, foreign_id)
                missing = expect(NotFound, probe, uow, missing_id)

                if entity is not None:
                    assert foreign.entity == entity, label
                assert foreign.entity == missing.entity, label
                assert type(foreign.key) is type(missing.key), label
                assert neutral_message(foreign, foreign_id) == neutral_message(
                    missing, missing_id
                ), label

        assert audit_records(store, other_tenant_id) == their_audit
        assert len(audit_records(store, tenant_id)) == 10

    def test_isolation__lists_stay_in_tenant(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        mine = build_world(store, tenant_id)
        theirs = build_world(store, other_tenant_id)

        with unit(store, tenant_id) as uow:
            lists: dict[str, list[Any]] = {
                "users": items(uow.users.list),
                "accounts": items(uow.accounts.list),
                "identities": items(uow.identities.list),
                "applications": items(uow.applications.list),
                "bindings": items(uow.bindings.list),
                "catalog": items(uow.catalog.list),
                "profiles": items(uow.profiles.list, user_id=mine.user_id),
                "groups": items(uow.groups.list),
                "memberships": items(uow.memberships.list),
                "audit": items(uow.audit.list),
                "outbox": items(uow.outbox.list),
            }

        for name, rows in lists.items():
            assert {row.tenant_id for row in rows} == {tenant_id}, name
        assert [row.id for row in lists["users"]] == [mine.user_id]
        assert [row.id for row in lists["bindings"]] == [mine.binding_id]
        assert [row.id for row in lists["memberships"]] == [mine.membership_id]
        assert theirs.user_id not in {row.id for row in lists["users"]}

    def test_isolation__filters_by_foreign_id(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        """A list filtered by a foreign id is empty or raises NotFound."""
        build_world(store, tenant_id)
        theirs = build_world(store, other_tenant_id)

        with unit(store, tenant_id) as uow:
            filtered: list[tuple[str, Callable[[], object]]] = [
                ("accounts", lambda: uow.accounts.list(user_id=theirs.user_id)),
                (
                    "identities",
                    lambda: uow.identities.list(account_id=theirs.account_id),
                ),
                ("bindings", lambda: uow.bindings.list(account_id=theirs.account_id)),
                (
                    "bindings",
                    lambda: uow.bindings.list(application_id=theirs.application_id),
                ),
                (
                    "catalog",
                    lambda: uow.catalog.list(application_id=theirs.application_id),
                ),
                ("profiles", lambda: uow.profiles.list(theirs.user_id)),
                ("groups", lambda: uow.groups.list(parent_id=theirs.group_id)),
                ("memberships", lambda: uow.memberships.list(group_id=theirs.group_id)),
                (
                    "memberships",
                    lambda: uow.memberships.list(account_id=theirs.account_id),
                ),
                (
                    "audit",
                    lambda: uow.audit.list(target_id=str(theirs.user_id)),
                ),
            ]
            for label, list_call in filtered:
                try:
                    page = list_call()
                except NotFound:
                    continue
                assert page.items == (), label  # type: ignore[attr-defined]
                assert page.next_cursor is None, label  # type: ignore[attr-defined]

    def test_isolation__unique_values_per_tenant(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        """Uniqueness rules hold within a tenant, never across tenants."""
        user = create_user(store, other_tenant_id)
        account = create_account(store, other_tenant_id)
        identity = create_identity(store, other_tenant_id)
        application = create_application(store, other_tenant_id)
        attribute = create_attribute(store, other_tenant_id)
        group = create_group(store, other_tenant_id)
        own_account = create_account(store, tenant_id)

        with unit(store, tenant_id) as uow:
            missing_email = expect(
                NotFound, lambda: uow.users.get_by_email(str(user.primary_email))
            )
            missing_username = expect(
                NotFound, lambda: uow.accounts.get_by_username(account.username)
            )
            missing_identity = expect(
                NotFound, lambda: uow.identities.find(ISSUER, identity.subject)
            )
            missing_client = expect(
                NotFound,
                lambda: uow.applications.get_by_client_id(application.client_id),
            )
            missing_key = expect(
                NotFound, lambda: uow.catalog.get_by_key(attribute.key)
            )
            missing_group = expect(NotFound, lambda: uow.groups.get_by_name(group.name))

            same_user = uow.users.create(
                display_name="Twin Test", primary_email=user.primary_email
            )
            same_account = uow.accounts.create_service(username=account.username)
            same_identity = uow.identities.link(
                account_id=own_account.id, issuer=ISSUER, subject=identity.subject
            )
            same_client = uow.applications.create(
                client_id=application.client_id, name="Twin"
            )
            same_key = uow.catalog.define(
                key=attribute.key, value_type=ValueType.INTEGER
            )
            same_group = uow.groups.create(name=group.name)

        assert missing_email.entity == "user"
        assert missing_username.entity == "account"
        assert missing_identity.entity == "external identity"
        assert missing_client.entity == "application"
        assert missing_key.entity == "catalog attribute"
        assert missing_group.entity == "group"
        assert same_user.primary_email == user.primary_email
        assert same_account.username == account.username
        assert same_identity.subject == identity.subject
        assert same_client.client_id == application.client_id
        assert same_key.key == attribute.key
        assert same_group.name == group.name
