#!/usr/bin/env bash
# The main job on the embedded default database. Start the private
# PostgreSQL server (unless DATABASE_URL is set), then apply the migrations
# and grant the runtime role its privileges as the migration role. Last,
# write the example tenant through the store protocol and print the status
# as the runtime role.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv
start_database
.venv/bin/python manage.py migrate --no-input --database migrations
.venv/bin/python manage.py ue_store_grants --apply --host-tables --database migrations
.venv/bin/python manage.py ue_store_demo
.venv/bin/python manage.py ue_store_status
