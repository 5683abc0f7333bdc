"""The app's models (the ORM store's tables, ``motivekit_<name>``)."""

from __future__ import annotations
