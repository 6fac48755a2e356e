"""Django app configuration of ue_store."""

from __future__ import annotations

from django.apps import AppConfig


class UeStoreConfig(AppConfig):
    name = "ue_store"
    verbose_name = "user-engine store"
    default_auto_field = "django.db.models.BigAutoField"
