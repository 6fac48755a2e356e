"""Readiness reports a runtime role that row-level security does not bind.

Each case runs on a separate superuser connection, in a transaction that is
rolled back at the end. It creates a throwaway role with exactly the runtime
privileges, breaks one thing, and checks readiness as that role with
SET LOCAL ROLE. Roles, grants and ALTER TABLE all roll back with it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest
from django.db import connections, transaction

from ue_store.domain.entities import Readiness
from ue_store.postgres.grants import runtime_grants
from ue_store.postgres.readiness import check_readiness

pytestmark = pytest.mark.postgres

ROLE_CHECK = "database role"


def role_check_of(readiness: Readiness) -> tuple[bool, str]:
    (check,) = [check for check in readiness.checks if check.name == ROLE_CHECK]
    return check.ok, check.reason


@pytest.fixture
def probe(superuser_alias: str) -> Iterator[Callable[..., tuple[bool, str]]]:
    """Yield a function that checks readiness after a misconfiguration.

    ``probe(*statements, as_probe=True)`` runs the statements (``{role}``
    names the throwaway role) and returns the role check's outcome.
    """
    role = f"ue_store_probe_{secrets.token_hex(6)}"
    with transaction.atomic(using=superuser_alias):
        with connections[superuser_alias].cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} NOLOGIN")
            for statement in runtime_grants(role, using=superuser_alias):
                cursor.execute(statement)

        def check(*statements: str, as_probe: bool = True) -> tuple[bool, str]:
            with connections[superuser_alias].cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement.format(role=role))
                if as_probe:
                    cursor.execute(f"SET LOCAL ROLE {role}")
            try:
                return role_check_of(check_readiness(superuser_alias))
            finally:
                with connections[superuser_alias].cursor() as cursor:
                    cursor.execute("RESET ROLE")

        yield check
        transaction.set_rollback(True, using=superuser_alias)


def test_role_check__runtime_role_ready(probe: Callable[..., tuple[bool, str]]) -> None:
    ok, reason = probe()

    assert ok, reason
    assert "bound by forced row-level security" in reason


def test_role_check__superuser_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe(as_probe=False)

    assert not ok
    assert "it is a superuser" in reason


def test_role_check__bypassrls_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe("ALTER ROLE {role} BYPASSRLS")

    assert not ok
    assert "it has BYPASSRLS" in reason


def test_role_check__table_owner_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe("ALTER TABLE ue_store_group OWNER TO {role}")

    assert not ok
    assert "it owns ue_store_group" in reason


def test_role_check__unforced_table_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe("ALTER TABLE ue_store_binding NO FORCE ROW LEVEL SECURITY")

    assert not ok
    assert "row-level security is not forced on ue_store_binding" in reason


def test_role_check__disabled_table_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe("ALTER TABLE ue_store_user DISABLE ROW LEVEL SECURITY")

    assert not ok
    assert "row-level security is not enabled on ue_store_user" in reason


def test_role_check__truncate_grant_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe("GRANT TRUNCATE ON ue_store_account TO {role}")

    assert not ok
    assert "it may TRUNCATE ue_store_account" in reason


def test_role_check__audit_update_grant_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe("GRANT UPDATE ON ue_store_audit_record TO {role}")

    assert not ok
    assert "it may UPDATE or DELETE ue_store_audit_record" in reason


def test_role_check__schema_create_not_ready(
    probe: Callable[..., tuple[bool, str]],
) -> None:
    ok, reason = probe("GRANT CREATE ON SCHEMA public TO {role}")

    assert not ok
    assert "may CREATE objects" in reason
