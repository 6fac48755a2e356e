"""Run the conformance suite against the PostgreSQL store."""

from __future__ import annotations

import pytest

from ue_store.testing.conformance import ConformanceSuite
from ue_store.testing.harness import StoreHarness
from ue_store.testing.postgres_harness import PostgresHarness

pytestmark = pytest.mark.postgres


class TestPostgresStore(ConformanceSuite):
    @pytest.fixture
    def harness(self, transactional_db: None) -> StoreHarness:
        return PostgresHarness(schema_using="migrations")
