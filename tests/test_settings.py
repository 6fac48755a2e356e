"""The example host keeps libpq options given in the database URL."""

from __future__ import annotations

from settings.settings import _database


def test_database_url__keeps_tls_and_passfile_options() -> None:
    config = _database(
        "postgres://app@db.example.test:5432/ue_store"
        "?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem&passfile=/run/pgpass"
    )

    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert options["sslmode"] == "verify-full"
    assert options["sslrootcert"] == "/etc/ssl/ca.pem"
    assert options["passfile"] == "/run/pgpass"
    assert options["prepare_threshold"] is None


def test_database_url__service_file_name_kept() -> None:
    options = _database("postgres://app@db.example.test/ue_store?service=ue_store")[
        "OPTIONS"
    ]

    assert isinstance(options, dict)
    assert options["service"] == "ue_store"
