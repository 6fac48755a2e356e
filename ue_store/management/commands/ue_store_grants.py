"""Print, or run, the GRANT statements that the runtime role needs."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections, transaction

from ue_store.postgres.grants import runtime_grants

logger = logging.getLogger(__name__)

#: Runtime role used when neither --runtime-role nor the setting names one.
DEFAULT_RUNTIME_ROLE = "ue_store_app"


def configured_runtime_role() -> str:
    """Return the runtime role name from ``UE_STORE_RUNTIME_ROLE``."""
    return str(getattr(settings, "UE_STORE_RUNTIME_ROLE", DEFAULT_RUNTIME_ROLE))


class Command(BaseCommand):
    help = (
        "Print the GRANT statements that give the runtime role exactly the "
        "privileges ue_store needs on a migrated database, one per line. With "
        "--apply, run them in one transaction; connect as the migration role "
        "(the tables' owner) or a superuser. Creating the role and its "
        "password is left to the database provider."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--runtime-role",
            help="role to grant to (default: the UE_STORE_RUNTIME_ROLE setting, "
            f"else {DEFAULT_RUNTIME_ROLE})",
        )
        parser.add_argument(
            "--host-tables",
            action="store_true",
            help="also grant SELECT, INSERT, UPDATE and DELETE on the tables of "
            "the other installed apps (auth, sessions, admin log)",
        )
        parser.add_argument(
            "--apply", action="store_true", help="run the statements instead"
        )
        parser.add_argument(
            "--database",
            default="default",
            help="database alias to read the schema from and, with --apply, "
            "to run on (default: default)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role: str = options["runtime_role"] or configured_runtime_role()
        using: str = options["database"]
        try:
            statements = runtime_grants(
                role, host_tables=options["host_tables"], using=using
            )
            if options["apply"]:
                with transaction.atomic(using=using):
                    with connections[using].cursor() as cursor:
                        for statement in statements:
                            cursor.execute(statement)
        except DatabaseError as error:
            raise CommandError(
                f"granting the runtime privileges to role {role} failed "
                f"({type(error).__name__}); check that the role exists, the "
                "database is migrated, and --database connects as the tables' "
                "owner or a superuser"
            ) from None
        if options["apply"]:
            logger.info(
                "granted the runtime privileges to role %s",
                role,
                extra={"action": "grants.applied", "role": role},
            )
            self.stdout.write(f"granted the runtime privileges to role {role}")
            return
        self.stdout.write("\n".join(f"{statement};" for statement in statements))
