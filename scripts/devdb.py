"""Start and stop the private PostgreSQL server used when DATABASE_URL is unset.

The server keeps its data in ``.pgdata/`` at the project root, listens on
127.0.0.1 and a Unix socket in that folder, and runs as the unprivileged
``postgres`` user when this script runs as root (PostgreSQL refuses to run
as root). Its superuser's connection URL, password included, is written to
``.pgdata/database_url`` with mode 0600.

The server also gets the two roles of ue_store, each with a random password
kept in ``.pgdata`` with mode 0600. The migration role (UE_STORE_MIGRATION_ROLE,
default ue_store_owner) owns the database and may create test databases. The
runtime role (UE_STORE_RUNTIME_ROLE, default ue_store_app) owns nothing.
Their URLs go to ``.pgdata/migration_url`` and ``.pgdata/runtime_url``,
where the settings read them.

Usage: python scripts/devdb.py start [--fast] | stop | status | url | roles
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".pgdata"
DATA = STATE / "data"
URL_FILE = STATE / "database_url"
LOG_FILE = STATE / "server.log"
SERVER_USER = "postgres"
ADMIN_ROLE = "ue_store_admin"
MIGRATION_ROLE = os.environ.get("UE_STORE_MIGRATION_ROLE") or "ue_store_owner"
RUNTIME_ROLE = os.environ.get("UE_STORE_RUNTIME_ROLE") or "ue_store_app"
for _role in (MIGRATION_ROLE, RUNTIME_ROLE):
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", _role):
        sys.exit(
            f"devdb: invalid role name {_role!r}: use lowercase letters, digits "
            "and underscores"
        )
ROLE_URL_FILES = {
    MIGRATION_ROLE: STATE / "migration_url",
    RUNTIME_ROLE: STATE / "runtime_url",
}
DATABASE = "ue_store"
PREFERRED_MAJOR = "15"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "status", "url", "roles"])
    parser.add_argument(
        "--fast",
        action="store_true",
        help="turn off fsync and synchronous commit (test runs only: a crash "
        "can lose committed data)",
    )
    args = parser.parse_args()
    if args.command == "start":
        start(fast=args.fast)
    elif args.command == "stop":
        stop()
    elif args.command == "status":
        return 0 if running() else 3
    elif args.command == "roles":
        if not running():
            sys.exit("devdb: the server is not running; run 'devdb.py start'")
        ensure_roles(find_bindir(), server_port())
    else:
        print(URL_FILE.read_text().strip())
    return 0


def start(*, fast: bool) -> None:
    bindir = find_bindir()
    if not (DATA / "PG_VERSION").exists():
        initialise(bindir)
    if running():
        log("already running")
        ensure_roles(bindir, server_port())
        return
    port = free_port()
    options = [
        "-c listen_addresses=127.0.0.1",
        f"-p {port}",
        f"-k {STATE}",
        "-c max_connections=200",
    ]
    if fast:
        options += ["-c fsync=off", "-c synchronous_commit=off"]
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(DATA), "-l", str(LOG_FILE), "-w"]
    run_as_server([*pg_ctl, "-o", " ".join(options), "start"])
    password = (STATE / "admin_password").read_text().strip()
    url = f"postgres://{ADMIN_ROLE}:{password}@127.0.0.1:{port}/{DATABASE}"
    ensure_database(bindir, port)
    write_private(URL_FILE, url)
    ensure_roles(bindir, port)
    log(f"started on 127.0.0.1:{port}, data in {DATA}")


def stop() -> None:
    if not running():
        log("not running")
        return
    run_as_server(
        [str(find_bindir() / "pg_ctl"), "-D", str(DATA), "-m", "fast", "-w", "stop"]
    )
    URL_FILE.unlink(missing_ok=True)
    for path in ROLE_URL_FILES.values():
        path.unlink(missing_ok=True)
    log("stopped")


def running() -> bool:
    pid_file = DATA / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def initialise(bindir: Path) -> None:
    STATE.mkdir(exist_ok=True)
    password = secrets.token_urlsafe(24)
    password_file = STATE / "admin_password"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    if os.geteuid() == 0:
        ensure_server_user()
        account = pwd.getpwnam(SERVER_USER)
        os.chown(STATE, account.pw_uid, account.pw_gid)
        os.chown(password_file, account.pw_uid, account.pw_gid)
        check_server_can_write()
    run_as_server(
        [
            *(str(bindir / "initdb"), "-D", str(DATA), "-U", ADMIN_ROLE),
            *("--auth=scram-sha-256", f"--pwfile={password_file}"),
            *("--encoding=UTF8", "--locale=C.UTF-8"),
        ],
    )
    log("initialised a new cluster")


def ensure_database(bindir: Path, port: int) -> None:
    exists = psql(
        bindir,
        port,
        "postgres",
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
    )
    if not exists:
        psql(bindir, port, "postgres", f"CREATE DATABASE {DATABASE}")


def ensure_roles(bindir: Path, port: int) -> None:
    """Create or update both roles, and hand the database to the migration role.

    Objects that an older setup created as the superuser move to the
    migration role, so that it can run the next migration.
    """
    passwords = {role: role_password(role) for role in ROLE_URL_FILES}
    statements = [
        f"ALTER ROLE {MIGRATION_ROLE} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE "
        f"NOBYPASSRLS PASSWORD '{passwords[MIGRATION_ROLE]}';",
        f"ALTER ROLE {RUNTIME_ROLE} LOGIN NOCREATEDB NOSUPERUSER NOCREATEROLE "
        f"NOBYPASSRLS PASSWORD '{passwords[RUNTIME_ROLE]}';",
    ]
    existing = psql(bindir, port, "postgres", "SELECT rolname FROM pg_roles")
    for role in ROLE_URL_FILES:
        if role not in existing.split():
            statements.insert(0, f"CREATE ROLE {role};")
    # Passwords travel on stdin, never on a command line.
    psql(bindir, port, "postgres", "\n".join(statements), secret=True)
    # The test database that pytest --reuse-db keeps is handed over too.
    databases = psql(bindir, port, "postgres", "SELECT datname FROM pg_database")
    for database in (DATABASE, f"test_{DATABASE}"):
        if database in databases.split():
            owner = f"ALTER DATABASE {database} OWNER TO {MIGRATION_ROLE}"
            psql(bindir, port, "postgres", owner)
            psql(bindir, port, database, HANDOVER_SQL.format(owner=MIGRATION_ROLE))
    for role, path in ROLE_URL_FILES.items():
        url = f"postgres://{role}:{passwords[role]}@127.0.0.1:{port}/{DATABASE}"
        write_private(path, url)


# Runs in each handed-over database: PostgreSQL 15 leaves CREATE on the public
# schema to the database owner, and the REVOKE makes older versions match.
HANDOVER_SQL = """
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT c.oid::regclass AS name FROM pg_class AS c
        WHERE c.relnamespace = 'public'::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm')
          AND c.relowner <> '{owner}'::regrole
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO {owner}', item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name FROM pg_proc AS p
        WHERE p.pronamespace = 'public'::regnamespace
          AND p.proowner <> '{owner}'::regrole
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO {owner}', item.name);
    END LOOP;
