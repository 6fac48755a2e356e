"""Wake a waiting relay through PostgreSQL LISTEN/NOTIFY.

Migration 0002 installs a trigger that notifies the ``ue_store_outbox``
channel after each INSERT into the outbox, at commit. The listener keeps its
own autocommit connection, because Django's connection may sit inside a
transaction, and a transaction holds notifications back until it ends.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from django.db import connections

from ue_store.domain.errors import StoreUnavailable
from ue_store.models.names import OUTBOX_NOTIFY_CHANNEL

logger = logging.getLogger("ue_store.relay")


class NotifyWaiter:
    """Block until an outbox insert commits, or until a timeout."""

    def __init__(self, using: str = "default") -> None:
        self._using = using
        self._connection: psycopg.Connection[Any] | None = None

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; return True when notified.

        Raises StoreUnavailable when the listening connection fails; the next
        call connects again.
        """
        try:
            connection = self._connect()
            for _ in connection.notifies(timeout=timeout, stop_after=1):
                return True
            return False
        except psycopg.Error as error:
            self.close()
            raise StoreUnavailable(
                f"notification connection failed ({type(error).__name__})",
                retry_safe=True,
            ) from None

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except psycopg.Error:
                # Closing a broken connection may fail too; it is dropped anyway.
                pass
            self._connection = None

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is not None and not self._connection.closed:
            return self._connection
        params = connections[self._using].get_connection_params()
        for django_only in ("context", "cursor_factory"):
            params.pop(django_only, None)
        connection = psycopg.connect(autocommit=True, **params)
        connection.execute(f"LISTEN {OUTBOX_NOTIFY_CHANNEL}")
        self._connection = connection
        logger.info(
            "listening for outbox inserts on channel %s",
            OUTBOX_NOTIFY_CHANNEL,
            extra={"action": "relay.listening"},
        )
        return connection
