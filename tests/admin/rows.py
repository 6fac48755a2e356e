"""Bulk creation of rows of every ue_store model, for change list tests.

Each builder adds ``count`` rows of one model to a tenant with bulk_create,
sharing one parent row where a unique key allows it, so that a thousand rows
take a few statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import models as django_models

from tests import factories
from tests.tenancy import bulk_insert
from ue_store import models
from ue_store.domain import audit_chain

Builder = Callable[[models.TenantAccount, int], None]


def bulk(factory: Any, count: int, **fields: Any) -> list[Any]:
    """Build ``count`` rows with a factory and insert them in one statement."""
    rows = factory.build_batch(count, **fields)
    return bulk_insert(rows)


def tenants(tenant: models.TenantAccount, count: int) -> None:
    bulk(factories.TenantAccountFactory, count)


def users(tenant: models.TenantAccount, count: int) -> None:
    bulk(factories.UserFactory, count, tenant=tenant)


def accounts_of_one_user(
    tenant: models.TenantAccount, count: int
) -> list[models.Account]:
    user = factories.UserFactory(tenant=tenant)
    return bulk(factories.AccountFactory, count, tenant=tenant, user=user)


def accounts(tenant: models.TenantAccount, count: int) -> None:
    accounts_of_one_user(tenant, count)


def identities(tenant: models.TenantAccount, count: int) -> None:
    account = factories.AccountFactory(tenant=tenant)
    bulk(factories.ExternalIdentityFactory, count, tenant=tenant, account=account)


def applications(tenant: models.TenantAccount, count: int) -> None:
    bulk(factories.ApplicationFactory, count, tenant=tenant)


def bindings(tenant: models.TenantAccount, count: int) -> None:
    application = factories.ApplicationFactory(tenant=tenant)
    rows = [
        factories.BindingFactory.build(
            tenant=tenant, account=account, application=application
        )
        for account in accounts_of_one_user(tenant, count)
    ]
    bulk_insert(rows)


def attributes(tenant: models.TenantAccount, count: int) -> None:
    application = factories.ApplicationFactory(tenant=tenant)
    bulk(
        factories.CatalogAttributeFactory, count, tenant=tenant, application=application
    )


def profile_values(tenant: models.TenantAccount, count: int) -> None:
    user = factories.UserFactory(tenant=tenant)
    attribute_rows = bulk(factories.CatalogAttributeFactory, count, tenant=tenant)
    rows = [
        factories.ProfileValueFactory.build(
            tenant=tenant, user=user, attribute=attribute
        )
        for attribute in attribute_rows
    ]
    bulk_insert(rows)


def groups(tenant: models.TenantAccount, count: int) -> None:
    parent = factories.GroupFactory(tenant=tenant)
    bulk(factories.GroupFactory, count, tenant=tenant, parent=parent)


def memberships(tenant: models.TenantAccount, count: int) -> None:
    group = factories.GroupFactory(tenant=tenant)
    rows = [
        factories.MembershipFactory.build(tenant=tenant, group=group, account=account)
        for account in accounts_of_one_user(tenant, count)
    ]
    bulk_insert(rows)


def audit_records(
    tenant: models.TenantAccount,
    count: int,
    *,
    target_types: tuple[str, ...] = ("user",),
) -> None:
    """Append ``count`` records to the tenant's audit chain, cycling target types."""
    head = models.AuditRecord.objects.filter(tenant=tenant).order_by("-position")
    last = head.first()
    position = 0 if last is None else last.position
    previous_hash = audit_chain.GENESIS_HASH if last is None else last.record_hash
    rows = []
    for index in range(count):
        target_type = target_types[index % len(target_types)]
        content = audit_chain.ChainContent(
            tenant_id=tenant.id,
            position=position + index + 1,
            occurred_at=factories.NOW,
            actor="admin-tests",
            action=f"{target_type}.created",
            target_type=target_type,
            target_id=str(uuid.uuid4()),
            correlation_id=None,
            details={"fields": []},
            previous_hash=previous_hash,
        )
        record = audit_chain.seal(content, sequence=0)
        rows.append(
            models.AuditRecord(
                tenant=tenant,
                position=record.position,
                occurred_at=record.occurred_at,
                actor=record.actor,
                action=record.action,
                target_type=record.target_type,
                target_id=record.target_id,
                details=record.details,
                previous_hash=record.previous_hash,
                record_hash=record.record_hash,
            )
        )
        previous_hash = record.record_hash
    bulk_insert(rows)


def outbox_events(tenant: models.TenantAccount, count: int) -> None:
    bulk_insert(
        models.OutboxEvent(
            tenant=tenant,
            event_id=uuid.uuid4(),
            event_type="user.created",
            aggregate_type="user",
            aggregate_id=str(uuid.uuid4()),
            payload={},
            headers={},
            created_at=factories.NOW,
            available_at=factories.NOW,
        )
        for _ in range(count)
    )


BUILDERS: dict[type[django_models.Model], Builder] = {
    models.TenantAccount: tenants,
    models.User: users,
    models.Account: accounts,
    models.ExternalIdentity: identities,
    models.Application: applications,
    models.Binding: bindings,
    models.CatalogAttribute: attributes,
    models.ProfileValue: profile_values,
    models.Group: groups,
    models.Membership: memberships,
    models.AuditRecord: audit_records,
    models.OutboxEvent: outbox_events,
}
