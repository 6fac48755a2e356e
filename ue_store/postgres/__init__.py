"""The PostgreSQL store: the ``Store`` protocol over the ue_store Django models.

Hosts call ``get_store()`` for a store on the default database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .store import PostgresStore, PostgresUnitOfWork


def get_store(
    using: str = "default", clock: Callable[[], datetime] | None = None
) -> PostgresStore:
    """Return a PostgreSQL store on the Django database alias ``using``."""
    return PostgresStore(using=using, clock=clock)


__all__ = ["PostgresStore", "PostgresUnitOfWork", "get_store"]
