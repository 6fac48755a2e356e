"""Hostile and ambiguous exports: limits, secrets, slugs and group paths."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from keycloak_support import CANARY, realm, run, tenant_records, user, write_json

from ue_store.domain.errors import NotFound
from ue_store.keycloak import KeycloakImportError, tenant_id_for
from ue_store.keycloak.reader import MAX_DEPTH
from ue_store.keycloak.realm import MAX_GROUP_DEPTH, parse_realm
from ue_store.keycloak.userprofile import PROFILE_CONFIG_KEY
from ue_store.memory import MemoryStore
from ue_store.testing.clock import TickingClock

SHOP = tenant_id_for("shop")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore(clock=TickingClock())


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_at_limit__imports(store: MemoryStore, tmp_path: Path) -> None:
    # The realm object is one level, so MAX_DEPTH - 1 arrays reach the limit.
    text = '{"realm":"shop","smtpServer":' + nested_arrays(MAX_DEPTH - 1) + "}"
    export = tmp_path / "realm.json"
    export.write_text(text, encoding="utf-8")

    report = run(store, export)

    assert report.failure is None


def test_nesting_past_limit__fails_at_path(store: MemoryStore, tmp_path: Path) -> None:
    text = '{"realm":"shop","smtpServer":' + nested_arrays(MAX_DEPTH) + "}"
    export = tmp_path / "realm.json"
    export.write_text(text, encoding="utf-8")

    report = run(store, export)

    assert report.failure is not None
    # The first container past the limit is element [0] of the innermost array.
    assert report.failure.path == "$.smtpServer" + "[0]" * (MAX_DEPTH - 1)
    assert f"more than {MAX_DEPTH} levels" in report.failure.rule


def test_realm_array_nesting__fails_in_discovery(
    store: MemoryStore, tmp_path: Path
) -> None:
    text = '[{"realm":"shop","smtpServer":' + nested_arrays(10_000) + "}]"
    export = tmp_path / "realms.json"
    export.write_text(text, encoding="utf-8")

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path.startswith("$[0].smtpServer[0]")


def test_huge_integer__fails_without_value(store: MemoryStore, tmp_path: Path) -> None:
    text = '{"realm":"shop","users":[{"username":"u","notBefore":' + "7" * 40 + "}]}"
    export = tmp_path / "realm.json"
    export.write_text(text, encoding="utf-8")

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[0].notBefore"
    assert "out of range" in report.failure.rule
    assert "7777" not in str(report.failure)
    assert_nothing_written(store)


def test_invalid_utf8__names_rule_not_text(store: MemoryStore, tmp_path: Path) -> None:
    export = tmp_path / "realm.json"
    export.write_bytes(
        b'{"realm":"shop","users":[{"username":"u","lastName":"Private\xff"}]}'
    )

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[0].lastName"
    assert report.failure.rule == "malformed JSON: invalid UTF-8"


def test_repeated_member_name__fails(store: MemoryStore, tmp_path: Path) -> None:
    text = '{"realm":"shop","users":[{"username":"a","username":"b"}]}'
    export = tmp_path / "realm.json"
    export.write_text(text, encoding="utf-8")

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[0].username"
    assert "repeats a member name" in report.failure.rule
    assert_nothing_written(store)


def test_repeated_realm_name__fails_in_array(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = tmp_path / "realms.json"
    export.write_text('[{"realm":"a","realm":"b"}]', encoding="utf-8")

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$[0].realm"
    assert report.realms == []


def test_deep_groups_in_python__fail_at_limit() -> None:
    group: dict[str, object] = {"name": "leaf"}
    for _ in range(MAX_GROUP_DEPTH):
        group = {"name": "g", "subGroups": [group]}

    with pytest.raises(KeycloakImportError, match="subgroups nest more than") as raised:
        parse_realm(realm(groups=[group]), "realm.json")

    assert raised.value.path.startswith("$.groups[0].subGroups[0]")


def test_profile_config_huge_integer__fails(store: MemoryStore, tmp_path: Path) -> None:
    config = '{"attributes":[{"name":"n","x":' + "9" * 5000 + "}]}"
    export = write_json(
        tmp_path, "realm.json", realm(attributes={PROFILE_CONFIG_KEY: config})
    )

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == f"$.attributes['{PROFILE_CONFIG_KEY}']"
    assert "user-profile configuration" in report.failure.rule


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
def test_same_slug_realms__fail_before_writing(
    store: MemoryStore, tmp_path: Path, dry_run: bool
) -> None:
    export = write_json(
        tmp_path,
        "realms.json",
        [realm("Acme", users=[user("alice")]), realm("acme", users=[user("bob")])],
    )

    report = run(store, export, dry_run=dry_run)

    assert report.failure is not None
    assert report.failure.path == "$[1].realm"
    assert "$[0].realm" in report.failure.rule
    assert report.realms == []
    with pytest.raises(NotFound):
        store.find_tenant_by_slug("acme")


def test_same_slug_realms__names_other_file(store: MemoryStore, tmp_path: Path) -> None:
    first = write_json(tmp_path, "one.json", realm("Acme"))
    second = write_json(tmp_path, "two.json", realm("ACME"))

    report = run(store, first, second)

    assert report.failure is not None
    assert report.failure.file == str(second)
    assert f"$.realm in {first}" in report.failure.rule


def slash_realm(user_groups: list[str]) -> dict[str, object]:
    return realm(
        groups=[{"name": "a/b"}, {"name": "a", "subGroups": [{"name": "b"}]}],
        users=[user("u", groups=user_groups)],
    )


def test_ambiguous_group_path__fails_at_user(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(tmp_path, "realm.json", slash_realm(["/a/b"]))

    report = run(store, export)

    assert report.failure is not None
    assert report.failure.path == "$.users[0].groups[0]"
    assert "$.groups[0]" in report.failure.rule
    assert "$.groups[1].subGroups[0]" in report.failure.rule
    assert_nothing_written(store)


def test_escaped_group_path__resolves_slash_name(
    store: MemoryStore, tmp_path: Path
) -> None:
    export = write_json(tmp_path, "realm.json", slash_realm(["/a~/b"]))

    report = run(store, export)

    assert report.failure is None
    with store.unit_of_work(SHOP, actor="tests") as uow:
        (membership,) = uow.memberships.list().items
        group = uow.groups.get(membership.group_id)
    assert group.name == "a/b"
    assert group.parent_id is None


def test_slash_group_without_twin__resolves(store: MemoryStore, tmp_path: Path) -> None:
    export = write_json(
        tmp_path,
        "realm.json",
        realm(groups=[{"name": "a/b"}], users=[user("u", groups=["/a/b"])]),
    )

    report = run(store, export)

    assert report.failure is None
    assert report.realms[0].counts["memberships"]["created"] == 1


def test_secret_named_attributes__not_imported(
    store: MemoryStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ue_store")
    profile = json.dumps({"attributes": [{"name": "recoveryPassphrase"}]})
    attributes = {
        "password": [CANARY],
        "apiToken": CANARY,
        "client_secret": [CANARY, CANARY],
        "recoveryPassphrase": [CANARY],
        "nickname": ["Nick"],
    }
    export = write_json(
        tmp_path,
        "realm.json",
        realm(
            attributes={PROFILE_CONFIG_KEY: profile},
            users=[user("u", attributes=attributes)],
        ),
    )

    report = run(store, export)

    assert report.failure is None
    summary = report.realms[0]
    assert CANARY not in repr(tenant_records(store, SHOP))
    assert CANARY not in caplog.text
    assert CANARY not in "\n".join(summary.render())
    with store.unit_of_work(SHOP, actor="tests") as uow:
        keys = sorted(attribute.key for attribute in uow.catalog.list().items)
    assert keys == ["nickname"]
    not_mapped = summary.not_mapped
    assert not_mapped["users[].attributes.password (name suggests a secret)"] == 1
    assert not_mapped["users[].attributes.apiToken (name suggests a secret)"] == 1
    assert not_mapped["userProfile.attributes[] (name suggests a secret)"] == 1


def assert_nothing_written(store: MemoryStore, slug: str = "shop") -> None:
    with pytest.raises(NotFound):
        store.find_tenant_by_slug(slug)
