"""Import Keycloak realm exports into the PostgreSQL store."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ue_store.keycloak import DEFAULT_ACTOR, ImportOptions, import_keycloak
from ue_store.postgres import get_store


class Command(BaseCommand):
    help = (
        "Import Keycloak realm exports: single-realm JSON files, files holding a "
        "JSON array of realms, 'kc.sh export --dir' folders and lone "
        "<realm>-users-N.json files. Each realm goes into its own tenant in one "
        "transaction. Credentials, secrets and keys are never imported. Prints "
        "a summary per realm with what was created, updated, unchanged, skipped "
        "and not mapped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="export file or folder"
        )
        parser.add_argument(
            "--tenant-slug",
            help="slug of the tenant to import into (default: the realm name, "
            "lowercased and slugified); needs an input with a single realm",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and write everything, then roll back; prints the summary "
            "a real run would print",
        )
        parser.add_argument(
            "--on-conflict",
            choices=("fail", "skip"),
            default="fail",
            help="fail: the first broken rule rolls back the realm (default); "
            "skip: leave out each user or item that breaks a rule and report it",
        )
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store = get_store(using=options["database"])
        report = import_keycloak(
            store,
            options["paths"],
            ImportOptions(
                tenant_slug=options["tenant_slug"],
                dry_run=options["dry_run"],
                on_conflict=options["on_conflict"],
                actor=DEFAULT_ACTOR,
                progress_bar=self.stdout.isatty(),
            ),
        )
        for summary in report.realms:
            for line in summary.render():
                self.stdout.write(line)
        if report.failure is not None:
            raise CommandError(
                f"import failed, nothing of the failed realm's tenant was written: "
                f"{report.failure}"
            )
