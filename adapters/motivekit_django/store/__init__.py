"""motivekit's store on the Django ORM (see ``_store.py``), one module per protocol slice."""

from __future__ import annotations

from motivekit_django.store._session import DjangoSession
from motivekit_django.store._store import SUPPORTED_VENDORS, DjangoStore

__all__ = ["SUPPORTED_VENDORS", "DjangoSession", "DjangoStore"]
