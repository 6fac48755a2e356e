"""Helpers that keep conformance tests short: unique values and record factories.

Every factory commits its own unit of work and uses invented data with a
random suffix, so tests never collide even when a store keeps data between
tests.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest

from ue_store.domain.entities import (
    Account,
    Application,
    AuditRecord,
    Binding,
    CatalogAttribute,
    ExternalIdentity,
    Group,
    OutboxEvent,
    User,
    ValueType,
)
from ue_store.domain.errors import UeStoreError
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import Store, UnitOfWork

T = TypeVar("T")
E = TypeVar("E", bound=UeStoreError)

ACTOR = "conformance-suite"
ISSUER = "https://idp.example.test/realms/conformance"


def suffix() -> str:
    """Return 12 random lowercase hex digits for unique names."""
    return uuid4().hex[:12]


def unit(
    store: Store, tenant_id: UUID, *, correlation_id: str | None = None
) -> AbstractContextManager[UnitOfWork]:
    return store.unit_of_work(tenant_id, actor=ACTOR, correlation_id=correlation_id)


def create_tenant(store: Store, *, slug: str | None = None) -> UUID:
    """Create a tenant account under a fresh tenant id and return the id."""
    tenant_id = uuid4()
    with unit(store, tenant_id) as uow:
        uow.tenants.create(
            slug=slug or f"tenant-{suffix()}", display_name="Conformance Tenant"
        )
    return tenant_id


def email() -> str:
    return f"user-{suffix()}@example.test"


def create_user(store: Store, tenant_id: UUID, **fields: Any) -> User:
    fields.setdefault("display_name", "Ada Example")
    fields.setdefault("primary_email", email())
    with unit(store, tenant_id) as uow:
        return uow.users.create(**fields)


def create_account(
    store: Store, tenant_id: UUID, *, user_id: UUID | None = None
) -> Account:
    """Create a human account, and its user when ``user_id`` is None."""
    if user_id is None:
        user_id = create_user(store, tenant_id).id
    with unit(store, tenant_id) as uow:
        return uow.accounts.create_human(user_id=user_id, username=f"ada-{suffix()}")


def create_service_account(store: Store, tenant_id: UUID) -> Account:
    with unit(store, tenant_id) as uow:
        return uow.accounts.create_service(username=f"robot-{suffix()}")


def create_identity(
    store: Store, tenant_id: UUID, *, account_id: UUID | None = None
) -> ExternalIdentity:
    if account_id is None:
        account_id = create_account(store, tenant_id).id
    with unit(store, tenant_id) as uow:
        return uow.identities.link(
            account_id=account_id, issuer=ISSUER, subject=f"sub-{suffix()}"
        )


def create_application(store: Store, tenant_id: UUID, **fields: Any) -> Application:
    fields.setdefault("client_id", f"app-{suffix()}")
    fields.setdefault("name", "Example Portal")
    with unit(store, tenant_id) as uow:
        return uow.applications.create(**fields)


def create_binding(
    store: Store,
    tenant_id: UUID,
    *,
    account_id: UUID | None = None,
    application_id: UUID | None = None,
    roles: tuple[str, ...] = ("viewer",),
) -> Binding:
    if account_id is None:
        account_id = create_account(store, tenant_id).id
    if application_id is None:
        application_id = create_application(store, tenant_id).id
    with unit(store, tenant_id) as uow:
        return uow.bindings.create(
            account_id=account_id, application_id=application_id, roles=roles
        )


def create_attribute(store: Store, tenant_id: UUID, **fields: Any) -> CatalogAttribute:
    fields.setdefault("key", f"attr_{suffix()}")
    fields.setdefault("value_type", ValueType.STRING)
    with unit(store, tenant_id) as uow:
        return uow.catalog.define(**fields)


def create_group(store: Store, tenant_id: UUID, **fields: Any) -> Group:
    fields.setdefault("name", f"group-{suffix()}")
    with unit(store, tenant_id) as uow:
        return uow.groups.create(**fields)


def walk(
    list_page: Callable[..., Page[T]],
    *,
    limit: int = 100,
    after: str | None = None,
    **filters: Any,
) -> list[Page[T]]:
    """Fetch every page of a list from ``after`` on and return the pages in order."""
    pages: list[Page[T]] = []
    while True:
        page = list_page(after=after, limit=limit, **filters)
        pages.append(page)
        if page.next_cursor is None:
            return pages
        if len(pages) > 10_000:
            raise AssertionError("list did not end after 10000 pages")
        after = page.next_cursor


def items(list_page: Callable[..., Page[T]], **filters: Any) -> list[T]:
    """Return every item of a list, page after page."""
    return [item for page in walk(list_page, **filters) for item in page.items]


def audit_records(store: Store, tenant_id: UUID, **filters: Any) -> list[AuditRecord]:
    with unit(store, tenant_id) as uow:
        return items(uow.audit.list, **filters)


def outbox_events(store: Store, tenant_id: UUID) -> list[OutboxEvent]:
    with unit(store, tenant_id) as uow:
        return items(uow.outbox.list)


def actions(store: Store, tenant_id: UUID) -> list[str]:
    return [record.action for record in audit_records(store, tenant_id)]


def expect(
    error_type: type[E], call: Callable[..., object], *args: Any, **kwargs: Any
) -> E:
    """Call ``call(*args, **kwargs)``, check that it raised ``error_type``.

    Returns the error. Also checks that the error hides any driver exception
    behind it, because stores raise domain errors ``from None`` or from another
    domain error.
    """
    with pytest.raises(error_type) as info:
        call(*args, **kwargs)
    error = info.value
    cause = error.__cause__
    assert cause is None or isinstance(cause, UeStoreError), repr(cause)
    context = error.__context__
    if context is not None and not isinstance(context, UeStoreError):
        assert error.__suppress_context__, repr(context)
    return error
