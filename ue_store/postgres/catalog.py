"""The catalog repository of the PostgreSQL store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID, uuid4

from ue_store import models
from ue_store.domain import inputs, profile, rules
from ue_store.domain.entities import CatalogAttribute, ValueType
from ue_store.domain.errors import ConcurrencyConflict, NotFound, ValidationError
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
        fields = _flag_fields(required=required, sensitive=sensitive)
        # A generator can be read only once, and it is read again below.
        allowed = _materialise(allowed_values)
        with self._writing():
            row = self._lock(models.CatalogAttribute, ENTITY, checked_id)
            current = convert.attribute(row)
            # The new limits are checked against the current definition before
            # the version, as the in-memory store does.
            fields.update(_limit_fields(current, allowed, max_length))
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


def _flag_fields(*, required: object, sensitive: object) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if not isinstance(required, Unset):
        fields["required"] = inputs.check_flag("required", required)
    if not isinstance(sensitive, Unset):
        fields["sensitive"] = inputs.check_flag("sensitive", sensitive)
    return fields


def _materialise(allowed_values: object) -> list[object] | Unset:
    if isinstance(allowed_values, Unset):
        return UNSET
    if isinstance(allowed_values, str) or not isinstance(allowed_values, Iterable):
        raise ValidationError("allowed_values", "must be a collection of strings")
    return list(allowed_values)


def _limit_fields(
    current: CatalogAttribute, allowed: list[object] | Unset, max_length: object
) -> dict[str, Any]:
    """Check the new limits merged with the current ones, as a definition would."""
    if isinstance(allowed, Unset) and isinstance(max_length, Unset):
        return {}
    merged_allowed = current.allowed_values if isinstance(allowed, Unset) else allowed
    merged_max = current.max_length if isinstance(max_length, Unset) else max_length
    checked_allowed, checked_max = profile.check_definition(
        current.value_type,
        merged_allowed,  # type: ignore[arg-type]  # items are checked as strings
        merged_max,  # type: ignore[arg-type]  # checked to be an int or None
    )
    fields: dict[str, Any] = {}
    if not isinstance(allowed, Unset):
        fields["allowed_values"] = checked_allowed
    if not isinstance(max_length, Unset):
        fields["max_length"] = checked_max
    return fields
