"""The help desk app."""

from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    """The host's own app (its tables are ``helpdesk_*``)."""

    name = "helpdesk"
    default_auto_field = "django.db.models.BigAutoField"
