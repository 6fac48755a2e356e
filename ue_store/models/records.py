"""The audit trail and the transactional outbox."""

from __future__ import annotations

from django.db import models

from ue_store.domain import rules

from . import names
from .fields import json_type_is, tenant_reference

#: Width of action, event type, target type and aggregate type names.
TYPE_NAME_MAX_LENGTH = 64
#: Width of target and aggregate ids: a UUID, or two joined by a colon.
TARGET_ID_MAX_LENGTH = 80
#: Width of the relay's lease owner name and idempotency key.
RELAY_TEXT_MAX_LENGTH = 255


class AuditRecord(models.Model):
    """One successful change, written in the transaction that made it.

    ``sequence`` orders the records; it comes from one sequence for every
    tenant, so it increases within a tenant but has gaps.
    """

    tenant = tenant_reference()
    sequence = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=rules.ACTOR_MAX_LENGTH)
    action = models.CharField(max_length=TYPE_NAME_MAX_LENGTH)
    target_type = models.CharField(max_length=TYPE_NAME_MAX_LENGTH)
    target_id = models.CharField(max_length=TARGET_ID_MAX_LENGTH)
    correlation_id = models.CharField(
        max_length=rules.CORRELATION_ID_MAX_LENGTH, null=True, blank=True
    )
    details = models.JSONField(default=dict)

    class Meta:
        db_table = names.AUDIT_TABLE
        indexes = (
            models.Index(
                fields=["tenant", "target_type", "target_id", "sequence"],
                name="ue_audit_target_idx",
            ),
        )
        constraints = (
            json_type_is("details", "object", name=names.AUDIT_DETAILS_CHECK),
        )

    def __str__(self) -> str:
        return f"{self.sequence} {self.action}"


class OutboxEvent(models.Model):
    """An event for other services, written in the transaction that caused it.

    The lease, attempt and delivery columns belong to the relay that sends
    events on; the store only inserts rows and lists them.
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
