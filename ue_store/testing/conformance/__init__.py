"""The conformance suite: the behaviour every store must show.

A store's test module subclasses ``ConformanceSuite`` under a name starting
with ``Test`` and overrides the ``harness`` fixture::

    class TestMyStore(ConformanceSuite):
        @pytest.fixture
        def harness(self) -> StoreHarness:
            return MyHarness()

The suite never assumes an empty store: each test works in tenants it
creates itself and counts only records of those tenants.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .accounts import AccountContract
from .applications import ApplicationContract
from .audit import AuditChainContract, AuditListContract
from .bindings import BindingContract
from .catalog import CatalogContract
from .concurrency import ConcurrencyContract
from .errors import ErrorContract
from .groups import GroupContract, MembershipContract
from .identities import IdentityContract
from .isolation import IsolationContract
from .normalisation import NormalisationContract
from .pagination import PaginationContract
from .profiles import ProfileContract
from .readiness import ReadinessContract
from .records import RecordContract
from .relay import RelayContract
from .support import create_tenant
from .tenants import TenantContract
from .units import UnitContract
from .users import UserContract
from .validation import ValidationContract

__all__ = ["ConformanceSuite"]


class ConformanceSuite(
    TenantContract,
    UserContract,
    AccountContract,
    IdentityContract,
    ApplicationContract,
    BindingContract,
    CatalogContract,
    ProfileContract,
    GroupContract,
    MembershipContract,
    UnitContract,
    RecordContract,
    RelayContract,
    AuditChainContract,
    AuditListContract,
    IsolationContract,
    ValidationContract,
    NormalisationContract,
    ConcurrencyContract,
    PaginationContract,
    ReadinessContract,
    ErrorContract,
):
    """Every conformance test. Subclass it and override ``harness``."""

    @pytest.fixture
    def harness(self) -> StoreHarness:
        """Return the harness of the store under test; subclasses override it."""
        raise NotImplementedError(
            "override the harness fixture in the ConformanceSuite subclass"
        )

    @pytest.fixture
    def store(self, harness: StoreHarness) -> Store:
        return harness.store

    @pytest.fixture
    def tenant_id(self, store: Store) -> UUID:
        """Return the id of a fresh tenant with its tenant account."""
        return create_tenant(store)

    @pytest.fixture
    def other_tenant_id(self, store: Store) -> UUID:
        """Return the id of a second fresh tenant, for isolation tests."""
        return create_tenant(store)
