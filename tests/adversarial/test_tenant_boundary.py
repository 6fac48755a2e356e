"""What one tenant can learn about another through the protocol."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

from ue_store.domain.errors import NotFound
from ue_store.domain.protocol import Store

from .conftest import ACTOR, Seeded, seed


def foreign_calls(ids: Seeded) -> dict[str, Callable[[object], object]]:
    """Return calls that pass ``ids`` as references, keyed by a name."""
    return {
        "users.get": lambda uow: uow.users.get(ids.user_id),  # type: ignore[attr-defined]
        "accounts.create_human": lambda uow: uow.accounts.create_human(  # type: ignore[attr-defined]
            user_id=ids.user_id, username="probe"
        ),
        "identities.link": lambda uow: uow.identities.link(  # type: ignore[attr-defined]
            account_id=ids.account_id, issuer="https://idp", subject="probe"
        ),
        "identities.unlink": lambda uow: uow.identities.unlink(ids.identity_id),  # type: ignore[attr-defined]
        "catalog.define": lambda uow: uow.catalog.define(  # type: ignore[attr-defined]
            key="probe", value_type="string", application_id=ids.application_id
        ),
        "catalog.update": lambda uow: uow.catalog.update(  # type: ignore[attr-defined]
            ids.attribute_id, expected_version=9, max_length=0
        ),
        "groups.create": lambda uow: uow.groups.create(  # type: ignore[attr-defined]
            name="probe", parent_id=ids.group_id
        ),
        "groups.rename": lambda uow: uow.groups.rename(  # type: ignore[attr-defined]
            ids.group_id, expected_version=9, name="probe"
        ),
        "profiles.set": lambda uow: uow.profiles.set(  # type: ignore[attr-defined]
            ids.user_id, ids.attribute_id, "probe", expected_version=3
        ),
        "profiles.unset": lambda uow: uow.profiles.unset(  # type: ignore[attr-defined]
            ids.user_id, ids.attribute_id
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_foreign_ids_look_missing(
    store: Store, tenant: UUID, other_tenant: UUID
) -> None:
    """Another tenant's ids give the same error as ids that exist nowhere.

    Stale versions and an invalid max_length are passed too, so a check that ran
    before the tenant check would show up as a different error.
    """
    seed(store, tenant)
    foreign = seed(store, other_tenant)
    random = Seeded(*(uuid4() for _ in range(6)))
    foreign_by_name = foreign_calls(foreign)
    random_by_name = foreign_calls(random)
    with store.unit_of_work(tenant, actor=ACTOR) as uow:
        for name, call in foreign_by_name.items():
            with pytest.raises(NotFound) as seen:
                call(uow)
            with pytest.raises(NotFound) as unseen:
                random_by_name[name](uow)
            assert seen.value.entity == unseen.value.entity, name
            assert str(seen.value).replace(str(seen.value.key), "<key>") == str(
                unseen.value
            ).replace(str(unseen.value.key), "<key>"), name
        assert uow.bindings.list(account_id=foreign.account_id).items == ()
        assert uow.memberships.list(group_id=foreign.group_id).items == ()
        assert uow.profiles.list(foreign.user_id).items == ()
        assert uow.audit.list(target_id=str(foreign.user_id)).items == ()
