"""Run the conformance suite against the in-memory store."""

from __future__ import annotations

import pytest

from ue_store.testing.conformance import ConformanceSuite
from ue_store.testing.harness import StoreHarness
from ue_store.testing.memory_harness import MemoryHarness


class TestMemoryStore(ConformanceSuite):
    @pytest.fixture
    def harness(self) -> StoreHarness:
        return MemoryHarness()
