"""An in-memory store: the reference behaviour that every store must match.

Nothing in this package imports Django or a database driver.
"""

from __future__ import annotations

from .store import MemoryStore, MemoryUnitOfWork

__all__ = ["MemoryStore", "MemoryUnitOfWork"]
