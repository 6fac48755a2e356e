"""The importer on five real-world Keycloak exports, on the in-memory store."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from keycloak_support import (
    CANARY,
    CANARY_REALM,
    FIXTURES,
    REAL_EXPORTS,
    change_log_sizes,
    run,
    tenant_ids,
    tenant_records,
)

from ue_store.domain.entities import AccountKind, ValueType
from ue_store.domain.errors import NotFound
from ue_store.keycloak import tenant_id_for
from ue_store.memory import MemoryStore
from ue_store.testing.clock import TickingClock

TESTREALM = FIXTURES / "01-keycloak-testrealm.json"
FEDIDS = FIXTURES / "02-keycloak-model-testrealm-fedids.json"
MULTIREALM = FIXTURES / "05-keycloak-migration-2.2.1-multirealm.json"
USERS_FILE = FIXTURES / "07-catenax-central-users-0-fedids.json"
USERPROFILE = FIXTURES / "09-catenax-central-realm-kc25-userprofile.json"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore(clock=TickingClock())


def test_real_exports__are_all_present() -> None:
    assert len(REAL_EXPORTS) == 5


@pytest.mark.parametrize("export", [*REAL_EXPORTS, CANARY_REALM], ids=lambda p: p.name)
def test_export__leaves_no_canary_anywhere(
    store: MemoryStore,
    export: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)

    report = run(store, export, on_conflict="skip")

    assert report.ok, report.failure
    assert tenant_ids(report)
    for tenant_id in tenant_ids(report):
        dump = repr(tenant_records(store, tenant_id))
        assert CANARY not in dump
    assert CANARY not in caplog.text
    rendered = "\n".join(line for s in report.realms for line in s.render())
    assert CANARY not in rendered
    captured = capsys.readouterr()
    assert CANARY not in captured.out + captured.err


@pytest.mark.parametrize("export", [*REAL_EXPORTS, CANARY_REALM], ids=lambda p: p.name)
def test_export__second_import_changes_nothing(
    store: MemoryStore, export: Path
) -> None:
    first = run(store, export, on_conflict="skip")
    sizes = {tid: change_log_sizes(store, tid) for tid in tenant_ids(first)}
    records = {tid: len(tenant_records(store, tid)) for tid in tenant_ids(first)}

    second = run(store, export, on_conflict="skip")

    assert second.ok, second.failure
    for tenant_id in tenant_ids(second):
        assert change_log_sizes(store, tenant_id) == sizes[tenant_id]
        assert len(tenant_records(store, tenant_id)) == records[tenant_id]
    for summary in second.realms:
        assert summary.changes() == 0
        assert summary.committed


def test_testrealm__resolves_same_named_subgroups_by_path(store: MemoryStore) -> None:
    report = run(store, TESTREALM)

    assert report.ok, report.failure
    with store.unit_of_work(tenant_id_for("test"), actor="tests") as uow:
        top = uow.groups.get_by_name("topGroup")
        rich = uow.groups.get_by_name("roleRichGroup")
        top_level2 = uow.groups.get_by_name("level2group", parent_id=top.id)
        rich_level2 = uow.groups.get_by_name("level2group", parent_id=rich.id)
        in_top = uow.memberships.list(group_id=top_level2.id).items
        in_rich = uow.memberships.list(group_id=rich_level2.id).items
        in_top_group = uow.memberships.list(group_id=top.id).items
        top_member = uow.accounts.get(in_top[0].account_id)
        rich_member = uow.accounts.get(in_rich[0].account_id)
    assert top_level2.id != rich_level2.id
    assert len(in_top) == 1
    assert len(in_rich) == 1
    assert len(in_top_group) == 1
    assert top_member.username == "hhfkj0UklgaGicl"
    assert rich_member.username == "tfpaSncgVyug"


def test_testrealm__reports_roles_and_secrets_unmapped(store: MemoryStore) -> None:
    report = run(store, TESTREALM)

    not_mapped = report.realms[0].not_mapped
    assert not_mapped["users[].credentials"] == 7
    assert not_mapped["clients[].secret"] == 8
    assert not_mapped["clients[].authorizationSettings"] == 1
    assert not_mapped["realm.roles (composite roles)"] > 0
    assert not_mapped["realm.roles.realm (realm roles)"] > 0
    assert not_mapped["users[].realmRoles"] > 0


def test_testrealm__binds_client_roles(store: MemoryStore) -> None:
    run(store, TESTREALM)

    with store.unit_of_work(tenant_id_for("test"), actor="tests") as uow:
        account = uow.accounts.get_by_username("tfpaSncgVyug")
        app = uow.applications.get_by_client_id("test-app-scope")
        binding = uow.bindings.find(account.id, app.id)
        portal = uow.applications.get_by_client_id("test-app")
    assert binding.roles == (
        "test-app-allowed-by-scope",
        "test-app-disallowed-by-scope",
    )
    assert portal.metadata["redirectUris"] == [
        "http://localhost:8180/auth/realms/master/app/auth/*",
        "https://localhost:8543/auth/realms/master/app/auth/*",
    ]
    assert "secret" not in portal.metadata


def test_fedids__links_three_providers_with_built_issuers(store: MemoryStore) -> None:
    run(store, FEDIDS)

    with store.unit_of_work(tenant_id_for("test-realm"), actor="tests") as uow:
        account = uow.accounts.get_by_username("qvZiazasBesi")
        identities = uow.identities.list(account_id=account.id).items
    by_issuer = {identity.issuer: identity for identity in identities}
    assert sorted(by_issuer) == [
        "keycloak:test-realm/idp/facebook1",
        "keycloak:test-realm/idp/google1",
        "keycloak:test-realm/idp/twitter1",
    ]
    assert by_issuer["keycloak:test-realm/idp/google1"].subject == "google1"
    assert by_issuer["keycloak:test-realm/idp/google1"].email == (
        "qvZiazasBesi@lewlh.com"
    )
    assert by_issuer["keycloak:test-realm/idp/twitter1"].email is None


def test_fedids__maps_service_account_and_legacy_roles(store: MemoryStore) -> None:
    report = run(store, FEDIDS)

    assert report.ok, report.failure
    with store.unit_of_work(tenant_id_for("test-realm"), actor="tests") as uow:
        bot = uow.accounts.get_by_username("my-service-user")
        legacy = uow.accounts.get_by_username("rxwkhm")
        other_app = uow.applications.get_by_client_id("OtherApp")
        binding = uow.bindings.find(legacy.id, other_app.id)
        users = uow.users.list().items
    assert bot.kind is AccountKind.SERVICE
    assert bot.user_id is None
    assert binding.roles == ("otherapp-user",)
    assert all(found.primary_email is None for found in users)
    assert report.realms[0].not_mapped["users[].attributes.email (built-in field)"] == 1


def test_fedids__infers_catalog_from_values(store: MemoryStore) -> None:
    run(store, FEDIDS)

    with store.unit_of_work(tenant_id_for("test-realm"), actor="tests") as uow:
        key1 = uow.catalog.get_by_key("key1")
        key2 = uow.catalog.get_by_key("key2")
        user_id = uow.accounts.get_by_username("gtrfv").user_id
        assert user_id is not None
        value2 = uow.profiles.get(user_id, key2.id)
    assert key1.value_type is ValueType.STRING
    assert key2.value_type is ValueType.STRING_LIST
    assert value2.value == ("val21", "val22")


def test_multirealm__imports_each_realm_into_its_tenant(store: MemoryStore) -> None:
    report = run(store, MULTIREALM)

    assert report.ok, report.failure
    assert [s.tenant_slug for s in report.realms] == ["master", "migration"]
    assert store.find_tenant_by_slug("migration").id == tenant_id_for("Migration")
    with store.unit_of_work(tenant_id_for("master"), actor="tests") as uow:
        tenant = uow.tenants.get()
        group = uow.groups.get_by_name("master-test-group")
        members = uow.memberships.list(group_id=group.id).items
    assert tenant.display_name == "Keycloak"
    assert len(members) == 1


def test_users_file__fails_on_duplicate_email(store: MemoryStore) -> None:
    report = run(store, USERS_FILE)

    assert report.failure is not None
    assert report.failure.path == "$.users[10].email"
    assert "collides after normalisation" in report.failure.rule
    assert "@" not in str(report.failure)
    with pytest.raises(NotFound):
        store.find_tenant_by_slug("cx-central")


def test_users_file__skip_mode_reports_skipped_user(store: MemoryStore) -> None:
    report = run(store, USERS_FILE, on_conflict="skip")

    assert report.ok, report.failure
    summary = report.realms[0]
    assert [item.path for item in summary.skipped] == ["$.users[10].email"]
    assert summary.counts["users"]["created"] == 21
    assert summary.counts["users"]["skipped"] == 1
    assert summary.counts["applications"]["created"] == 9
    assert summary.counts["external identities"]["created"] == 21


def test_users_file__then_realm_file_share_tenant(store: MemoryStore) -> None:
    run(store, USERS_FILE, on_conflict="skip")
    before = store.find_tenant_by_slug("cx-central")

    report = run(store, USERPROFILE)

    assert report.ok, report.failure
    assert store.find_tenant_by_slug("cx-central").id == before.id
    with store.unit_of_work(before.id, actor="tests") as uow:
        portal = uow.applications.get_by_client_id("Cl2-CX-Portal")
    assert portal.metadata != {}


def test_userprofile__defines_multivalued_as_string_list(store: MemoryStore) -> None:
    report = run(store, USERPROFILE)

    assert report.ok, report.failure
    with store.unit_of_work(tenant_id_for("CX-Central"), actor="tests") as uow:
        bpn = uow.catalog.get_by_key("bpn")
        organisation = uow.catalog.get_by_key("organisation")
        accounts = uow.accounts.list(limit=100).items
    assert bpn.value_type is ValueType.STRING_LIST
    assert organisation.value_type is ValueType.STRING
    assert len(accounts) == 19
    assert all(account.kind is AccountKind.SERVICE for account in accounts)
    assert report.realms[0].counts["applications"]["created"] == 37
