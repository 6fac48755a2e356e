"""The README's host example runs as written against PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ue_store.postgres import get_store

README = Path(__file__).resolve().parents[2] / "README.md"


def host_example() -> str:
    section = README.read_text().split("## Install it in a host", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the host section has no python example"
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_readme_host_example__runs_and_commits() -> None:
    namespace: dict[str, object] = {}

    exec(compile(host_example(), str(README), "exec"), namespace)

    tenant_id = namespace["tenant_id"]
    with get_store().unit_of_work(tenant_id, actor="test") as uow:  # type: ignore[arg-type]
        account = uow.accounts.get_by_username("ada")
        user = uow.users.get_by_email("ADA@example.com")
    assert account.user_id == user.id
    assert user.display_name == "Ada Example"
