"""The external identity repository of the in-memory store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from uuid import UUID, uuid4

from ue_store.domain import inputs, rules
from ue_store.domain.entities import ExternalIdentity
from ue_store.domain.errors import DuplicateExternalIdentity, NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE

from .base import Repository, optional_uuid, page_by_time

ENTITY = "external identity"


class MemoryExternalIdentityRepository(Repository):
    def link(
        self,
        *,
        account_id: UUID,
        issuer: str,
        subject: str,
        email: str | None = None,
    ) -> ExternalIdentity:
        with self._writing():
            checked_account = rules.check_uuid("account_id", account_id)
            fields = inputs.identity_fields(issuer=issuer, subject=subject, email=email)
            self._require_tenant()
            self._fetch(self._tables.accounts, "account", checked_account)
            if self._find(fields["issuer"], fields["subject"]) is not None:
                raise DuplicateExternalIdentity()
            now = self._now()
            identity = ExternalIdentity(
                tenant_id=self._tenant_id,
                id=uuid4(),
                account_id=checked_account,
                linked_at=now,
                last_seen_at=None,
                **fields,
            )
            self._put(self._tables.identities, identity.id, identity)
            self._record_change("linked", identity, now)
            return identity

    def get(self, identity_id: UUID) -> ExternalIdentity:
        self._reading()
        checked = rules.check_uuid("identity_id", identity_id)
        return self._fetch(self._tables.identities, ENTITY, checked)

    def find(self, issuer: str, subject: str) -> ExternalIdentity:
        self._reading()
        identity = self._find(rules.check_issuer(issuer), rules.check_subject(subject))
        if identity is None:
            # The subject identifies a person, so the error does not repeat it.
            raise NotFound(ENTITY, "with this issuer and subject")
        return identity

    def record_sign_in(
        self, identity_id: UUID, *, seen_at: datetime
    ) -> ExternalIdentity:
        with self._writing():
            checked_id = rules.check_uuid("identity_id", identity_id)
            # Stored in UTC, as a timestamptz column returns it.
            moment = rules.check_aware("seen_at", seen_at).astimezone(UTC)
            self._require_tenant()
            current = self._fetch(self._tables.identities, ENTITY, checked_id)
            # Like any update that changes nothing, this writes no audit record.
            if current.last_seen_at == moment:
                return current
            identity = dataclasses.replace(current, last_seen_at=moment)
            self._put(self._tables.identities, identity.id, identity)
            self._record_change("seen", identity, self._now(), ["last_seen_at"])
            return identity

    def unlink(self, identity_id: UUID) -> None:
        with self._writing():
            checked_id = rules.check_uuid("identity_id", identity_id)
            self._require_tenant()
            current = self._fetch(self._tables.identities, ENTITY, checked_id)
            self._delete(self._tables.identities, checked_id)
            self._record_change("deleted", current, self._now())

    def list(
        self,
        *,
        account_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[ExternalIdentity]:
        self._reading()
        account_filter = optional_uuid("account_id", account_id)
        rows = [
            identity
            for identity in self._tables.identities.rows(self._tenant_id)
            if account_filter is None or identity.account_id == account_filter
        ]
        return page_by_time(
            rows, lambda identity: (identity.linked_at, identity.id), after, limit
        )

    def _find(self, issuer: str, subject: str) -> ExternalIdentity | None:
        return self._tables.identities.find(
            self._tenant_id, "subject", (issuer, subject)
        )
