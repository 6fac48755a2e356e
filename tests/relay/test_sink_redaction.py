"""Sink descriptions and sink errors leave credentials out."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from ue_store.domain.relay import DEFAULT_RETRY_POLICY
from ue_store.memory import MemoryStore
from ue_store.relay.runtime import RelayOptions, RelayRunner
from ue_store.relay.sinks import HttpSink, parse_sink, redact_url

SECRET = "s3cr3t-canary"


class NoWait:
    """A waiter that returns at once, because an empty store has nothing due."""

    def wait(self, timeout: float) -> bool:
        return False

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            f"http://relay:{SECRET}@127.0.0.1:8080/events",
            "http://***@127.0.0.1:8080/events",
        ),
        (f"https://127.0.0.1/events?token={SECRET}", "https://127.0.0.1/events?***"),
        (f"http://127.0.0.1/events#{SECRET}", "http://127.0.0.1/events#***"),
        (f"http://{SECRET}@[::1]:9000/e?k={SECRET}", "http://***@[::1]:9000/e?***"),
        ("http://127.0.0.1:8080/events", "http://127.0.0.1:8080/events"),
        (f"http://x:{SECRET}@[::1/e", "<invalid URL>"),
    ],
)
def test_redact_url__hides_credentials(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_http_sink_describe__redacted() -> None:
    sink = HttpSink(f"http://relay:{SECRET}@127.0.0.1:8080/events?key={SECRET}")

    assert SECRET not in sink.describe()
    assert sink.describe() == "http://***@127.0.0.1:8080/events?***"


def test_parse_sink_error__omits_spec() -> None:
    with pytest.raises(ValueError, match="invalid sink") as raised:
        parse_sink(f"htp://relay:{SECRET}@127.0.0.1/events")

    assert SECRET not in str(raised.value)


def test_started_log__omits_credentials(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ue_store.relay")
    sink = parse_sink(f"http://relay:{SECRET}@127.0.0.1:9/events?token={SECRET}")
    options = RelayOptions(
        name="redaction-test",
        batch_size=10,
        lease_for=timedelta(seconds=30),
        policy=DEFAULT_RETRY_POLICY,
        poll_interval=timedelta(seconds=1),
        retention=timedelta(days=1),
    )
    runner = RelayRunner(MemoryStore().relay(), sink, options, waiter=NoWait())

    runner.run(once=True)

    started = [r for r in caplog.records if getattr(r, "action", "") == "relay.started"]
    assert len(started) == 1
    assert "127.0.0.1:9/events" in caplog.text
    assert SECRET not in caplog.text
