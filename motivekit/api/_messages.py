"""What an adapter hands the API and gets back: plain values, no framework types.

An adapter turns its framework's request into an :class:`ApiRequest` (the operation its
router matched, the signed-in person's motivekit id, the path and query parameters as
strings, the raw body and its content type) and writes the :class:`ApiResponse` back as it
is. Nothing here knows HTTP libraries, so the Flask and Django adapters share it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["ApiRequest", "ApiResponse", "Route"]


def _frozen_map(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return {} if value is None else dict(value)


@attrs.frozen
class Route:
    """One operation of the API: where an adapter mounts it and whether it needs a person."""

    method: str
    """``GET``, ``POST``, ``PUT`` or ``PATCH``."""
    path: str
    """An OpenAPI path template relative to where the adapter mounts the API, e.g.
    ``/goals/{goal_id}/pause``; parameters are plain strings (no converters)."""
    operation_id: str
    """The operation's id, as in the OpenAPI document (``pauseGoal``)."""
    needs_user: bool
    """True: the API answers 401 when the request carries no signed-in person."""


@attrs.frozen
class ApiRequest:
    """One request as an adapter hands it over."""

    operation_id: str
    user: str | None
    """The signed-in person's motivekit id (None: nobody is signed in)."""
    path_params: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    query: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    body: bytes = b""
    content_type: str | None = None
    """The request's ``Content-Type`` header as sent (None: no header)."""


@attrs.frozen
class ApiResponse:
    """What the adapter sends back: status, JSON bytes, their media type, extra headers."""

    status: int
    body: bytes
    content_type: str
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
