#!/usr/bin/env bash
# The main job on the embedded default database: start the private
# PostgreSQL server (unless DATABASE_URL is set), apply the migrations,
# write the example tenant through the store protocol and print the status.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv
start_database
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py ue_store_demo
.venv/bin/python manage.py ue_store_status
