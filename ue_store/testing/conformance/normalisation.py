"""Conformance tests for normalised emails and usernames, and exact subjects.

Emails and usernames are unique by ``rules.normalise_key`` (NFKC, case
folding, NFKC), are looked up the same way, and keep the form they were
entered in. Issuers and subjects compare exactly.
"""

from __future__ import annotations

import unicodedata
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ue_store.domain import rules
from ue_store.domain.errors import DuplicateEmail, DuplicateUsername, NotFound
from ue_store.domain.protocol import Store

from .support import ISSUER, create_account, expect, suffix, unit


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def fullwidth(text: str) -> str:
    """Return ``text`` with printable ASCII in its fullwidth forms (U+FF01..)."""
    return "".join(
        chr(ord(char) - 0x21 + 0xFF01) if "!" <= char <= "~" else char for char in text
    )


def variants(local: str) -> list[str]:
    """Return spellings of ``local`` that share its normalisation key."""
    return [
        local.upper(),
        local.title(),
        nfd(local),
        nfd(local.upper()),
        fullwidth(local),
        unicodedata.normalize("NFC", local),
    ]


# Local parts in several forms: composed accents, ß that folds to "ss", a
# ligature that NFKC expands, and the Kelvin sign that NFKC maps to "K".
LOCAL_PARTS = ["josé.núñez", "straße", "oﬃce", "\u212aelvin", "zoë"]

# Spellings with the same key that variants() does not produce.
EXTRA_PAIRS = [
    ("straße", "STRASSE"),
    ("oﬃce", "office"),
    ("\u212aelvin", "kelvin"),
    ("ǅemal", "džemal"),
]

# Characters that hypothesis builds local parts from. Each has forms that
# variant_of() can substitute without changing the key.
LOCAL_ALPHABET = "abcdefgxyzABCXYZ0129._-éüñßçÅǅﬁ\u212a"


def variant_of(local: str, choices: list[int]) -> str:
    """Rewrite each character of ``local`` by one of four key-keeping forms."""
    forms = []
    for char, choice in zip(local, choices, strict=False):
        options = [char, char.upper(), fullwidth(char), nfd(char)]
        forms.append(options[choice % len(options)])
    return "".join(forms) + local[len(forms) :]


