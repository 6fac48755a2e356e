"""Writes of the realm-level records: tenant, applications, groups, catalog.

Every write goes through the store protocol, matched by natural key, so a
second import of the same export finds each record and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from ue_store.domain.entities import (
    Application,
    ApplicationStatus,
    CatalogAttribute,
    Group,
    ValueType,
)
from ue_store.domain.errors import Conflict, NotFound, ValidationError
from ue_store.domain.protocol import UnitOfWork

from .errors import KeycloakImportError, child, from_store_error
from .realm import ClientRecord, GroupNode, RealmPlan
from .summary import RealmSummary, SkippedItem
from .userprofile import ProfileAttribute

#: Attribute types that can hold the strings of a Keycloak attribute. An
#: attribute defined earlier with one of these is reused by an inferred key.
_TEXT_TYPES = (ValueType.STRING, ValueType.ENUM, ValueType.STRING_LIST)


@contextmanager
def at(file: str, path: str, fields: dict[str, str] | None = None) -> Iterator[None]:
    """Turn a rule the store rejects into an import error at ``path``."""
    try:
        yield
    except (ValidationError, Conflict) as error:
        raise from_store_error(file, error, path, fields) from None


class RealmWriter:
    """Writes one realm's records into the unit of work's tenant.

    Under ``skip_conflicts`` each item runs in a savepoint, and an item that
    breaks a rule is counted as skipped instead of ending the import.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        plan: RealmPlan,
        summary: RealmSummary,
        *,
        skip_conflicts: bool,
    ) -> None:
        self.uow = uow
        self.plan = plan
        self.summary = summary
        self.skip_conflicts = skip_conflicts
        # Groups the realm defines, by the JSON path of their definition.
        self.defined_groups: dict[str, Group] = {}
        self.catalog: dict[str, CatalogAttribute | None] = {}
        # Records a user's savepoint may have created; cleared when one rolls
        # back, so that no cached record points at a row that is gone.
        self._applications: dict[str, Application] = {}
        self._created_groups: dict[str, Group] = {}

    def guarded(
        self, entity: str, file: str, path: str, write: Callable[[], Any]
    ) -> bool:
        """Run ``write``; under skip_conflicts, count a failure as skipped.

        Returns whether the write ran to the end.
        """
        if not self.skip_conflicts:
            write()
            return True
        try:
            with self.uow.nested():
                write()
        except KeycloakImportError as error:
            self.summary.skip(entity, SkippedItem(error.file, error.path, error.rule))
        except (ValidationError, Conflict) as error:
            skipped = from_store_error(file, error, path)
            self.summary.skip(entity, SkippedItem(file, path, skipped.rule))
        else:
            return True
        self._applications.clear()
        self._created_groups.clear()
        return False

    def ensure_tenant(self, slug: str) -> None:
        """Create the tenant, or check and update the one already there."""
        plan, tenants = self.plan, self.uow.tenants
        name_path = child(
            plan.path, "displayName" if plan.display_name != plan.name else "realm"
        )
        try:
            tenant = tenants.get()
        except NotFound:
            with at(plan.file, name_path, {"slug": child(plan.path, "realm")}):
                tenants.create(slug=slug, display_name=plan.display_name)
            self.summary.count("tenants", "created")
            return
        if tenant.slug != slug:
            raise KeycloakImportError(
                plan.file,
                child(plan.path, "realm"),
                f"this realm's tenant {tenant.id} already exists with slug "
                f"{tenant.slug}; pass --tenant-slug {tenant.slug} to import into it",
            )
        if tenant.display_name == plan.display_name:
            self.summary.count("tenants", "unchanged")
            return
        with at(plan.file, name_path):
            tenants.update(
                expected_version=tenant.version, display_name=plan.display_name
            )
        self.summary.count("tenants", "updated")

    def write_clients(self) -> None:
        for client in self.plan.clients:
            self.guarded(
                "applications",
                self.plan.file,
                client.path,
                partial(self._write_client, client),
            )

    def _write_client(self, client: ClientRecord) -> None:
        applications = self.uow.applications
        status = (
            ApplicationStatus.ACTIVE if client.enabled else ApplicationStatus.DISABLED
        )
        fields = {
            "client_id": child(client.path, "clientId"),
            "name": child(client.path, "name"),
        }
        with at(self.plan.file, client.path, fields):
            try:
                current = applications.get_by_client_id(client.client_id)
            except NotFound:
                created = applications.create(
                    client_id=client.client_id,
                    name=client.name,
                    status=status,
                    metadata=client.metadata,
                )
                self._applications[client.client_id] = created
                self.summary.count("applications", "created")
                return
            changes: dict[str, Any] = {}
            if current.name != client.name:
                changes["name"] = client.name
            if current.status != status:
                changes["status"] = status
            if current.metadata != client.metadata:
                changes["metadata"] = client.metadata
            if changes:
                current = applications.update(
                    current.id, expected_version=current.version, **changes
                )
        self._applications[client.client_id] = current
        self.summary.count("applications", "updated" if changes else "unchanged")

    def application_for(self, client_id: str, file: str, path: str) -> Application:
        """Return the application of ``client_id``, creating a minimal one if missing.

        A client that the export names only in role lists, as a users-only
        file always does, becomes an application whose name is its client id,
        active, without metadata. An application that already exists is used
        as it is, so a users file never overwrites a full client definition.
        """
        cached = self._applications.get(client_id)
        if cached is not None:
            return cached
        with at(file, path, {"client_id": path}):
            try:
                application = self.uow.applications.get_by_client_id(client_id)
                self.summary.count("applications", "unchanged")
            except NotFound:
                application = self.uow.applications.create(
                    client_id=client_id, name=client_id[:200]
                )
                self.summary.count("applications", "created")
                self.summary.notes[
                    "applications created from a client id in role lists only"
                ] += 1
        self._applications[client_id] = application
        return application

    def write_groups(self) -> None:
        for node in self.plan.groups:
            self._write_group(node, None)

    def _write_group(self, node: GroupNode, parent: Group | None) -> None:
        def write() -> None:
            group = self._ensure_group(node.name, parent, self.plan.file, node.path)
            self.defined_groups[node.path] = group

        if not self.guarded("groups", self.plan.file, node.path, write):
            return
        for sub in node.children:
            self._write_group(sub, self.defined_groups[node.path])

    def _ensure_group(
        self, name: str, parent: Group | None, file: str, path: str
    ) -> Group:
        parent_id = parent.id if parent is not None else None
        with at(file, path):
            try:
                group = self.uow.groups.get_by_name(name, parent_id=parent_id)
            except NotFound:
                group = self.uow.groups.create(name=name, parent_id=parent_id)
                self.summary.count("groups", "created")
            else:
                self.summary.count("groups", "unchanged")
        return group

    def group_for(self, group_path: str, file: str, path: str) -> Group:
        """Return the group at a Keycloak path such as ``/parent/child``.

        A realm that defines groups must define every path its users name,
        and a path that names two of its groups is rejected. A users-only
        input defines none, so the path's groups are created.
        """
        if self.plan.defines_groups:
            return self._defined_group(group_path, file, path)
        names = group_path.split("/")
        if len(names) < 2 or names[0] or not all(names[1:]):
            raise KeycloakImportError(
                file, path, "must be a group path such as /parent/child"
            )
        group: Group | None = None
        key = ""
        for name in names[1:]:
            key = f"{key}/{name}"
            cached = self._created_groups.get(key)
            if cached is None:
                cached = self._ensure_group(name, group, file, path)
                self._created_groups[key] = cached
            group = cached
        assert group is not None
        return group

    def _defined_group(self, group_path: str, file: str, path: str) -> Group:
        nodes = list(self.plan.group_paths.get(group_path, {}).values())
        if len(nodes) > 1:
            raise KeycloakImportError(
                file,
                path,
                f"names both the group at {nodes[0].path} and the group at "
                f"{nodes[1].path}, because a group name contains '/'. Rename "
                "the group, or export with Keycloak's "
                "escape-slashes-in-group-path option on",
            )
        known = self.defined_groups.get(nodes[0].path) if nodes else None
        if known is None:
            raise KeycloakImportError(
                file, path, "names a group that the realm does not define"
            )
        return known

    def define_catalog(self, inferred: dict[str, ProfileAttribute]) -> None:
        """Define the profile config's attributes, then inferred ones it lacks."""
        declared = self.plan.profile or {}
        expected = dict(declared)
        for key, attribute in inferred.items():
            expected.setdefault(key, attribute)
        for key, attribute in expected.items():
            self.catalog[key] = None
            self.guarded(
                "catalog attributes",
                attribute.file,
                attribute.path,
                partial(self._define, attribute, attribute.key in declared),
            )

    def _define(self, expected: ProfileAttribute, declared: bool) -> None:
        catalog = self.uow.catalog
        with at(expected.file, expected.path):
            try:
                current = catalog.get_by_key(expected.key)
            except NotFound:
                current = catalog.define(
                    key=expected.key, value_type=expected.value_type
                )
                self.summary.count("catalog attributes", "created")
                self.catalog[expected.key] = current
                return
        compatible = current.value_type is expected.value_type or (
            not declared
            and current.value_type in _TEXT_TYPES
            and (
                expected.value_type is ValueType.STRING
                or current.value_type is ValueType.STRING_LIST
            )
        )
        if not compatible:
            raise KeycloakImportError(
                expected.file,
                expected.path,
                f"the tenant's catalog attribute {expected.key} has type "
                f"{current.value_type.value}, but the export needs "
                f"{expected.value_type.value}",
            )
        self.catalog[expected.key] = current
        self.summary.count("catalog attributes", "unchanged")
