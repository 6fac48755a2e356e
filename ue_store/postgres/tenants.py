"""The tenant repository of the PostgreSQL store."""

from __future__ import annotations

from django.db import DatabaseError
from django.db.models import QuerySet

from ue_store import models
from ue_store.domain import inputs, rules
from ue_store.domain.entities import TenantAccount, TenantStatus
from ue_store.domain.errors import ConcurrencyConflict, NotFound
from ue_store.domain.protocol import UNSET, Unset

from . import convert
from .base import Repository
from .errors import translate
from .tenancy import cross_tenant

ENTITY = "tenant account"


class PostgresTenantRepository(Repository):
    def create(
        self,
        *,
        slug: str,
        display_name: str,
        status: TenantStatus = TenantStatus.ACTIVE,
    ) -> TenantAccount:
        fields = inputs.tenant_fields(
            slug=slug,
            display_name=display_name,
            status=status,
            creating=True,
        )
        with self._writing(tenant_required=False):
            now = self._now()
            tenant = TenantAccount(
                id=self._tenant_id,
                created_at=now,
                updated_at=now,
                version=1,
                **fields,
            )
            self._insert(
                models.TenantAccount(
                    id=tenant.id,
                    slug=tenant.slug,
                    display_name=tenant.display_name,
                    status=tenant.status.value,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            self._record_change("created", tenant, now)
            return tenant

    def get(self) -> TenantAccount:
        with self._reading():
            row = self._tenant_rows().filter(id=self._tenant_id).first()
        if row is None:
            raise NotFound(ENTITY, self._tenant_id)
        return convert.tenant(row)

    def update(
        self,
        *,
        expected_version: int,
        display_name: str | Unset = UNSET,
        status: TenantStatus | Unset = UNSET,
    ) -> TenantAccount:
        version = rules.check_version(expected_version)
        fields = inputs.tenant_fields(display_name=display_name, status=status)
        with self._writing():
            row = self._tenant_rows().select_for_update().filter(id=self._tenant_id)
            locked = row.first()
            if locked is None:
                raise NotFound(ENTITY, self._tenant_id)
            current = convert.tenant(locked)
            if current.version != version:
                raise ConcurrencyConflict(ENTITY, self._tenant_id, version)
            tenant, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            row.update(
                **convert.column_values({name: fields[name] for name in changed}),
                updated_at=tenant.updated_at,
                version=tenant.version,
            )
            self._record_change("updated", tenant, tenant.updated_at, changed)
            return tenant

    def _tenant_rows(self) -> QuerySet[models.TenantAccount]:
        return models.TenantAccount._default_manager.using(self._unit.using).all()


def find_by_slug(using: str, slug: str) -> TenantAccount:
    """Return the tenant with a valid slug, or raise NotFound.

    Resolving a slug reads across tenants, so it runs in ``cross_tenant``
    and raises UeStoreError inside a unit of work.
    """
    checked = rules.check_slug(slug)
    try:
        with cross_tenant(using, "tenant lookup by slug"):
            manager = models.TenantAccount._default_manager.using(using)
            row = manager.filter(slug=checked).first()
    except DatabaseError as error:
        raise translate(error) from None
    if row is None:
        raise NotFound(ENTITY, checked)
    return convert.tenant(row)
