"""The tenant repository of the in-memory store."""

from __future__ import annotations

from ue_store.domain import inputs, rules
from ue_store.domain.entities import TenantAccount, TenantStatus
from ue_store.domain.errors import DuplicateTenant, DuplicateTenantSlug, NotFound
from ue_store.domain.protocol import UNSET, Unset

from .base import Repository
from .tables import Tables

ENTITY = "tenant account"


class MemoryTenantRepository(Repository):
    def create(
        self,
        *,
        slug: str,
        display_name: str,
        status: TenantStatus = TenantStatus.ACTIVE,
    ) -> TenantAccount:
        with self._writing():
            fields = inputs.tenant_fields(
                slug=slug,
                display_name=display_name,
                status=status,
                creating=True,
            )
            tenants = self._tables.tenants
            if tenants.get(self._tenant_id, self._tenant_id) is not None:
                raise DuplicateTenant()
            if find_by_slug(self._tables, fields["slug"]) is not None:
                raise DuplicateTenantSlug()
            now = self._now()
            tenant = TenantAccount(
                id=self._tenant_id,
                created_at=now,
                updated_at=now,
                version=1,
                **fields,
            )
            self._put(tenants, self._tenant_id, tenant)
            self._record_change("created", tenant, now)
            return tenant

    def get(self) -> TenantAccount:
        self._reading()
        return self._fetch(self._tables.tenants, ENTITY, self._tenant_id)

    def update(
        self,
        *,
        expected_version: int,
        display_name: str | Unset = UNSET,
        status: TenantStatus | Unset = UNSET,
    ) -> TenantAccount:
        with self._writing():
            version = rules.check_version(expected_version)
            fields = inputs.tenant_fields(display_name=display_name, status=status)
            current = self._fetch_at_version(
                self._tables.tenants, ENTITY, self._tenant_id, version
            )
            tenant, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            self._put(self._tables.tenants, self._tenant_id, tenant)
            self._record_change("updated", tenant, tenant.updated_at, changed)
            return tenant


def find_by_slug(tables: Tables, slug: str) -> TenantAccount | None:
    """Find a tenant by slug, searching every tenant because slugs are global."""
    for tenant in tables.tenants.all_rows():
        if tenant.slug == slug:
            return tenant
    return None


def get_by_slug(tables: Tables, slug: str) -> TenantAccount:
    """Return the tenant with a valid slug, or raise NotFound."""
    checked = rules.check_slug(slug)
    tenant = find_by_slug(tables, checked)
    if tenant is None:
        raise NotFound(ENTITY, checked)
    return tenant
