"""The base form of admin writes: validation runs the write through the store.

A ``StoreForm`` performs its protocol call while the form is validated, in a
unit of work bound to the row's tenant, so the store's own checks decide
whether the form is valid. A domain error raised by the call becomes a form
error, and the failed unit has rolled back, so nothing was written. The
admin then finds a valid form whose ``instance`` is the row as the store
left it, and ``StoreAdmin.save_model`` has nothing left to save.

This replaces ModelForm's model validation (``full_clean`` and the unique
checks of the model). The store checks every rule and constraint when it
writes, and a model check that ran after the write would see the new row and
report it as its own duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from django import forms
from django.db import models

from ue_store.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    NotFound,
    UeStoreError,
    ValidationError,
)
from ue_store.postgres import PostgresUnitOfWork, get_store

if TYPE_CHECKING:
    ModelFormBase = forms.ModelForm[Any]
else:
    ModelFormBase = forms.ModelForm

#: Form fields of names that store errors use, shared by every form.
COMMON_ERROR_FIELDS: Mapping[str, str] = {"tenant account": "tenant"}


class StoreForm(ModelFormBase):
    """A ModelForm that writes through the store protocol when it validates.

    Subclasses implement ``write``. ``actor`` is set per request by
    ``StoreAdmin.get_form``, so the audit record names the operator.
    """

    #: Actor of the unit of work, such as ``admin:alice``.
    actor: ClassVar[str] = ""
    #: Form field for a store error's field or entity name, where the plain
    #: name (or the name without ``_id``) is not a field of the form.
    error_fields: ClassVar[Mapping[str, str]] = {}
    #: Fields that may be left empty although the model field is not blank,
    #: such as a nullable reference.
    optional_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.optional_fields:
            self.fields[name].required = False

    def write(self, uow: PostgresUnitOfWork) -> UUID:
        """Write the form's data through ``uow`` and return the row's id."""
        raise NotImplementedError

    def write_tenant_id(self) -> UUID:
        """Return the tenant of the unit of work that runs ``write``."""
        if self.instance._state.adding:
            tenant: models.Model = self.cleaned_data["tenant"]
            return UUID(str(tenant.pk))
        return UUID(str(self.instance.tenant_id))

    def expected_version(self) -> int:
        """Return the version of the row when the form was loaded."""
        version: int = self.cleaned_data["version"]
        return version

    def _post_clean(self) -> None:
        # Replaces ModelForm's model validation, as the module docstring explains.
        if self.errors:
            return
        if not self.actor:
            raise UeStoreError("StoreForm.actor is not set; use StoreAdmin.get_form")
        tenant_id = self.write_tenant_id()
        try:
            with get_store().unit_of_work(tenant_id, actor=self.actor) as uow:
                row_id = self.write(uow)
        except (ConcurrencyConflict, Conflict, NotFound, ValidationError) as error:
            self.add_store_error(error)
            return
        self.instance = self.load_written_row(tenant_id, row_id)

    def load_written_row(self, tenant_id: UUID, row_id: UUID) -> models.Model:
        """Read the row the store wrote, for the admin's log and redirect."""
        model = self._meta.model
        assert model is not None
        row: models.Model = model._default_manager.get(tenant_id=tenant_id, pk=row_id)
        return row

    def add_store_error(self, error: UeStoreError) -> None:
        """Show a domain error on the field it names, else above the form."""
        if isinstance(error, ConcurrencyConflict):
            self.add_error(
                None,
                f"This {error.entity} changed after the form was loaded: it is "
                f"no longer at version {error.expected_version}. Reload the "
                "page and make the change again.",
            )
        elif isinstance(error, Conflict):
            field = self.form_field_for(error.field)
            label = self.label_for(field, error.field)
            self.add_error(
                field,
                f"{label} {error.rule}: another {error.entity} in this tenant "
                "already has this value.",
            )
        elif isinstance(error, ValidationError):
            field = self.form_field_for(error.field)
            self.add_error(field, f"Invalid {error.field}: {error.rule}.")
        elif isinstance(error, NotFound):
            field = self.form_field_for(error.entity)
            self.add_error(
                field,
                f"No {error.entity} with this id exists in the row's tenant.",
            )
        else:
            self.add_error(None, str(error))

    def form_field_for(self, name: str) -> str | None:
        """Return the form field that a store field or entity name refers to."""
        candidates = (
            self.error_fields.get(name),
            COMMON_ERROR_FIELDS.get(name),
            name,
            name.removesuffix("_id"),
        )
        for candidate in candidates:
            if candidate is not None and candidate in self.fields:
                return candidate
        return None

    def label_for(self, field: str | None, name: str) -> str:
        if field is None:
            return name.capitalize()
        label = self.fields[field].label or field
        return str(label).capitalize()


def lines_of(text: str) -> list[str]:
    """Split a one-item-per-line textarea into its non-blank items."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def line_list_field(help_text: str) -> forms.CharField:
    """Return a textarea field that edits a list of names, one per line."""
    return forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )
