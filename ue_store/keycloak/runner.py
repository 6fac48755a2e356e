"""Importing realms into tenants, one unit of work per tenant.

Each realm is read in two passes. The first checks every user and reads the
realm definition before the unit of work opens, so most bad input fails
before anything is written. The second writes, inside one unit of work for
the realm's tenant: under ``on_conflict="fail"`` the first broken rule rolls
the whole tenant back, and under ``"skip"`` each user runs in a savepoint and
is reported as skipped when it fails.

A dry run does every write and then rolls the unit of work back by raising a
private exception, so it reports exactly what a real run would change.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Final, Literal
from uuid import UUID, uuid4, uuid5

from tqdm import tqdm

from ue_store.domain import rules
from ue_store.domain.errors import NotFound, UeStoreError, ValidationError
from ue_store.domain.protocol import Store

from .errors import KeycloakImportError, child
from .realm import RealmPlan, parse_realm
from .scan import UserScan
from .sources import (
    RealmPart,
    RealmSource,
    discover,
    merge_configs,
    part_users,
    read_part,
)
from .summary import RealmSummary
from .users import parse_user
from .userwriter import UserWriter
from .writer import RealmWriter

logger = logging.getLogger("ue_store.keycloak")

#: Namespace of tenant ids: a realm's tenant id is uuid5(namespace, realm
#: name), so importing the same realm again finds the same tenant. The value
#: is uuid5(NAMESPACE_URL, "urn:ue-store:keycloak-realm").
TENANT_NAMESPACE: Final = UUID("401d6b09-28dd-5a99-bd83-cff4a8999740")

DEFAULT_ACTOR: Final = "ue_store_import_keycloak"

#: Without a progress bar, a log line reports progress after this many users.
PROGRESS_LOG_EVERY: Final = 10_000

OnConflict = Literal["fail", "skip"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportOptions:
    """How to import: see ``manage.py ue_store_import_keycloak --help``."""

    tenant_slug: str | None = None
    dry_run: bool = False
    on_conflict: OnConflict = "fail"
    actor: str = DEFAULT_ACTOR
    progress_bar: bool = False


@dataclass(slots=True)
class ImportReport:
    """Summaries of the realms handled, and the error that stopped the import.

    Realms before a failed one stay committed, because each realm is its
    own unit of work; the failed realm wrote nothing.
    """

    realms: list[RealmSummary] = field(default_factory=list)
    failure: KeycloakImportError | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


class _DryRunRollback(Exception):
    """Ends a dry run's unit of work so that it rolls back."""


