"""motivekit for Django: a reusable app (``INSTALLED_APPS += ["motivekit_django"]``).

Its tables are created by ``manage.py migrate`` in the project's own database, its
writes join the project's ``transaction.atomic`` blocks, its data shows in the admin and
its commands run under ``manage.py``. See ``docs/django.md``.
"""

from __future__ import annotations

__all__: list[str] = []
