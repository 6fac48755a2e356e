"""ruff, mypy and Django's migration check run as part of the tests."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_ruff_format__reports_nothing() -> None:
    result = run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint__reports_nothing() -> None:
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict__reports_nothing_on_ue_store() -> None:
    result = run(str(BIN / "mypy"), "ue_store")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db(databases=["default", "migrations"])
def test_makemigrations_check__finds_no_model_changes() -> None:
    # In process, so the check reads the test database's migration history
    # rather than whatever the development database holds.
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output)
    except SystemExit as exit:
        pytest.fail(f"makemigrations found model changes:\n{output.getvalue()}")
        raise AssertionError from exit
