# Shared steps of scripts/demo.sh and scripts/test.sh; source it, don't run it.

# Create .venv with Python 3.11 and install ue_store with its test tools.
# Reinstalls only when pyproject.toml changed since the last install.
ensure_venv() {
    local python
    python=$(command -v python3.11 || command -v python3 || true)
    if [ -z "$python" ] || ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        echo "ue_store needs Python 3.11 (python3.11 or python3 on PATH)" >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv
    fi
    local stamp=.venv/.ue_store-installed
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e ".[test]"
        touch "$stamp"
    fi
}

# Start the private PostgreSQL server unless DATABASE_URL names a server, and
# stop it on exit if this script started it. Arguments go to devdb.py start,
# which also creates the migration and the runtime role.
start_database() {
    if [ -n "${DATABASE_URL:-}" ]; then
        echo "using the server named by DATABASE_URL" >&2
        return
    fi
    if .venv/bin/python scripts/devdb.py status; then
        echo "the private PostgreSQL server is already running; leaving it running" >&2
        # A server started by an older devdb.py may lack the two roles.
        .venv/bin/python scripts/devdb.py roles
        return
    fi
    .venv/bin/python scripts/devdb.py start "$@"
    trap '.venv/bin/python scripts/devdb.py stop' EXIT
}