def slugify(name: str) -> str:
    """Return a realm name as a slug of lowercase ASCII letters, digits and hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[: rules.SLUG_MAX_LENGTH].strip("-")


def tenant_id_for(realm_name: str) -> UUID:
    """Return the tenant id of a realm that has no tenant under its slug yet."""
    return uuid5(TENANT_NAMESPACE, realm_name)


def import_keycloak(
    store: Store, paths: Sequence[Path | str], options: ImportOptions
) -> ImportReport:
    """Import every realm found in ``paths``, stopping at the first failure."""
    report = ImportReport()
    try:
        sources = discover([Path(path) for path in paths])
        if options.tenant_slug is not None and len(sources) > 1:
            raise KeycloakImportError(
                ", ".join(str(path) for path in paths),
                "$",
                f"--tenant-slug needs a single realm, but the input holds "
                f"{len(sources)} realms",
            )
        if options.tenant_slug is None:
            _check_distinct_slugs(sources)
    except KeycloakImportError as error:
        logger.error(
            "keycloak import failed: %s",
            error,
            extra={"action": "keycloak.import.failed"},
        )
        report.failure = error
        return report
    for source in sources:
        summary = RealmSummary(realm=source.name, dry_run=options.dry_run)
        report.realms.append(summary)
        try:
            _import_realm(store, source, options, summary)
        except KeycloakImportError as error:
            summary.failed = True
            _log_failure(source.name, error)
            report.failure = error
            return report
        except UeStoreError as error:
            summary.failed = True
            failure = KeycloakImportError(
                source.parts[0].file, "$", f"store error: {error}"
            )
            _log_failure(source.name, failure)
            report.failure = failure
            return report
    return report


def _check_distinct_slugs(sources: list[RealmSource]) -> None:
    """Reject two realms whose names give the same tenant slug.

    Both would land in the tenant of that slug, so the second realm's records
    would merge into the first one's tenant. The check runs before any realm
    is written, so a dry run fails the same way as a real run.
    """
    seen: dict[str, RealmPart] = {}
    for source in sources:
        slug = slugify(source.name)
        part = source.parts[0]
        first = seen.setdefault(slug, part)
        if first is part or not slug:
            continue
        where = child(first.prefix, "realm")
        if first.file != part.file:
            where = f"{where} in {first.file}"
        raise KeycloakImportError(
            part.file,
            child(part.prefix, "realm"),
            f"gives the same tenant slug as the realm at {where}; import the "
            "realms one at a time with --tenant-slug",
        )


def _log_failure(realm: str, error: KeycloakImportError) -> None:
    logger.error(
        "keycloak import of realm %s failed, nothing of its tenant written: %s",
        realm,
        error,
        extra={"action": "keycloak.import.failed"},
    )


def _import_realm(
    store: Store, source: RealmSource, options: ImportOptions, summary: RealmSummary
) -> None:
    scan = UserScan(skip_invalid=options.on_conflict == "skip")
    configs = [read_part(part, scan.scan) for part in source.parts]
    config, defining = merge_configs(source, configs)
    plan = parse_realm(config, str(defining.file), defining.prefix)
    summary.not_mapped.update(plan.unmapped)
    slug, tenant_id = _resolve_tenant(store, plan, options)
    summary.tenant_slug, summary.tenant_id = slug, tenant_id
    logger.info(
        "keycloak import started: realm %s, %d users in %d parts, tenant %s",
        plan.name,
        scan.users,
        len(source.parts),
        tenant_id,
        extra={"action": "keycloak.import.started"},
    )
    correlation_id = f"keycloak-import-{uuid4().hex}"
    try:
        with store.unit_of_work(
            tenant_id, actor=options.actor, correlation_id=correlation_id
        ) as uow:
            writer = RealmWriter(
                uow, plan, summary, skip_conflicts=options.on_conflict == "skip"
            )
            writer.ensure_tenant(slug)
            writer.write_clients()
            writer.write_groups()
            writer.define_catalog(scan.inferred)
            _write_users(writer, source.parts, scan, options)
            if options.dry_run:
                raise _DryRunRollback
        summary.committed = True
    except _DryRunRollback:
        pass
    logger.info(
        "keycloak import finished: realm %s, %s, %d records created or updated, "
        "%d items skipped",
        plan.name,
        "dry run rolled back" if options.dry_run else "committed",
        summary.changes(),
        len(summary.skipped),
        extra={"action": "keycloak.import.finished"},
    )


def _resolve_tenant(
    store: Store, plan: RealmPlan, options: ImportOptions
) -> tuple[str, UUID]:
    """Return the slug and the id of the realm's tenant.

    A tenant that already has the slug is used whatever its id; otherwise the
    id derives from the realm name.
    """
    slug = (
        options.tenant_slug if options.tenant_slug is not None else slugify(plan.name)
    )
    where = "--tenant-slug" if options.tenant_slug is not None else f"{plan.path}.realm"
    try:
        rules.check_slug(slug)
    except ValidationError as error:
        advice = "" if options.tenant_slug is not None else "; pass --tenant-slug"
        raise KeycloakImportError(
            plan.file, where, f"invalid tenant slug: {error.rule}{advice}"
        ) from None
    try:
        return slug, store.find_tenant_by_slug(slug).id
    except NotFound:
        return slug, tenant_id_for(plan.name)


def _write_users(
    writer: RealmWriter, parts: list[RealmPart], scan: UserScan, options: ImportOptions
) -> None:
    users = UserWriter(writer)
    summary = writer.summary
    done = 0
    for file, path, raw in _with_progress(parts, scan.users, summary.realm, options):
        done += 1
        if not options.progress_bar and done % PROGRESS_LOG_EVERY == 0:
            logger.info(
                "keycloak import of realm %s: %d of %d users written",
                summary.realm,
                done,
                scan.users,
                extra={"action": "keycloak.import.progress"},
            )
        skipped = scan.skipped.get((file, path))
        if skipped is not None:
            summary.skip("users", skipped)
            _log_skip(summary, skipped.path, skipped.reason)
            continue
        record = parse_user(raw, file, path)
        entity = "service accounts" if record.is_service_account else "users"
        before = summary.snapshot() if writer.skip_conflicts else None
        if not writer.guarded(entity, file, path, partial(users.write, record)):
            assert before is not None
            failure = summary.skipped[-1]
            summary.restore(before)
            summary.skip(entity, failure)
            _log_skip(summary, failure.path, failure.reason)


def _with_progress(
    parts: list[RealmPart], total: int, realm: str, options: ImportOptions
) -> Iterator[tuple[str, str, Any]]:
    users = (user for part in parts for user in part_users(part))
    if not options.progress_bar:
        yield from users
        return
    with tqdm(total=total, unit="user", desc=f"realm {realm}") as bar:
        for user in users:
            yield user
            bar.update(1)


#: Skipped items beyond this many per realm are counted, not logged.
_SKIP_LOG_LIMIT: Final = 20


def _log_skip(summary: RealmSummary, path: str, reason: str) -> None:
    if len(summary.skipped) <= _SKIP_LOG_LIMIT:
        logger.warning(
            "keycloak import of realm %s skipped %s: %s",
            summary.realm,
            path,
            reason,
            extra={"action": "keycloak.import.skipped"},
        )
    elif len(summary.skipped) == _SKIP_LOG_LIMIT + 1:
        logger.warning(
            "keycloak import of realm %s: more items skipped; the summary lists them",
            summary.realm,
            extra={"action": "keycloak.import.skipped"},
        )
