"""Readiness check of the runtime role: row-level security must bind it.

Row-level security protects nothing from a superuser, a role with
BYPASSRLS, or (unless FORCE is set) a table's owner, and TRUNCATE skips it
altogether. The check reads the connected role's attributes and privileges
from the catalog in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, connections

from ue_store.domain.entities import ReadinessCheck
from ue_store.models.names import AUDIT_TABLE

APP_LABEL = "ue_store"
CHECK_NAME = "database role"

_ROLE_SQL = """
SELECT current_user, r.rolsuper, r.rolbypassrls, t.name,
       pg_has_role(current_user, c.relowner, 'MEMBER'),
       c.relrowsecurity, c.relforcerowsecurity,
       has_table_privilege(current_user, c.oid, 'TRUNCATE'),
       has_table_privilege(current_user, c.oid, 'UPDATE')
           OR has_table_privilege(current_user, c.oid, 'DELETE'),
       has_schema_privilege(current_user, c.relnamespace, 'CREATE')
FROM pg_roles AS r
CROSS JOIN unnest(%s::text[]) AS t(name)
JOIN pg_class AS c ON c.oid = to_regclass(t.name)
WHERE r.rolname = current_user
ORDER BY t.name
"""


@dataclass(frozen=True, slots=True)
class _TableGrant:
    name: str
    owned: bool
    row_security: bool
    forced: bool
    truncate: bool
    update_or_delete: bool
    create_in_schema: bool


def table_names() -> list[str]:
    """Return the tables of every ue_store model, the audit table included."""
    config = apps.get_app_config(APP_LABEL)
    return sorted(model._meta.db_table for model in config.get_models())


def check_runtime_role(using: str) -> ReadinessCheck:
    """Check that row-level security binds the role of connection ``using``.

    Not ready when the role is a superuser, has BYPASSRLS, owns (or is a
    member of the owner of) a ue_store table, may TRUNCATE one, may CREATE
    in its schema, may UPDATE or DELETE audit records, or when a ue_store
    table lacks enabled and forced row-level security. Tables not created
    yet are skipped; the migrations check reports them.
    """
    try:
        with connections[using].cursor() as cursor:
            cursor.execute(_ROLE_SQL, [table_names()])
            rows = cursor.fetchall()
    except DatabaseError as error:
        reason = f"role privileges unreadable ({type(error).__name__})"
        return ReadinessCheck(name=CHECK_NAME, ok=False, reason=reason)
    if not rows:
        return ReadinessCheck(
            name=CHECK_NAME, ok=True, reason="no ue_store table to check yet"
        )
    role, superuser, bypass = rows[0][0], rows[0][1], rows[0][2]
    tables = [_TableGrant(*row[3:]) for row in rows]
    problems = _role_problems(superuser, bypass) + _table_problems(tables)
    if problems:
        reason = f"runtime role {role} is not bound by row-level security: " + (
            "; ".join(problems)
        )
        return ReadinessCheck(name=CHECK_NAME, ok=False, reason=reason)
    reason = (
        f"runtime role {role} is bound by forced row-level security "
        f"on {len(tables)} table(s)"
    )
    return ReadinessCheck(name=CHECK_NAME, ok=True, reason=reason)


def _role_problems(superuser: bool, bypass: bool) -> list[str]:
    problems = []
    if superuser:
        problems.append("it is a superuser")
    if bypass:
        problems.append("it has BYPASSRLS")
    return problems


def _table_problems(tables: list[_TableGrant]) -> list[str]:
    checks = (
        ("it owns", lambda table: table.owned),
        ("row-level security is not enabled on", lambda t: not t.row_security),
        ("row-level security is not forced on", lambda t: not t.forced),
        ("it may TRUNCATE", lambda table: table.truncate),
        (
            "it may UPDATE or DELETE",
            lambda t: t.name == AUDIT_TABLE and t.update_or_delete,
        ),
    )
    problems = []
    for text, failing in checks:
        names = [table.name for table in tables if failing(table)]
        if names:
            problems.append(f"{text} {', '.join(names)}")
    if any(table.create_in_schema for table in tables):
        problems.append("it may CREATE objects in the schema of the ue_store tables")
    return problems
