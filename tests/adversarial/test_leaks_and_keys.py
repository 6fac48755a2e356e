"""Error contents, unique keys and the two stores' agreement on them."""

from __future__ import annotations

import logging
import traceback
import unicodedata
from collections.abc import Callable
from uuid import UUID

import pytest

from ue_store.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    DuplicateEmail,
    DuplicateExternalIdentity,
    DuplicateUsername,
    NotFound,
    ValidationError,
)
from ue_store.domain.protocol import Store

from .conftest import ACTOR, Seeded

EMAIL = "grace.secret@example.test"
USERNAME = "grace-secret-login"
SUBJECT = "subject-secret-4711"


def formatted(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


@pytest.mark.django_db(transaction=True)
def test_duplicate_errors_hide_values(
    store: Store, tenant: UUID, caplog: pytest.LogCaptureFixture
) -> None:
    """Messages, tracebacks and logs of duplicates name no personal value."""
    caplog.set_level(logging.DEBUG)
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        user = uow.users.create(display_name="Grace", primary_email=EMAIL)
        account = uow.accounts.create_human(user_id=user.id, username=USERNAME)
        uow.identities.link(
            account_id=account.id, issuer="https://idp", subject=SUBJECT
        )
    attempts: list[tuple[Callable[[object], object], type[Conflict]]] = [
        (
            lambda uow: uow.users.create(  # type: ignore[attr-defined]
                display_name="Copy", primary_email=EMAIL.upper()
            ),
            DuplicateEmail,
        ),
        (
            lambda uow: uow.accounts.create_service(  # type: ignore[attr-defined]
                username=USERNAME.upper()
            ),
            DuplicateUsername,
        ),
        (
            lambda uow: uow.identities.link(  # type: ignore[attr-defined]
                account_id=account.id, issuer="https://idp", subject=SUBJECT
            ),
            DuplicateExternalIdentity,
        ),
    ]
    for attempt, expected in attempts:
        with store.unit_of_work(tenant, actor=ACTOR) as uow:
            with pytest.raises(expected) as info:
                attempt(uow)
        text = formatted(info.value) + repr(info.value)
        for secret in (
            "grace.secret",
            "GRACE.SECRET",
            "GRACE-SECRET",
            SUBJECT,
            "DETAIL",
        ):
            assert secret not in text
    for secret in ("grace.secret", "GRACE", SUBJECT, "DETAIL"):
        assert secret not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_validation_errors_hide_values(store: Store, tenant: UUID) -> None:
    bad_email = "no-at-sign.secret.example.test"
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        with pytest.raises(ValidationError) as info:
            uow.users.create(display_name="X", primary_email=bad_email)
        with pytest.raises(NotFound) as missing:
            uow.users.get_by_email(EMAIL)
        with pytest.raises(NotFound) as missing_subject:
            uow.identities.find("https://idp", SUBJECT)
    assert "secret" not in formatted(info.value)
    assert "secret" not in formatted(missing.value)
    assert SUBJECT not in formatted(missing_subject.value)


@pytest.mark.django_db(transaction=True)
def test_profile_conflict_key_matches(
    store: Store, tenant: UUID, seeded: Seeded
) -> None:
    """ConcurrencyConflict.key names a profile value as "<user_id>:<attribute_id>".

    That is how NotFound and the audit trail name it in both stores, and how
    the in-memory store, the reference behaviour, names it in this error too.
    """
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        uow.profiles.set(seeded.user_id, seeded.attribute_id, "first")
        uow.profiles.set(seeded.user_id, seeded.attribute_id, "second")
        with pytest.raises(ConcurrencyConflict) as info:
            uow.profiles.set(
                seeded.user_id, seeded.attribute_id, "third", expected_version=1
            )
    assert info.value.key == f"{seeded.user_id}:{seeded.attribute_id}"


# Pairs that normalise to one key (NFKC, case folding, NFKC) and must collide.
COLLIDING_USERNAMES = [
    ("strasse", "STRAẞE"),
    ("ﬁnance", "finance"),
    ("ｕｓｅｒ１２", "user12"),
    ("jose\u0301", "JOSÉ"),
    ("ǆemal", "DŽEMAL"),
    ("ﷺ-fan", unicodedata.normalize("NFKC", "ﷺ").casefold() + "-FAN"),
]

# Look-alikes with different keys, which must stay two accounts.
DISTINCT_USERNAMES = [
    ("ılgaz", "ilgaz"),  # Turkish dotless i
    ("İlgaz", "ilgaz"),  # dotted capital I folds to i + combining dot
    ("аdmin", "admin"),  # Cyrillic a
    ("ad\u200dmin", "admin"),  # zero-width joiner
    ("ad\u200bmin", "admin"),  # zero-width space
    ("admin\u0301", "admin"),  # trailing combining mark
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first,second", COLLIDING_USERNAMES)
def test_equal_keys_collide(
    store: Store, tenant: UUID, first: str, second: str
) -> None:
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        created = uow.accounts.create_service(username=first)
        with pytest.raises(DuplicateUsername):
            uow.accounts.create_service(username=second)
        assert uow.accounts.get_by_username(second).id == created.id


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first,second", DISTINCT_USERNAMES)
def test_lookalike_keys_stay_distinct(
    store: Store, tenant: UUID, first: str, second: str
) -> None:
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        one = uow.accounts.create_service(username=first)
        two = uow.accounts.create_service(username=second)
        assert uow.accounts.get_by_username(first).id == one.id
        assert uow.accounts.get_by_username(second).id == two.id


@pytest.mark.django_db(transaction=True)
def test_key_past_600_rejected(store: Store, tenant: UUID) -> None:
    """U+FDFA grows to 18 characters, so 34 of them make a 612-character key."""
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        fits = uow.accounts.create_service(username="\ufdfa" * 33)
        with pytest.raises(ValidationError) as info:
            uow.accounts.create_service(username="\ufdfa" * 34)
        assert info.value.field == "username"
        with pytest.raises(ValidationError):
            uow.accounts.update(fits.id, expected_version=1, username="\ufdfa" * 34)
        assert uow.accounts.get(fits.id).version == 1


@pytest.mark.django_db(transaction=True)
def test_exact_names_do_not_normalise(store: Store, tenant: UUID) -> None:
    """Group names, client ids and subjects compare exactly, case and form included."""
    composed = "Café"
    decomposed = unicodedata.normalize("NFD", composed)
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        account = uow.accounts.create_service(username="exact-bot")
        for name in (composed, decomposed, composed.lower()):
            uow.groups.create(name=name)
            uow.applications.create(client_id=name, name="A")
            uow.identities.link(
                account_id=account.id, issuer="https://idp", subject=name
            )
        assert uow.groups.get_by_name(decomposed).name == decomposed
        assert uow.identities.find("https://idp", decomposed).subject == decomposed
        assert len(uow.groups.list().items) == 3
