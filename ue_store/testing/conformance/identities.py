"""Conformance tests for external identities linked to accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

from ue_store.domain.errors import DuplicateExternalIdentity, NotFound
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import (
    ISSUER,
    create_account,
    create_identity,
    email,
    expect,
    items,
    suffix,
    unit,
)


class IdentityContract:
    def test_identity__link_returns_record(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        account = create_account(store, tenant_id)
        subject = f"sub-{suffix()}"
        address = email()
        before = harness.clock()

        with unit(store, tenant_id) as uow:
            identity = uow.identities.link(
                account_id=account.id, issuer=ISSUER, subject=subject, email=address
            )

        after = harness.clock()
        assert isinstance(identity.id, UUID)
        assert identity.tenant_id == tenant_id
        assert identity.account_id == account.id
        assert identity.issuer == ISSUER
        assert identity.subject == subject
        assert identity.email == address
        assert before < identity.linked_at < after
        assert identity.last_seen_at is None

    def test_identity__link_needs_account(self, store: Store, tenant_id: UUID) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            error = expect(
                NotFound,
                lambda: uow.identities.link(
                    account_id=missing_id, issuer=ISSUER, subject="sub-missing"
                ),
            )

        assert error.entity == "account"
        assert error.key == missing_id

    def test_identity__get_and_find(self, store: Store, tenant_id: UUID) -> None:
        identity = create_identity(store, tenant_id)

        with unit(store, tenant_id) as uow:
            by_id = uow.identities.get(identity.id)
            found = uow.identities.find(ISSUER, identity.subject)

        assert by_id == identity
        assert found == identity
        assert identity.email is None

    def test_identity__get_missing(self, store: Store, tenant_id: UUID) -> None:
        identity = create_identity(store, tenant_id)
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.identities.get(missing_id))
            other_issuer = expect(
                NotFound,
                lambda: uow.identities.find(ISSUER + "/other", identity.subject),
            )

        assert by_id.entity == "external identity"
        assert by_id.key == missing_id
        assert other_issuer.entity == "external identity"

    def test_identity__duplicate_pair(self, store: Store, tenant_id: UUID) -> None:
        identity = create_identity(store, tenant_id)
        other = create_account(store, tenant_id)

        with unit(store, tenant_id) as uow:
            same_account = expect(
                DuplicateExternalIdentity,
                lambda: uow.identities.link(
                    account_id=identity.account_id,
                    issuer=ISSUER,
                    subject=identity.subject,
                ),
            )
            other_account = expect(
                DuplicateExternalIdentity,
                lambda: uow.identities.link(
                    account_id=other.id, issuer=ISSUER, subject=identity.subject
                ),
            )
            linked = items(uow.identities.list)

        assert same_account.code == "duplicate_external_identity"
        assert same_account.field == "subject"
        assert other_account.code == "duplicate_external_identity"
        assert [row.id for row in linked] == [identity.id]

    def test_identity__same_subject_other_issuer(
        self, store: Store, tenant_id: UUID
    ) -> None:
        identity = create_identity(store, tenant_id)
        issuer = "https://login.example.test"

        with unit(store, tenant_id) as uow:
            second = uow.identities.link(
                account_id=identity.account_id,
                issuer=issuer,
                subject=identity.subject,
            )
            found = uow.identities.find(issuer, identity.subject)

        assert second.id != identity.id
        assert found == second

    def test_identity__record_sign_in(self, store: Store, tenant_id: UUID) -> None:
        identity = create_identity(store, tenant_id)
        seen_at = datetime(2026, 3, 4, 5, 6, 7, 123000, tzinfo=UTC)
        # The same instant written with a +02:00 offset must compare equal.
        offset = timezone(timedelta(hours=2))

        with unit(store, tenant_id) as uow:
            seen = uow.identities.record_sign_in(identity.id, seen_at=seen_at)
        with unit(store, tenant_id) as uow:
            reread = uow.identities.get(identity.id)
            again = uow.identities.record_sign_in(
                identity.id, seen_at=seen_at.astimezone(offset) + timedelta(hours=1)
            )

        assert seen.last_seen_at == seen_at
        assert seen.linked_at == identity.linked_at
        assert seen.subject == identity.subject
        assert reread == seen
        assert again.last_seen_at == seen_at + timedelta(hours=1)

    def test_identity__record_sign_in_missing(
        self, store: Store, tenant_id: UUID
    ) -> None:
        missing_id = uuid4()

        with unit(store, tenant_id) as uow:
            error = expect(
                NotFound,
                lambda: uow.identities.record_sign_in(
                    missing_id, seen_at=datetime.now(UTC)
                ),
            )

        assert error.entity == "external identity"
        assert error.key == missing_id

    def test_identity__unlink_and_relink(self, store: Store, tenant_id: UUID) -> None:
        identity = create_identity(store, tenant_id)

        with unit(store, tenant_id) as uow:
            uow.identities.unlink(identity.id)
        with unit(store, tenant_id) as uow:
            by_id = expect(NotFound, lambda: uow.identities.get(identity.id))
            found = expect(
                NotFound, lambda: uow.identities.find(ISSUER, identity.subject)
            )
            again = expect(NotFound, lambda: uow.identities.unlink(identity.id))
            relinked = uow.identities.link(
                account_id=identity.account_id,
                issuer=ISSUER,
                subject=identity.subject,
            )

        assert by_id.entity == "external identity"
        assert found.entity == "external identity"
        assert again.entity == "external identity"
        assert relinked.id != identity.id

    def test_identity__list_and_filter(self, store: Store, tenant_id: UUID) -> None:
        account = create_account(store, tenant_id)
        first = create_identity(store, tenant_id, account_id=account.id)
        other = create_identity(store, tenant_id)
        second = create_identity(store, tenant_id, account_id=account.id)

        with unit(store, tenant_id) as uow:
            every = items(uow.identities.list)
            of_account = items(uow.identities.list, account_id=account.id)

        assert [row.id for row in every] == [first.id, other.id, second.id]
        assert [row.id for row in of_account] == [first.id, second.id]
        assert every[0] == first