END;
$$;
"""


def role_password(role: str) -> str:
    path = STATE / f"{role}_password"
    if not path.exists():
        write_private(path, secrets.token_urlsafe(24))
    return path.read_text().strip()


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file that only its owner may read."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text + "\n")


def server_port() -> int:
    """Return the port of the running server, from its postmaster.pid."""
    return int((DATA / "postmaster.pid").read_text().splitlines()[3])


def psql(
    bindir: Path, port: int, database: str, sql: str, *, secret: bool = False
) -> str:
    """Run ``sql`` as the superuser, passed on stdin; return the output rows.

    With ``secret``, a failure does not echo psql's output, which may quote
    the statement.
    """
    env = {**os.environ, "PGPASSWORD": (STATE / "admin_password").read_text().strip()}
    command = [
        *(str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port)),
        *("-U", ADMIN_ROLE, "-d", database, "-v", "ON_ERROR_STOP=1", "-qtA"),
    ]
    result = subprocess.run(
        command, input=sql, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = "output withheld" if secret else result.stderr.strip()
        sys.exit(f"devdb: psql failed in database {database} ({detail})")
    return result.stdout.strip()


def find_bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not candidates and os.geteuid() == 0:
        log("PostgreSQL binaries not found; installing the Debian postgresql package")
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "postgresql"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not candidates:
        sys.exit(
            "devdb: PostgreSQL server binaries not found under /usr/lib/postgresql; "
            "install the Debian package 'postgresql' or set DATABASE_URL"
        )
    preferred = [path for path in candidates if path.parts[-3] == PREFERRED_MAJOR]
    return (preferred or candidates)[-1].parent


def ensure_server_user() -> None:
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", SERVER_USER], check=True
        )


def check_server_can_write() -> None:
    probe = subprocess.run(
        ["runuser", "-u", SERVER_USER, "--", "test", "-w", str(STATE)], check=False
    )
    if probe.returncode != 0:
        sys.exit(
            f"devdb: the {SERVER_USER} user cannot write {STATE}; give it search "
            "permission on every parent folder of the project, or set DATABASE_URL"
        )


def run_as_server(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd="/")
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        if LOG_FILE.exists():
            sys.stderr.write(LOG_FILE.read_text()[-4000:])
        sys.exit(f"devdb: {Path(command[-1]).name} failed; see the output above")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log(message: str) -> None:
    print(f"devdb: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
