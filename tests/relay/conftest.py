"""Fixtures of the relay tests: a committed tenant on the test database."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from ue_store.postgres import PostgresStore


@pytest.fixture
def store(transactional_db: None) -> PostgresStore:
    return PostgresStore()


@pytest.fixture
def tenant_id(store: PostgresStore) -> UUID:
    tenant = uuid4()
    with store.unit_of_work(tenant, actor="relay-tests") as uow:
        uow.tenants.create(slug=f"relay-{tenant.hex[:12]}", display_name="Relay Co")
    return tenant
