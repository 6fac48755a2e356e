"""Fixtures of the adversarial tests: each store, and a tenant in it.

The ``store`` fixture is parametrised over both stores, so a test that uses
it runs once on the in-memory store and once on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest

from ue_store.domain.protocol import Store
from ue_store.memory import MemoryStore
from ue_store.postgres import PostgresStore
from ue_store.testing.clock import TickingClock

ACTOR = "adversarial-tests"


@pytest.fixture(params=["memory", "postgres"])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "memory":
        return MemoryStore(clock=TickingClock())
    request.getfixturevalue("transactional_db")
    return PostgresStore(clock=TickingClock())


@pytest.fixture
def pg_store(transactional_db: None) -> PostgresStore:
    return PostgresStore(clock=TickingClock())


def make_tenant(store: Store) -> UUID:
    """Create a tenant account under a fresh id and return the id."""
    tenant_id = uuid4()
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.tenants.create(slug=f"t-{tenant_id.hex[:12]}", display_name="Tenant")
    return tenant_id


@pytest.fixture
def tenant(store: Store) -> UUID:
    return make_tenant(store)


@pytest.fixture
def other_tenant(store: Store) -> UUID:
    return make_tenant(store)


def change_counts(store: Store, tenant_id: UUID) -> tuple[int, int]:
    """Return how many audit records and outbox events the tenant has."""
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        audit = uow.audit.list(limit=1000).items
        outbox = uow.outbox.list(limit=1000).items
    return len(audit), len(outbox)


@dataclass(frozen=True)
class Seeded:
    """Ids of one record of each kind, committed in a tenant before a test acts."""

    user_id: UUID
    account_id: UUID
    application_id: UUID
    group_id: UUID
    attribute_id: UUID
    identity_id: UUID


def seed(store: Store, tenant_id: UUID) -> Seeded:
    """Commit a user, account, application, group, attribute and identity."""
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        user = uow.users.create(
            display_name="Seed User", primary_email="seed@example.test"
        )
        account = uow.accounts.create_human(user_id=user.id, username="seed-user")
        application = uow.applications.create(client_id="seed-app", name="Seed App")
        group = uow.groups.create(name="seed-group")
        attribute = uow.catalog.define(key="nickname", value_type="string")
        identity = uow.identities.link(
            account_id=account.id, issuer="https://idp.example.test", subject="seed"
        )
    return Seeded(
        user_id=user.id,
        account_id=account.id,
        application_id=application.id,
        group_id=group.id,
        attribute_id=attribute.id,
        identity_id=identity.id,
    )


@pytest.fixture
def seeded(store: Store, tenant: UUID) -> Seeded:
    return seed(store, tenant)
