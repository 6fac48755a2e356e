"""The catalog repository of the PostgreSQL store."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID, uuid4

from ue_store import models
from ue_store.domain import inputs, rules
from ue_store.domain.entities import CatalogAttribute, ValueType
from ue_store.domain.errors import ConcurrencyConflict, NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from . import convert
from .base import Reference, Repository, optional_uuid, page_by_time

ENTITY = "catalog attribute"


class PostgresCatalogRepository(Repository):
    def define(
        self,
        *,
        key: str,
        value_type: ValueType,
        application_id: UUID | None = None,
        required: bool = False,
        allowed_values: Iterable[str] = (),
        max_length: int | None = None,
        sensitive: bool = False,
    ) -> CatalogAttribute:
        checked_app = optional_uuid("application_id", application_id)
        fields = inputs.catalog_fields(
            key=key,
            value_type=value_type,
            required=required,
            allowed_values=allowed_values,
            max_length=max_length,
            sensitive=sensitive,
        )
        references: tuple[Reference, ...] = ()
        if checked_app is not None:
            references = (Reference("application", models.Application, checked_app),)
        with self._writing(*references):
            now = self._now()
            attribute = CatalogAttribute(
                tenant_id=self._tenant_id,
                id=uuid4(),
                application_id=checked_app,
                created_at=now,
                updated_at=now,
                version=1,
                **fields,
            )
            self._insert(
                models.CatalogAttribute(
                    tenant_id=attribute.tenant_id,
                    id=attribute.id,
                    application_id=checked_app,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    **convert.column_values(fields),
                )
            )
            self._record_change("created", attribute, now)
            return attribute

    def get(self, attribute_id: UUID) -> CatalogAttribute:
        checked = rules.check_uuid("attribute_id", attribute_id)
        with self._reading():
            row = self._get(models.CatalogAttribute, ENTITY, checked)
        return convert.attribute(row)

    def get_by_key(
        self, key: str, *, application_id: UUID | None = None
    ) -> CatalogAttribute:
        checked_key = rules.check_text(
            "key", key, max_length=rules.CATALOG_KEY_MAX_LENGTH
        )
        checked_app = optional_uuid("application_id", application_id)
        with self._reading():
            row = (
                self._rows(models.CatalogAttribute)
                .filter(key=checked_key, **_scope(checked_app))
                .first()
            )
        if row is None:
            raise NotFound(ENTITY, checked_key)
        return convert.attribute(row)

    def update(
        self,
        attribute_id: UUID,
        *,
        expected_version: int,
        required: bool | Unset = UNSET,
        allowed_values: Iterable[str] | Unset = UNSET,
        max_length: int | Unset | None = UNSET,
        sensitive: bool | Unset = UNSET,
    ) -> CatalogAttribute:
        checked_id = rules.check_uuid("attribute_id", attribute_id)
        version = rules.check_version(expected_version)
        fields = inputs.catalog_flag_fields(required=required, sensitive=sensitive)
        allowed = inputs.materialise_allowed_values(allowed_values)
        with self._writing():
            row = self._lock(models.CatalogAttribute, ENTITY, checked_id)
            current = convert.attribute(row)
            # The new limits are checked against the current definition before
            # the version, as the in-memory store does.
            fields.update(inputs.catalog_limit_fields(current, allowed, max_length))
            if current.version != version:
                raise ConcurrencyConflict(ENTITY, checked_id, version)
            attribute, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            self._update(
                models.CatalogAttribute,
                checked_id,
                **convert.column_values({name: fields[name] for name in changed}),
                updated_at=attribute.updated_at,
                version=attribute.version,
            )
            self._record_change("updated", attribute, attribute.updated_at, changed)
            return attribute

    def list(
        self,
        *,
        application_id: UUID | Unset | None = UNSET,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[CatalogAttribute]:
        rows = self._rows(models.CatalogAttribute)
        if not isinstance(application_id, Unset):
            scope = optional_uuid("application_id", application_id)
            rows = rows.filter(**_scope(scope))
        with self._reading():
            return page_by_time(rows, convert.attribute, after, limit)


def _scope(application_id: UUID | None) -> dict[str, object]:
    """Return the filter of one scope; None is the tenant-wide scope."""
    if application_id is None:
        return {"application__isnull": True}
    return {"application_id": application_id}
