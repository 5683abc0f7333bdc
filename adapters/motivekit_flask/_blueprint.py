"""The JSON API blueprint: ``app.register_blueprint(api, url_prefix="/motivekit/api")``.

The blueprint only routes. Each rule is one :class:`motivekit.api.Route` of
``Api.routes``, read from its table at import, so the rules exist before any Kit
(``{name}`` becomes ``<name>``; the endpoint is the operation id, so
``url_for("motivekit_api.listGoals")`` works). A request becomes an
:class:`motivekit.api.ApiRequest` (body, content type, query, path parameters, the user
from the loader) and ``Api.handle`` answers it: parsing, checking, authorisation and the
problem bodies are the core's, shared with every adapter.

Invariants:

* Everything under the mount point answers JSON: an unknown path (404), a method a path
  does not take (405, with ``Allow``), a body over ``MAX_CONTENT_LENGTH`` (413), a
  rejected CSRF token (400) and any other Werkzeug HTTP error answer an RFC 9457
  ``application/problem+json`` body, never an HTML page — even when the host has HTML
  error handlers of its own.
* At most ``min(MAX_CONTENT_LENGTH, Api.max_body_bytes) + 1`` bytes of a body are read
  (the core refuses the rest with 413), so a huge body costs no memory.
* CSRF is the host's: Flask-WTF's ``CSRFProtect`` guards the blueprint's writes like any
  view (send the token in an ``X-CSRFToken`` header), or ``csrf.exempt(api)`` for clients
  that do not use cookies (``docs/flask.md``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.routing import RequestRedirect

from motivekit import StoreUnavailable
from motivekit.api import (
    ROUTES,  # the same table Api.routes returns, known without a Kit
    ApiProblem,
    ApiRequest,
    ApiResponse,
    Route,
)
from motivekit_flask._extension import _state

__all__ = ["api"]

PROBLEM = "application/problem+json"
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MOUNTS = "motivekit_api.mounts"
"""Key in ``app.extensions``: the URL prefixes the blueprint is registered under."""

api = Blueprint("motivekit_api", __name__)
"""motivekit's JSON API for the signed-in person (see ``motivekit/api/openapi.json``)."""


def rule_of(route: Route) -> str:
    """The Werkzeug rule of an OpenAPI path template: ``/goals/{goal_id}`` →
    ``/goals/<goal_id>`` (plain strings, no converters, as the document says)."""
    return _PARAM.sub(r"<\1>", route.path)


def _problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    body = ApiProblem(status, title, detail).to_json()
    return Response(json.dumps(body), status=status, content_type=PROBLEM, headers=headers)


def _response(answer: ApiResponse) -> Response:
    return Response(
        answer.body,
        status=answer.status,
        content_type=answer.content_type,
        headers=dict(answer.headers),
    )


def _body(limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the body: enough for the core to see it is too
    large, never the whole of a huge one (Werkzeug raises 413 itself past
    ``MAX_CONTENT_LENGTH``)."""
    cap = current_app.config.get("MAX_CONTENT_LENGTH")
    if isinstance(cap, int) and cap < limit:
        limit = cap
    data: bytes = request.stream.read(limit + 1)
    return data


def _mount() -> str:
    """Where the blueprint is mounted for this request (script root and prefix): the
    document's server URL, relative to the host so that it holds behind a proxy too."""
    return url_for(f"{request.blueprint}.openapi").removesuffix("/openapi.json")


def _view(route: Route) -> Any:
    def view(**path_params: str) -> Response:
        state = _state()
        try:
            core = state.api
        except StoreUnavailable as exc:
            return _problem(503, "Service Unavailable", str(exc), {"Retry-After": "5"})
        if route.operation_id == "openapi":
            document = core.openapi(server_url=_mount())
            return Response(json.dumps(document), content_type="application/json")
        user = state.extension.current_user_id()
        answer = core.handle(
            ApiRequest(
                operation_id=route.operation_id,
                user=user,
                path_params=path_params,
                query=request.args.to_dict(flat=True),
                body=_body(core.max_body_bytes),
                content_type=request.headers.get("Content-Type"),
            )
        )
        return _response(answer)

    view.__name__ = route.operation_id
    return view


for _route in ROUTES:
    api.add_url_rule(rule_of(_route), _route.operation_id, _view(_route), methods=[_route.method])


def _http_error(error: HTTPException) -> Response:
    """A Werkzeug HTTP error raised under the blueprint, as a problem body."""
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return _problem(status, error.name, error.description or error.name, headers)


# Code-specific handlers: Flask asks them before any class-based handler of the host's.
for _code in default_exceptions:
    api.register_error_handler(_code, _http_error)


@api.record
def _remember_mount(setup: BlueprintSetupState) -> None:
    app = setup.app
    mounts: list[str] = app.extensions.setdefault(_MOUNTS, [])
    mounts.append((setup.url_prefix or "").rstrip("/"))
    if len(mounts) == 1:
        app.before_request(_unrouted)


def _under(path: str, prefix: str) -> bool:
    return prefix == "" or path == prefix or path.startswith(prefix + "/")


def _unrouted() -> Response | None:
    """An unknown path or method under a mount point answers a problem body: Werkzeug's
    routing errors happen before any blueprint is known, so the blueprint's own handlers
    would never see them."""
    error = request.routing_exception
    if error is None or isinstance(error, RequestRedirect) or not isinstance(error, HTTPException):
        return None
    mounts: list[str] = current_app.extensions.get(_MOUNTS, [])
    if not any(_under(request.path, prefix) for prefix in mounts):
        return None
    return _http_error(error)
