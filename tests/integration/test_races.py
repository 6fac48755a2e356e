"""Races between real threads, each on its own database connection.

The unique indexes, not a read before the write, decide the winner: every
thread passes its own checks, and the database lets exactly one insert in.
"""

from __future__ import annotations

import unicodedata
from uuid import UUID

import pytest

from ue_store.domain.errors import DuplicateEmail, DuplicateExternalIdentity
from ue_store.postgres import PostgresStore
from ue_store.testing.postgres_harness import PostgresHarness

from .conftest import ACTOR

pytestmark = pytest.mark.postgres

THREADS = 8
ISSUER = "https://idp.example.test/realms/races"


def test_race__link_same_subject(harness: PostgresHarness, tenant_id: UUID) -> None:
    store = harness.postgres_store
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        account_ids = [
            uow.accounts.create_service(username=f"robot-{index}").id
            for index in range(THREADS)
        ]
    next_account = iter(account_ids)

    def link() -> UUID:
        account_id = next(next_account)
        with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.identities.link(
                account_id=account_id, issuer=ISSUER, subject="subject-contested"
            ).id

    results = harness.run_concurrently(link, THREADS)

    winners = [result for result in results if isinstance(result, UUID)]
    losers = [r for r in results if isinstance(r, DuplicateExternalIdentity)]
    assert len(winners) == 1
    assert len(losers) == THREADS - 1
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        found = uow.identities.find(ISSUER, "subject-contested")
        linked = uow.identities.list().items
    assert found.id == winners[0]
    assert len(linked) == 1


def email_variants() -> list[str]:
    """Return 8 spellings of one address that differ in case and normal form."""
    composed = "Jos\u00e9.M\u00fcller@example.test"
    decomposed = unicodedata.normalize("NFD", composed)
    variants = [
        composed,
        decomposed,
        composed.upper(),
        decomposed.upper(),
        composed.lower(),
        decomposed.lower(),
        composed.swapcase(),
        decomposed.swapcase(),
    ]
    assert len(set(variants)) == THREADS
    return variants


def test_race__emails_equal_after_normalisation(
    harness: PostgresHarness, tenant_id: UUID
) -> None:
    store: PostgresStore = harness.postgres_store
    next_email = iter(email_variants())

    def create() -> UUID:
        email = next(next_email)
        with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
            return uow.users.create(
                display_name="Jos\u00e9 Example", primary_email=email
            ).id

    results = harness.run_concurrently(create, THREADS)

    winners = [result for result in results if isinstance(result, UUID)]
    losers = [result for result in results if isinstance(result, DuplicateEmail)]
    assert len(winners) == 1
    assert len(losers) == THREADS - 1
    with store.unit_of_work(tenant_id, actor=ACTOR) as uow:
        users = uow.users.list().items
        audit = uow.audit.list(target_type="user").items
    assert [user.id for user in users] == winners
    assert len(audit) == 1
