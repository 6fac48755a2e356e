"""Readiness and schema version of the PostgreSQL store.

The expected heads come from the migration files shipped with this code; the
applied ones from Django's ``django_migrations`` table. A name recorded there
but absent from the code means the database was migrated by a newer release.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from ue_store.domain.entities import Readiness, ReadinessCheck, SchemaVersion
from ue_store.domain.errors import UeStoreError
from ue_store.domain.relay import DEFAULT_STALL_AFTER, relay_warnings

from .relay import PostgresRelay
from .role_check import CHECK_NAME as ROLE_CHECK_NAME
from .role_check import check_runtime_role

APP_LABEL = "ue_store"

logger = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _MigrationState:
    expected: tuple[str, ...]
    applied: tuple[str, ...]
    pending: tuple[str, ...]
    unknown: tuple[str, ...]


def read_schema_version(using: str = "default") -> SchemaVersion:
    """Return the applied and the expected ue_store migration heads.

    Raises django.db.DatabaseError when the database can't be read.
    """
    state = _migration_state(using)
    return SchemaVersion(applied=state.applied, expected=state.expected)


def check_readiness(
    using: str = "default",
    *,
    clock: Callable[[], datetime] = _utc_now,
    stall_after: timedelta = DEFAULT_STALL_AFTER,
) -> Readiness:
    """Check the connection, the migration state and the role; never raises.

    The role check (``role_check``) reports a runtime role that row-level
    security does not bind as not ready. When the store is ready, the
    outbox figures add warnings for dead letters and for an undelivered
    event older than ``stall_after``.
    """
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning(
            "readiness: database unreachable (%s)",
            type(error).__name__,
            extra={"action": "readiness.database_unreachable"},
        )
        reason = f"database unreachable ({type(error).__name__})"
        return Readiness(
            checks=(
                ReadinessCheck(name="database", ok=False, reason=reason),
                ReadinessCheck(
                    name="migrations",
                    ok=False,
                    reason="not checked because the database is unreachable",
                ),
                ReadinessCheck(
                    name=ROLE_CHECK_NAME,
                    ok=False,
                    reason="not checked because the database is unreachable",
                ),
            )
        )
    database = ReadinessCheck(name="database", ok=True, reason="database reachable")
    checks = (database, _migrations_check(using), check_runtime_role(using))
    if not all(check.ok for check in checks):
        return Readiness(checks=checks)
    return Readiness(
        checks=checks, warnings=_outbox_warnings(using, clock, stall_after)
    )


def _outbox_warnings(
    using: str, clock: Callable[[], datetime], stall_after: timedelta
) -> tuple[ReadinessCheck, ...]:
    try:
        counts = PostgresRelay(using, clock).counts()
    except UeStoreError as error:
        reason = f"outbox figures unreadable ({type(error).__name__})"
        return (ReadinessCheck(name="outbox", ok=False, reason=reason),)
    return relay_warnings(counts, stall_after)


def _migrations_check(using: str) -> ReadinessCheck:
    try:
        state = _migration_state(using)
    except DatabaseError as error:
        reason = f"migration state unreadable ({type(error).__name__})"
        return ReadinessCheck(name="migrations", ok=False, reason=reason)
    if state.unknown:
        reason = (
            "database schema is ahead of the code: applied migrations unknown "
            f"to this release: {', '.join(state.unknown)}"
        )
        return ReadinessCheck(name="migrations", ok=False, reason=reason)
    if state.pending:
        reason = (
            f"{len(state.pending)} ue_store migration(s) pending: "
            f"{', '.join(state.pending)}; run 'manage.py migrate'"
        )
        return ReadinessCheck(name="migrations", ok=False, reason=reason)
    reason = f"all ue_store migrations applied (head {', '.join(state.expected)})"
    return ReadinessCheck(name="migrations", ok=True, reason=reason)


def _migration_state(using: str) -> _MigrationState:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    graph = loader.graph
    known = {name for app, name in graph.nodes if app == APP_LABEL}
    recorded = {name for app, name in loader.applied_migrations if app == APP_LABEL}
    expected = tuple(sorted(name for app, name in graph.leaf_nodes(APP_LABEL)))
    unknown = tuple(sorted(recorded - known))
    applied_known = recorded & known
    # A recorded migration is a head when none of its children is recorded.
    heads = {
        name
        for name in applied_known
        if not any(
            child[0] == APP_LABEL and child[1] in applied_known
            for child in graph.node_map[(APP_LABEL, name)].children
        )
    }
    return _MigrationState(
        expected=expected,
        applied=tuple(sorted(heads | set(unknown))),
        pending=tuple(sorted(known - recorded)),
        unknown=unknown,
    )
