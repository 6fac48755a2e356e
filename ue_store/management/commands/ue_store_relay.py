"""Run the outbox relay: hand committed outbox events to a sink."""

from __future__ import annotations

import os
import signal
import socket
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ue_store.domain.errors import ValidationError
from ue_store.domain.relay import BATCH_MAX_SIZE, RetryPolicy
from ue_store.postgres import PostgresStore
from ue_store.relay.listener import NotifyWaiter
from ue_store.relay.runtime import RelayOptions, RelayRunner
from ue_store.relay.sinks import parse_sink


class Command(BaseCommand):
    help = (
        "Hand committed outbox events to a sink, at least once, in creation "
        "order per aggregate. Runs until SIGTERM or SIGINT, or with --once "
        "until nothing is left to deliver."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sink",
            required=True,
            help="jsonl:PATH, http://HOST:PORT/PATH or stdout",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="exit when no event is due, leased or waiting out a backoff",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=100,
            help=f"events per claim, 1 to {BATCH_MAX_SIZE} (default: 100)",
        )
        parser.add_argument(
            "--lease-seconds",
            type=float,
            default=60.0,
            help="lease duration of each claim, in seconds (default: 60)",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=10,
            help="attempts before an event is dead-lettered (default: 10)",
        )
        parser.add_argument(
            "--retry-base-seconds",
            type=float,
            default=1.0,
            help="backoff after the first failure, doubled per failure (default: 1)",
        )
        parser.add_argument(
            "--retry-max-seconds",
            type=float,
            default=600.0,
            help="maximum backoff between attempts, in seconds (default: 600)",
        )
        parser.add_argument(
            "--poll-seconds",
            type=float,
            default=5.0,
            help="maximum wait without a notification, in seconds (default: 5)",
        )
        parser.add_argument(
            "--retention-days",
            type=float,
            default=7.0,
            help="days delivered events are kept before purging (default: 7)",
        )
        parser.add_argument(
            "--name",
            default=f"{socket.gethostname()}-{os.getpid()}",
            help="lease owner name, unique per running relay (default: HOST-PID)",
        )
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sink = parse_sink(options["sink"])
            relay_options = _relay_options(options)
        except (ValueError, ValidationError) as error:
            raise CommandError(str(error)) from None
        using = options["database"]
        runner = RelayRunner(
            PostgresStore(using=using).relay(),
            sink,
            relay_options,
            waiter=NotifyWaiter(using),
            reconnect=connections[using].close,
        )

        def stop(signum: int, frame: FrameType | None) -> None:
            runner.request_stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        runner.run(once=options["once"])


def _relay_options(options: dict[str, Any]) -> RelayOptions:
    if not 1 <= options["batch"] <= BATCH_MAX_SIZE:
        raise ValueError(f"--batch must be between 1 and {BATCH_MAX_SIZE}")
    for name in ("lease_seconds", "poll_seconds", "retention_days"):
        if options[name] <= 0:
            raise ValueError(f"--{name.replace('_', '-')} must be positive")
    policy = RetryPolicy(
        max_attempts=options["max_attempts"],
        base_delay=timedelta(seconds=options["retry_base_seconds"]),
        max_delay=timedelta(seconds=options["retry_max_seconds"]),
    )
    return RelayOptions(
        name=options["name"],
        batch_size=options["batch"],
        lease_for=timedelta(seconds=options["lease_seconds"]),
        policy=policy,
        poll_interval=timedelta(seconds=options["poll_seconds"]),
        retention=timedelta(days=options["retention_days"]),
    )
