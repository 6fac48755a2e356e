"""Review findings: hostile Keycloak exports that break the importer.

docs/keycloak-import.md: a bad export ends in an error naming the file, a
JSON path and the rule, never a value, and writes nothing of its tenant.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from ue_store.keycloak import ImportOptions, import_keycloak
from ue_store.memory import MemoryStore

#: Script that imports one file into the in-memory store under a memory
#: limit, run in a child process so that a crash can't end the test run.
CHILD = textwrap.dedent(
    """
    import resource, sys
    limit = int(sys.argv[2])
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ue_store.keycloak import ImportOptions, import_keycloak
    from ue_store.memory import MemoryStore
    report = import_keycloak(MemoryStore(), [sys.argv[1]], ImportOptions())
    print("FAILURE" if report.failure else "OK", report.failure)
    """
)


def run_child(path: Path, memory_limit: int = 0) -> subprocess.CompletedProcess[str]:
    """Import ``path`` in a child process; 0 means no memory limit."""
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(memory_limit)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write(tmp_path: Path, content: str | bytes) -> Path:
    """Write an export file and return its path."""
    path = tmp_path / "realm.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def test_review_nested_subgroups_import_error(tmp_path: Path) -> None:
    # 3,000 nested subGroups (a 100 kB file). _parse_group recurses once per
    # level, so the import raises RecursionError instead of an import error.
    depth = 3000
    text = (
        '{"realm":"deep","groups":['
        + '{"name":"g","subGroups":[' * depth
        + '{"name":"leaf"}'
        + "]}" * depth
        + "]}"
    )

    report = import_keycloak(MemoryStore(), [write(tmp_path, text)], ImportOptions())

    assert report.failure is not None
    assert report.failure.path.startswith("$.groups[0]")
    assert not report.realms[0].committed


def test_review_huge_integer_no_crash(tmp_path: Path) -> None:
    # ijson.parse() without use_float, as _object_realm_name calls it,
    # segfaults on a 5,000-digit number in ijson 3.6.0's C backend.
    text = (
        '{"realm":"big","users":[{"username":"u","attributes":{"x":['
        + "9" * 5000
        + "]}}]}"
    )

    result = run_child(write(tmp_path, text))

    assert result.returncode == 0, f"importer died with status {result.returncode}"
    assert result.stdout.startswith("FAILURE")


def test_review_deep_nesting_bounded_memory(tmp_path: Path) -> None:
    # Measured: memory grows with the square of the nesting depth (about
    # 1 GB at 20,000 levels), so this 60 kB export must fail within 1 GiB.
    depth = 30_000
    text = (
        '{"realm":"deep","users":[{"username":"u","attributes":{"x":'
        + "[" * depth
        + "]" * depth
        + "}}]}"
    )

    result = run_child(write(tmp_path, text), memory_limit=1024 * 1024 * 1024)

    assert result.returncode == 0, (
        f"importer died with status {result.returncode}: {result.stderr[-300:]}"
    )
    assert result.stdout.startswith("FAILURE")
    assert "$.users[0]" in result.stdout


def test_review_malformed_json_no_personal_data(tmp_path: Path) -> None:
    # For invalid UTF-8, ijson's message is bytes, so its str() is one line
    # that quotes the input around the error, and malformed() keeps it.
    content = (
        b'{"realm":"leak","users":[{"username":"u",'
        b'"email":"grace.hopper@example.test","lastName":"Hopper-Private\xff"}]}'
    )

    report = import_keycloak(MemoryStore(), [write(tmp_path, content)], ImportOptions())

    assert report.failure is not None
    assert "Private" not in str(report.failure)
    assert "example.test" not in str(report.failure)


def test_review_same_slug_realms_not_merged(tmp_path: Path) -> None:
    # "Acme" and "acme" both give the slug "acme", and the second realm
    # writes its users into the tenant that the first one just created.
    realms = [
        {"realm": "Acme", "users": [{"username": "alice", "enabled": True}]},
        {"realm": "acme", "users": [{"username": "mallory", "enabled": True}]},
    ]
    path = write(tmp_path, json.dumps(realms))

    report = import_keycloak(MemoryStore(), [path], ImportOptions())

    committed = [summary for summary in report.realms if summary.committed]
    tenants = {summary.tenant_id for summary in committed}
    assert len(tenants) == len(committed), "two realms went into one tenant"


def test_review_slash_group_name_ambiguous(tmp_path: Path) -> None:
    # Top-level group "a/b" and subgroup "b" of "a" both get the key "/a/b".
    # The later definition wins without a message, so the membership may land
    # in the wrong group.
    realm = {
        "realm": "slash",
        "groups": [
            {"name": "a/b"},
            {"name": "a", "subGroups": [{"name": "b"}]},
        ],
        "users": [{"username": "u", "enabled": True, "groups": ["/a/b"]}],
    }

    report = import_keycloak(
        MemoryStore(), [write(tmp_path, json.dumps(realm))], ImportOptions()
    )

    assert report.failure is not None, "an ambiguous group path was resolved"
    assert report.failure.path.startswith(("$.groups", "$.users[0].groups"))


def test_review_duplicate_realm_key_consistent(tmp_path: Path) -> None:
    # Discovery reads the first "realm" member and the realm definition the
    # last, so the summary names realm "a" while the records go to tenant "b".
    text = '{"realm":"a","displayName":"A","realm":"b","users":[{"username":"u"}]}'

    report = import_keycloak(MemoryStore(), [write(tmp_path, text)], ImportOptions())

    if report.failure is None:
        summary = report.realms[0]
        assert summary.tenant_slug == summary.realm
