"""Opening the Django store on one of the test project's databases, in this process or a
spawned one (the store contract's several-process and durability tests).

A spawned process has no Django set up, and the test settings module would name new
databases if it were imported there: the opener carries the connection settings of the
test database the parent uses, and sets Django up with exactly that.
"""

from __future__ import annotations

import functools
from typing import Any

from motivekit.store import Store

__all__ = ["opener", "open_store"]


def open_store(alias: str, database: dict[str, Any], tenant: str = "") -> Store:
    """The Django store on ``alias`` (``database``: its settings, used where Django is not
    set up yet, i.e. in a spawned process)."""
    import django
    from django.conf import settings

    if not settings.configured:
        from tests.django._drivers import mysql_driver

        mysql_driver()
        settings.configure(
            DATABASES={"default": database, alias: database}
            if alias != "default"
            else {alias: database},
            INSTALLED_APPS=["motivekit_django"],
            USE_TZ=True,
        )
        django.setup()
    from motivekit_django.store import DjangoStore

    return DjangoStore(using=alias, tenant=tenant)


def opener(alias: str, tenant: str = "") -> functools.partial[Store]:
    """A picklable opener of the Django store on the test database behind ``alias``."""
    from django.db import connections

    database = dict(connections[alias].settings_dict)
    return functools.partial(open_store, alias, database, tenant)
