"""Recompute the audit hash chains and report the first break of each tenant."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from ue_store.domain.errors import NotFound, UeStoreError
from ue_store.postgres import PostgresStore
from ue_store.postgres.audit_verify import (
    DEFAULT_CHUNK_SIZE,
    ChainReport,
    audit_tenant_ids,
    head_position,
    verify_tenant,
)

logger = logging.getLogger(__name__)

#: Without a terminal, a progress line is logged every this many records.
LOG_EVERY: Final = 100_000
#: Exit status when a chain is broken.
BROKEN_STATUS: Final = 1
#: Exit status for invalid arguments and database errors.
ERROR_STATUS: Final = 2


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chain of every tenant, or of one, and print "
        "each tenant's record count and head hash. Exits with status 1 when a "
        "chain is broken, naming the first broken record, and 2 on errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tenant-slug", help="check only the tenant with this slug"
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=f"records read per query (default: {DEFAULT_CHUNK_SIZE})",
        )
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        using: str = options["database"]
        chunk_size: int = options["chunk_size"]
        if chunk_size < 1:
            raise CommandError(
                f"invalid --chunk-size {chunk_size}: must be at least 1",
                returncode=ERROR_STATUS,
            )
        try:
            broken = self._verify_all(using, options["tenant_slug"], chunk_size)
        except (DatabaseError, UeStoreError) as error:
            logger.error(
                "audit chain verification failed: %s",
                type(error).__name__,
                extra={"action": "audit.verify.failed"},
            )
            raise CommandError(
                f"audit chain verification failed ({type(error).__name__}); "
                "check that the database is reachable and migrated",
                returncode=ERROR_STATUS,
            ) from None
        if broken:
            raise CommandError(
                f"audit chain broken in {broken} tenant(s)", returncode=BROKEN_STATUS
            )

    def _verify_all(self, using: str, slug: str | None, chunk_size: int) -> int:
        """Check the chosen chains; return the number of broken ones."""
        tenant_ids = _chosen_tenants(using, slug)
        logger.info(
            "audit chain verification started for %s",
            "all tenants" if slug is None else f"tenant slug {slug}",
            extra={"action": "audit.verify.started"},
        )
        checked = broken = records = 0
        for tenant_id in tenant_ids:
            report = self._verify_one(using, tenant_id, chunk_size)
            checked += 1
            records += report.count
            if report.failure is not None:
                broken += 1
            self.stdout.write(_describe(report))
        logger.info(
            "audit chain verification finished: %d tenant(s), %d valid record(s), "
            "%d broken chain(s)",
            checked,
            records,
            broken,
            extra={"action": "audit.verify.finished"},
        )
        self.stdout.write(
            f"checked {checked} tenant(s), {records} valid record(s), "
            f"{broken} broken chain(s)"
        )
        return broken

    def _verify_one(self, using: str, tenant_id: UUID, chunk_size: int) -> ChainReport:
        total = head_position(using, tenant_id)
        logger.info(
            "audit chain of tenant %s: checking %d record(s)",
            tenant_id,
            total,
            extra={
                "action": "audit.verify.tenant_started",
                "tenant_id": str(tenant_id),
            },
        )
        with self._progress(tenant_id, total) as on_record:
            report = verify_tenant(
                using, tenant_id, chunk_size=chunk_size, on_record=on_record
            )
        if report.failure is None:
            logger.info(
                "audit chain of tenant %s is valid: %d record(s)",
                tenant_id,
                report.count,
                extra={
                    "action": "audit.verify.tenant_valid",
                    "tenant_id": str(tenant_id),
                },
            )
        else:
            logger.error(
                "audit chain of tenant %s is broken at position %d (sequence %d): %s",
                tenant_id,
                report.failure.position,
                report.failure.sequence,
                report.failure.reason,
                extra={"action": "audit.verify.broken", "tenant_id": str(tenant_id)},
            )
        return report

    @contextmanager
    def _progress(self, tenant_id: UUID, total: int) -> Iterator[Callable[[int], None]]:
        """Yield a per-record callback: a bar on a terminal, else log lines."""
        if not self.stderr.isatty():
            yield _log_progress(tenant_id, total)
            return
        with tqdm(
            total=total, unit="record", desc=f"tenant {tenant_id}", leave=False
        ) as bar:

            def advance(count: int) -> None:
                bar.update(1)

            yield advance


def _chosen_tenants(using: str, slug: str | None) -> Iterator[UUID]:
    if slug is None:
        return audit_tenant_ids(using)
    try:
        tenant = PostgresStore(using=using).find_tenant_by_slug(slug)
    except NotFound:
        raise CommandError(
            f"tenant slug not found: {slug}; list tenants in the admin or omit "
            "--tenant-slug to check every tenant",
            returncode=ERROR_STATUS,
        ) from None
    return iter([tenant.id])


def _log_progress(tenant_id: UUID, total: int) -> Callable[[int], None]:
    def report(count: int) -> None:
        if count % LOG_EVERY == 0:
            logger.info(
                "audit chain of tenant %s: %d of %d record(s) checked",
                tenant_id,
                count,
                total,
                extra={"action": "audit.verify.progress", "tenant_id": str(tenant_id)},
            )

    return report


def _describe(report: ChainReport) -> str:
    failure = report.failure
    if failure is None:
        return (
            f"tenant {report.tenant_id}: valid, {report.count} record(s), "
            f"head {report.head_hash}"
        )
    return (
        f"tenant {report.tenant_id}: BROKEN at position {failure.position} "
        f"(sequence {failure.sequence}): {failure.reason}; "
        f"the {report.count} record(s) before it are valid"
    )
