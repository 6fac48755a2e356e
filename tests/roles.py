"""Database roles of the test session: the runtime role and a superuser.

The test database is created and migrated on the ``migrations`` alias, as
the migration role or a superuser. Tests run on ``default`` as a runtime
role that row-level security binds. When ``default`` connects as a role
unfit for that (a superuser, a role with BYPASSRLS, or the migration role
itself, as when only DATABASE_URL is set), the session creates a throwaway
runtime role with a random password and drops it at the end.

Tests that need a superuser, such as those that disable the audit trigger,
use ``superuser_settings``: the migration alias when it is a superuser,
else UE_STORE_TEST_SUPERUSER_URL, else the private server's
``.pgdata/database_url``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import environ
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED_SUPERUSER_URL = ROOT / ".pgdata" / "database_url"
SUPERUSER_URL_VARIABLE = "UE_STORE_TEST_SUPERUSER_URL"
THROWAWAY_PREFIX = "ue_store_test_runtime_"


def role_flags(connection: BaseDatabaseWrapper, role: str) -> tuple[bool, bool]:
    """Return whether ``role`` is a superuser, and whether it has BYPASSRLS."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
        )
        row = cursor.fetchone()
    return (False, False) if row is None else (bool(row[0]), bool(row[1]))


def current_role(connection: BaseDatabaseWrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def needs_throwaway_role(owner: BaseDatabaseWrapper, runtime_user: str) -> bool:
    """Return True when ``runtime_user`` can't serve as the tests' runtime role."""
    if not runtime_user or runtime_user == current_role(owner):
        return True
    superuser, bypass = role_flags(owner, runtime_user)
    return superuser or bypass


def create_throwaway_role(owner: BaseDatabaseWrapper) -> tuple[str, str]:
    """Create a login role with nothing but LOGIN; return its name and password."""
    role = f"{THROWAWAY_PREFIX}{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(24)
    quote = owner.ops.quote_name
    with owner.cursor() as cursor:
        cursor.execute(
            f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB"
            f" NOCREATEROLE PASSWORD %s",
            [password],
        )
    return role, password


def drop_throwaway_role(owner: BaseDatabaseWrapper, role: str) -> None:
    """Drop the role's privileges in the test database, then the role."""
    quote = owner.ops.quote_name
    with owner.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {quote(role)}")
        cursor.execute(f"DROP ROLE {quote(role)}")


def superuser_settings() -> dict[str, Any] | None:
    """Return Django settings of a superuser on the test database, or None."""
    owner = connections["migrations"]
    if role_flags(owner, current_role(owner))[0]:
        return dict(owner.settings_dict)
    url = os.environ.get(SUPERUSER_URL_VARIABLE, "")
    if not url and EMBEDDED_SUPERUSER_URL.exists():
        url = EMBEDDED_SUPERUSER_URL.read_text().strip()
    if not url:
        return None
    settings = dict(owner.settings_dict)
    parsed = environ.Env.db_url_config(url)
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        settings[key] = parsed[key]
    return settings
