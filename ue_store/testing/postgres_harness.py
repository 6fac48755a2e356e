"""The conformance harness of the PostgreSQL store.

It needs a migrated database that the test may commit to, such as the one
pytest-django's ``transactional_db`` fixture provides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import connections
from django.utils import timezone

from ue_store.domain.protocol import Store
from ue_store.postgres import PostgresStore
from ue_store.postgres.readiness import APP_LABEL

from .clock import TickingClock
from .harness import run_in_threads

T = TypeVar("T")

#: A migration name that sorts after every real one of ue_store.
NEWER_MIGRATION = "9999_schema_ahead_of_code"


class PostgresHarness:
    """A PostgresStore on a TickingClock, with the test hooks it needs.

    The schema hooks edit ``django_migrations`` rows and restore them on
    exit; the tables themselves stay as they are. The runtime role may only
    read that table, so the hooks run on ``schema_using``, an alias of the
    same database that connects as the migration role (default: ``using``).
    """

    def __init__(self, using: str = "default", schema_using: str | None = None) -> None:
        self._using = using
        self._schema_using = schema_using or using
        self._clock = TickingClock()
        self._store = PostgresStore(using=using, clock=self._clock)

    @property
    def store(self) -> Store:
        return self._store

    @property
    def postgres_store(self) -> PostgresStore:
        """The same store, typed as PostgresStore for its own tests."""
        return self._store

    @property
    def clock(self) -> TickingClock:
        return self._clock

    @contextmanager
    def schema_pending(self) -> Iterator[None]:
        """Remove the latest ue_store migration row, and put it back on exit."""
        with connections[self._schema_using].cursor() as cursor:
            cursor.execute(
                "DELETE FROM django_migrations WHERE id = ("
                " SELECT id FROM django_migrations WHERE app = %s"
                " ORDER BY name DESC LIMIT 1"
                ") RETURNING name, applied",
                [APP_LABEL],
            )
            removed = cursor.fetchall()
        try:
            yield
        finally:
            with connections[self._schema_using].cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO django_migrations (app, name, applied)"
                    " VALUES (%s, %s, %s)",
                    [(APP_LABEL, name, applied) for name, applied in removed],
                )

    @contextmanager
    def schema_ahead(self) -> Iterator[None]:
        """Record a ue_store migration this code does not know, until exit."""
        with connections[self._schema_using].cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_migrations (app, name, applied)"
                " VALUES (%s, %s, %s)",
                [APP_LABEL, NEWER_MIGRATION, timezone.now()],
            )
        try:
            yield
        finally:
            with connections[self._schema_using].cursor() as cursor:
                cursor.execute(
                    "DELETE FROM django_migrations WHERE app = %s AND name = %s",
                    [APP_LABEL, NEWER_MIGRATION],
                )

    def run_concurrently(
        self, work: Callable[[], T], count: int
    ) -> list[T | BaseException]:
        """Run ``work`` in threads, each on its own connection, closed afterwards."""
        return run_in_threads(work, count, cleanup=connections.close_all)
