"""Conformance tests for the errors themselves.

Error messages end up in logs, so no error may echo an email, a username or
a subject that the caller passed in. Conflicts carry a stable ``code`` and
the ``field`` that collided, for callers to branch on.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from ue_store.domain.entities import ValueType
from ue_store.domain.errors import (
    Conflict,
    DuplicateBinding,
    DuplicateCatalogKey,
    DuplicateClientId,
    DuplicateEmail,
    DuplicateExternalIdentity,
    DuplicateGroupName,
    DuplicateMembership,
    DuplicateTenant,
    DuplicateTenantSlug,
    DuplicateUsername,
    NotFound,
    UeStoreError,
    ValidationError,
)
from ue_store.domain.protocol import Store, UnitOfWork

from .support import (
    ISSUER,
    create_account,
    create_application,
    create_attribute,
    create_binding,
    create_group,
    create_user,
    expect,
    suffix,
    unit,
)

# Conflict class -> (code, field, entity) that callers may rely on.
CONFLICTS: dict[type[Conflict], tuple[str, str, str]] = {
    DuplicateTenant: ("duplicate_tenant", "id", "tenant account"),
    DuplicateTenantSlug: ("duplicate_tenant_slug", "slug", "tenant account"),
    DuplicateEmail: ("duplicate_email", "primary_email", "user"),
    DuplicateUsername: ("duplicate_username", "username", "account"),
    DuplicateExternalIdentity: (
        "duplicate_external_identity",
        "subject",
        "external identity",
    ),
    DuplicateClientId: ("duplicate_client_id", "client_id", "application"),
    DuplicateBinding: ("duplicate_binding", "application_id", "binding"),
    DuplicateCatalogKey: ("duplicate_catalog_key", "key", "catalog attribute"),
    DuplicateGroupName: ("duplicate_group_name", "name", "group"),
    DuplicateMembership: ("duplicate_membership", "account_id", "membership"),
}


def texts_of(error: BaseException) -> str:
    """Return every text of an error that a log line or traceback may show."""
    return " ".join([str(error), repr(error), *(repr(arg) for arg in error.args)])


class ErrorContract:
    def test_errors__conflicts_carry_code(self, store: Store, tenant_id: UUID) -> None:
        user = create_user(store, tenant_id)
        account = create_account(store, tenant_id, user_id=user.id)
        application = create_application(store, tenant_id)
        binding = create_binding(
            store, tenant_id, account_id=account.id, application_id=application.id
        )
        attribute = create_attribute(store, tenant_id)
        group = create_group(store, tenant_id)
        with unit(store, tenant_id) as uow:
            tenant = uow.tenants.get()
            uow.identities.link(account_id=account.id, issuer=ISSUER, subject="s-1")
            uow.memberships.add(group_id=group.id, account_id=account.id)

        triggers: list[tuple[type[Conflict], Callable[[UnitOfWork], object]]] = [
            (
                DuplicateTenant,
                lambda u: u.tenants.create(slug=f"t-{suffix()}", display_name="T"),
            ),
            (
                DuplicateEmail,
                lambda u: u.users.create(
                    display_name="Copy", primary_email=user.primary_email
                ),
            ),
            (
                DuplicateUsername,
                lambda u: u.accounts.create_service(username=account.username),
            ),
            (
                DuplicateExternalIdentity,
                lambda u: u.identities.link(
                    account_id=account.id, issuer=ISSUER, subject="s-1"
                ),
            ),
            (
                DuplicateClientId,
                lambda u: u.applications.create(
                    client_id=application.client_id, name="Copy"
                ),
            ),
            (
                DuplicateBinding,
                lambda u: u.bindings.create(
                    account_id=binding.account_id,
                    application_id=binding.application_id,
                    roles=(),
                ),
            ),
            (
                DuplicateCatalogKey,
                lambda u: u.catalog.define(
                    key=attribute.key, value_type=ValueType.BOOLEAN
                ),
            ),
            (DuplicateGroupName, lambda u: u.groups.create(name=group.name)),
            (
                DuplicateMembership,
                lambda u: u.memberships.add(group_id=group.id, account_id=account.id),
            ),
        ]
        with unit(store, tenant_id) as uow:
            for conflict, trigger in triggers:
                error = expect(conflict, trigger, uow)
                code, field, entity = CONFLICTS[conflict]

                assert type(error) is conflict
                assert error.code == code
                assert error.field == field, code
                assert error.entity == entity, code
                assert code in str(error)
        with unit(store, uuid4()) as uow:
            slug_error = expect(
                DuplicateTenantSlug,
                lambda: uow.tenants.create(slug=tenant.slug, display_name="Copy"),
            )

        assert slug_error.code == "duplicate_tenant_slug"
        assert slug_error.field == "slug"

    def test_errors__no_personal_data(self, store: Store, tenant_id: UUID) -> None:
        marker = f"Qv{suffix()}"
        address = f"{marker}.person@example.test"
        username = f"{marker}.login"
        subject = f"{marker}-subject"
        user = create_user(store, tenant_id, primary_email=address)
        account = create_account(store, tenant_id, user_id=user.id)
        with unit(store, tenant_id) as uow:
            uow.accounts.update(account.id, expected_version=1, username=username)
            uow.identities.link(account_id=account.id, issuer=ISSUER, subject=subject)

        with unit(store, tenant_id) as uow:
            calls: list[Callable[[], object]] = [
                lambda: uow.users.create(display_name="Copy", primary_email=address),
                lambda: uow.users.create(
                    display_name="Copy", primary_email=address.upper()
                ),
                lambda: uow.users.get_by_email(f"{marker}.absent@example.test"),
                lambda: uow.users.create(
                    display_name="Copy", primary_email=f"{marker} space@example.test"
                ),
                lambda: uow.users.create(
                    display_name="Copy", primary_email=f"{marker}-no-at-sign"
                ),
                lambda: uow.accounts.create_service(username=username),
                lambda: uow.accounts.get_by_username(f"{marker}.absent"),
                lambda: uow.accounts.create_service(username=f" {marker}"),
                lambda: uow.identities.link(
                    account_id=account.id, issuer=ISSUER, subject=subject
                ),
                lambda: uow.identities.find(ISSUER, f"{marker}-absent"),
                lambda: uow.identities.link(
                    account_id=account.id, issuer=ISSUER, subject=f"{marker}\x00"
                ),
                lambda: uow.identities.link(
                    account_id=account.id,
                    issuer=ISSUER,
                    subject="other",
                    email=f"{marker}-bad-email",
                ),
            ]
            errors = [expect(UeStoreError, call) for call in calls]

        kinds = [type(error) for error in errors]
        assert kinds[:3] == [DuplicateEmail, DuplicateEmail, NotFound]
        assert kinds[3:5] == [ValidationError, ValidationError]
        assert kinds[5:8] == [DuplicateUsername, NotFound, ValidationError]
        assert kinds[8:10] == [DuplicateExternalIdentity, NotFound]
        assert kinds[10:] == [ValidationError, ValidationError]
        for error in errors:
            assert marker.casefold() not in texts_of(error).casefold(), repr(error)

    def test_errors__wrong_types_are_domain_errors(
        self, store: Store, tenant_id: UUID
    ) -> None:
        """Arguments of the wrong type raise domain errors, never TypeError."""
        user = create_user(store, tenant_id)
        attribute = create_attribute(store, tenant_id, value_type=ValueType.INTEGER)
        group = create_group(store, tenant_id)

        with unit(store, tenant_id) as uow:
            calls: list[Callable[[], object]] = [
                lambda: uow.users.get("not-a-uuid"),  # type: ignore[arg-type]
                lambda: uow.users.get(None),  # type: ignore[arg-type]
                lambda: uow.users.create(display_name=5),  # type: ignore[arg-type]
                lambda: uow.users.create(
                    display_name="A",
                    primary_email=b"a@example.test",  # type: ignore[arg-type]
                ),
                lambda: uow.users.list(status="nope"),  # type: ignore[arg-type]
                lambda: uow.users.list(limit="10"),  # type: ignore[arg-type]
                lambda: uow.users.list(after=17),  # type: ignore[arg-type]
                lambda: uow.profiles.set(user.id, attribute.id, object()),
                lambda: uow.profiles.set(user.id, attribute.id, 1.5),
                lambda: uow.catalog.define(
                    key="k",
                    value_type=ValueType.STRING,
                    required="yes",  # type: ignore[arg-type]
                ),
                lambda: uow.applications.create(
                    client_id="c",
                    name="A",
                    metadata={"set": {1, 2}},  # type: ignore[dict-item]
                ),
                lambda: uow.groups.rename(
                    group.id,
                    expected_version="1",  # type: ignore[arg-type]
                    name="G",
                ),
            ]
            errors = [expect(UeStoreError, call) for call in calls]
            still_usable = uow.groups.create(name="After Errors")

        assert all(isinstance(error, ValidationError) for error in errors), errors
        assert still_usable.name == "After Errors"
