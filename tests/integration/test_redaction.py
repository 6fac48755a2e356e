"""Logged tracebacks of store errors carry no personal data, SQL or secrets.

Each test formats the whole exception chain, as a logger would, and looks
for what the driver's message would have leaked.
"""

from __future__ import annotations

import socket
import traceback
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.db import connection, connections

from ue_store.domain.errors import DuplicateEmail, StoreUnavailable, UeStoreError
from ue_store.postgres import PostgresStore
from ue_store.postgres.errors import translate

from .conftest import ACTOR

pytestmark = pytest.mark.postgres

SQL_WORDS = ("INSERT INTO", "UPDATE ", "SELECT ", "ue_store_user", "DETAIL")


def formatted(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


def assert_hidden(text: str, *secrets: str) -> None:
    for secret in (*SQL_WORDS, *secrets):
        assert secret not in text, secret


def test_redaction__duplicate_email(store: PostgresStore, tenant_id: UUID) -> None:
    email = "grace.hopper.redaction@example.test"
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        uow.users.create(display_name="Grace Example", primary_email=email)

    with (
        pytest.raises(DuplicateEmail) as info,
        store.unit_of_work(tenant_id, actor=ACTOR) as uow,
    ):
        uow.users.create(display_name="Grace Copy", primary_email=email.upper())

    text = formatted(info.value)
    assert_hidden(text, email, email.upper(), "grace.hopper")
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ is True


def closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def unreachable_alias(django_db_blocker: Any) -> Iterator[tuple[str, str, int]]:
    """Add a database alias on a closed loopback port, with a password.

    No test database fixture is used, because Django's test cases forbid
    aliases they were not set up with; the blocker is lifted directly.
    """
    alias = "unreachable"
    password = f"pw-{uuid4().hex}"
    port = closed_port()
    settings = dict(connections.settings["default"])
    settings.update(
        HOST="127.0.0.1",
        PORT=str(port),
        PASSWORD=password,
        USER="redaction_probe",
        NAME="redaction_db",
        CONN_MAX_AGE=0,
        OPTIONS={"connect_timeout": 2},
    )
    connections.settings[alias] = settings
    try:
        with django_db_blocker.unblock():
            yield alias, password, port
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def test_redaction__unreachable_database(
    unreachable_alias: tuple[str, str, int],
) -> None:
    alias, password, port = unreachable_alias
    store = PostgresStore(using=alias)

    with (
        pytest.raises(StoreUnavailable) as info,
        store.unit_of_work(uuid4(), actor=ACTOR) as uow,
    ):
        uow.users.create(display_name="Ada Example")

    text = formatted(info.value)
    assert info.value.retry_safe is True
    assert_hidden(
        text, password, "redaction_probe", "redaction_db", f"{port}", "postgres://"
    )


def test_redaction__unreachable_schema_version(
    unreachable_alias: tuple[str, str, int],
) -> None:
    alias, password, port = unreachable_alias
    store = PostgresStore(using=alias)

    with pytest.raises(StoreUnavailable) as info:
        store.schema_version()
    readiness = store.readiness()

    assert_hidden(formatted(info.value), password, f"{port}")
    assert readiness.ready is False
    assert_hidden(repr(readiness), password, f"{port}")


@pytest.mark.django_db
def test_redaction__statement_timeout_is_retry_safe() -> None:
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError) as info, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '10ms'")
            cursor.execute("SELECT pg_sleep(1)")
    error = translate(info.value)

    assert isinstance(error, StoreUnavailable)
    assert error.retry_safe is True
    assert "statement timeout" in error.reason


@pytest.mark.django_db
def test_redaction__missing_table_is_schema_not_ready() -> None:
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError) as info, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM ue_store_no_such_table")
    error = translate(info.value)

    assert type(error).__name__ == "SchemaNotReady"
    assert isinstance(error, UeStoreError)
