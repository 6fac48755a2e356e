"""Helpers of the Keycloak import tests: exports, imports and store dumps."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

from ue_store.domain.pagination import Page
from ue_store.domain.protocol import Store, UnitOfWork
from ue_store.keycloak import ImportOptions, ImportReport, import_keycloak

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "keycloak"
REAL_EXPORTS = sorted(FIXTURES.glob("0*.json"))
CANARY_REALM = FIXTURES / "canary" / "canary-realm.json"
EXPORT_DIR = FIXTURES / "export-dir"
CANARY = "CANARY-SECRET"


def run(store: Store, *paths: Path | str, **options: Any) -> ImportReport:
    return import_keycloak(store, list(paths), ImportOptions(**options))


def write_json(folder: Path, name: str, document: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def realm(name: str = "shop", **members: Any) -> dict[str, Any]:
    """Return a minimal realm export with the given members."""
    return {"realm": name, "enabled": True, **members}


def user(username: str, **members: Any) -> dict[str, Any]:
    """Return an enabled export user with the given members."""
    return {"username": username, "enabled": True, **members}


def pages(fetch: Callable[[str | None], Page[Any]]) -> Iterator[Any]:
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return


def tenant_records(store: Store, tenant_id: UUID) -> list[object]:
    """Return every record of the tenant that any repository list returns."""
    with store.unit_of_work(tenant_id, actor="tests") as uow:
        return list(_walk(uow))


def _walk(uow: UnitOfWork) -> Iterator[object]:
    limit = 1000
    yield uow.tenants.get()
    users = list(pages(lambda after: uow.users.list(after=after, limit=limit)))
    yield from users
    for found in users:
        yield from pages(
            lambda after, found=found: uow.profiles.list(
                found.id, after=after, limit=limit
            )
        )
    yield from pages(lambda after: uow.accounts.list(after=after, limit=limit))
    yield from pages(lambda after: uow.identities.list(after=after, limit=limit))
    yield from pages(lambda after: uow.applications.list(after=after, limit=limit))
    yield from pages(lambda after: uow.bindings.list(after=after, limit=limit))
    yield from pages(lambda after: uow.catalog.list(after=after, limit=limit))
    yield from pages(lambda after: uow.groups.list(after=after, limit=limit))
    yield from pages(lambda after: uow.memberships.list(after=after, limit=limit))
    yield from pages(lambda after: uow.audit.list(after=after, limit=limit))
    yield from pages(lambda after: uow.outbox.list(after=after, limit=limit))


def change_log_sizes(store: Store, tenant_id: UUID) -> tuple[int, int]:
    """Return how many audit records and outbox events the tenant has."""
    with store.unit_of_work(tenant_id, actor="tests") as uow:
        audit = sum(1 for _ in pages(lambda after: uow.audit.list(after=after)))
        outbox = sum(1 for _ in pages(lambda after: uow.outbox.list(after=after)))
    return audit, outbox


def actions(store: Store, tenant_id: UUID) -> list[str]:
    with store.unit_of_work(tenant_id, actor="tests") as uow:
        return [
            record.action
            for record in pages(lambda after: uow.audit.list(after=after, limit=1000))
        ]


def tenant_ids(report: ImportReport) -> list[UUID]:
    return [summary.tenant_id for summary in report.realms if summary.tenant_id]
