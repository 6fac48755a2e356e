"""Plumbing shared by the PostgreSQL repositories: unit state, writes, pages."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from django.db import DatabaseError, IntegrityError, models, transaction

from ue_store import models as tables
from ue_store.domain import changes, pagination, rules
from ue_store.domain.changes import Record
from ue_store.domain.entities import JSONValue
from ue_store.domain.errors import (
    ConcurrencyConflict,
    NotFound,
    UeStoreError,
)
from ue_store.domain.pagination import Page

from . import audit_chain
from .constraints import CheckViolation, violation_of
from .errors import constraint_name, integrity_error, translate

M = TypeVar("M", bound=models.Model)
R = TypeVar("R")


@dataclass(slots=True)
class UnitState:
    """State shared by every repository of one unit of work."""

    using: str
    tenant_id: UUID
    actor: str
    correlation_id: str | None
    clock: Callable[[], datetime]
    is_open: bool = True
    thread_id: int = field(default_factory=threading.get_ident)
    #: Position and hash of the tenant's audit chain head, known since this
    #: unit last appended. Valid while the unit holds the chain lock; cleared
    #: whenever a savepoint rolls back, because its appends are gone too.
    chain_head: tuple[int, str] | None = None

    def ensure_open(self) -> None:
        if not self.is_open:
            raise UeStoreError(
                "unit of work is closed; open a new one with store.unit_of_work()"
            )
        if threading.get_ident() != self.thread_id:
            # Another thread would write through its own connection, outside
            # this unit's transaction.
            raise UeStoreError(
                "a unit of work belongs to the thread that opened it; "
                "open a unit in this thread instead"
            )


@dataclass(frozen=True, slots=True)
class Reference:
    """A row that a write refers to, checked in order when the write fails."""

    entity: str
    model: type[models.Model]
    key: UUID


class Repository:
    """Base of the repositories: reads, atomic writes and change records.

    Every write runs in its own savepoint. When a constraint rejects it, the
    savepoint is rolled back and the cause is looked up in the order the
    in-memory store checks it: the tenant account, then each reference in
    argument order, then the constraint itself. So the common path runs no
    extra query, and the error matches the reference behaviour.
    """

    def __init__(self, unit: UnitState) -> None:
        self._unit = unit

    @property
    def _tenant_id(self) -> UUID:
        return self._unit.tenant_id

    def _rows(self, model: type[M]) -> models.QuerySet[M]:
        """Return the tenant's rows of ``model`` on the store's database."""
        return model._default_manager.using(self._unit.using).filter(
            tenant_id=self._tenant_id
        )

    def _now(self) -> datetime:
        return self._unit.clock()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        self._unit.ensure_open()
        try:
            yield
        except DatabaseError as error:
            raise translate(error) from None

    @contextmanager
    def _writing(
        self, *references: Reference, tenant_required: bool = True
    ) -> Iterator[None]:
        """Run one write in a savepoint, translating what the database rejects.

        The write first takes the tenant's audit chain lock, before it locks
        any row; ``audit_chain`` explains why.
        """
        self._unit.ensure_open()
        try:
            with self._savepoint():
                audit_chain.lock_chain(self._unit.using, self._tenant_id)
                yield
        except IntegrityError as error:
            failure = self._explain(error, references, tenant_required)
            raise failure from None
        except DatabaseError as error:
            raise translate(error) from None

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """Run the body in a savepoint; forget the chain head if it rolls back."""
        try:
            with transaction.atomic(using=self._unit.using):
                yield
        except BaseException:
            self._unit.chain_head = None
            raise

    def _explain(
        self,
        error: IntegrityError,
        references: Sequence[Reference],
        tenant_required: bool,
    ) -> UeStoreError:
        violation = violation_of(constraint_name(error))
        if isinstance(violation, CheckViolation):
            return integrity_error(error)
        try:
            if tenant_required and not self._tenant_exists():
                return NotFound("tenant account", self._tenant_id)
            missing = self._missing_reference(references)
        except DatabaseError as lookup_error:
            return translate(lookup_error)
        return missing or integrity_error(error)

    def _missing_reference(self, references: Iterable[Reference]) -> NotFound | None:
        """Return NotFound for the first reference not in the tenant, if any."""
        for reference in references:
            if not self._exists(reference.model, reference.key):
                return NotFound(reference.entity, reference.key)
        return None

    def _tenant_exists(self) -> bool:
        manager = tables.TenantAccount._default_manager.using(self._unit.using)
        return manager.filter(id=self._tenant_id).exists()

    def _exists(self, model: type[models.Model], key: UUID) -> bool:
        return self._rows(model).filter(id=key).exists()

    def _missing(self, entity: str, key: object) -> NotFound:
        """Return the NotFound for a row that a write could not find.

        A write in a tenant without a tenant account reports the account.
        """
        if not self._tenant_exists():
            return NotFound("tenant account", self._tenant_id)
        return NotFound(entity, key)

    def _get(self, model: type[M], entity: str, key: UUID) -> M:
        """Return the tenant's row with id ``key``, or raise NotFound."""
        row = self._rows(model).filter(id=key).first()
        if row is None:
            raise NotFound(entity, key)
        return row

    def _lock(
        self,
        model: type[M],
        entity: str,
        key: UUID,
        expected_version: int | None = None,
    ) -> M:
        """Lock the tenant's row with id ``key`` for this transaction.

        Raises NotFound when the row is missing, and ConcurrencyConflict when
        ``expected_version`` is given and the row is at another version.
        """
        row = self._rows(model).select_for_update().filter(id=key).first()
        if row is None:
            raise self._missing(entity, key)
        version = getattr(row, "version", None)
        if expected_version is not None and version != expected_version:
            raise ConcurrencyConflict(entity, key, expected_version)
        return row

    def _insert(self, row: M) -> M:
        row.save(using=self._unit.using, force_insert=True)
        return row

    def _update(self, model: type[models.Model], key: UUID, **columns: Any) -> None:
        self._rows(model).filter(id=key).update(**columns)

    def _record_change(
        self,
        verb: str,
        record: Record,
        now: datetime,
        changed: Iterable[str] = (),
        *,
        sensitive: bool = False,
    ) -> None:
        """Write the one audit record and one outbox event of a change."""
        change = changes.describe(verb, record, changed, sensitive=sensitive)
        unit = self._unit
        self._record_audit(
            now, change.action, change.target_type, change.target_id, change.details
        )
        self._insert(
            tables.OutboxEvent(
                tenant_id=unit.tenant_id,
                event_id=uuid.uuid4(),
                event_type=change.action,
                aggregate_type=change.target_type,
                aggregate_id=change.target_id,
                payload=change.payload,
                headers=changes.headers(unit.correlation_id),
                created_at=now,
                available_at=now,
            )
        )

    def _record_audit(
        self,
        now: datetime,
        action: str,
        target_type: str,
        target_id: str,
        details: dict[str, JSONValue],
    ) -> None:
        """Write one audit record of the unit; every audit insert goes here.

        The record extends the tenant's hash chain.
        """
        unit = self._unit
        row = audit_chain.append(
            unit.using,
            head=unit.chain_head,
            tenant_id=unit.tenant_id,
            occurred_at=now,
            actor=unit.actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            correlation_id=unit.correlation_id,
            details=details,
        )
        unit.chain_head = (row.position, row.record_hash)


