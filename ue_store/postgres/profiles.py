"""The profile value repository of the PostgreSQL store."""

from __future__ import annotations

from uuid import UUID, uuid4

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from ue_store import models
from ue_store.domain import pagination, profile, rules
from ue_store.domain.entities import CatalogAttribute, ProfileValue
from ue_store.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    NotFound,
    ValidationError,
)
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE

from . import convert
from .base import Reference, Repository

ATTRIBUTE = "catalog attribute"
VALUE = "profile value"


class PostgresProfileRepository(Repository):
    def set(
        self,
        user_id: UUID,
        attribute_id: UUID,
        value: object,
        *,
        expected_version: int | None = None,
    ) -> ProfileValue:
        checked_user = rules.check_uuid("user_id", user_id)
        checked_attr = rules.check_uuid("attribute_id", attribute_id)
        version = None
        if expected_version is not None:
            version = rules.check_version(expected_version)
        try:
            return self._set(checked_user, checked_attr, value, version)
        except Conflict:
            # Another unit inserted this value between the read and the insert.
            # The second attempt finds its row, locks it and updates it.
            return self._set(checked_user, checked_attr, value, version)

    def get(self, user_id: UUID, attribute_id: UUID) -> ProfileValue:
        checked_user = rules.check_uuid("user_id", user_id)
        checked_attr = rules.check_uuid("attribute_id", attribute_id)
        with self._reading():
            row = (
                self._values_with_type()
                .filter(user_id=checked_user, attribute_id=checked_attr)
                .first()
            )
        if row is None:
            raise NotFound(VALUE, _value_key(checked_user, checked_attr))
        return convert.profile_value(row, _value_type(row))

    def unset(self, user_id: UUID, attribute_id: UUID) -> None:
        checked_user = rules.check_uuid("user_id", user_id)
        checked_attr = rules.check_uuid("attribute_id", attribute_id)
        with self._writing():
            attribute = self._attribute_of_user(checked_user, checked_attr)
            if attribute.required:
                raise ValidationError(
                    f"profile value {attribute.key}",
                    "must not be unset because it is required",
                )
            row = self._lock_value(checked_user, checked_attr)
            if row is None:
                raise NotFound(VALUE, _value_key(checked_user, checked_attr))
            current = convert.profile_value(row, attribute.value_type)
            self._rows(models.ProfileValue).filter(id=row.id).delete()
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
        checked_user = rules.check_uuid("user_id", user_id)
        checked_limit = rules.check_limit(limit)
        rows = self._values_with_type().filter(user_id=checked_user)
        if after is not None:
            rows = rows.filter(attribute_id__gt=pagination.decode_id_cursor(after))
        with self._reading():
            fetched = list(rows.order_by("attribute_id")[: checked_limit + 1])
        return pagination.make_page(
            [convert.profile_value(row, _value_type(row)) for row in fetched],
            checked_limit,
            lambda value: pagination.encode_id_cursor(value.attribute_id),
        )

    def _set(
        self, user_id: UUID, attribute_id: UUID, value: object, version: int | None
    ) -> ProfileValue:
        references = (
            Reference("user", models.User, user_id),
            Reference(ATTRIBUTE, models.CatalogAttribute, attribute_id),
        )
        with self._writing(*references):
            attribute = self._attribute_of_user(user_id, attribute_id)
            checked_value = profile.check_value(attribute, value)
            row = self._lock_value(user_id, attribute_id)
            current = None
            if row is not None:
                current = convert.profile_value(row, attribute.value_type)
            if version is not None:
                if current is None:
                    raise NotFound(VALUE, _value_key(user_id, attribute_id))
                if current.version != version:
                    raise ConcurrencyConflict(
                        VALUE, _value_key(user_id, attribute_id), version
                    )
            if current is not None and current.value == checked_value:
                return current
            now = self._now()
            stored = ProfileValue(
                tenant_id=self._tenant_id,
                user_id=user_id,
                attribute_id=attribute_id,
                value=checked_value,
                updated_at=now,
                version=1 if current is None else current.version + 1,
            )
            self._store_value(row, stored)
            self._record_change(
                "set", stored, now, ["value"], sensitive=attribute.sensitive
            )
            return stored

    def _store_value(
        self, row: models.ProfileValue | None, stored: ProfileValue
    ) -> None:
        column = profile.to_stored(stored.value)
        if row is not None:
            self._rows(models.ProfileValue).filter(id=row.id).update(
                value=column, updated_at=stored.updated_at, version=stored.version
            )
            return
        self._insert(
            models.ProfileValue(
                tenant_id=stored.tenant_id,
                id=uuid4(),
                user_id=stored.user_id,
                attribute_id=stored.attribute_id,
                value=column,
                updated_at=stored.updated_at,
                version=stored.version,
            )
        )

    def _attribute_of_user(self, user_id: UUID, attribute_id: UUID) -> CatalogAttribute:
        """Return the attribute, checking in the same query that the user exists.

        Raises NotFound for the tenant account, the user or the attribute,
        in that order.
        """
        user_exists = Exists(self._rows(models.User).filter(id=user_id))
        row = (
            self._rows(models.CatalogAttribute)
            .filter(id=attribute_id)
            .annotate(user_exists=user_exists)
            .first()
        )
        if row is not None and row.user_exists:
            return convert.attribute(row)
        if row is None and not self._tenant_exists():
            raise NotFound("tenant account", self._tenant_id)
        if row is None:
            missing = self._missing_reference(
                (Reference("user", models.User, user_id),)
            )
            raise missing or NotFound(ATTRIBUTE, attribute_id)
        raise NotFound("user", user_id)

    def _lock_value(
        self, user_id: UUID, attribute_id: UUID
    ) -> models.ProfileValue | None:
        return (
            self._rows(models.ProfileValue)
            .select_for_update()
            .filter(user_id=user_id, attribute_id=attribute_id)
            .first()
        )

    def _values_with_type(self) -> QuerySet[models.ProfileValue]:
        """Return the tenant's values, each annotated with its attribute's type."""
        value_type = self._rows(models.CatalogAttribute).filter(
            tenant_id=OuterRef("tenant_id"), id=OuterRef("attribute_id")
        )
        return self._rows(models.ProfileValue).annotate(
            value_type=Subquery(value_type.values("value_type")[:1])
        )


def _value_type(row: models.ProfileValue) -> str:
    """Return the attribute's value type that ``_values_with_type`` annotated."""
    return str(row.value_type)  # type: ignore[attr-defined]  # set by annotate()


def _value_key(user_id: UUID, attribute_id: UUID) -> str:
    """Name a profile value in errors the way audit records name it."""
    return f"{user_id}:{attribute_id}"
