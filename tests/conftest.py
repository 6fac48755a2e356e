"""Shared pytest configuration; pytest-django reads settings.settings.

The test database is created and migrated on the ``migrations`` alias, as
the migration role or a superuser. Every test runs on ``default`` as a
runtime role that row-level security binds, and ``tests/roles.py`` explains
how that role is chosen. ``default`` is a test mirror of ``migrations``, and
every test case allows both aliases, so Django's flush after a
transactional test runs as the tables' owner: the runtime role may not
TRUNCATE, because TRUNCATE skips row-level security.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase

from tests import roles

MIGRATION_ALIAS = "migrations"
SUPERUSER_ALIAS = "superuser"


def pytest_configure(config: pytest.Config) -> None:
    # pytest-django's test case classes keep this default unless a test's
    # django_db mark names its databases.
    TransactionTestCase.databases = {"default", MIGRATION_ALIAS}


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
) -> Iterator[None]:
    keepdb = django_db_keepdb and not django_db_createdb
    verbosity = request.config.option.verbose
    owner = connections[MIGRATION_ALIAS]
    runtime = connections["default"]
    with django_db_blocker.unblock():
        original_name = owner.settings_dict["NAME"]
        test_name = owner.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, keepdb=keepdb, serialize=False
        )
        throwaway = None
        if roles.needs_throwaway_role(owner, runtime.settings_dict["USER"]):
            throwaway, password = roles.create_throwaway_role(owner)
            runtime.settings_dict.update(USER=throwaway, PASSWORD=password)
        runtime.close()
        runtime.settings_dict["NAME"] = test_name
        runtime.settings_dict["TEST"]["MIRROR"] = MIGRATION_ALIAS
        call_command(
            "ue_store_grants",
            "--apply",
            "--host-tables",
            "--runtime-role",
            runtime.settings_dict["USER"],
            "--database",
            MIGRATION_ALIAS,
            verbosity=0,
        )
    yield
    with django_db_blocker.unblock():
        connections.close_all()
        if throwaway is not None:
            roles.drop_throwaway_role(owner, throwaway)
        if not keepdb:
            owner.creation.destroy_test_db(original_name, verbosity=verbosity)


@pytest.fixture
def superuser_alias(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Add a database alias on the test database that connects as a superuser.

    Skips the test when no superuser URL is known. Django's test cases only
    allow the aliases they were set up with, so the blocker is lifted
    directly, and work on this alias is never rolled back for the test.
    """
    with django_db_blocker.unblock():
        settings = roles.superuser_settings()
    if settings is None:
        pytest.skip(
            f"no superuser connection: set {roles.SUPERUSER_URL_VARIABLE} to a "
            "superuser's postgres:// URL on the test server"
        )
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": None}
    connections.settings[SUPERUSER_ALIAS] = settings
    try:
        with django_db_blocker.unblock():
            yield SUPERUSER_ALIAS
    finally:
        connections[SUPERUSER_ALIAS].close()
        del connections[SUPERUSER_ALIAS]
        del connections.settings[SUPERUSER_ALIAS]
