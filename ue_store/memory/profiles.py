"""The catalog and profile repositories of the in-memory store."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID, uuid4

from ue_store.domain import inputs, profile, rules
from ue_store.domain.entities import CatalogAttribute, ProfileValue, ValueType
from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateCatalogKey,
    NotFound,
    ValidationError,
)
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from .base import Repository, optional_uuid, page_by_id, page_by_time

ATTRIBUTE = "catalog attribute"
VALUE = "profile value"


class MemoryCatalogRepository(Repository):
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
        with self._writing():
            checked_app = optional_uuid("application_id", application_id)
            fields = inputs.catalog_fields(
                key=key,
                value_type=value_type,
                required=required,
                allowed_values=allowed_values,
                max_length=max_length,
                sensitive=sensitive,
            )
            self._require_tenant()
            if checked_app is not None:
                self._fetch(self._tables.applications, "application", checked_app)
            if self._find(fields["key"], checked_app) is not None:
                raise DuplicateCatalogKey()
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
            self._put(self._tables.catalog, attribute.id, attribute)
            self._record_change("created", attribute, now)
            return attribute

    def get(self, attribute_id: UUID) -> CatalogAttribute:
        self._reading()
        checked = rules.check_uuid("attribute_id", attribute_id)
        return self._fetch(self._tables.catalog, ATTRIBUTE, checked)

    def get_by_key(
        self, key: str, *, application_id: UUID | None = None
    ) -> CatalogAttribute:
        self._reading()
        checked_key = rules.check_text(
            "key", key, max_length=rules.CATALOG_KEY_MAX_LENGTH
        )
        checked_app = optional_uuid("application_id", application_id)
        attribute = self._find(checked_key, checked_app)
        if attribute is None:
            raise NotFound(ATTRIBUTE, checked_key)
        return attribute

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
        with self._writing():
            checked_id = rules.check_uuid("attribute_id", attribute_id)
            version = rules.check_version(expected_version)
            fields = inputs.catalog_flag_fields(required=required, sensitive=sensitive)
            allowed = inputs.materialise_allowed_values(allowed_values)
            self._require_tenant()
            current = self._fetch(self._tables.catalog, ATTRIBUTE, checked_id)
            fields.update(inputs.catalog_limit_fields(current, allowed, max_length))
            if current.version != version:
                raise ConcurrencyConflict(ATTRIBUTE, checked_id, version)
            attribute, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            self._put(self._tables.catalog, attribute.id, attribute)
            self._record_change("updated", attribute, attribute.updated_at, changed)
            return attribute

    def list(
        self,
        *,
        application_id: UUID | Unset | None = UNSET,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[CatalogAttribute]:
        self._reading()
        rows = self._tables.catalog.rows(self._tenant_id)
        if not isinstance(application_id, Unset):
            scope = optional_uuid("application_id", application_id)
            rows = tuple(row for row in rows if row.application_id == scope)
        return page_by_time(rows, lambda row: (row.created_at, row.id), after, limit)

    def _find(self, key: str, application_id: UUID | None) -> CatalogAttribute | None:
        return self._tables.catalog.find(self._tenant_id, "key", (application_id, key))


class MemoryProfileRepository(Repository):
    def set(
        self,
        user_id: UUID,
        attribute_id: UUID,
        value: object,
        *,
        expected_version: int | None = None,
    ) -> ProfileValue:
        with self._writing():
            checked_user = rules.check_uuid("user_id", user_id)
            checked_attr = rules.check_uuid("attribute_id", attribute_id)
            version = None
            if expected_version is not None:
                version = rules.check_version(expected_version)
            self._require_tenant()
            self._fetch(self._tables.users, "user", checked_user)
            attribute = self._fetch(self._tables.catalog, ATTRIBUTE, checked_attr)
            checked_value = profile.check_value(attribute, value)
            key = (checked_user, checked_attr)
            current = self._tables.profiles.get(self._tenant_id, key)
            if version is not None:
                if current is None:
                    raise NotFound(VALUE, _value_key(checked_user, checked_attr))
                if current.version != version:
                    raise ConcurrencyConflict(
                        VALUE, _value_key(checked_user, checked_attr), version
                    )
            if current is not None and current.value == checked_value:
                return current
            now = self._now()
            stored = ProfileValue(
                tenant_id=self._tenant_id,
                user_id=checked_user,
                attribute_id=checked_attr,
                value=checked_value,
                updated_at=now,
                version=1 if current is None else current.version + 1,
            )
            self._put(self._tables.profiles, key, stored)
            self._record_change(
                "set", stored, now, ["value"], sensitive=attribute.sensitive
            )
            return stored

    def get(self, user_id: UUID, attribute_id: UUID) -> ProfileValue:
        self._reading()
        checked_user = rules.check_uuid("user_id", user_id)
        checked_attr = rules.check_uuid("attribute_id", attribute_id)
        return self._fetch(
            self._tables.profiles,
            VALUE,
            (checked_user, checked_attr),
            label=_value_key(checked_user, checked_attr),
        )

    def unset(self, user_id: UUID, attribute_id: UUID) -> None:
        with self._writing():
            checked_user = rules.check_uuid("user_id", user_id)
            checked_attr = rules.check_uuid("attribute_id", attribute_id)
            self._require_tenant()
            self._fetch(self._tables.users, "user", checked_user)
            attribute = self._fetch(self._tables.catalog, ATTRIBUTE, checked_attr)
            if attribute.required:
                raise ValidationError(
                    f"profile value {attribute.key}",
                    "must not be unset because it is required",
                )
            key = (checked_user, checked_attr)
            current = self._tables.profiles.get(self._tenant_id, key)
            if current is None:
                raise NotFound(VALUE, _value_key(checked_user, checked_attr))
            self._delete(self._tables.profiles, key)
            self._record_change(
                "deleted", current, self._now(), sensitive=attribute.sensitive
            )

    def list(
        self,
        user_id: UUID,
        *,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[ProfileValue]:
        self._reading()
        checked_user = rules.check_uuid("user_id", user_id)
        rows = [
            value
            for value in self._tables.profiles.rows(self._tenant_id)
            if value.user_id == checked_user
        ]
        return page_by_id(rows, lambda value: value.attribute_id, after, limit)


def _value_key(user_id: UUID, attribute_id: UUID) -> str:
    """Name a profile value in errors the way audit records name it."""
    return f"{user_id}:{attribute_id}"
