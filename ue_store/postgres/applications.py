"""The application and binding repositories of the PostgreSQL store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID, uuid4

from ue_store import models
from ue_store.domain import inputs, rules
from ue_store.domain.entities import (
    Application,
    ApplicationStatus,
    Binding,
    JSONValue,
)
from ue_store.domain.errors import NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from . import convert
from .base import Reference, Repository, optional_uuid, page_by_time


class PostgresApplicationRepository(Repository):
    def create(
        self,
        *,
        client_id: str,
        name: str,
        status: ApplicationStatus = ApplicationStatus.ACTIVE,
        metadata: Mapping[str, JSONValue] | None = None,
    ) -> Application:
        fields = inputs.application_fields(
            client_id=client_id,
            name=name,
            status=status,
            metadata={} if metadata is None else metadata,
            creating=True,
        )
        with self._writing():
            now = self._now()
            application = Application(
                tenant_id=self._tenant_id,
                id=uuid4(),
                created_at=now,
                updated_at=now,
                version=1,
                **fields,
            )
            self._insert(
                models.Application(
                    tenant_id=application.tenant_id,
                    id=application.id,
                    client_id=application.client_id,
                    name=application.name,
                    status=application.status.value,
                    metadata=application.metadata,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            self._record_change("created", application, now)
            return application

    def get(self, application_id: UUID) -> Application:
        checked = rules.check_uuid("application_id", application_id)
        with self._reading():
            row = self._get(models.Application, "application", checked)
        return convert.application(row)

    def get_by_client_id(self, client_id: str) -> Application:
        checked = rules.check_client_id(client_id)
        with self._reading():
            row = self._rows(models.Application).filter(client_id=checked).first()
        if row is None:
            raise NotFound("application", checked)
        return convert.application(row)

    def update(
        self,
        application_id: UUID,
        *,
        expected_version: int,
        name: str | Unset = UNSET,
        status: ApplicationStatus | Unset = UNSET,
        metadata: Mapping[str, JSONValue] | Unset = UNSET,
    ) -> Application:
        checked_id = rules.check_uuid("application_id", application_id)
        version = rules.check_version(expected_version)
        fields = inputs.application_fields(name=name, status=status, metadata=metadata)
        with self._writing():
            row = self._lock(models.Application, "application", checked_id, version)
            current = convert.application(row)
            application, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return current
            self._update(
                models.Application,
                checked_id,
                **convert.column_values({name: fields[name] for name in changed}),
                updated_at=application.updated_at,
                version=application.version,
            )
            self._record_change("updated", application, application.updated_at, changed)
            return application

    def list(
        self, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Application]:
        with self._reading():
            return page_by_time(
                self._rows(models.Application), convert.application, after, limit
            )


class PostgresBindingRepository(Repository):
    def create(
        self, *, account_id: UUID, application_id: UUID, roles: Iterable[str]
    ) -> Binding:
        checked_account = rules.check_uuid("account_id", account_id)
        checked_app = rules.check_uuid("application_id", application_id)
        checked_roles = rules.check_roles(roles)
        references = (
            Reference("account", models.Account, checked_account),
            Reference("application", models.Application, checked_app),
        )
        with self._writing(*references):
            now = self._now()
            binding = Binding(
                tenant_id=self._tenant_id,
                id=uuid4(),
                account_id=checked_account,
                application_id=checked_app,
                roles=checked_roles,
                created_at=now,
                updated_at=now,
                version=1,
            )
            self._insert(
                models.Binding(
                    tenant_id=binding.tenant_id,
                    id=binding.id,
                    account_id=checked_account,
                    application_id=checked_app,
                    roles=list(checked_roles),
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            self._record_change("created", binding, now)
            return binding

    def get(self, binding_id: UUID) -> Binding:
        checked = rules.check_uuid("binding_id", binding_id)
        with self._reading():
            return convert.binding(self._get(models.Binding, "binding", checked))

    def find(self, account_id: UUID, application_id: UUID) -> Binding:
        checked_account = rules.check_uuid("account_id", account_id)
        checked_app = rules.check_uuid("application_id", application_id)
        with self._reading():
            row = (
                self._rows(models.Binding)
                .filter(account_id=checked_account, application_id=checked_app)
                .first()
            )
        if row is None:
            raise NotFound("binding", f"{checked_account}:{checked_app}")
        return convert.binding(row)

    def update(
        self, binding_id: UUID, *, expected_version: int, roles: Iterable[str]
    ) -> Binding:
        checked_id = rules.check_uuid("binding_id", binding_id)
        version = rules.check_version(expected_version)
        checked_roles = rules.check_roles(roles)
        with self._writing():
            row = self._lock(models.Binding, "binding", checked_id, version)
            current = convert.binding(row)
            binding, changed = inputs.revise(
                current, {"roles": checked_roles}, self._now()
            )
            if not changed:
                return current
            self._update(
                models.Binding,
                checked_id,
                roles=list(binding.roles),
                updated_at=binding.updated_at,
                version=binding.version,
            )
            self._record_change("updated", binding, binding.updated_at, changed)
            return binding

    def delete(self, binding_id: UUID, *, expected_version: int) -> None:
        checked_id = rules.check_uuid("binding_id", binding_id)
        version = rules.check_version(expected_version)
        with self._writing():
            row = self._lock(models.Binding, "binding", checked_id, version)
            current = convert.binding(row)
            self._rows(models.Binding).filter(id=checked_id).delete()
            self._record_change("deleted", current, self._now())

    def list(
        self,
        *,
        account_id: UUID | None = None,
        application_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Binding]:
        account_filter = optional_uuid("account_id", account_id)
        application_filter = optional_uuid("application_id", application_id)
        rows = self._rows(models.Binding)
        if account_filter is not None:
            rows = rows.filter(account_id=account_filter)
        if application_filter is not None:
            rows = rows.filter(application_id=application_filter)
        with self._reading():
            return page_by_time(rows, convert.binding, after, limit)
