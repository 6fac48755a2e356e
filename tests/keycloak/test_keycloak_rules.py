"""Import rules on small hand-made exports, on the in-memory store."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from keycloak_support import (
    EXPORT_DIR,
    actions,
    change_log_sizes,
    realm,
    run,
    tenant_records,
    user,
    write_json,
)

from ue_store.domain.entities import AccountStatus, UserStatus
from ue_store.domain.errors import NotFound
from ue_store.keycloak import slugify, tenant_id_for
from ue_store.memory import MemoryStore
from ue_store.testing.clock import TickingClock

SHOP = tenant_id_for("shop")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore(clock=TickingClock())


def assert_nothing_written(store: MemoryStore, slug: str = "shop") -> None:
    with pytest.raises(NotFound):
        store.find_tenant_by_slug(slug)


def test_slugify__lowercases_and_drops_accents() -> None:
    assert slugify("Acme Zürich") == "acme-zurich"
    assert slugify("CX-Central") == "cx-central"
    assert slugify("  --  ") == ""


def test_export_dir__imports_realm_and_users_files(store: MemoryStore) -> None:
    report = run(store, EXPORT_DIR)

    assert report.ok, report.failure
    summary = report.realms[0]
    assert summary.tenant_slug == "acme-zurich"
    assert summary.counts["users"]["created"] == 3
    assert summary.counts["memberships"]["created"] == 2
    with store.unit_of_work(tenant_id_for("Acme Zürich"), actor="tests") as uow:
        tenant = uow.tenants.get()
        account = uow.accounts.get_by_username("jürgen")
        assert account.user_id is not None
        person = uow.users.get(account.user_id)
        zoe = uow.accounts.get_by_username("zoë")
        identity = uow.identities.list(account_id=zoe.id).items[0]
        shoe = uow.catalog.get_by_key("shoeSize")
        asa = uow.accounts.get_by_username("åsa")
        assert asa.user_id is not None
        size = uow.profiles.get(asa.user_id, shoe.id)
    assert tenant.display_name == "Acme Zürich AG"
    assert person.display_name == "Jürgen Müller"
    assert zoe.status is AccountStatus.DISABLED
    assert identity.issuer == "keycloak:Acme%20Z%C3%BCrich/idp/partner"
    assert identity.email == "zoe@partner.test"
    assert size.value == "42"


def test_export_dir__users_file_alone_creates_minimal_records(
    store: MemoryStore,
) -> None:
    report = run(store, EXPORT_DIR / "acme-users-0.json")

    assert report.ok, report.failure
    with store.unit_of_work(tenant_id_for("Acme Zürich"), actor="tests") as uow:
        shop = uow.applications.get_by_client_id("shop")
        kunden = uow.groups.get_by_name("Kunden")
        gold = uow.groups.get_by_name("Gold", parent_id=kunden.id)
        members = uow.memberships.list(group_id=gold.id).items
    assert shop.name == "shop"
    assert shop.metadata == {}
    assert len(members) == 1


def test_emails_differing_in_case__fail_by_default(
    store: MemoryStore, tmp_path: Path
) -> None:
    users = [
        user("first", email="Dana@Example.com"),
        user("second", email="dana@example.COM"),
    ]
    export = write_json(tmp_path, "realm.json", realm(users=users))

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.file == str(export)
    assert report.failure.path == "$.users[1].email"
    assert "$.users[0]" in report.failure.rule
    assert "dana" not in str(report.failure).lower()
    assert_nothing_written(store)


def test_emails_differing_in_case__skip_imports_first(
    store: MemoryStore, tmp_path: Path
) -> None:
    users = [
        user("first", email="Dana@Example.com"),
        user("second", email="dana@example.COM"),
    ]
    export = write_json(tmp_path, "realm.json", realm(users=users))

    report = run(store, export, on_conflict="skip")

    assert report.ok, report.failure
    assert report.realms[0].counts["users"]["created"] == 1
    assert [item.path for item in report.realms[0].skipped] == ["$.users[1].email"]


def test_usernames_differing_in_case__fail(store: MemoryStore, tmp_path: Path) -> None:
    export = write_json(tmp_path, "realm.json", realm(users=[user("Kim"), user("KIM")]))

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[1].username"


def identity_user(username: str, subject: str = "sub-1") -> dict[str, object]:
    link = {"identityProvider": "corp", "userId": subject, "userName": "x@corp.test"}
    return user(username, federatedIdentities=[link])


def test_identity_linked_elsewhere__fails_and_writes_nothing(
    store: MemoryStore, tmp_path: Path
) -> None:
    first = write_json(tmp_path, "a.json", realm(users=[identity_user("owner")]))
    second = write_json(
        tmp_path, "b.json", realm(users=[user("bystander"), identity_user("thief")])
    )
    assert run(store, first).ok
    sizes = change_log_sizes(store, SHOP)

    report = run(store, second)

    assert report.failure is not None
    assert report.failure.path == "$.users[1].federatedIdentities[0]"
    assert "already linked to another account" in report.failure.rule
    assert change_log_sizes(store, SHOP) == sizes
    with store.unit_of_work(SHOP, actor="tests") as uow, pytest.raises(NotFound):
        uow.accounts.get_by_username("bystander")


def test_identity_linked_elsewhere__skip_leaves_no_partial_user(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(
        tmp_path,
        "realm.json",
        realm(users=[identity_user("owner"), identity_user("thief"), user("fine")]),
    )

    report = run(store, export, on_conflict="skip")

    assert report.ok, report.failure
    summary = report.realms[0]
    assert summary.counts["users"]["created"] == 2
    assert summary.counts["accounts"]["created"] == 2
    assert summary.counts["users"]["skipped"] == 1
    assert summary.skipped[0].path == "$.users[1].federatedIdentities[0]"
    with store.unit_of_work(SHOP, actor="tests") as uow:
        usernames = sorted(a.username for a in uow.accounts.list().items)
        user_count = len(uow.users.list().items)
    assert usernames == ["fine", "owner"]
    assert user_count == 2


def test_malformed_json__names_file_and_path(
    store: MemoryStore, tmp_path: Path
) -> None:
    text = json.dumps(realm(users=[user("a"), user("b", email="b@example.com")]))
    export = tmp_path / "broken.json"
    export.write_text(text[: text.index("b@example")], encoding="utf-8")

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.file == str(export)
    assert report.failure.path == "$.users[1].email"
    assert report.failure.rule.startswith("malformed JSON")
    assert "example" not in report.failure.rule
    assert_nothing_written(store)


def test_not_json__fails_at_document_root(store: MemoryStore, tmp_path: Path) -> None:
    export = tmp_path / "notes.json"
    export.write_text("hello", encoding="utf-8")

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$"


@pytest.mark.parametrize(
    ("users", "path", "rule"),
    [
        ([user("a"), {"enabled": True}], "$.users[1].username", "required"),
        ([user("a", enabled="yes")], "$.users[0].enabled", "true or false"),
        ([user("a", email=["x"])], "$.users[0].email", "must be a string"),
        (
            [user("a", attributes={"age": [42]})],
            "$.users[0].attributes.age[0]",
            "string",
        ),
        ([user("a", clientRoles=["x"])], "$.users[0].clientRoles", "JSON object"),
        ([user("a", groups="/g")], "$.users[0].groups", "JSON array"),
        (["just-a-name"], "$.users[0]", "JSON object"),
        (
            [user("a", federatedIdentities=[{"identityProvider": "x"}])],
            "$.users[0].federatedIdentities[0].userId",
            "required",
        ),
    ],
)
def test_bad_user__names_path_and_rule(
    store: MemoryStore, tmp_path: Path, users: list[object], path: str, rule: str
) -> None:
    export = write_json(tmp_path, "realm.json", realm(users=users))

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == path
    assert rule in report.failure.rule
    assert_nothing_written(store)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"users": []}, "$.realm"),
        (realm(clients={"clientId": "x"}), "$.clients"),
        (realm(clients=[{"name": "x"}]), "$.clients[0].clientId"),
        (realm(groups=[{"subGroups": []}]), "$.groups[0].name"),
        (realm(identityProviders=[{"config": {}}]), "$.identityProviders[0].alias"),
        (realm(users={"a": 1}), "$.users"),
    ],
)
def test_bad_realm__names_path(
    store: MemoryStore, tmp_path: Path, document: object, path: str
) -> None:
    export = write_json(tmp_path, "realm.json", document)

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == path


def test_store_validation_error__maps_to_json_path(
    store: MemoryStore, tmp_path: Path
) -> None:
    users = [user("a", email="a@example.com"), user("b", email="not-an-address")]
    export = write_json(tmp_path, "realm.json", realm(users=users))

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[1].email"
    assert "invalid primary_email" in report.failure.rule
    assert "not-an-address" not in str(report.failure)
    assert_nothing_written(store)


def test_changed_email__writes_one_user_update(
    store: MemoryStore, tmp_path: Path
) -> None:
    users = [user("a", email="a@example.com"), user("b", email="b@example.com")]
    assert run(store, write_json(tmp_path, "v1.json", realm(users=users))).ok
    before = actions(store, SHOP)
    users[1]["email"] = "b.new@example.com"

    report = run(store, write_json(tmp_path, "v2.json", realm(users=users)))

    assert report.ok, report.failure
    assert actions(store, SHOP)[len(before) :] == ["user.updated"]
    assert report.realms[0].counts["users"]["updated"] == 1


def test_changed_roles__replace_binding_roles(
    store: MemoryStore, tmp_path: Path
) -> None:
    users = [user("a", clientRoles={"shop": ["buyer", "viewer"]})]
    assert run(store, write_json(tmp_path, "v1.json", realm(users=users))).ok
    users[0]["clientRoles"] = {"shop": ["admin"]}

    report = run(store, write_json(tmp_path, "v2.json", realm(users=users)))

    assert report.ok, report.failure
    with store.unit_of_work(SHOP, actor="tests") as uow:
        binding = uow.bindings.list().items[0]
    assert binding.roles == ("admin",)
    assert report.realms[0].counts["bindings"]["updated"] == 1


def test_disabled_user__sets_user_and_account_status(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(tmp_path, "realm.json", realm(users=[user("a", enabled=False)]))

    run(store, export)

    with store.unit_of_work(SHOP, actor="tests") as uow:
        account = uow.accounts.get_by_username("a")
        assert account.user_id is not None
        person = uow.users.get(account.user_id)
    assert account.status is AccountStatus.DISABLED
    assert person.status is UserStatus.DISABLED


def test_dry_run__reports_changes_and_writes_nothing(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(tmp_path, "realm.json", realm(users=[user("a"), user("b")]))

    report = run(store, export, dry_run=True)

    assert report.ok, report.failure
    assert report.realms[0].counts["users"]["created"] == 2
    assert report.realms[0].dry_run
    assert not report.realms[0].committed
    assert_nothing_written(store)


def test_tenant_slug__imports_into_existing_tenant(
    store: MemoryStore, tmp_path: Path
) -> None:
    assert run(
        store, write_json(tmp_path, "a.json", realm("alpha")), tenant_slug="t1"
    ).ok
    export = write_json(tmp_path, "b.json", realm("beta", users=[user("x")]))

    report = run(store, export, tenant_slug="t1")

    assert report.ok, report.failure
    assert report.realms[0].tenant_id == tenant_id_for("alpha")


def test_tenant_slug__rejects_several_realms(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(tmp_path, "realms.json", [realm("a"), realm("b")])

    report = run(store, export, tenant_slug="one")

    assert report.failure is not None
    assert "single realm" in report.failure.rule


def test_realm_tenant_with_other_slug__fails(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(tmp_path, "realm.json", realm())
    assert run(store, export, tenant_slug="first-slug").ok

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.realm"
    assert "--tenant-slug first-slug" in report.failure.rule


def test_undefined_group_path__fails(store: MemoryStore, tmp_path: Path) -> None:
    document = realm(groups=[{"name": "a"}], users=[user("u", groups=["/a/missing"])])
    export = write_json(tmp_path, "realm.json", document)

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[0].groups[0]"


def test_profile_single_valued__rejects_several_values(
    store: MemoryStore, tmp_path: Path
) -> None:
    config = {"attributes": [{"name": "team"}]}
    document = realm(
        attributes={"kc.user.profile.config": json.dumps(config)},
        users=[user("u", attributes={"team": ["a", "b"]})],
    )
    export = write_json(tmp_path, "realm.json", document)

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[0].attributes.team"


def test_log_lines__carry_action_and_no_personal_data(
    store: MemoryStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ue_store.keycloak")
    users = [user("secret-name", email="hidden@example.com")] * 2
    export = write_json(tmp_path, "realm.json", realm(users=users))

    run(store, export)
    run(store, export, on_conflict="skip")

    records = [r for r in caplog.records if r.name == "ue_store.keycloak"]
    assert {getattr(r, "action", None) for r in records} >= {
        "keycloak.import.started",
        "keycloak.import.failed",
        "keycloak.import.skipped",
        "keycloak.import.finished",
    }
    assert "secret-name" not in caplog.text
    assert "hidden" not in caplog.text


def test_progress_bar__shows_users_without_names(
    store: MemoryStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = write_json(tmp_path, "realm.json", realm(users=[user("visible-name")]))

    report = run(store, export, progress_bar=True)

    captured = capsys.readouterr()
    assert report.ok, report.failure
    assert "1/1" in captured.err
    assert "visible-name" not in captured.err


def test_tenant_records__contain_imported_user(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(tmp_path, "realm.json", realm(users=[user("a")]))

    run(store, export)

    assert len(tenant_records(store, SHOP)) > 3


def test_realm_array__keeps_earlier_realm_on_failure(
    store: MemoryStore, tmp_path: Path
) -> None:
    realms = [realm("first", users=[user("a")]), realm("second", users=[{}])]
    export = write_json(tmp_path, "realms.json", realms)

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$[1].users[0].username"
    assert report.realms[0].committed
    assert report.realms[1].failed
    assert store.find_tenant_by_slug("first").id == tenant_id_for("first")
    assert_nothing_written(store, "second")


def test_export_dir__without_export_files_fails(
    store: MemoryStore, tmp_path: Path
) -> None:
    write_json(tmp_path, "notes.json", {"realm": "x"})

    report = run(store, tmp_path)

    assert report.failure is not None
    assert "<realm>-realm.json" in report.failure.rule