class NormalisationContract:
    def test_normalisation__email_variants_collide(
        self, store: Store, tenant_id: UUID
    ) -> None:
        for local in LOCAL_PARTS:
            domain = f"@{suffix()}.example.test"
            address = local + domain
            with unit(store, tenant_id) as uow:
                user = uow.users.create(display_name="Ada Test", primary_email=address)

            with unit(store, tenant_id) as uow:
                for variant in variants(local):
                    spelled = variant + domain
                    found = uow.users.get_by_email(spelled)
                    error = expect(
                        DuplicateEmail,
                        uow.users.create,
                        display_name="Copy Test",
                        primary_email=spelled,
                    )

                    assert found.id == user.id, spelled
                    assert found.primary_email == address, spelled
                    assert error.code == "duplicate_email", spelled

    def test_normalisation__email_pairs_collide(
        self, store: Store, tenant_id: UUID
    ) -> None:
        for first, second in EXTRA_PAIRS:
            domain = f"@{suffix()}.example.test"
            assert rules.normalise_key(first) == rules.normalise_key(second)
            with unit(store, tenant_id) as uow:
                user = uow.users.create(
                    display_name="Ada Test", primary_email=first + domain
                )
                found = uow.users.get_by_email(second + domain)
                error = expect(
                    DuplicateEmail,
                    uow.users.create,
                    display_name="Copy Test",
                    primary_email=second + domain,
                )

            assert found.id == user.id, second
            assert error.field == "primary_email", second

    def test_normalisation__email_kept_as_entered(
        self, store: Store, tenant_id: UUID
    ) -> None:
        address = nfd("JOSÉ.Núñez") + f"@{suffix()}.Example.TEST"

        with unit(store, tenant_id) as uow:
            user = uow.users.create(display_name="José Test", primary_email=address)
        with unit(store, tenant_id) as uow:
            reread = uow.users.get(user.id)
            found = uow.users.get_by_email(address.lower())

        assert user.primary_email == address
        assert reread.primary_email == address
        assert found.primary_email == address

    def test_normalisation__username_variants_collide(
        self, store: Store, tenant_id: UUID
    ) -> None:
        for local in LOCAL_PARTS:
            username = f"{local}-{suffix()}"
            with unit(store, tenant_id) as uow:
                account = uow.accounts.create_service(username=username)

            with unit(store, tenant_id) as uow:
                for variant in variants(username):
                    found = uow.accounts.get_by_username(variant)
                    error = expect(
                        DuplicateUsername,
                        uow.accounts.create_service,
                        username=variant,
                    )

                    assert found.id == account.id, variant
                    assert found.username == username, variant
                    assert error.code == "duplicate_username", variant

    def test_normalisation__username_kept_as_entered(
        self, store: Store, tenant_id: UUID
    ) -> None:
        username = nfd("Ångström") + f"-{suffix()}"

        with unit(store, tenant_id) as uow:
            account = uow.accounts.create_service(username=username)
        with unit(store, tenant_id) as uow:
            found = uow.accounts.get_by_username(
                unicodedata.normalize("NFC", username).upper()
            )

        assert account.username == username
        assert found.username == username

    def test_normalisation__distinct_keys_coexist(
        self, store: Store, tenant_id: UUID
    ) -> None:
        """Letters that only look alike keep distinct keys: é is not e."""
        tag = suffix()
        with unit(store, tenant_id) as uow:
            plain = uow.accounts.create_service(username=f"rene-{tag}")
            accented = uow.accounts.create_service(username=f"rené-{tag}")
            found = uow.accounts.get_by_username(f"RENÉ-{tag}")

        assert plain.id != accented.id
        assert found.id == accented.id

    def test_normalisation__subjects_exact(self, store: Store, tenant_id: UUID) -> None:
        account = create_account(store, tenant_id)
        subject = f"Sub-José-{suffix()}"
        spellings = [subject.upper(), subject.lower(), nfd(subject)]

        with unit(store, tenant_id) as uow:
            original = uow.identities.link(
                account_id=account.id, issuer=ISSUER, subject=subject
            )
            missing = [
                expect(NotFound, uow.identities.find, ISSUER, spelled)
                for spelled in spellings
            ]
            others = [
                uow.identities.link(
                    account_id=account.id, issuer=ISSUER, subject=spelled
                )
                for spelled in spellings
            ]
            upper_issuer = expect(
                NotFound, lambda: uow.identities.find(ISSUER.upper(), subject)
            )
            found = [uow.identities.find(ISSUER, spelled) for spelled in spellings]

        assert [error.entity for error in missing] == ["external identity"] * 3
        assert upper_issuer.entity == "external identity"
        assert len({original.id, *(other.id for other in others)}) == 4
        assert [identity.subject for identity in found] == spellings
        assert [identity.id for identity in found] == [other.id for other in others]

    # Each store's suite class runs this method with its own store fixture,
    # which Hypothesis reports as differing executors; the examples don't
    # depend on the executor, and the example database is off.
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(
        local=st.text(alphabet=LOCAL_ALPHABET, min_size=1, max_size=20),
        choices=st.lists(st.integers(0, 3), max_size=20),
    )
    def test_normalisation__equal_keys_collide(
        self, store: Store, tenant_id: UUID, local: str, choices: list[int]
    ) -> None:
        """Any two emails with the same key collide, whatever their spelling."""
        domain = f"@{suffix()}.example.test"
        first = local + domain
        second = variant_of(local, choices) + domain
        assert rules.normalise_key(first) == rules.normalise_key(second)

        with unit(store, tenant_id) as uow:
            user = uow.users.create(display_name="Ada Test", primary_email=first)
            found = uow.users.get_by_email(second)
            error = expect(
                DuplicateEmail,
                lambda: uow.users.create(display_name="Bo Test", primary_email=second),
            )

        assert found.id == user.id
        assert error.code == "duplicate_email"
