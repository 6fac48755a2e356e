"""The tenant of a transaction, as the row-level security policies read it.

Migration 0004 binds every ue_store table to two transaction-local settings:
``ue_store.tenant_id``, which a unit of work sets to its tenant, and
``ue_store.cross_tenant``, which ``cross_tenant`` sets to ``on`` for work
that really spans tenants. Both are set with ``set_config(..., true)``, so
PostgreSQL discards them when the transaction (or the savepoint that set
them) ends. Nothing in this module caches them on the Python side, so a
pooled connection starts each transaction with neither set.

NOTE: The cross-tenant setting guards against a forgotten tenant filter or a
raw query. Code that runs as the runtime role can set it too, so it is no
defence against hostile code inside the host process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final
from uuid import UUID

from django.db import DatabaseError, connections, transaction

from ue_store.domain.errors import UeStoreError

from .errors import translate

logger = logging.getLogger(__name__)

TENANT_SETTING: Final = "ue_store.tenant_id"
CROSS_TENANT_SETTING: Final = "ue_store.cross_tenant"
#: Attribute that PostgresStore sets on a connection while a unit is open.
UNIT_OPEN_FLAG: Final = "_ue_store_unit_open"

# One statement sets both settings, so that a unit nested in a cross-tenant
# transaction (an admin view) drops the cross-tenant exception for its work.
_BIND_SQL: Final = (
    f"SELECT set_config('{TENANT_SETTING}', %s, true),"
    f" set_config('{CROSS_TENANT_SETTING}', %s, true)"
)
_READ_SQL: Final = (
    f"SELECT current_setting('{TENANT_SETTING}', true),"
    f" current_setting('{CROSS_TENANT_SETTING}', true)"
)


def bind_tenant(using: str, tenant_id: UUID) -> None:
    """Bind the current transaction to ``tenant_id``, without cross-tenant reads.

    Must run inside a transaction; outside one, the setting would end with
    the statement. Raises django.db.DatabaseError when the statement fails.
    """
    _set(using, str(tenant_id), "")


def read_settings(using: str) -> tuple[str, str]:
    """Return the transaction's tenant and cross-tenant settings, '' when unset."""
    with connections[using].cursor() as cursor:
        cursor.execute(_READ_SQL)
        row = cursor.fetchone()
    if row is None:
        return ("", "")
    return (row[0] or "", row[1] or "")


def restore_settings(using: str, settings: tuple[str, str]) -> None:
    """Set both settings back to values that ``read_settings`` returned.

    A released savepoint keeps the settings made inside it, so work nested in
    a caller's transaction restores the caller's settings when it ends.
    """
    _set(using, *settings)


@contextmanager
def cross_tenant(using: str, reason: str) -> Iterator[None]:
    """Run the body in a transaction that may read every tenant's rows.

    This is the one path for work that spans tenants: the outbox relay,
    readiness, status counts, audit chain checks, tenant lookup by slug and
    operator views in the admin. Inside it, row-level security lets SELECT
    see every tenant, and UPDATE and DELETE reach every tenant's outbox
    events; INSERT still needs a tenant. ``reason`` names the work in the
    debug log.

    Inside a caller's transaction, the body runs in a savepoint, and the
    previous settings come back when it ends. Raises UeStoreError inside a
    unit of work, whose transaction belongs to one tenant, and domain errors
    when the database fails.
    """
    connection = connections[using]
    if getattr(connection, UNIT_OPEN_FLAG, False):
        raise UeStoreError(
            f"cross-tenant work ({reason}) can't run inside a unit of work; "
            "run it after the unit ends"
        )
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=using):
            previous = read_settings(using) if nested else None
            _set(using, "", "on")
            logger.debug(
                "cross-tenant transaction opened: %s",
                reason,
                extra={"action": "store.cross_tenant", "reason": reason},
            )
            yield
            if previous is not None:
                restore_settings(using, previous)
    except DatabaseError as error:
        raise translate(error) from None


def _set(using: str, tenant: str, cross: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(_BIND_SQL, [tenant, cross])
