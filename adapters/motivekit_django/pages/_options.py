"""The pages' own keys of ``settings.MOTIVEKIT``, read at each request (so
``override_settings`` works) and checked where they are read:

* ``PAGES_LAYOUT``: the template the pages extend (blocks ``title`` and ``content``);
  default ``"motivekit/layout.html"``.
* ``PAGES_CANDIDATES``: ``fn(user_id, track_id) -> "id:difficulty,..." | None`` (a callable
  or its dotted path), the items the skills page may suggest as next challenges; unset,
  it suggests none.
* ``PAGES_CHALLENGE_LINK``: ``fn(item_id) -> (label, url | None)``, how a suggested item is
  shown; unset, its id without a link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import attrs
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from motivekit.pages import CandidateSource, ChallengeLink

__all__ = ["PageOptions", "page_options"]

DEFAULT_LAYOUT = "motivekit/layout.html"


@attrs.frozen
class PageOptions:
    """What the host chose for its pages."""

    layout: str = DEFAULT_LAYOUT
    candidates: CandidateSource | None = None
    challenge_link: ChallengeLink | None = None


def _callable(key: str, value: Any) -> Callable[..., Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f'MOTIVEKIT["{key}"]: cannot import {value!r} ({exc}); give a dotted path to '
                "a function, or the function itself"
            ) from None
    if not callable(value):
        raise ImproperlyConfigured(
            f'MOTIVEKIT["{key}"] must be a function or its dotted path, not {value!r}'
        )
    return cast(Callable[..., Any], value)


def page_options() -> PageOptions:
    """The pages' keys of ``settings.MOTIVEKIT``; a wrong one raises
    :class:`~django.core.exceptions.ImproperlyConfigured` naming it."""
    given: dict[str, Any] = getattr(settings, "MOTIVEKIT", None) or {}
    layout = given.get("PAGES_LAYOUT") or DEFAULT_LAYOUT
    if not isinstance(layout, str):
        raise ImproperlyConfigured(
            f'MOTIVEKIT["PAGES_LAYOUT"] must be a template name, not {layout!r}'
        )
    return PageOptions(
        layout=layout,
        candidates=_callable("PAGES_CANDIDATES", given.get("PAGES_CANDIDATES")),
        challenge_link=_callable("PAGES_CHALLENGE_LINK", given.get("PAGES_CHALLENGE_LINK")),
    )
