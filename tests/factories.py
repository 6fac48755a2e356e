"""factory-boy factories for the ue_store models, with invented data.

They write rows straight through the ORM, bypassing the store, so tests can
set up data the store would refuse. Every tenant-scoped factory puts its
references in the row's own tenant unless a test passes another one. Each
row is inserted in a transaction bound to its tenant, as row-level security
requires of the runtime role.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import factory

from tests.tenancy import as_tenant
from ue_store import models
from ue_store.domain import rules
from ue_store.domain.entities import AccountKind

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class BoundFactory(factory.django.DjangoModelFactory):
    """A factory that inserts each row bound to the row's tenant."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        tenant = kwargs.get("tenant")
        tenant_id = kwargs["id"] if tenant is None else tenant.id
        with as_tenant(tenant_id):
            return super()._create(model_class, *args, **kwargs)


class TenantAccountFactory(BoundFactory):
    class Meta:
        model = models.TenantAccount

    id = factory.LazyFunction(uuid.uuid4)
    slug = factory.Sequence(lambda n: f"tenant-{n}-{uuid.uuid4().hex[:8]}")
    display_name = factory.Sequence(lambda n: f"Example Tenant {n}")
    status = "active"
    created_at = NOW
    updated_at = NOW
    version = 1


class TenantScopedFactory(BoundFactory):
    class Meta:
        abstract = True

    tenant = factory.SubFactory(TenantAccountFactory)
    id = factory.LazyFunction(uuid.uuid4)


class UserFactory(TenantScopedFactory):
    class Meta:
        model = models.User

    display_name = "Ada Example"
    primary_email = factory.Sequence(lambda n: f"ada.{n}@example.test")
    email_key = factory.LazyAttribute(
        lambda row: rules.normalise_key(row.primary_email)
    )
    status = "active"
    created_at = NOW
    updated_at = NOW
    version = 1


class AccountFactory(TenantScopedFactory):
    class Meta:
        model = models.Account

    kind = AccountKind.HUMAN.value
    user = factory.SubFactory(UserFactory, tenant=factory.SelfAttribute("..tenant"))
    username = factory.Sequence(lambda n: f"ada-{n}")
    username_key = factory.LazyAttribute(lambda row: rules.normalise_key(row.username))
    status = "active"
    created_at = NOW
    updated_at = NOW
    version = 1


class ExternalIdentityFactory(TenantScopedFactory):
    class Meta:
        model = models.ExternalIdentity

    account = factory.SubFactory(
        AccountFactory, tenant=factory.SelfAttribute("..tenant")
    )
    issuer = "https://idp.example.test/realms/factories"
    subject = factory.Sequence(lambda n: f"subject-{n}")
    email = None
    linked_at = NOW
    last_seen_at = None


class ApplicationFactory(TenantScopedFactory):
    class Meta:
        model = models.Application

    client_id = factory.Sequence(lambda n: f"portal-{n}")
    name = "Example Portal"
    status = "active"
    metadata: dict[str, Any] = factory.LazyFunction(dict)
    created_at = NOW
    updated_at = NOW
    version = 1


class BindingFactory(TenantScopedFactory):
    class Meta:
        model = models.Binding

    account = factory.SubFactory(
        AccountFactory, tenant=factory.SelfAttribute("..tenant")
    )
    application = factory.SubFactory(
        ApplicationFactory, tenant=factory.SelfAttribute("..tenant")
    )
    roles = factory.LazyFunction(lambda: ["viewer"])
    created_at = NOW
    updated_at = NOW
    version = 1


class CatalogAttributeFactory(TenantScopedFactory):
    class Meta:
        model = models.CatalogAttribute

    application = None
    key = factory.Sequence(lambda n: f"attribute_{n}")
    value_type = "string"
    required = False
    allowed_values = factory.LazyFunction(list)
    max_length = None
    sensitive = False
    created_at = NOW
    updated_at = NOW
    version = 1


class ProfileValueFactory(TenantScopedFactory):
    class Meta:
        model = models.ProfileValue

    user = factory.SubFactory(UserFactory, tenant=factory.SelfAttribute("..tenant"))
    attribute = factory.SubFactory(
        CatalogAttributeFactory, tenant=factory.SelfAttribute("..tenant")
    )
    value = "en-GB"
    updated_at = NOW
    version = 1


class GroupFactory(TenantScopedFactory):
    class Meta:
        model = models.Group

    name = factory.Sequence(lambda n: f"group-{n}")
    parent = None
    created_at = NOW
    updated_at = NOW
    version = 1


class MembershipFactory(TenantScopedFactory):
    class Meta:
        model = models.Membership

    group = factory.SubFactory(GroupFactory, tenant=factory.SelfAttribute("..tenant"))
    account = factory.SubFactory(
        AccountFactory, tenant=factory.SelfAttribute("..tenant")
    )
    role = "member"
    created_at = NOW
