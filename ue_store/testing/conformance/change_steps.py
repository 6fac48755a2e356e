"""The table of changes that the audit and outbox conformance test runs.

Each entry performs one protocol write and names the audit action, target
type and changed fields that the write must record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from ue_store.domain.changes import PAYLOAD_SCHEMA_VERSION
from ue_store.domain.entities import (
    Account,
    AccountStatus,
    Application,
    ApplicationStatus,
    Binding,
    CatalogAttribute,
    Group,
    User,
    UserStatus,
)
from ue_store.domain.protocol import Store, UnitOfWork

from .support import ACTOR, ISSUER, audit_records, outbox_events, suffix, unit

Step = Callable[[UnitOfWork], str]
# (action, target type, changed fields or None to skip that check, step)
StepCase = tuple[str, str, list[str] | None, Step]


def run_steps(
    store: Store,
    tenant_id: UUID,
    steps: list[StepCase],
) -> None:
    """Run each step in its own unit and check the one record and event it wrote."""
    for action, target_type, fields, step in steps:
        seen_audit = len(audit_records(store, tenant_id))
        seen_events = len(outbox_events(store, tenant_id))
        with unit(store, tenant_id, correlation_id=f"corr-{action}") as uow:
            target_id = step(uow)

        new_records = audit_records(store, tenant_id)[seen_audit:]
        new_events = outbox_events(store, tenant_id)[seen_events:]
        assert len(new_records) == 1, (action, new_records)
        assert len(new_events) == 1, (action, new_events)
        record, event = new_records[0], new_events[0]
        assert record.action == action
        assert record.target_type == target_type, action
        assert record.target_id == target_id, action
        assert record.actor == ACTOR, action
        assert record.correlation_id == f"corr-{action}"
        assert record.tenant_id == tenant_id, action
        assert isinstance(record.details["fields"], list), action
        if fields is not None:
            assert record.details["fields"] == fields, action
        assert event.event_type == action
        assert event.aggregate_type == target_type, action
        assert event.aggregate_id == target_id, action
        assert event.tenant_id == tenant_id, action
        assert event.headers["correlation_id"] == f"corr-{action}"
        assert event.headers["schema_version"] == PAYLOAD_SCHEMA_VERSION, action
        assert event.delivered_at is None, action


def change_steps(
    user: User,
    account: Account,
    application: Application,
    binding: Binding,
    attribute: CatalogAttribute,
    group: Group,
) -> list[StepCase]:
    """Return one step per kind of change, for records that already exist.

    The steps run in order: later steps use records that earlier ones made.
    """
    created: dict[str, UUID] = {}

    def keep(name: str, record_id: UUID) -> str:
        created[name] = record_id
        return str(record_id)

    profile_target = f"{user.id}:{attribute.id}"

    # Steps whose operation returns nothing return the target id here.
    def unlink(uow: UnitOfWork) -> str:
        uow.identities.unlink(created["identity"])
        return str(created["identity"])

    def delete_binding(uow: UnitOfWork) -> str:
        uow.bindings.delete(binding.id, expected_version=2)
        return str(binding.id)

    def set_profile(uow: UnitOfWork, value: str) -> str:
        uow.profiles.set(user.id, attribute.id, value)
        return profile_target

    def unset_profile(uow: UnitOfWork) -> str:
        uow.profiles.unset(user.id, attribute.id)
        return profile_target

    def remove_membership(uow: UnitOfWork) -> str:
        uow.memberships.remove(created["membership"])
        return str(created["membership"])

    steps: list[StepCase] = [
        (
            "user.created",
            "user",
            None,
            lambda uow: str(uow.users.create(display_name="Bo Test").id),
        ),
        (
            "user.updated",
            "user",
            ["display_name", "status"],
            lambda uow: str(
                uow.users.update(
                    user.id,
                    expected_version=1,
                    display_name="Ada Renamed",
                    status=UserStatus.DISABLED,
                ).id
            ),
        ),
        (
            "account.created",
            "account",
            None,
            lambda uow: str(
                uow.accounts.create_service(username=f"robot-{suffix()}").id
            ),
        ),
        (
            "account.updated",
            "account",
            ["status"],
            lambda uow: str(
                uow.accounts.update(
                    account.id, expected_version=1, status=AccountStatus.LOCKED
                ).id
            ),
        ),
        (
            "external_identity.linked",
            "external_identity",
            None,
            lambda uow: keep(
                "identity",
                uow.identities.link(
                    account_id=account.id, issuer=ISSUER, subject="sub-records"
                ).id,
            ),
        ),
        (
            "external_identity.seen",
            "external_identity",
            None,
            lambda uow: str(
                uow.identities.record_sign_in(
                    created["identity"], seen_at=datetime.now(UTC)
                ).id
            ),
        ),
        (
            "external_identity.deleted",
            "external_identity",
            None,
            unlink,
        ),
        (
            "application.created",
            "application",
            None,
            lambda uow: str(
                uow.applications.create(client_id=f"c-{suffix()}", name="Two").id
            ),
        ),
        (
            "application.updated",
            "application",
            ["metadata", "status"],
            lambda uow: str(
                uow.applications.update(
                    application.id,
                    expected_version=1,
                    status=ApplicationStatus.DISABLED,
                    metadata={"pkce": True},
                ).id
            ),
        ),
        (
            "binding.updated",
            "binding",
            ["roles"],
            lambda uow: str(
                uow.bindings.update(binding.id, expected_version=1, roles=["admin"]).id
            ),
        ),
        (
            "binding.deleted",
            "binding",
            None,
            delete_binding,
        ),
        (
            "binding.created",
            "binding",
            None,
            lambda uow: str(
                uow.bindings.create(
                    account_id=account.id,
                    application_id=application.id,
                    roles=(),
                ).id
            ),
        ),
        (
            "catalog_attribute.updated",
            "catalog_attribute",
            ["max_length", "sensitive"],
            lambda uow: str(
                uow.catalog.update(
                    attribute.id,
                    expected_version=1,
                    max_length=30,
                    sensitive=True,
                ).id
            ),
        ),
        (
            "profile_value.set",
            "profile_value",
            None,
            lambda uow: set_profile(uow, "first"),
        ),
        (
            "profile_value.set",
            "profile_value",
            None,
            lambda uow: set_profile(uow, "second"),
        ),
        (
            "profile_value.deleted",
            "profile_value",
            None,
            unset_profile,
        ),
        (
            "group.updated",
            "group",
            ["name"],
            lambda uow: str(
                uow.groups.rename(group.id, expected_version=1, name="Renamed").id
            ),
        ),
        (
            "membership.created",
            "membership",
            None,
            lambda uow: keep(
                "membership",
                uow.memberships.add(group_id=group.id, account_id=account.id).id,
            ),
        ),
        (
            "membership.deleted",
            "membership",
            None,
            remove_membership,
        ),
        (
            "tenant.updated",
            "tenant",
            ["display_name"],
            lambda uow: str(
                uow.tenants.update(expected_version=1, display_name="Renamed").id
            ),
        ),
    ]
    return steps
