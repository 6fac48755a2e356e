"""The audit trail and the transactional outbox."""

from __future__ import annotations

from django.db import models

from ue_store.domain import audit_chain, rules

from . import names
from .fields import json_type_is, tenant_reference

#: Width of action, event type, target type and aggregate type names.
TYPE_NAME_MAX_LENGTH = 64
#: Width of target and aggregate ids: a UUID, or two joined by a colon.
TARGET_ID_MAX_LENGTH = 80
#: Width of the relay's lease owner name and idempotency key.
RELAY_TEXT_MAX_LENGTH = 255
#: A SHA-256 hash as the audit chain writes it: 64 lowercase hex digits.
HASH_PATTERN = r"^[0-9a-f]{64}$"


class AuditRecord(models.Model):
    """One successful change, written in the transaction that made it.

    ``position`` numbers a tenant's records from 1 without gaps and orders
    its hash chain (``ue_store.domain.audit_chain``). ``sequence`` comes from
    one sequence for every tenant, so it increases within a tenant but has
    gaps. ``tenant`` is not a database foreign key, so the records outlive
    anything done to the tenant account.

    The table is unmanaged: a trigger rejects UPDATE, DELETE and TRUNCATE,
    and Django's flush truncates only managed tables. Unmanaged also means
    ``makemigrations`` ignores changes to these fields, indexes and
    constraints, so a change here needs a migration written by hand.
    """

    tenant = tenant_reference()
    sequence = models.BigAutoField(primary_key=True)
    position = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=rules.ACTOR_MAX_LENGTH)
    action = models.CharField(max_length=TYPE_NAME_MAX_LENGTH)
    target_type = models.CharField(max_length=TYPE_NAME_MAX_LENGTH)
    target_id = models.CharField(max_length=TARGET_ID_MAX_LENGTH)
    correlation_id = models.CharField(
        max_length=rules.CORRELATION_ID_MAX_LENGTH, null=True, blank=True
    )
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=audit_chain.HASH_LENGTH)
    record_hash = models.CharField(max_length=audit_chain.HASH_LENGTH)

    class Meta:
        managed = False
        db_table = names.AUDIT_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "target_type", "target_id", "position"],
                name="ue_audit_target_idx",
            ),
            models.Index(
                fields=["tenant", "occurred_at", "position"],
                name="ue_audit_time_idx",
            ),
        )
        constraints = (
            json_type_is("details", "object", name=names.AUDIT_DETAILS_CHECK),
            # Also the index that finds a tenant's chain head.
            models.UniqueConstraint(
                fields=["tenant", "position"], name=names.AUDIT_POSITION_UNIQUE
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name=names.AUDIT_POSITION_CHECK
            ),
            models.CheckConstraint(
                condition=models.Q(previous_hash__regex=HASH_PATTERN)
                & models.Q(record_hash__regex=HASH_PATTERN),
                name=names.AUDIT_HASH_CHECK,
            ),
        )

    def __str__(self) -> str:
        return f"{self.position} {self.action}"


class OutboxEvent(models.Model):
    """An event for other services, written in the transaction that caused it.

    The lease, attempt, delivery and dead-letter columns belong to the relay
    that hands events on (``ue_store.domain.relay``); units of work insert
    rows, list them and requeue dead letters.
    """

    tenant = tenant_reference()
    sequence = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=TYPE_NAME_MAX_LENGTH)
    aggregate_type = models.CharField(max_length=TYPE_NAME_MAX_LENGTH)
    aggregate_id = models.CharField(max_length=TARGET_ID_MAX_LENGTH)
    payload = models.JSONField(default=dict)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    available_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.IntegerField(default=0, db_default=0)
    last_error = models.TextField(null=True, blank=True)
    lease_owner = models.CharField(
        max_length=RELAY_TEXT_MAX_LENGTH, null=True, blank=True
    )
    lease_token = models.UUIDField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(
        max_length=RELAY_TEXT_MAX_LENGTH, null=True, blank=True
    )
    dead_lettered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = names.OUTBOX_TABLE
        indexes = (
            # The relay polls every tenant at once, so this index leads with
            # the poll order rather than tenant_id. Under sharding by tenant,
            # each shard keeps its own copy and the relay polls shard by shard.
            models.Index(
                fields=["available_at", "sequence"],
                condition=models.Q(delivered_at__isnull=True),
                name="ue_outbox_undelivered_idx",
            ),
            # Serves the claim's test for an earlier undelivered event of the
            # same aggregate.
            models.Index(
                fields=["tenant", "aggregate_type", "aggregate_id", "sequence"],
                condition=models.Q(delivered_at__isnull=True),
                name="ue_outbox_aggregate_idx",
            ),
            # Serves the purge of delivered events, oldest first.
            models.Index(
                fields=["delivered_at"],
                condition=models.Q(delivered_at__isnull=False),
                name="ue_outbox_delivered_idx",
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["tenant", "event_id"], name=names.OUTBOX_EVENT_ID_UNIQUE
            ),
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name=names.OUTBOX_IDEMPOTENCY_UNIQUE,
            ),
            json_type_is("payload", "object", name=names.OUTBOX_PAYLOAD_CHECK),
            json_type_is("headers", "object", name=names.OUTBOX_HEADERS_CHECK),
            models.CheckConstraint(
                condition=models.Q(attempts__gte=0), name=names.OUTBOX_ATTEMPTS_CHECK
            ),
        )

    def __str__(self) -> str:
        return f"{self.sequence} {self.event_type}"
