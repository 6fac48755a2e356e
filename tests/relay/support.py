"""Helpers of the relay tests: seed events, run relay processes, local sinks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

from tests.tenancy import bulk_insert
from ue_store import models

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """Return a URL of the test database that pytest-django created."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    return (
        f"postgres://{user}:{password}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )


def seed_events(
    tenant_id: uuid.UUID,
    count: int,
    *,
    aggregates: int,
    payload: Callable[[int], dict[str, Any]] = lambda index: {"index": index},
) -> list[models.OutboxEvent]:
    """Insert ``count`` committed events spread round-robin over aggregates."""
    now = datetime.now(UTC) - timedelta(seconds=1)
    rows = [
        models.OutboxEvent(
            tenant_id=tenant_id,
            event_id=uuid.uuid4(),
            event_type="invoice.issued",
            aggregate_type="invoice",
            aggregate_id=f"inv-{index % aggregates}",
            payload=payload(index),
            headers={"schema_version": 1},
            created_at=now,
            available_at=now,
        )
        for index in range(count)
    ]
    return bulk_insert(rows)


class RelayProcess:
    """A ``manage.py ue_store_relay`` subprocess with its log in a file."""

    def __init__(self, log_path: Path, *args: str) -> None:
        self.log_path = log_path
        environment = dict(os.environ, DATABASE_URL=database_url())
        environment["UE_STORE_LOG_LEVEL"] = "INFO"
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "ue_store_relay", *args],
            cwd=REPO,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log.close()

    def wait_for_log(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"relay log never showed {text!r}:\n{self.log()}")

    def stop(self) -> None:
        """Kill the process if it still runs, for test cleanup."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RecordingSink:
    """A local HTTP sink on 127.0.0.1 whose answers a test scripts.

    ``decide(events, request_number)`` returns the status to answer;
    accepted events are kept in ``accepted``. ``hold`` blocks every request
    until it is set, to keep a relay busy mid-batch.
    """

    def __init__(self, decide: Callable[[list[dict[str, Any]], int], int]) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.requests = 0
        self.received = threading.Event()
        self.hold = threading.Event()
        self.hold.set()
        self._decide = decide
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                events = json.loads(self.rfile.read(length))["events"]
                with sink._lock:
                    sink.requests += 1
                    number = sink.requests
                sink.received.set()
                sink.hold.wait(timeout=60)
                status = sink._decide(events, number)
                if 200 <= status < 300:
                    with sink._lock:
                        sink.accepted.extend(events)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/events"

    @contextmanager
    def running(self) -> Iterator[RecordingSink]:
        self._thread.start()
        try:
            yield self
        finally:
            self.hold.set()
            self._server.shutdown()
            self._server.server_close()
