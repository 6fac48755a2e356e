"""The base admin of every ue_store model.

It keeps each change list at a fixed number of queries, removes the bulk
delete action and searches normalised key columns and ids. Every write goes
through the store protocol in a unit of work bound to the row's tenant, with
the actor ``admin:<username>``. Adds and changes run in a ``StoreForm``, and
deletes run in ``delete_record``. Every view reads across tenants through
``tenancy.render_across_tenants``, which logs the operator.

NOTE: The admin addresses rows by ``id`` alone and joins related rows by id
alone, while the database keys are (tenant_id, id). The store creates ids
with uuid4, so an id names one row across all tenants in practice. Rows
written with a repeated id in two tenants would make a change page fail.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ue_store.domain import rules
from ue_store.domain.errors import ConcurrencyConflict, NotFound, ValidationError
from ue_store.postgres import PostgresUnitOfWork, get_store

from .forms import StoreForm
from .tenancy import render_across_tenants

if TYPE_CHECKING:
    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = admin.ModelAdmin


def actor_of(request: HttpRequest) -> str:
    """Return the actor that audit records of an operator's change name."""
    return f"admin:{request.user.get_username()}"


class StoreAdmin(ModelAdminBase):
    """Admin of one ue_store model, view-only unless a subclass sets forms.

    Subclasses set ``add_form`` to allow adds and ``change_form`` to allow
    changes, each with the fields it edits, and ``deletable`` together with
    ``delete_record`` to allow deletes.
    """

    # The full count would be a second COUNT over the unfiltered table.
    show_full_result_count = False
    list_per_page = 100

    add_form: ClassVar[type[StoreForm] | None] = None
    change_form: ClassVar[type[StoreForm] | None] = None
    #: Fields of the add form.
    add_fields: ClassVar[tuple[str, ...]] = ()
    #: Fields of the change form, including the hidden ``version``.
    change_fields: ClassVar[tuple[str, ...]] = ()
    #: Fields shown read-only on the change page, above the editable ones.
    readonly_on_change: ClassVar[tuple[str, ...]] = ()
    deletable: ClassVar[bool] = False
    #: Columns that contain ``rules.normalise_key`` output, searched with
    #: the normalised search term.
    key_search_fields: ClassVar[tuple[str, ...]] = ()
    #: UUID columns matched exactly when the search term is a UUID.
    uuid_search_fields: ClassVar[tuple[str, ...]] = ("id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.add_form is not None and super().has_add_permission(request)

    def has_change_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        allowed = super().has_change_permission(request, obj)
        return self.change_form is not None and allowed

    def has_delete_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk delete removes rows in one SQL statement, past the store, so
        # it would write no audit record and no outbox event.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return self.add_fields
        return (*self.readonly_on_change, *self.change_fields)

    def get_readonly_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> tuple[str, ...]:
        return () if obj is None else self.readonly_on_change

    def get_form(
        self,
        request: HttpRequest,
        obj: models.Model | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = self.add_form if obj is None else self.change_form
        if form is not None:
            kwargs["form"] = form
        form_class = super().get_form(request, obj, change, **kwargs)
        # A subclass per request carries the actor into the form's write.
        return type(form_class.__name__, (form_class,), {"actor": actor_of(request)})

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: Any, change: bool
    ) -> None:
        """Do nothing: the ``StoreForm`` wrote the row when it validated."""

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        """Delete the row through the store, in a unit of its tenant."""
        tenant_id = uuid.UUID(str(obj.tenant_id))  # type: ignore[attr-defined]
        store = get_store()
        with store.unit_of_work(tenant_id, actor=actor_of(request)) as uow:
            self.delete_record(uow, obj)

    def delete_record(self, uow: PostgresUnitOfWork, obj: Any) -> None:
        """Delete ``obj`` with the protocol call that removes its kind of row."""
        raise NotImplementedError

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        view = super().changelist_view
        return render_across_tenants(
            request, self.model, "change list", lambda: view(request, extra_context)
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = super().changeform_view
        return render_across_tenants(
            request,
            self.model,
            "change form",
            lambda: view(request, object_id, form_url, extra_context),
        )

    def history_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = super().history_view
        return render_across_tenants(
            request,
            self.model,
            "history",
            lambda: view(request, object_id, extra_context),
        )

    def delete_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = super().delete_view
        try:
            return render_across_tenants(
                request,
                self.model,
                "delete page",
                lambda: view(request, object_id, extra_context),
            )
        except (ConcurrencyConflict, NotFound, ValidationError) as error:
            # The view's transaction has rolled back, admin log entry included.
            self.message_user(request, f"Nothing was deleted: {error}.", messages.ERROR)
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            return HttpResponseRedirect(url)

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        # PostgreSQL rejects a NUL in text, so a filter value holding one would
        # end the page in DataError. Django redirects an invalid lookup to the
        # list with "?e=1" instead.
        for name, values in request.GET.lists():
            if name != SEARCH_VAR and any("\x00" in v for v in [name, *values]):
                raise IncorrectLookupParameters("a query parameter contains NUL")
        return super().get_changelist_instance(request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        extra = self.exact_search(search_term.strip())
        if extra is not None:
            results = results | queryset.filter(extra)
        return results, may_have_duplicates

    def exact_search(self, term: str) -> Q | None:
        """Match the normalised term in key columns and a UUID term in ids."""
        if not term:
            return None
        condition = Q()
        key = rules.normalise_key(term)
        for field in self.key_search_fields:
            condition |= Q(**{f"{field}__contains": key})
        try:
            term_id = uuid.UUID(term)
        except ValueError:
            term_id = None
        if term_id is not None:
            for field in self.uuid_search_fields:
                condition |= Q(**{field: term_id})
        return condition or None


class TenantScopedAdmin(StoreAdmin):
    """Admin of a tenant-scoped model: the tenant is a column and a filter."""

    list_filter: ClassVar[tuple[Any, ...]] = ("tenant",)
