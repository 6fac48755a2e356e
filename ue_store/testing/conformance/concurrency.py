"""Conformance tests for optimistic concurrency and racing writers.

Races run through ``harness.run_concurrently``, which starts every thread at
once, and each thread opens its own unit of work. Exactly one writer may win each
race, and every loser gets the domain error of that race.
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from collections.abc import Callable, Sequence
from uuid import UUID

from ue_store.domain import rules
from ue_store.domain.entities import Account, ExternalIdentity, User
from ue_store.domain.errors import (
    ConcurrencyConflict,
    DuplicateEmail,
    DuplicateExternalIdentity,
    DuplicateUsername,
    UeStoreError,
)
from ue_store.domain.protocol import Store

from ..harness import StoreHarness
from .support import (
    ISSUER,
    actions,
    create_account,
    create_user,
    expect,
    items,
    suffix,
    unit,
)

THREADS = 8


def spellings(text: str, count: int) -> list[str]:
    """Return ``count`` distinct spellings of ``text`` that share one key."""
    forms = [
        text,
        text.upper(),
        text.title(),
        unicodedata.normalize("NFD", text),
        unicodedata.normalize("NFD", text.upper()),
        text.capitalize(),
        # Fullwidth forms of printable ASCII, except "@", which must stay
        # ASCII for the address to have the form local@domain.
        "".join(
            chr(ord(c) - 0x21 + 0xFF01) if "!" <= c <= "~" and c != "@" else c
            for c in text
        ),
        unicodedata.normalize("NFD", text.title()),
    ]
    distinct = list(dict.fromkeys(forms))
    assert len(distinct) >= count, distinct
    assert len({rules.normalise_key(form) for form in distinct}) == 1
    return distinct[:count]


def next_of(values: list[str]) -> Callable[[], str]:
    """Return a thread-safe function that hands out ``values`` one by one."""
    lock = threading.Lock()
    iterator = iter(values)

    def take() -> str:
        with lock:
            return next(iterator)

    return take


def split(results: Sequence[object]) -> tuple[list[object], list[BaseException]]:
    wins = [result for result in results if not isinstance(result, BaseException)]
    losses = [result for result in results if isinstance(result, BaseException)]
    return wins, losses


class ConcurrencyContract:
    def test_concurrency__stale_read(self, store: Store, tenant_id: UUID) -> None:
        """Two readers of version 1: the second writer gets ConcurrencyConflict."""
        user = create_user(store, tenant_id)
        with unit(store, tenant_id) as uow:
            first_read = uow.users.get(user.id)
        with unit(store, tenant_id) as uow:
            second_read = uow.users.get(user.id)

        with unit(store, tenant_id) as uow:
            uow.users.update(
                user.id, expected_version=first_read.version, display_name="Ada One"
            )
        with unit(store, tenant_id) as uow:
            error = expect(
                ConcurrencyConflict,
                lambda: uow.users.update(
                    user.id,
                    expected_version=second_read.version,
                    display_name="Ada Two",
                ),
            )
            ahead = expect(
                ConcurrencyConflict,
                lambda: uow.users.update(
                    user.id, expected_version=3, display_name="Ada Three"
                ),
            )

        assert error.expected_version == 1
        assert ahead.expected_version == 3
        assert actions(store, tenant_id).count("user.updated") == 1

    def test_concurrency__email_race(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        take = next_of(spellings(f"josé.{suffix()}@example.test", THREADS))

        def work() -> User:
            address = take()
            with unit(store, tenant_id) as uow:
                return uow.users.create(
                    display_name="Racer Test", primary_email=address
                )

        results = harness.run_concurrently(work, THREADS)

        wins, losses = split(results)
        assert len(wins) == 1, results
        assert all(type(loss) is DuplicateEmail for loss in losses), losses
        with unit(store, tenant_id) as uow:
            users = items(uow.users.list)
        assert users == wins
        assert actions(store, tenant_id).count("user.created") == 1

    def test_concurrency__username_race(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        take = next_of(spellings(f"zoë.{suffix()}.x", THREADS))

        def work() -> Account:
            username = take()
            with unit(store, tenant_id) as uow:
                return uow.accounts.create_service(username=username)

        results = harness.run_concurrently(work, THREADS)

        wins, losses = split(results)
        assert len(wins) == 1, results
        assert all(type(loss) is DuplicateUsername for loss in losses), losses
        with unit(store, tenant_id) as uow:
            accounts = items(uow.accounts.list)
        assert accounts == wins

    def test_concurrency__identity_race(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        store = harness.store
        accounts = [create_account(store, tenant_id) for _ in range(THREADS)]
        counter = itertools.count()
        lock = threading.Lock()
        subject = f"sub-{suffix()}"

        def work() -> ExternalIdentity:
            with lock:
                account = accounts[next(counter)]
            with unit(store, tenant_id) as uow:
                return uow.identities.link(
                    account_id=account.id, issuer=ISSUER, subject=subject
                )

        results = harness.run_concurrently(work, THREADS)

        wins, losses = split(results)
        assert len(wins) == 1, results
        assert all(type(loss) is DuplicateExternalIdentity for loss in losses), losses
        with unit(store, tenant_id) as uow:
            linked = items(uow.identities.list)
            found = uow.identities.find(ISSUER, subject)
        assert linked == wins
        assert found == wins[0]

    def test_concurrency__update_race(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        """Writers that all read version 1: one update wins, the rest conflict."""
        store = harness.store
        user = create_user(store, tenant_id)
        names = next_of([f"Racer {index}" for index in range(THREADS)])

        def work() -> User:
            name = names()
            with unit(store, tenant_id) as uow:
                return uow.users.update(user.id, expected_version=1, display_name=name)

        results = harness.run_concurrently(work, THREADS)

        wins, losses = split(results)
        assert len(wins) == 1, results
        assert all(type(loss) is ConcurrencyConflict for loss in losses), losses
        with unit(store, tenant_id) as uow:
            reread = uow.users.get(user.id)
        assert [reread] == wins
        assert reread.version == 2
        assert actions(store, tenant_id).count("user.updated") == 1

    def test_concurrency__errors_are_domain_errors(
        self, harness: StoreHarness, tenant_id: UUID
    ) -> None:
        """A lost race never leaks a driver error such as a unique violation."""
        store = harness.store
        address = f"same-{suffix()}@example.test"

        def work() -> User:
            with unit(store, tenant_id) as uow:
                return uow.users.create(
                    display_name="Racer Test", primary_email=address
                )

        results = harness.run_concurrently(work, THREADS)

        _, losses = split(results)
        assert len(losses) == THREADS - 1
        for loss in losses:
            assert isinstance(loss, UeStoreError), repr(loss)
            assert loss.__cause__ is None or isinstance(loss.__cause__, UeStoreError)
