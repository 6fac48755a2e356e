"""The application and binding repositories of the in-memory store."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from uuid import UUID, uuid4

from ue_store.domain import inputs, rules
from ue_store.domain.entities import (
    Application,
    ApplicationStatus,
    Binding,
    JSONValue,
)
from ue_store.domain.errors import DuplicateBinding, DuplicateClientId, NotFound
from ue_store.domain.pagination import Page
from ue_store.domain.protocol import DEFAULT_PAGE_SIZE, UNSET, Unset

from .base import Repository, optional_uuid, page_by_time


class MemoryApplicationRepository(Repository):
    def create(
        self,
        *,
        client_id: str,
        name: str,
        status: ApplicationStatus = ApplicationStatus.ACTIVE,
        metadata: Mapping[str, JSONValue] | None = None,
    ) -> Application:
        with self._writing():
            fields = inputs.application_fields(
                client_id=client_id,
                name=name,
                status=status,
                metadata={} if metadata is None else metadata,
                creating=True,
            )
            self._require_tenant()
            if self._find(fields["client_id"]) is not None:
                raise DuplicateClientId()
            now = self._now()
            application = Application(
                tenant_id=self._tenant_id,
                id=uuid4(),
                created_at=now,
                updated_at=now,
                version=1,
                **fields,
            )
            self._put(self._tables.applications, application.id, application)
            self._record_change("created", application, now)
            return _detached(application)

    def get(self, application_id: UUID) -> Application:
        self._reading()
        checked = rules.check_uuid("application_id", application_id)
        return _detached(self._fetch(self._tables.applications, "application", checked))

    def get_by_client_id(self, client_id: str) -> Application:
        self._reading()
        checked = rules.check_client_id(client_id)
        application = self._find(checked)
        if application is None:
            raise NotFound("application", checked)
        return _detached(application)

    def update(
        self,
        application_id: UUID,
        *,
        expected_version: int,
        name: str | Unset = UNSET,
        status: ApplicationStatus | Unset = UNSET,
        metadata: Mapping[str, JSONValue] | Unset = UNSET,
    ) -> Application:
        with self._writing():
            checked_id = rules.check_uuid("application_id", application_id)
            version = rules.check_version(expected_version)
            fields = inputs.application_fields(
                name=name, status=status, metadata=metadata
            )
            self._require_tenant()
            current = self._fetch_at_version(
                self._tables.applications, "application", checked_id, version
            )
            application, changed = inputs.revise(current, fields, self._now())
            if not changed:
                return _detached(current)
            self._put(self._tables.applications, application.id, application)
            self._record_change("updated", application, application.updated_at, changed)
            return _detached(application)

    def list(
        self, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Application]:
        self._reading()
        page = page_by_time(
            self._tables.applications.rows(self._tenant_id),
            lambda application: (application.created_at, application.id),
            after,
            limit,
        )
        return Page(tuple(_detached(item) for item in page.items), page.next_cursor)

    def _find(self, client_id: str) -> Application | None:
        return self._tables.applications.find(self._tenant_id, "client_id", client_id)


def _detached(application: Application) -> Application:
    """Copy the metadata so that a caller who mutates it cannot change the store."""
    return dataclasses.replace(
        application, metadata=copy.deepcopy(application.metadata)
    )


class MemoryBindingRepository(Repository):
    def create(
        self, *, account_id: UUID, application_id: UUID, roles: Iterable[str]
    ) -> Binding:
        with self._writing():
            checked_account = rules.check_uuid("account_id", account_id)
            checked_app = rules.check_uuid("application_id", application_id)
            checked_roles = rules.check_roles(roles)
            self._require_tenant()
            self._fetch(self._tables.accounts, "account", checked_account)
            self._fetch(self._tables.applications, "application", checked_app)
            if self._find(checked_account, checked_app) is not None:
                raise DuplicateBinding()
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
            self._put(self._tables.bindings, binding.id, binding)
            self._record_change("created", binding, now)
            return binding

    def get(self, binding_id: UUID) -> Binding:
        self._reading()
        checked = rules.check_uuid("binding_id", binding_id)
        return self._fetch(self._tables.bindings, "binding", checked)

    def find(self, account_id: UUID, application_id: UUID) -> Binding:
        self._reading()
        checked_account = rules.check_uuid("account_id", account_id)
        checked_app = rules.check_uuid("application_id", application_id)
        binding = self._find(checked_account, checked_app)
        if binding is None:
            raise NotFound("binding", f"{checked_account}:{checked_app}")
        return binding

    def update(
        self, binding_id: UUID, *, expected_version: int, roles: Iterable[str]
    ) -> Binding:
        with self._writing():
            checked_id = rules.check_uuid("binding_id", binding_id)
            version = rules.check_version(expected_version)
            checked_roles = rules.check_roles(roles)
            self._require_tenant()
            current = self._fetch_at_version(
                self._tables.bindings, "binding", checked_id, version
            )
            binding, changed = inputs.revise(
                current, {"roles": checked_roles}, self._now()
            )
            if not changed:
                return current
            self._put(self._tables.bindings, binding.id, binding)
            self._record_change("updated", binding, binding.updated_at, changed)
            return binding

    def delete(self, binding_id: UUID, *, expected_version: int) -> None:
        with self._writing():
            checked_id = rules.check_uuid("binding_id", binding_id)
            version = rules.check_version(expected_version)
            self._require_tenant()
            current = self._fetch_at_version(
                self._tables.bindings, "binding", checked_id, version
            )
            self._delete(self._tables.bindings, checked_id)
            self._record_change("deleted", current, self._now())

    def list(
        self,
        *,
        account_id: UUID | None = None,
        application_id: UUID | None = None,
        after: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Binding]:
        self._reading()
        account_filter = optional_uuid("account_id", account_id)
        application_filter = optional_uuid("application_id", application_id)
        rows = [
            binding
            for binding in self._tables.bindings.rows(self._tenant_id)
            if (account_filter is None or binding.account_id == account_filter)
            and (
                application_filter is None
                or binding.application_id == application_filter
            )
        ]
        return page_by_time(
            rows, lambda binding: (binding.created_at, binding.id), after, limit
        )

    def _find(self, account_id: UUID, application_id: UUID) -> Binding | None:
        return self._tables.bindings.find(
            self._tenant_id, "pair", (account_id, application_id)
        )
