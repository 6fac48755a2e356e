"""The domain package must stay free of Django and database drivers."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import ue_store.domain

DOMAIN_DIR = Path(ue_store.domain.__file__).parent
FORBIDDEN = ("django", "psycopg", "psycopg2")

# Imports every domain module in a fresh interpreter and prints which
# forbidden top-level packages ended up in sys.modules.
PROBE = """
import importlib, json, pkgutil, sys
import ue_store.domain as domain
for module in pkgutil.walk_packages(domain.__path__, "ue_store.domain."):
    importlib.import_module(module.name)
loaded = {name.split(".")[0] for name in sys.modules}
print(json.dumps(sorted(loaded & set(sys.argv[1:]))))
"""


def test_domain_import__loads_no_django_or_driver() -> None:
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *FORBIDDEN],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_domain_modules__import_only_stdlib_and_domain() -> None:
    offenders = []
    for path in sorted(DOMAIN_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                inside = name.startswith("ue_store.domain")
                if top == "ue_store" and not inside:
                    offenders.append(f"{path.name}: {name}")
                elif top != "ue_store" and top not in sys.stdlib_module_names:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_domain_package__has_every_module_checked() -> None:
    modules = {m.name for m in pkgutil.iter_modules([str(DOMAIN_DIR)])}
    assert {"entities", "errors", "protocol"} <= modules
