"""Fixtures of the PostgreSQL tests: a store on the test database, and tenants."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from ue_store.postgres import PostgresStore
from ue_store.testing.postgres_harness import PostgresHarness

ACTOR = "integration-tests"


@pytest.fixture
def harness(transactional_db: None) -> PostgresHarness:
    return PostgresHarness(schema_using="migrations")


@pytest.fixture
def store(harness: PostgresHarness) -> PostgresStore:
    return harness.postgres_store


def make_tenant(store: PostgresStore) -> UUID:
    """Create a tenant account under a fresh id and return the id."""
    tenant_id = uuid4()
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.tenants.create(
            slug=f"tenant-{tenant_id.hex[:12]}", display_name="Integration Tenant"
        )
    return tenant_id


@pytest.fixture
def tenant_id(store: PostgresStore) -> UUID:
    return make_tenant(store)
