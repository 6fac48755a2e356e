"""Conformance tests for readiness checks and the schema version."""

from __future__ import annotations

from ue_store.domain.entities import Readiness
from ue_store.domain.protocol import Store

from ..harness import StoreHarness


def failing(readiness: Readiness) -> list[str]:
    return [check.name for check in readiness.checks if not check.ok]


class ReadinessContract:
    def test_readiness__ready_by_default(self, store: Store) -> None:
        readiness = store.readiness()
        names = [check.name for check in readiness.checks]

        assert readiness.ready is True
        assert len(readiness.checks) >= 1
        assert all(name.strip() for name in names), names
        assert len(set(names)) == len(names), names
        assert all(check.reason.strip() for check in readiness.checks)

    def test_readiness__schema_current(self, store: Store) -> None:
        version = store.schema_version()

        assert version.current is True
        assert version.applied == version.expected
        assert len(version.expected) >= 1
        assert list(version.expected) == sorted(version.expected)

    def test_readiness__schema_pending(self, harness: StoreHarness) -> None:
        store = harness.store

        with harness.schema_pending():
            readiness = store.readiness()
            version = store.schema_version()

        after = store.readiness()
        assert readiness.ready is False
        assert len(failing(readiness)) >= 1
        assert all(check.reason.strip() for check in readiness.checks if not check.ok)
        assert version.current is False
        assert version.applied != version.expected
        # A pending migration leaves an expected head unapplied.
        assert not set(version.expected) <= set(version.applied)
        assert after.ready is True

    def test_readiness__schema_ahead(self, harness: StoreHarness) -> None:
        store = harness.store

        with harness.schema_ahead():
            readiness = store.readiness()
            version = store.schema_version()

        assert readiness.ready is False
        assert len(failing(readiness)) >= 1
        assert all(check.reason.strip() for check in readiness.checks if not check.ok)
        assert version.current is False
        assert set(version.applied) > set(version.expected)
        assert store.readiness().ready is True
