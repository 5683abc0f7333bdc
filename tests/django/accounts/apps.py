"""The test project's accounts app."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tests.django.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
