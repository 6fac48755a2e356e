"""Translation of database exceptions into domain errors.

The domain error names the kind of failure and never copies the driver's
message, which may carry SQL, the DSN or a DETAIL line that repeats the
offending value. Callers raise the result ``from None``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg.errors
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError

from ue_store.domain import errors

from .constraints import CheckViolation, ReferenceViolation, violation_of

logger = logging.getLogger(__name__)

_MIGRATE_HINT = "a ue_store table or column is missing; run 'manage.py migrate'"


def constraint_name(error: DatabaseError) -> str | None:
    """Return the name of the constraint PostgreSQL reported, if any."""
    cause = error.__cause__
    if isinstance(cause, psycopg.Error):
        return cause.diag.constraint_name
    return None


def driver_error_name(error: BaseException) -> str:
    """Name the driver's exception class, which is safe to log and show."""
    cause = error.__cause__
    return type(cause if cause is not None else error).__name__


def translate(
    error: DatabaseError, *, during_commit: bool = False
) -> errors.UeStoreError:
    """Return the domain error for a database exception.

    ``during_commit`` marks a failure of COMMIT itself, after which nobody
    knows whether the transaction was applied.
    """
    cause = error.__cause__
    kind = driver_error_name(error)
    if isinstance(
        cause, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedColumn
    ):
        return errors.SchemaNotReady(_MIGRATE_HINT)
    if isinstance(
        cause, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable
    ):
        # A timeout cancels the statement and leaves the transaction aborted,
        # so nothing of the unit can commit.
        return errors.StoreUnavailable(
            f"a lock or statement timeout cancelled the query ({kind})",
            retry_safe=True,
        )
    if isinstance(error, OperationalError | InterfaceError):
        reason = f"database connection or transaction failed ({kind})"
        if during_commit:
            reason = f"commit failed ({kind})"
        return errors.StoreUnavailable(reason, retry_safe=not during_commit)
    if isinstance(error, IntegrityError):
        return integrity_error(error)
    logger.error(
        "database error without a domain meaning (%s)",
        kind,
        extra={"action": "store.database_error"},
    )
    return errors.UeStoreError(f"the database rejected the operation ({kind})")


def integrity_error(error: IntegrityError) -> errors.UeStoreError:
    """Return the domain error for a constraint violation, chosen by its name."""
    cause = error.__cause__
    violation = violation_of(constraint_name(error))
    if violation is None:
        if isinstance(cause, psycopg.errors.NotNullViolation):
            column = cause.diag.column_name or "a column"
            return errors.ValidationError(column, "must not be null")
        return errors.UeStoreError(
            f"a database constraint rejected the write ({driver_error_name(error)})"
        )
    if isinstance(violation, ReferenceViolation):
        return errors.NotFound(violation.entity, f"referenced by {violation.column}")
    if isinstance(violation, CheckViolation):
        return errors.ValidationError(violation.field, violation.rule)
    return violation.conflict()


@contextmanager
def database_errors() -> Iterator[None]:
    """Translate every database exception raised inside into a domain error."""
    try:
        yield
    except DatabaseError as error:
        raise translate(error) from None
