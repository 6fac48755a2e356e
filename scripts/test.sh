#!/usr/bin/env bash
# Install ue_store and its test tools, start the private PostgreSQL server
# unless DATABASE_URL is set, then run the whole test suite: the
# conformance suite on both stores, the PostgreSQL tests, ruff and mypy.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv
start_database --fast
.venv/bin/python -m pytest "$@"
