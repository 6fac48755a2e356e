"""Conformance tests for input checks.

Every store must reject what PostgreSQL can't store (NUL, NaN) and count
limits in characters, not bytes, so 'é' (two bytes in UTF-8) counts once.
After each ValidationError nothing was written and the unit stays usable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from ue_store.domain import rules
from ue_store.domain.entities import ValueType
from ue_store.domain.errors import ValidationError
from ue_store.domain.protocol import Store, UnitOfWork

from .support import (
    ISSUER,
    audit_records,
    create_account,
    create_application,
    create_group,
    create_identity,
    create_user,
    expect,
    items,
    outbox_events,
    suffix,
    unit,
)

DOMAIN = "@example.test"
# U+FDFA, one character whose NFKC form is 18 characters long.
EXPANDING = "\ufdfa"


def nested(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for _ in range(depth):
        document = {"n": document}
    return document


def longest_fitting(prefix: str, end: str = "") -> str:
    """Return prefix + EXPANDING * n + end with the largest n whose key fits."""
    count = 0
    while len(rules.normalise_key(prefix + EXPANDING * (count + 1) + end)) <= (
        rules.KEY_MAX_LENGTH
    ):
        count += 1
    return prefix + EXPANDING * count + end


def too_long_email() -> str:
    local = "é" * (rules.EMAIL_MAX_LENGTH + 1 - len(DOMAIN))
    return local + DOMAIN


# (expected field, call in a unit that must raise ValidationError)
Case = tuple[str, Callable[[UnitOfWork], object]]


def rejected_cases(
    user_id: UUID,
    account_id: UUID,
    identity_id: UUID,
    application_id: UUID,
    group_id: UUID,
) -> list[Case]:
    over_key = longest_fitting("x") + EXPANDING
    over_email = EXPANDING + longest_fitting("", DOMAIN)
    return [
        ("display_name", lambda u: u.users.create(display_name="Ada\x00Test")),
        ("display_name", lambda u: u.users.create(display_name="é" * 201)),
        ("display_name", lambda u: u.users.create(display_name="   ")),
        ("display_name", lambda u: u.users.create(display_name="Ada\tTest")),
        ("display_name", lambda u: u.users.create(display_name="")),
        (
            "primary_email",
            lambda u: u.users.create(display_name="A", primary_email="no-at-sign"),
        ),
        (
            "primary_email",
            lambda u: u.users.create(display_name="A", primary_email=too_long_email()),
        ),
        (
            "primary_email",
            lambda u: u.users.create(display_name="A", primary_email="a b" + DOMAIN),
        ),
        (
            "primary_email",
            lambda u: u.users.create(display_name="A", primary_email="a\x00b" + DOMAIN),
        ),
        (
            "primary_email",
            lambda u: u.users.create(display_name="A", primary_email=over_email),
        ),
        (
            "primary_email",
            lambda u: u.users.update(
                user_id, expected_version=1, primary_email="nul\x00" + DOMAIN
            ),
        ),
        (
            "status",
            lambda u: u.users.create(
                display_name="A",
                status="gone",  # type: ignore[arg-type]
            ),
        ),
        (
            "expected_version",
            lambda u: u.users.update(user_id, expected_version=0, display_name="B"),
        ),
        (
            "expected_version",
            lambda u: u.users.update(user_id, expected_version=True, display_name="B"),
        ),
        ("username", lambda u: u.accounts.create_service(username="é" * 256)),
        ("username", lambda u: u.accounts.create_service(username=" padded")),
        ("username", lambda u: u.accounts.create_service(username="nul\x00")),
        ("username", lambda u: u.accounts.create_service(username=over_key)),
        (
            "username",
            lambda u: u.accounts.update(account_id, expected_version=1, username=""),
        ),
        (
            "subject",
            lambda u: u.identities.link(
                account_id=account_id, issuer=ISSUER, subject="é" * 256
            ),
        ),
        (
            "subject",
            lambda u: u.identities.link(
                account_id=account_id, issuer=ISSUER, subject="a\x00b"
            ),
        ),
        (
            "issuer",
            lambda u: u.identities.link(
                account_id=account_id, issuer="https://idp test", subject="s"
            ),
        ),
        (
            "email",
            lambda u: u.identities.link(
                account_id=account_id, issuer=ISSUER, subject="s", email="none"
            ),
        ),
        (
            "seen_at",
            lambda u: u.identities.record_sign_in(
                identity_id, seen_at=datetime(2026, 1, 1, 12, 0)
            ),
        ),
        ("client_id", lambda u: u.applications.create(client_id="a b", name="A")),
        ("client_id", lambda u: u.applications.create(client_id="", name="A")),
        ("name", lambda u: u.applications.create(client_id="c", name="é" * 201)),
        *[
            (
                "metadata",
                lambda u, m=metadata: u.applications.create(
                    client_id=f"c-{suffix()}", name="A", metadata=m
                ),
            )
            for metadata in (
                {"text": "a\u0000b"},
                {"a\u0000": 1},
                {"deep": {"list": ["ok", "nul\u0000"]}},
                {"ratio": float("nan")},
                {"ratio": float("inf")},
                {"list": [float("-inf")]},
                {1: "integer key"},
                {"when": datetime(2026, 1, 1)},
                nested(rules.JSON_MAX_DEPTH + 2),
                {"big": "x" * rules.JSON_MAX_BYTES},
            )
        ],
        (
            "metadata",
            lambda u: u.applications.create(
                client_id="c",
                name="A",
                metadata=[1],  # type: ignore[arg-type]
            ),
        ),
        (
            "roles",
            lambda u: u.bindings.create(
                account_id=account_id, application_id=application_id, roles="admin"
            ),
        ),
        (
            "roles",
            lambda u: u.bindings.create(
                account_id=account_id, application_id=application_id, roles=[""]
            ),
        ),
        (
            "value_type",
            lambda u: u.catalog.define(
                key="k",
                value_type="nope",  # type: ignore[arg-type]
            ),
        ),
        (
            "allowed_values",
            lambda u: u.catalog.define(key="k", value_type=ValueType.ENUM),
        ),
        (
            "max_length",
            lambda u: u.catalog.define(
                key="k", value_type=ValueType.STRING, max_length=0
            ),
        ),
        (
            "max_length",
            lambda u: u.catalog.define(
                key="k", value_type=ValueType.INTEGER, max_length=5
            ),
        ),
        ("key", lambda u: u.catalog.define(key="", value_type=ValueType.STRING)),
        ("name", lambda u: u.groups.create(name="")),
        ("name", lambda u: u.groups.create(name="a\x00b")),
        (
            "role",
            lambda u: u.memberships.add(
                group_id=group_id,
                account_id=account_id,
                role="boss",  # type: ignore[arg-type]
            ),
        ),
        (
            "display_name",
            lambda u: u.tenants.update(expected_version=1, display_name="\x00"),
        ),
        (
            "expected_version",
            lambda u: u.tenants.update(expected_version=-1, display_name="B"),
        ),
    ]


class ValidationContract:
    def test_validation__rejects_and_writes_nothing(
        self, store: Store, tenant_id: UUID
    ) -> None:
        user = create_user(store, tenant_id)
        account = create_account(store, tenant_id, user_id=user.id)
        identity = create_identity(store, tenant_id, account_id=account.id)
        application = create_application(store, tenant_id)
        group = create_group(store, tenant_id)
        seen_audit = audit_records(store, tenant_id)
        seen_events = outbox_events(store, tenant_id)
        cases = rejected_cases(
            user.id, account.id, identity.id, application.id, group.id
        )

        with unit(store, tenant_id) as uow:
            for field, call in cases:
                error = expect(ValidationError, call, uow)
                assert error.field == field, (field, error)
            # The unit stays usable after every rejected write.
            later = uow.users.create(display_name="Later Test")
        with unit(store, tenant_id) as uow:
            users = items(uow.users.list)
            accounts = items(uow.accounts.list)
            applications = items(uow.applications.list)
            catalog = items(uow.catalog.list)
            groups = items(uow.groups.list)
            reread_identity = uow.identities.get(identity.id)
            tenant = uow.tenants.get()

        assert users == [user, later]
        assert accounts == [account]
        assert applications == [application]
        assert catalog == []
        assert groups == [group]
        assert reread_identity == identity
        assert tenant.version == 1
        assert audit_records(store, tenant_id)[:-1] == seen_audit
        assert len(audit_records(store, tenant_id)) == len(seen_audit) + 1
        assert len(outbox_events(store, tenant_id)) == len(seen_events) + 1

    def test_validation__limits_count_characters(
        self, store: Store, tenant_id: UUID
    ) -> None:
        tag = suffix()
        local = tag + "é" * (rules.EMAIL_MAX_LENGTH - len(DOMAIN) - len(tag))
        address = local + DOMAIN
        username = tag + "é" * (rules.USERNAME_MAX_LENGTH - len(tag))
        display_name = "é" * rules.NAME_MAX_LENGTH
        subject = tag + "é" * (rules.SUBJECT_MAX_LENGTH - len(tag))

        with unit(store, tenant_id) as uow:
            user = uow.users.create(display_name=display_name, primary_email=address)
            account = uow.accounts.create_human(user_id=user.id, username=username)
            identity = uow.identities.link(
                account_id=account.id, issuer=ISSUER, subject=subject
            )
        with unit(store, tenant_id) as uow:
            by_email = uow.users.get_by_email(address)
            by_username = uow.accounts.get_by_username(username)
            found = uow.identities.find(ISSUER, subject)

        assert len(address) == rules.EMAIL_MAX_LENGTH
        assert by_email.primary_email == address
        assert by_email.display_name == display_name
        assert by_username.username == username
        assert len(by_username.username) == rules.USERNAME_MAX_LENGTH
        assert found.subject == subject
        assert found.id == identity.id

    def test_validation__key_grows_but_fits(
        self, store: Store, tenant_id: UUID
    ) -> None:
        """A username whose key grows under NFKC is stored while the key fits."""
        username = longest_fitting(suffix())
        key_length = len(rules.normalise_key(username))

        with unit(store, tenant_id) as uow:
            account = uow.accounts.create_service(username=username)
            too_long = expect(
                ValidationError,
                lambda: uow.accounts.create_service(username=username + EXPANDING),
            )
        with unit(store, tenant_id) as uow:
            found = uow.accounts.get_by_username(username.upper())

        assert key_length > len(username)
        assert key_length > rules.KEY_MAX_LENGTH - 18
        assert account.username == username
        assert found.id == account.id
        assert too_long.field == "username"

    def test_validation__widest_keys_stored(
        self, store: Store, tenant_id: UUID
    ) -> None:
        """Keys at their limits in multi-byte characters fit the unique indexes."""
        # U+337F becomes four CJK characters of three UTF-8 bytes each.
        username = "\u337f" * (rules.KEY_MAX_LENGTH // 4)
        emoji = "\U0001f511"
        issuer = emoji * rules.ISSUER_MAX_LENGTH
        subject = emoji * rules.SUBJECT_MAX_LENGTH

        with unit(store, tenant_id) as uow:
            account = uow.accounts.create_service(username=username)
            identity = uow.identities.link(
                account_id=account.id, issuer=issuer, subject=subject
            )
        with unit(store, tenant_id) as uow:
            found = uow.identities.find(issuer, subject)

        assert len(rules.normalise_key(username)) == rules.KEY_MAX_LENGTH
        assert account.username == username
        assert found.id == identity.id

    def test_validation__email_key_grows_but_fits(
        self, store: Store, tenant_id: UUID
    ) -> None:
        address = longest_fitting(suffix(), DOMAIN)
        over = EXPANDING + address

        with unit(store, tenant_id) as uow:
            user = uow.users.create(display_name="Ada Test", primary_email=address)
            too_long = expect(
                ValidationError,
                lambda: uow.users.create(display_name="Bo Test", primary_email=over),
            )

        assert len(address) <= rules.EMAIL_MAX_LENGTH
        assert len(rules.normalise_key(over)) > rules.KEY_MAX_LENGTH
        assert user.primary_email == address
        assert too_long.field == "primary_email"

    def test_validation__metadata_accepted(self, store: Store, tenant_id: UUID) -> None:
        metadata = {
            "ключ": "значение",
            "emoji": "🔑",
            "depth": nested(rules.JSON_MAX_DEPTH - 2),
            "numbers": [0, -1, 1.25, 10**15],
            "flags": [True, False, None],
        }

        application = create_application(store, tenant_id, metadata=metadata)
        with unit(store, tenant_id) as uow:
            reread = uow.applications.get(application.id)

        assert reread.metadata == metadata

    def test_validation__tenant_slug(self, store: Store) -> None:
        for slug in ("Upper", "-start", "end-", "with space", "a" * 64, "", "é"):
            with unit(store, uuid4()) as uow:
                error = expect(
                    ValidationError,
                    uow.tenants.create,
                    slug=slug,
                    display_name="Slug",
                )

            assert error.field == "slug", slug

    def test_validation__limit_argument(self, store: Store, tenant_id: UUID) -> None:
        with unit(store, tenant_id) as uow:
            for limit in (0, -1, rules.PAGE_MAX_LIMIT + 1):
                error = expect(ValidationError, uow.users.list, limit=limit)

                assert error.field == "limit", limit
            page = uow.users.list(limit=rules.PAGE_MAX_LIMIT)

        assert page.next_cursor is None
