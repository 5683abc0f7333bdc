"""Who is signed in: the project's users as motivekit user ids.

motivekit knows people only by an id string. ``MOTIVEKIT["USER_ID"]`` (a callable or its
dotted path) maps a signed-in Django user to that id; the default,
:func:`default_user_id`, is ``str(user.pk)``, which works for any ``AUTH_USER_MODEL``
(integer, UUID or text keys). Give your own to keep motivekit's ids apart from database
keys, for instance a public UUID field of your user model::

    MOTIVEKIT = {"USER_ID": "myproject.accounts.motivekit_id"}

    def motivekit_id(user) -> str | None:   # myproject/accounts.py
        return str(user.public_id)

The hook is called for authenticated users only (anonymous visitors are nobody: ``None``)
and must return a non-empty ``str``, or ``None`` for a user motivekit should not know.
Changing it later makes people's existing goals belong to the old ids.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from motivekit_django.conf import get_settings, key_name

__all__ = ["IdentityError", "default_user_id", "user_id_of"]


class IdentityError(ImproperlyConfigured):
    """The ``USER_ID`` hook returned something other than a user id or ``None``."""


def default_user_id(user: Any) -> str | None:
    """``str(user.pk)`` for a signed-in user, ``None`` for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    return str(user.pk)


def user_id_of(request_or_user: HttpRequest | Any) -> str | None:
    """The motivekit id of ``request.user`` (or of a user given directly) through the
    ``USER_ID`` hook; ``None`` for an anonymous visitor or a request without
    ``AuthenticationMiddleware``."""
    user: Any = request_or_user
    if isinstance(request_or_user, HttpRequest):
        user = getattr(request_or_user, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    hook = get_settings().user_id
    found: object = hook(user)
    if found is None or (isinstance(found, str) and found):
        return found
    name = getattr(hook, "__qualname__", repr(hook))
    raise IdentityError(
        f"{key_name('USER_ID')} ({name}) returned {found!r} ({type(found).__name__}) for "
        f"user {user.pk!r}; return the person's motivekit id as a non-empty str "
        f"(e.g. str(user.pk)), or None for a user motivekit should not know"
    )
