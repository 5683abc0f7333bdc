"""The JSON API's logic, once, free of any web framework.

An adapter (Flask, Django, anything) mounts :data:`ROUTES` (also :attr:`Api.routes`; the
table is known before any Kit is opened), turns each request into an
:class:`ApiRequest` carrying the signed-in person's motivekit id, and sends back the
:class:`ApiResponse` of :meth:`Api.handle`. Pages that post forms call :meth:`Api.invoke`
with already-parsed data and get the same validation, authorization and errors
(:class:`ApiProblem`). :meth:`Api.openapi` is the shipped OpenAPI 3.1 document
(``motivekit/api/openapi.json``, generated from the same body classes; regenerate it with
``python -m motivekit.api.openapi_build``). See ``docs/api.md``.
"""

from __future__ import annotations

from motivekit.api._api import Api
from motivekit.api._messages import ApiRequest, ApiResponse, Route
from motivekit.api._problems import ApiProblem
from motivekit.api._routes import ROUTES

__all__ = ["Api", "ApiProblem", "ApiRequest", "ApiResponse", "ROUTES", "Route"]
