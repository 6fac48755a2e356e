"""Shared pytest configuration; pytest-django reads settings.settings."""
