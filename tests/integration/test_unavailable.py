"""StoreUnavailable on a real server: lock timeout, connection lost at COMMIT."""

from __future__ import annotations

import threading
from uuid import UUID

import psycopg
import pytest
from django.db import connection, connections

from ue_store.domain.errors import StoreUnavailable
from ue_store.postgres import PostgresStore

from .conftest import ACTOR

pytestmark = pytest.mark.postgres


def test_lock_timeout__gives_retry_safe_unavailable(
    store: PostgresStore, tenant_id: UUID
) -> None:
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        user = uow.users.create(display_name="Locked Example")
    locked = threading.Event()
    release = threading.Event()

    def hold_row_lock() -> None:
        try:
            with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
                uow.users.update(user.id, expected_version=1, display_name="Holder")
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_row_lock)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        with (
            pytest.raises(StoreUnavailable) as info,
            store.unit_of_work(tenant_id, actor=ACTOR) as uow,
        ):
            uow.users.update(user.id, expected_version=1, display_name="Waiter")
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert info.value.retry_safe is True
    assert "timeout" in info.value.reason
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        assert uow.users.get(user.id).display_name == "Holder"


def test_connection_lost_at_commit__outcome_unknown(
    store: PostgresStore, tenant_id: UUID
) -> None:
    settings = connection.settings_dict
    killer = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:
        with (
            pytest.raises(StoreUnavailable) as info,
            store.unit_of_work(tenant_id, actor=ACTOR) as uow,
        ):
            uow.users.create(display_name="Lost Example")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                (backend_pid,) = cursor.fetchone()
            killer.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        killer.close()
        connection.close()

    assert info.value.retry_safe is False
    assert "commit failed" in info.value.reason