def optional_uuid(field: str, value: object) -> UUID | None:
    return None if value is None else rules.check_uuid(field, value)


def page_by_time(
    rows: models.QuerySet[M],
    convert: Callable[[M], R],
    after: str | None,
    limit: int,
    *,
    time_field: str = "created_at",
) -> Page[R]:
    """Fetch one page sorted by (time, id) in one query, after a time cursor."""
    checked_limit = rules.check_limit(limit)
    if after is not None:
        moment, last_id = pagination.decode_time_cursor(after)
        rows = rows.filter(
            models.Q(**{f"{time_field}__gt": moment})
            | models.Q(**{time_field: moment, "id__gt": last_id})
        )
    fetched = list(rows.order_by(time_field, "id")[: checked_limit + 1])
    return pagination.make_page(
        [convert(row) for row in fetched],
        checked_limit,
        lambda record: pagination.encode_time_cursor(
            getattr(record, time_field),
            record.id,  # type: ignore[attr-defined]
        ),
    )


def page_by_sequence(
    rows: models.QuerySet[M],
    convert: Callable[[M], R],
    after: str | None,
    limit: int,
) -> Page[R]:
    """Fetch one page sorted by sequence in one query, after a sequence cursor."""
    checked_limit = rules.check_limit(limit)
    if after is not None:
        rows = rows.filter(sequence__gt=pagination.decode_sequence_cursor(after))
    fetched = list(rows.order_by("sequence")[: checked_limit + 1])
    return pagination.make_page(
        [convert(row) for row in fetched],
        checked_limit,
        lambda record: pagination.encode_sequence_cursor(
            record.sequence  # type: ignore[attr-defined]
        ),
    )
