"""Write a small example tenant through the store protocol."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ue_store.domain import NotFound, UeStoreError, UnitOfWork, ValueType
from ue_store.postgres import get_store

#: Fixed id of the example tenant, so that a second run finds it again.
EXAMPLE_TENANT_ID = uuid.UUID("00000000-0000-4000-8000-00000000e001")
EXAMPLE_SLUG = "example"


class Command(BaseCommand):
    help = (
        "Create the example tenant 'example' with a few users, accounts, an "
        "application and profile values, written through the store protocol. "
        "Does nothing if the tenant already exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store = get_store(using=options["database"])
        try:
            store.find_tenant_by_slug(EXAMPLE_SLUG)
        except NotFound:
            pass
        else:
            self.stdout.write("example tenant already present; nothing written")
            return
        try:
            with store.unit_of_work(
                EXAMPLE_TENANT_ID, actor="ue_store_demo", correlation_id="demo-1"
            ) as uow:
                summary = write_example(uow)
        except UeStoreError as error:
            raise CommandError(f"writing the example tenant failed: {error}") from None
        self.stdout.write(
            f"example tenant {EXAMPLE_TENANT_ID} written: "
            + ", ".join(f"{count} {name}" for name, count in summary.items())
        )


def write_example(uow: UnitOfWork) -> dict[str, int]:
    """Write the example records and return how many of each were written."""
    uow.tenants.create(slug=EXAMPLE_SLUG, display_name="Example Tenant")
    portal = uow.applications.create(client_id="example-portal", name="Example Portal")
    locale = uow.catalog.define(
        key="locale", value_type=ValueType.ENUM, allowed_values=("en", "de", "fr")
    )
    birthday = uow.catalog.define(
        key="birthday", value_type=ValueType.DATE, sensitive=True
    )
    staff = uow.groups.create(name="staff")
    people = [
        ("Ada Example", "ada@example.com", "ada", "en", date(1990, 1, 2)),
        ("Björn Sample", "bjoern@example.org", "bjoern", "de", None),
    ]
    for name, email, username, language, born in people:
        user = uow.users.create(display_name=name, primary_email=email)
        account = uow.accounts.create_human(user_id=user.id, username=username)
        uow.identities.link(
            account_id=account.id,
            issuer="https://login.example.com/realms/example",
            subject=str(uuid.uuid5(EXAMPLE_TENANT_ID, username)),
            email=email,
        )
        uow.bindings.create(
            account_id=account.id, application_id=portal.id, roles=("viewer",)
        )
        uow.memberships.add(group_id=staff.id, account_id=account.id)
        uow.profiles.set(user.id, locale.id, language)
        if born is not None:
            uow.profiles.set(user.id, birthday.id, born)
    uow.accounts.create_service(username="example-sync-bot")
    return {"users": len(people), "accounts": len(people) + 1, "applications": 1}
