"""Sinks that a relay hands claimed events to.

A sink either accepts a whole batch, durably enough that the relay may
acknowledge it, or raises SinkError. Each record carries the event id, so a
consumer can drop the duplicates that at-least-once delivery allows.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TextIO

from ue_store.domain.entities import JSONValue
from ue_store.domain.relay import ClaimedEvent

#: Seconds an HTTP sink waits for the whole response.
HTTP_TIMEOUT_SECONDS = 10.0


class SinkError(Exception):
    """A sink did not accept a batch; the message is short and payload-free."""


class Sink(Protocol):
    def deliver(self, batch: Sequence[ClaimedEvent]) -> None:
        """Hand over ``batch`` in order, or raise SinkError."""
        ...

    def describe(self) -> str:
        """Return the sink's kind and target for logs, without credentials."""
        ...


def record(claimed: ClaimedEvent) -> dict[str, JSONValue]:
    """Return the JSON object a sink writes for one event."""
    event = claimed.event
    return {
        "event_id": str(event.event_id),
        "type": event.event_type,
        "aggregate": {"type": event.aggregate_type, "id": event.aggregate_id},
        "tenant": str(event.tenant_id),
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(),
        "attempt": claimed.attempt,
        "payload": event.payload,
        "headers": event.headers,
    }


def encode_lines(batch: Sequence[ClaimedEvent]) -> bytes:
    lines = [json.dumps(record(item), ensure_ascii=False) + "\n" for item in batch]
    return "".join(lines).encode("utf-8")


class JsonlSink:
    """Append one JSON object per line to a file, fsynced before returning.

    Several relays may share the file: each batch is one write under an
    exclusive ``flock``, so batches never interleave.
    """

    def __init__(self, path: Path) -> None:
        self._path = path

    def describe(self) -> str:
        return f"jsonl:{self._path}"

    def deliver(self, batch: Sequence[ClaimedEvent]) -> None:
        data = encode_lines(batch)
        try:
            descriptor = os.open(
                self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640
            )
        except OSError as error:
            raise SinkError(f"can't open the jsonl file ({error.strerror})") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            written = 0
            while written < len(data):
                written += os.write(descriptor, data[written:])
            os.fsync(descriptor)
        except OSError as error:
            raise SinkError(
                f"writing the jsonl file failed ({error.strerror})"
            ) from None
        finally:
            os.close(descriptor)


def redact_url(url: str) -> str:
    """Return ``url`` with its userinfo, query string and fragment as ``***``.

    Credentials in a sink URL sit in the userinfo (``user:password@``) or in
    the query string (``?token=...``), and the result goes to logs. The path
    is kept, so a secret in the path still shows.
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    _, at, host = parts.netloc.rpartition("@")
    netloc = f"***@{host}" if at else host
    return urllib.parse.urlunsplit(
        (
            parts.scheme,
            netloc,
            parts.path,
            "***" if parts.query else "",
            "***" if parts.fragment else "",
        )
    )


class HttpSink:
    """POST each batch as ``{"events": [...]}``; any 2xx status accepts it."""

    def __init__(self, url: str) -> None:
        self._url = url

    def describe(self) -> str:
        return redact_url(self._url)

    def deliver(self, batch: Sequence[ClaimedEvent]) -> None:
        body = json.dumps(
            {"events": [record(item) for item in batch]}, ensure_ascii=False
        ).encode("utf-8")
        request = urllib.request.Request(
            self._url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as reply:
                status = reply.status
        except urllib.error.HTTPError as error:
            raise SinkError(f"HTTP sink returned status {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SinkError(
                f"HTTP sink unreachable ({type(reason).__name__})"
            ) from None
        if not 200 <= status < 300:
            raise SinkError(f"HTTP sink returned status {status}")


class StdoutSink:
    """Write one JSON object per line to standard output and flush it."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout

    def describe(self) -> str:
        return "stdout"

    def deliver(self, batch: Sequence[ClaimedEvent]) -> None:
        try:
            self._stream.write(encode_lines(batch).decode("utf-8"))
            self._stream.flush()
        except OSError as error:
            raise SinkError(f"writing to stdout failed ({error.strerror})") from None


def parse_sink(spec: str) -> Sink:
    """Build a sink from ``jsonl:PATH``, ``http://HOST:PORT/PATH`` or ``stdout``.

    Raises ValueError naming the accepted forms when ``spec`` is none of them.
    The message leaves ``spec`` out, because it may contain credentials.
    """
    if spec == "stdout":
        return StdoutSink()
    if spec.startswith("jsonl:") and len(spec) > len("jsonl:"):
        return JsonlSink(Path(spec[len("jsonl:") :]))
    if spec.startswith(("http://", "https://")):
        return HttpSink(spec)
    raise ValueError("invalid sink: use jsonl:PATH, http://HOST:PORT/PATH or stdout")
