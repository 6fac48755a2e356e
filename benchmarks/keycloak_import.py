"""Benchmark the Keycloak importer: users per second and peak memory.

Generates realm exports of invented users, then runs each measurement in a
fresh Python process, so that the peak resident set size (``ru_maxrss``) of
that process belongs to that measurement alone:

- ``json.load`` of the whole large file plus a loop over its users, the
  baseline of a reader that is not streaming;
- the importer's first pass alone (ijson streaming, checks of every user),
  on the large file and on a file a tenth of its size;
- a full import into the chosen store.

The in-memory store looks records up by scanning the tenant, so its import
time grows with the square of the user count. Its full import therefore
runs on small files. ``--store postgres`` imports the large file into
PostgreSQL as a dry run, which writes every record and then rolls back.

Usage::

    .venv/bin/python benchmarks/keycloak_import.py [--users 50000]
    .venv/bin/python benchmarks/keycloak_import.py --store postgres
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = ("research", "sales", "support", "finance", "legal")


def generate(path: Path, users: int) -> None:
    """Write a realm export with ``users`` invented users, one at a time."""
    header = {
        "realm": "benchmark",
        "displayName": "Benchmark Realm",
        "clients": [
            {"clientId": "portal", "enabled": True, "secret": "not-imported"},
            {"clientId": "reports", "enabled": True},
        ],
        "groups": [{"name": "staff", "subGroups": [{"name": "ops"}]}],
        "identityProviders": [
            {"alias": "corp", "config": {"issuer": "https://idp.example.com"}}
        ],
    }
    with path.open("w", encoding="utf-8") as stream:
        stream.write(json.dumps(header)[:-1] + ', "users": [')
        for index in range(users):
            if index:
                stream.write(",")
            stream.write(json.dumps(_user(index)))
        stream.write("]}")


def _user(index: int) -> dict[str, Any]:
    name = f"user{index:06d}"
    return {
        "username": name,
        "enabled": index % 50 != 0,
        "email": f"{name}@example.com",
        "firstName": "Test",
        "lastName": f"Person {index}",
        "attributes": {"department": [DEPARTMENTS[index % len(DEPARTMENTS)]]},
        "credentials": [{"type": "password", "value": "not-imported"}],
        "federatedIdentities": [
            {"identityProvider": "corp", "userId": f"corp-{index}", "userName": name}
        ],
        "clientRoles": {"portal": ["viewer"]},
        "groups": ["/staff/ops" if index % 3 else "/staff"],
    }


def measure(kind: str, file: Path, store_name: str) -> dict[str, float]:
    """Run one measurement in this process and return its numbers."""
    started = time.perf_counter()
    users = 0
    if kind == "json-load":
        with file.open(encoding="utf-8") as stream:
            document = json.load(stream)
        for _ in document["users"]:
            users += 1
    elif kind == "first-pass":
        users = _first_pass(file)
    else:
        users = _full_import(file, store_name)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"users": users, "seconds": seconds, "peak_mib": peak_kib / 1024}


def _first_pass(file: Path) -> int:
    from ue_store.keycloak.scan import UserScan
    from ue_store.keycloak.sources import discover, read_part

    scan = UserScan(skip_invalid=False)
    for source in discover([file]):
        for part in source.parts:
            read_part(part, scan.scan)
    return scan.users


def _full_import(file: Path, store_name: str) -> int:
    from ue_store.keycloak import ImportOptions, import_keycloak

    if store_name == "postgres":
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")
        django.setup()
        from ue_store.postgres import get_store

        store: Any = get_store()
        options = ImportOptions(dry_run=True)
    else:
        from ue_store.memory import MemoryStore

        store = MemoryStore()
        options = ImportOptions()
    report = import_keycloak(store, [file], options)
    if report.failure is not None:
        raise SystemExit(f"import failed: {report.failure}")
    summary = report.realms[0]
    return summary.counts["users"]["created"] + summary.counts["users"]["unchanged"]


def run_child(kind: str, file: Path, store_name: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", kind, "--file", str(file)]
    command += ["--store", store_name]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{kind} on {file.name} failed:\n{result.stderr}")
    numbers: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users", type=int, default=50_000, help="users in the large file"
    )
    parser.add_argument(
        "--store",
        choices=("memory", "postgres"),
        default="memory",
        help="store to import into",
    )
    parser.add_argument(
        "--memory-store-users",
        type=int,
        default=50_000,
        help="users per full import into the in-memory store (also half this many)",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if arguments.measure:
        numbers = measure(arguments.measure, arguments.file, arguments.store)
        print(json.dumps(numbers))
        return
    with tempfile.TemporaryDirectory() as folder:
        _run_all(Path(folder), arguments)


def _run_all(folder: Path, arguments: argparse.Namespace) -> None:
    large, small = folder / "large.json", folder / "small.json"
    generate(large, arguments.users)
    generate(small, arguments.users // 10)
    rows = [
        ("json.load + loop (baseline)", large, "json-load"),
        ("first pass, streaming", large, "first-pass"),
        ("first pass, streaming", small, "first-pass"),
    ]
    if arguments.store == "postgres":
        rows.append(("full import, PostgreSQL, dry run", large, "import"))
        rows.append(("full import, PostgreSQL, dry run", small, "import"))
    else:
        for count in (arguments.memory_store_users // 2, arguments.memory_store_users):
            file = folder / f"memory-{count}.json"
            generate(file, count)
            rows.append(("full import, in-memory store", file, "import"))
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {python}")
    columns = ("users", 8), ("MB file", 9), ("seconds", 9), ("users/s", 10)
    header = "".join(f"{name:>{width}}" for name, width in columns)
    print(f"{'measurement':<36}{header}{'peak RSS MiB':>14}")
    for label, file, kind in rows:
        numbers = run_child(kind, file, arguments.store)
        size = file.stat().st_size / 1e6
        rate = numbers["users"] / numbers["seconds"] if numbers["seconds"] else 0.0
        print(
            f"{label:<36}{int(numbers['users']):>8}{size:>9.1f}"
            f"{numbers['seconds']:>9.2f}{rate:>10.0f}{numbers['peak_mib']:>14.1f}"
        )


if __name__ == "__main__":
    main()
