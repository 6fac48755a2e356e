"""Create or update a staff login that inspects ue_store in the Django admin."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ue_store.admin import OPERATIONS

GROUP_NAME = "ue_store operators"
PASSWORD_VARIABLE = "UE_STORE_OPERATOR_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Create or update a staff user in the group '{GROUP_NAME}', which may "
        "view every ue_store model in the admin and make the changes the admin "
        f"allows. The password comes from {PASSWORD_VARIABLE}, or is prompted "
        "for on a terminal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="login name of the operator")
        parser.add_argument("--email", help="email address of the operator")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        password = read_password()
        with transaction.atomic():
            group, permission_count = ensure_operator_group()
            created = save_operator(username, options["email"], password, group)
        verb = "Created" if created else "Updated"
        self.stdout.write(
            f"{verb} operator {username} in group '{GROUP_NAME}' "
            f"({permission_count} permissions)."
        )


def read_password() -> str:
    """Return the password from the environment, or prompt for it twice."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise CommandError(
                f"no password: set {PASSWORD_VARIABLE} or run the command on "
                "a terminal to be prompted"
            )
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError("the two passwords differ; run the command again")
    if not password:
        raise CommandError("the password must not be empty")
    return password


def ensure_operator_group() -> tuple[Group, int]:
    """Create the operator group if needed and set exactly its permissions."""
    codenames = [
        f"{operation}_{model}"
        for model, operations in OPERATIONS.items()
        for operation in ("view", *operations)
    ]
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="ue_store", codename__in=codenames
        )
    )
    missing = sorted(set(codenames) - {p.codename for p in permissions})
    if missing:
        raise CommandError(
            f"permissions {', '.join(missing)} do not exist; run 'manage.py migrate'"
        )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)
    return group, len(permissions)


def save_operator(
    username: str, email: str | None, password: str, group: Group
) -> bool:
    """Create or update the staff user, and return True when it was created."""
    user_model = get_user_model()
    lookup: dict[str, Any] = {user_model.USERNAME_FIELD: username}
    user, created = user_model._default_manager.get_or_create(**lookup)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        # The messages name the rules that failed, never the password.
        reasons = " ".join(error.messages)
        raise CommandError(f"the password is rejected: {reasons}") from None
    if email is not None:
        setattr(user, user_model.get_email_field_name(), email)
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    user.groups.add(group)
    return created
