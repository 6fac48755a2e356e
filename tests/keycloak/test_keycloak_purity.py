"""The importer package must run without Django, on any store."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, sys
import ue_store.keycloak
loaded = {name.split(".")[0] for name in sys.modules}
print(json.dumps(sorted(loaded & {"django", "psycopg"})))
"""


def test_keycloak_import__loads_no_django() -> None:
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(result.stdout) == []
