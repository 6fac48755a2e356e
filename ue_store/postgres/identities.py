"""The external identity repository of the PostgreSQL store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from uuid import UUID, uuid4

from ue_store import models
from ue_store.domain import inputs, rules
from ue_store.domain.entities import ExternalIdentity
from ue_store.domain.errors import NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE

from . import convert
from .base import Reference, Repository, optional_uuid, page_by_time

ENTITY = "external identity"


class PostgresExternalIdentityRepository(Repository):
    def link(
        self,
        *,
        account_id: UUID,
        issuer: str,
        subject: str,
        email: str | None = None,
    ) -> ExternalIdentity:
        checked_account = rules.check_uuid("account_id", account_id)
        fields = inputs.identity_fields(issuer=issuer, subject=subject, email=email)
        with self._writing(Reference("account", models.Account, checked_account)):
            now = self._now()
            identity = ExternalIdentity(
                tenant_id=self._tenant_id,
                id=uuid4(),
                account_id=checked_account,
                linked_at=now,
                last_seen_at=None,
                **fields,
            )
            self._insert(
                models.ExternalIdentity(
                    tenant_id=identity.tenant_id,
                    id=identity.id,
                    account_id=checked_account,
                    issuer=identity.issuer,
                    subject=identity.subject,
                    email=identity.email,
                    linked_at=now,
                    last_seen_at=None,
                )
            )
            self._record_change("linked", identity, now)
            return identity

    def get(self, identity_id: UUID) -> ExternalIdentity:
        checked = rules.check_uuid("identity_id", identity_id)
        with self._reading():
            return convert.identity(self._get(models.ExternalIdentity, ENTITY, checked))

    def find(self, issuer: str, subject: str) -> ExternalIdentity:
        checked_issuer = rules.check_issuer(issuer)
        checked_subject = rules.check_subject(subject)
        with self._reading():
            row = (
                self._rows(models.ExternalIdentity)
                .filter(issuer=checked_issuer, subject=checked_subject)
                .first()
            )
        if row is None:
            # The subject identifies a person, so the error does not repeat it.
            raise NotFound(ENTITY, "with this issuer and subject")
        return convert.identity(row)

    def record_sign_in(
        self, identity_id: UUID, *, seen_at: datetime
    ) -> ExternalIdentity:
        checked_id = rules.check_uuid("identity_id", identity_id)
        moment = rules.check_aware("seen_at", seen_at).astimezone(UTC)
        with self._writing():
            row = self._lock(models.ExternalIdentity, ENTITY, checked_id)
            current = convert.identity(row)
            # Like any update that changes nothing, this writes no audit record.
            if current.last_seen_at == moment:
                return current
            identity = dataclasses.replace(current, last_seen_at=moment)
            self._update(models.ExternalIdentity, checked_id, last_seen_at=moment)
            self._record_change("seen", identity, self._now(), ["last_seen_at"])
            return identity

    def unlink(self, identity_id: UUID) -> None:
        checked_id = rules.check_uuid("identity_id", identity_id)
        with self._writing():
            row = self._lock(models.ExternalIdentity, ENTITY, checked_id)
            current = convert.identity(row)
            self._rows(models.ExternalIdentity).filter(id=checked_id).delete()
            self._record_change("deleted", current, self._now())

    def list(
        self,
        *,
        account_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[ExternalIdentity]:
        account_filter = optional_uuid("account_id", account_id)
        rows = self._rows(models.ExternalIdentity)
        if account_filter is not None:
            rows = rows.filter(account_id=account_filter)
        with self._reading():
            return page_by_time(
                rows, convert.identity, after, limit, time_field="linked_at"
            )
