"""Print the store's readiness, schema version and a row count per entity."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from ue_store.domain.errors import UeStoreError
from ue_store.domain.relay import DEFAULT_STALL_AFTER
from ue_store.postgres import PostgresStore
from ue_store.postgres.readiness import check_readiness, read_schema_version
from ue_store.postgres.tenancy import cross_tenant


class Command(BaseCommand):
    help = (
        "Print readiness with its warnings, the applied and expected migration "
        "heads, a row count per ue_store entity and the outbox relay figures. "
        "Exits with status 1 when not ready; warnings never change the status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", help="print the report as one JSON object"
        )
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = build_report(options["database"])
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, sort_keys=True))
        else:
            self.stdout.write(render_text(report))
        if not report["ready"]:
            raise CommandError("the store is not ready", returncode=1)


def build_report(using: str) -> dict[str, Any]:
    readiness = check_readiness(using, stall_after=stall_after())
    report: dict[str, Any] = {
        "ready": readiness.ready,
        "checks": [
            {"name": check.name, "ok": check.ok, "reason": check.reason}
            for check in readiness.checks
        ],
        "warnings": [
            {"name": warning.name, "reason": warning.reason}
            for warning in readiness.warnings
        ],
        "schema": None,
        "counts": None,
        "outbox": None,
    }
    if not readiness.ready:
        return report
    version = read_schema_version(using)
    report["schema"] = {
        "applied": list(version.applied),
        "expected": list(version.expected),
    }
    report["counts"] = count_rows(using)
    report["outbox"] = outbox_figures(using)
    return report


def stall_after() -> timedelta:
    """Return the stalled-relay threshold, ``UE_STORE_OUTBOX_STALL_SECONDS``."""
    seconds = getattr(settings, "UE_STORE_OUTBOX_STALL_SECONDS", None)
    if seconds is None:
        return DEFAULT_STALL_AFTER
    return timedelta(seconds=float(seconds))


def outbox_figures(using: str) -> dict[str, Any] | None:
    """Return the relay's pending, leased and dead-letter figures."""
    try:
        counts = PostgresStore(using=using).relay().counts()
    except UeStoreError:
        return None
    age = counts.oldest_pending_age
    return {
        "pending": counts.pending,
        "retrying": counts.retrying,
        "leased": counts.leased,
        "dead_lettered": counts.dead_lettered,
        "oldest_pending_age_seconds": None if age is None else age.total_seconds(),
    }


def count_rows(using: str) -> dict[str, int] | None:
    """Count the rows of every ue_store model in one cross-tenant statement."""
    connection = connections[using]
    models = list(apps.get_app_config("ue_store").get_models())
    if not models:
        return {}
    quote = connection.ops.quote_name
    selects = [
        f"SELECT %s, count(*) FROM {quote(model._meta.db_table)}" for model in models
    ]
    labels = [str(model._meta.verbose_name_plural) for model in models]
    try:
        with cross_tenant(using, "status row counts"), connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), labels)
            rows = cursor.fetchall()
    except (DatabaseError, UeStoreError):
        return None
    return {str(label): int(count) for label, count in rows}


def render_text(report: dict[str, Any]) -> str:
    lines = [f"ready: {'yes' if report['ready'] else 'no'}"]
    for check in report["checks"]:
        mark = "ok" if check["ok"] else "FAIL"
        lines.append(f"  {check['name']}: {mark} - {check['reason']}")
    for warning in report.get("warnings", []):
        lines.append(f"  WARNING {warning['name']}: {warning['reason']}")
    if report["schema"]:
        lines.append(f"schema applied:  {', '.join(report['schema']['applied'])}")
        lines.append(f"schema expected: {', '.join(report['schema']['expected'])}")
    if report["counts"] is not None:
        lines.append("rows:")
        width = max((len(name) for name in report["counts"]), default=0)
        for name, count in sorted(report["counts"].items()):
            lines.append(f"  {name.ljust(width)}  {count}")
    outbox = report.get("outbox")
    if outbox is not None:
        age = outbox["oldest_pending_age_seconds"]
        lines.append(
            f"outbox: {outbox['pending']} pending ({outbox['retrying']} in backoff), "
            f"{outbox['leased']} leased, {outbox['dead_lettered']} dead-lettered, "
            f"oldest undelivered {'none' if age is None else f'{age:.0f} s old'}"
        )
    return "\n".join(lines)
