"""Conformance tests for the audit trail and the outbox written with each change."""

from __future__ import annotations

import json
from uuid import UUID

from ue_store.domain.entities import ValueType
from ue_store.domain.protocol import Store

from .change_steps import change_steps, run_steps
from .support import (
    ISSUER,
    audit_records,
    create_account,
    create_application,
    create_attribute,
    create_binding,
    create_group,
    create_user,
    email,
    items,
    outbox_events,
    suffix,
    unit,
)


class RecordContract:
    def test_records__tenant_created(self, store: Store, tenant_id: UUID) -> None:
        records = audit_records(store, tenant_id)
        events = outbox_events(store, tenant_id)

        assert [record.action for record in records] == ["tenant.created"]
        assert records[0].target_id == str(tenant_id)
        assert records[0].target_type == "tenant"
        assert [event.event_type for event in events] == ["tenant.created"]
        assert events[0].payload["id"] == str(tenant_id)

    def test_records__one_per_change(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        account = create_account(store, tenant_id, user_id=user.id)
        application = create_application(store, tenant_id)
        binding = create_binding(
            store, tenant_id, account_id=account.id, application_id=application.id
        )
        attribute = create_attribute(store, tenant_id)
        group = create_group(store, tenant_id)
        steps = change_steps(user, account, application, binding, attribute, group)
        run_steps(store, tenant_id, steps)

        records = audit_records(store, tenant_id)
        events = outbox_events(store, tenant_id)
        setup_actions = [record.action for record in records[:7]]
        assert setup_actions == [
            "tenant.created",
            "user.created",
            "account.created",
            "application.created",
            "binding.created",
            "catalog_attribute.created",
            "group.created",
        ]
        assert len(records) == 7 + len(steps)
        assert [event.event_type for event in events] == [
            record.action for record in records
        ]

    def test_records__sequences_increase(
        self, store: Store, tenant_id: UUID, other_tenant_id: UUID
    ) -> None:
        for _ in range(3):
            create_user(store, tenant_id)
            create_user(store, other_tenant_id)

        records = audit_records(store, tenant_id)
        events = outbox_events(store, tenant_id)

        sequences = [record.sequence for record in records]
        event_sequences = [event.sequence for event in events]
        assert len(records) == 4
        # Sorted with no repeats means strictly increasing.
        assert sequences == sorted(set(sequences))
        assert event_sequences == sorted(set(event_sequences))
        assert len({event.event_id for event in events}) == len(events)
        assert {record.tenant_id for record in records} == {tenant_id}
        assert {event.tenant_id for event in events} == {tenant_id}
        times = [record.occurred_at for record in records]
        assert times == sorted(times)

    def test_records__noop_writes_nothing(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        account = create_account(store, tenant_id, user_id=user.id)
        application = create_application(store, tenant_id, metadata={"a": [1]})
        binding = create_binding(
            store, tenant_id, account_id=account.id, roles=("a", "b")
        )
        attribute = create_attribute(store, tenant_id)
        group = create_group(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.profiles.set(user.id, attribute.id, "kept")
        seen_audit = audit_records(store, tenant_id)
        seen_events = outbox_events(store, tenant_id)

        with unit(store, tenant_id) as uow:
            tenant = uow.tenants.get()
            uow.tenants.update(expected_version=1, display_name=tenant.display_name)
            uow.users.update(user.id, expected_version=1, status=user.status)
            uow.accounts.update(
                account.id, expected_version=1, username=account.username
            )
            uow.applications.update(
                application.id, expected_version=1, metadata={"a": [1]}
            )
            uow.bindings.update(binding.id, expected_version=1, roles=["b", "a"])
            uow.catalog.update(attribute.id, expected_version=1, required=False)
            uow.profiles.set(user.id, attribute.id, "kept")
            uow.groups.rename(group.id, expected_version=1, name=group.name)

        assert audit_records(store, tenant_id) == seen_audit
        assert outbox_events(store, tenant_id) == seen_events

    def test_records__no_personal_data_in_audit(
        self, store: Store, tenant_id: UUID
    ) -> None:
        marker = f"Zq{suffix()}"
        address = f"{marker}.mail@example.test"
        username = f"{marker}.login"
        subject = f"{marker}.subject"
        name = f"Person {marker}"
        profile_text = f"{marker} lives here"
        with unit(store, tenant_id) as uow:
            user = uow.users.create(display_name=name, primary_email=address)
            account = uow.accounts.create_human(user_id=user.id, username=username)
            uow.identities.link(
                account_id=account.id,
                issuer=ISSUER,
                subject=subject,
                email=f"{marker}.idp@example.test",
            )
            attribute = uow.catalog.define(
                key=f"home_{suffix()}", value_type=ValueType.STRING
            )
            uow.profiles.set(user.id, attribute.id, profile_text)
        with unit(store, tenant_id) as uow:
            uow.users.update(
                user.id,
                expected_version=1,
                display_name=f"Renamed {marker}",
                primary_email=f"{marker}.new@example.test",
            )
            uow.accounts.update(
                account.id, expected_version=1, username=f"{marker}.renamed"
            )

        records = audit_records(store, tenant_id)
        dumped = json.dumps(
            [[r.details, r.target_id, r.action, r.actor] for r in records],
            ensure_ascii=False,
        )

        assert len(records) == 8
        assert marker.casefold() not in dumped.casefold()
        assert records[-2].details["fields"] == ["display_name", "primary_email"]
        assert records[-1].details["fields"] == ["username"]

    def test_records__payload_carries_record(
        self, store: Store, tenant_id: UUID
    ) -> None:
        address = email()
        user = create_user(store, tenant_id, primary_email=address)
        with unit(store, tenant_id) as uow:
            uow.users.update(user.id, expected_version=1, display_name="Ada Payload")

        events = outbox_events(store, tenant_id)[-2:]

        assert events[0].payload["id"] == str(user.id)
        assert events[0].payload["primary_email"] == address
        assert events[0].payload["version"] == 1
        assert events[1].payload["display_name"] == "Ada Payload"
        assert events[1].payload["version"] == 2
        assert events[1].payload["tenant_id"] == str(tenant_id)

    def test_records__sensitive_value_redacted(
        self, store: Store, tenant_id: UUID
    ) -> None:
        user = create_user(store, tenant_id)
        secret = create_attribute(store, tenant_id, sensitive=True)
        plain = create_attribute(store, tenant_id)
        hidden = f"secret-{suffix()}"

        with unit(store, tenant_id) as uow:
            uow.profiles.set(user.id, secret.id, hidden)
            uow.profiles.set(user.id, plain.id, "visible")

        secret_event, plain_event = outbox_events(store, tenant_id)[-2:]
        assert "value" not in secret_event.payload
        assert secret_event.payload["value_redacted"] is True
        assert hidden not in json.dumps(secret_event.payload, ensure_ascii=False)
        assert secret_event.payload["user_id"] == str(user.id)
        assert plain_event.payload["value"] == "visible"
        assert "value_redacted" not in plain_event.payload

    def test_records__audit_filters(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        create_user(store, tenant_id)
        create_group(store, tenant_id)
        with unit(store, tenant_id) as uow:
            uow.users.update(user.id, expected_version=1, display_name="Ada Filter")

        with unit(store, tenant_id) as uow:
            by_type = items(uow.audit.list, target_type="user")
            by_id = items(uow.audit.list, target_id=str(user.id))
            by_both = items(uow.audit.list, target_type="group", target_id=str(user.id))

        assert [record.action for record in by_type] == [
            "user.created",
            "user.created",
            "user.updated",
        ]
        assert [record.action for record in by_id] == ["user.created", "user.updated"]
        assert by_both == []
