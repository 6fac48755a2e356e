"""Operator views that read across tenants, through the one cross-tenant path.

Row-level security hides every tenant's rows unless a transaction is bound
to one tenant or marked cross-tenant. Admin pages list and open rows of all
tenants, so each view runs in ``cross_tenant`` and renders its template
before the transaction ends. Writes still go through units of work bound to
the row's tenant, which write their own audit records.

Each cross-tenant view is logged with the operator's username, the model
and the view, at INFO on the ``ue_store.admin`` logger. Reads are not
written to the audit trail: that trail is a per-tenant hash chain, and one
change list touches many tenants.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import models, router
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse

from ue_store.postgres.tenancy import cross_tenant

logger = logging.getLogger("ue_store.admin")


def render_across_tenants(
    request: HttpRequest,
    model: type[models.Model],
    view_name: str,
    view: Callable[[], HttpResponse],
) -> HttpResponse:
    """Run an admin view in a cross-tenant transaction and render its response.

    A template response renders lazily, after the view returns, so it is
    rendered here while the transaction still lets it read every tenant.
    """
    operator = request.user.get_username()
    label = model._meta.label
    logger.info(
        "operator %s opened the %s of %s across tenants",
        operator,
        view_name,
        label,
        extra={
            "action": "admin.cross_tenant_read",
            "operator": operator,
            "model": label,
            "view": view_name,
        },
    )
    using = router.db_for_read(model)
    with cross_tenant(using, f"admin {view_name} of {label}"):
        response = view()
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
    return response
