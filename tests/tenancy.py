"""Row-level security helpers for tests that touch rows around the store.

Tests run as the runtime role, so a raw query or ORM call sees and writes
nothing until its transaction is bound to a tenant (``as_tenant``) or marked
cross-tenant (``inspect_all``, for reads only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

from django.db import models as django_models
from django.db import transaction

from ue_store import models
from ue_store.postgres.tenancy import (
    bind_tenant,
    cross_tenant,
    read_settings,
    restore_settings,
)

M = TypeVar("M", bound=django_models.Model)


@contextmanager
def as_tenant(tenant_id: UUID, using: str = "default") -> Iterator[None]:
    """Run the body in a transaction (or savepoint) bound to ``tenant_id``.

    The settings the body started with come back when it ends.
    """
    with transaction.atomic(using=using):
        previous = read_settings(using)
        bind_tenant(using, tenant_id)
        yield
        restore_settings(using, previous)


def inspect_all(using: str = "default") -> Any:
    """Return a cross-tenant transaction for reads that check a test's outcome."""
    return cross_tenant(using, "test inspection")


def tenant_of(row: django_models.Model) -> UUID:
    """Return the tenant id of a ue_store row; a tenant account's is its id."""
    if isinstance(row, models.TenantAccount):
        return UUID(str(row.id))
    return UUID(str(row.tenant_id))  # type: ignore[attr-defined]


def bulk_insert(rows: Iterable[M], using: str = "default") -> list[M]:
    """Insert rows with bulk_create, one statement per tenant."""
    by_tenant: dict[UUID, list[M]] = defaultdict(list)
    for row in rows:
        by_tenant[tenant_of(row)].append(row)
    created: list[M] = []
    for tenant_id, group in by_tenant.items():
        with as_tenant(tenant_id, using):
            manager = type(group[0])._default_manager.using(using)
            created += manager.bulk_create(group)
    return created
