"""The privileges the runtime role needs, as GRANT statements.

The runtime role reads and writes through row-level security and owns
nothing. It gets SELECT and INSERT on every ue_store table, UPDATE on every
table but the append-only audit table, and DELETE only where the store
deletes rows. It gets no TRUNCATE, which row-level security does not
filter, no REFERENCES or TRIGGER, and no CREATE on the schema. Each table's
statements start with REVOKE ALL, so running them again resets a table to
exactly these privileges.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from django.apps import apps
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from ue_store.models import names

APP_LABEL: Final = "ue_store"

#: Tables the store deletes rows from: unlinked identities, deleted bindings
#: and memberships, unset profile values and purged outbox events.
DELETE_TABLES: Final = frozenset(
    {
        names.IDENTITY_TABLE,
        names.BINDING_TABLE,
        names.MEMBERSHIP_TABLE,
        names.PROFILE_TABLE,
        names.OUTBOX_TABLE,
    }
)
#: Django's migration record, which readiness reads.
MIGRATIONS_TABLE: Final = "django_migrations"


def runtime_grants(
    role: str, *, host_tables: bool = False, using: str = "default"
) -> list[str]:
    """Return the statements that give ``role`` exactly the runtime privileges.

    Args:
        role: The runtime role's name.
        host_tables: Also grant SELECT, INSERT, UPDATE and DELETE on the
            tables of the host's other installed apps (such as auth,
            sessions and the admin log), as the example host needs.
        using: The database alias whose quoting and schema to use; the
            statements name tables as the search path finds them.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    grantee = quote(role)
    statements = [f"GRANT USAGE ON SCHEMA {quote(_schema(connection))} TO {grantee}"]
    for model in _models(own=True):
        statements += _table_grants(
            connection, model, grantee, _store_privileges(model._meta.db_table)
        )
    statements.append(f"GRANT SELECT ON TABLE {quote(MIGRATIONS_TABLE)} TO {grantee}")
    if host_tables:
        for model in _models(own=False):
            statements += _table_grants(
                connection, model, grantee, "SELECT, INSERT, UPDATE, DELETE"
            )
    return statements


def _store_privileges(table: str) -> str:
    privileges = ["SELECT", "INSERT"]
    if table != names.AUDIT_TABLE:
        privileges.append("UPDATE")
    if table in DELETE_TABLES:
        privileges.append("DELETE")
    return ", ".join(privileges)


def _table_grants(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    grantee: str,
    privileges: str,
) -> list[str]:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    statements = [
        f"REVOKE ALL ON TABLE {table} FROM {grantee}",
        f"GRANT {privileges} ON TABLE {table} TO {grantee}",
    ]
    pk = model._meta.pk
    if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        # The sequence behind a serial or identity key; a serial default
        # needs USAGE on it to draw the next value.
        sequence = _sequence_name(connection, model._meta.db_table, pk.column)
        if sequence is not None:
            statements.append(f"GRANT USAGE ON SEQUENCE {sequence} TO {grantee}")
    return statements


def _models(*, own: bool) -> Iterable[type[models.Model]]:
    """Yield the tables' models: ue_store's, or every other installed app's."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        if (model._meta.app_label == APP_LABEL) != own:
            continue
        if not own and not model._meta.managed:
            continue
        yield model


def _schema(connection: BaseDatabaseWrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    return str(row[0]) if row and row[0] else "public"


def _sequence_name(
    connection: BaseDatabaseWrapper, table: str, column: str
) -> str | None:
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(table)
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quoted, column])
        row = cursor.fetchone()
    return None if row is None or row[0] is None else str(row[0])
