"""Start and stop the private PostgreSQL server used when DATABASE_URL is unset.

The server keeps its data in ``.pgdata/`` at the project root, listens on
127.0.0.1 and a Unix socket in that folder, and runs as the unprivileged
``postgres`` user when this script runs as root (PostgreSQL refuses to run
as root). Its connection URL, password included, is written to
``.pgdata/database_url`` with mode 0600; the settings read it from there.

Usage: python scripts/devdb.py start [--fast] | stop | status | url
"""

from __future__ import annotations

import argparse
import os
import pwd
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
DATABASE = "ue_store"
PREFERRED_MAJOR = "15"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "status", "url"])
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
    else:
        print(URL_FILE.read_text().strip())
    return 0


def start(*, fast: bool) -> None:
    bindir = find_bindir()
    if not (DATA / "PG_VERSION").exists():
        initialise(bindir)
    if running():
        log("already running")
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
    URL_FILE.write_text(url + "\n")
    URL_FILE.chmod(0o600)
    log(f"started on 127.0.0.1:{port}, data in {DATA}")


def stop() -> None:
    if not running():
        log("not running")
        return
    run_as_server(
        [str(find_bindir() / "pg_ctl"), "-D", str(DATA), "-m", "fast", "-w", "stop"]
    )
    URL_FILE.unlink(missing_ok=True)
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
    env = {**os.environ, "PGPASSWORD": (STATE / "admin_password").read_text().strip()}
    base = [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", ADMIN_ROLE]
    exists = subprocess.run(
        [
            *base,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(
            [*base, "-d", "postgres", "-qc", f"CREATE DATABASE {DATABASE}"],
            env=env,
            check=True,
        )


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
