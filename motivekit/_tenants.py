"""Tenant names: which tenant's data a store, a Kit or a command works on.

One database can hold many tenants; every row of every table belongs to one of them and
every statement reads and writes one tenant's rows only (``docs/tenants.md``). A name is
1 to 64 characters of lowercase ASCII letters, digits, ``.``, ``_`` and ``-``, starting
with a letter or digit, so it is safe in a URL, a file name, an origin line and (quoted)
in SQL. The default tenant is the empty string: the data of every database from before
tenants is the default tenant's.
"""

from __future__ import annotations

import re

from motivekit._errors import ConfigError

__all__ = ["DEFAULT_TENANT", "check_tenant", "tenant_origin"]

DEFAULT_TENANT = ""
"""The tenant a Kit or store works on when given none (and every row from before tenants)."""

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def check_tenant(tenant: object) -> str:
    """``tenant`` if it is a tenant name (or ``""``, the default tenant); ``ConfigError``
    saying what a name may hold otherwise."""
    if tenant == DEFAULT_TENANT and isinstance(tenant, str):
        return tenant
    if not isinstance(tenant, str) or _NAME.fullmatch(tenant) is None:
        raise ConfigError(
            f"tenant must be 1-64 characters of lowercase letters, digits, '.', '_' and '-', "
            f"starting with a letter or digit (e.g. 'acme'), or '' for the default tenant; "
            f"got {tenant!r}"
        )
    return tenant


def tenant_origin(origin: str | None, default: str, tenant: str) -> str:
    """The checkpoint origin of ``tenant``'s log: ``origin`` if given, else ``default``
    for the default tenant and ``default/<tenant>`` for a named one. A named tenant's
    origin must end in ``/<tenant>``, so no two tenants' logs can share one and a
    checkpoint of one tenant never verifies as another's."""
    if origin is None:
        return default if tenant == DEFAULT_TENANT else f"{default}/{tenant}"
    if tenant != DEFAULT_TENANT and not (isinstance(origin, str) and origin.endswith("/" + tenant)):
        raise ConfigError(
            f"the origin of tenant {tenant!r}'s log must end in '/{tenant}' (one log per "
            f"tenant), got {origin!r}; e.g. origin='example.com/motivekit/{tenant}', or "
            f"leave origin out for '{default}/{tenant}'"
        )
    return origin
