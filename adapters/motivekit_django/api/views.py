"""The JSON API's views: a Django request in, ``Api.handle``'s answer out.

Each operation of :data:`motivekit.api.ROUTES` is one URL pattern (named by its operation
id), and every pattern leads to :func:`operation`, which picks the operation by path and
method the way the OpenAPI document reads: ``GET goals/adopt`` is ``getGoal`` of the goal
``adopt`` (only ``POST`` is ``adoptGoal``), as the Flask blueprint's router does. Parsing,
checking, authorisation and the problem bodies are the core's, shared with every adapter.

Invariants:

* Everything under the mount answers JSON: an unknown path (404), a method no route
  takes (405, with ``Allow``), a body over ``MAX_BODY_BYTES`` or the project's
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413), a CSRF failure (403) and a misconfigured or
  unreachable motivekit (503) answer an RFC 9457 ``application/problem+json`` body,
  never Django's HTML pages.
* At most the limit + 1 bytes of a body are read, so a huge body costs no memory.
* The person is ``request.user`` through the ``USER_ID`` hook (Django's auth).
* CSRF is Django's, when the project uses ``CsrfViewMiddleware``: the views are exempt
  from the middleware only so that they run its very checks themselves (send the
  ``csrftoken`` cookie's value in an ``X-CSRFToken`` header, as for any Django view) and
  answer a refusal as a problem body instead of the HTML failure view.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from motivekit import StoreUnavailable
from motivekit.api import ROUTES, ApiProblem, ApiRequest, Route
from motivekit.api._api import shipped_document
from motivekit_django.identity import user_id_of
from motivekit_django.kit import get_api

__all__ = ["PROBLEM", "not_found", "operation", "problem"]

PROBLEM = "application/problem+json"
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_log = logging.getLogger("motivekit_django.api")


def problem(
    status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> HttpResponse:
    """An RFC 9457 problem response, as the core's."""
    body = ApiProblem(status, detail=detail, **extra).to_json()
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _matcher(route: Route) -> re.Pattern[str]:
    """``/goals/{goal_id}`` -> ``/goals/(?P<goal_id>[^/]+)``."""
    parts = _PARAM.split(route.path)  # text, name, text, name, ..., text
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    )


_MATCHERS = [(route, _matcher(route)) for route in ROUTES]


def _pick(path: str, method: str) -> tuple[Route, dict[str, str]] | list[str]:
    """The route for ``method`` on the concrete ``path`` (``/goals/adopt``) and its path
    parameters; or, when no route takes the method, the methods some route takes there."""
    allowed: list[str] = []
    for route, matcher in _MATCHERS:
        found = matcher.fullmatch(path)
        if found is None:
            continue
        if route.method == method or (method == "HEAD" and route.method == "GET"):
            return route, found.groupdict()
        allowed.append(route.method)
    return sorted(set(allowed))


class _ApiCsrf(CsrfViewMiddleware):
    """Django's CSRF checks, with a refusal answered as a problem body."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        _log.warning("CSRF refused %s %s: %s", request.method, request.path, reason)
        return problem(
            403,
            f"{reason} Send the csrftoken cookie's value in an X-CSRFToken header "
            f"(see Django's CSRF documentation).",
        )


@cache
def csrf_enabled() -> bool:
    """Whether the project runs Django's CSRF middleware (or a subclass of it); found
    once, again when ``MIDDLEWARE`` changes."""
    for dotted in settings.MIDDLEWARE:
        try:
            found = import_string(dotted)
        except ImportError:
            continue
        if isinstance(found, type) and issubclass(found, CsrfViewMiddleware):
            return True
    return False


def _guarded(request: HttpRequest) -> HttpResponse:  # what the CSRF checks guard
    raise AssertionError("never called")


def _csrf(request: HttpRequest) -> HttpResponse | None:
    """Django's CSRF verdict on ``request`` (None: accepted), if the project uses it."""
    if not csrf_enabled():
        return None
    checker = _ApiCsrf(_guarded)
    checker.process_request(request)
    return checker.process_view(request, _guarded, (), {})


def _body(request: HttpRequest, limit: int) -> bytes | HttpResponse:
    """At most ``limit + 1`` bytes of the body, or a 413 problem past the smaller of
    ``limit`` and ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if isinstance(cap, int) and cap < limit:
        limit = cap
    data: bytes = request.read(limit + 1)
    if len(data) > limit:
        return problem(413, f"the body is more than {limit} bytes; the limit is {limit}")
    return data


def _mount(request: HttpRequest) -> str:
    """Where the API is mounted for this request (with the script prefix): the document's
    server URL, relative to the host so that it holds behind a proxy too."""
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return reverse(f"{namespace or 'motivekit_api'}:openapi").removesuffix("/openapi.json")


def _answer(request: HttpRequest, path: str) -> HttpResponse:
    picked = _pick(path, request.method or "GET")
    if isinstance(picked, list):
        if not picked:
            return problem(404, f"there is no API operation at {request.path}")
        allow = ", ".join(picked)
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = allow
            return response
        return problem(405, f"{request.path} takes {allow}, not {request.method}", {"Allow": allow})
    route, path_params = picked
    if route.operation_id == "openapi":
        document = shipped_document()
        document["servers"] = [{"url": _mount(request)}]
        return HttpResponse(json.dumps(document), content_type="application/json")
    if route.method in ("POST", "PUT", "PATCH"):
        refused = _csrf(request)
        if refused is not None:
            return refused
    try:
        api = get_api()
        user = user_id_of(request)
    except StoreUnavailable as exc:
        return problem(503, str(exc), {"Retry-After": "5"})
    except ImproperlyConfigured:
        _log.exception("motivekit is not configured correctly")
        return problem(
            503, "motivekit is not configured correctly on this server; its log says why"
        )
    body = b""
    if route.method in ("POST", "PUT", "PATCH"):
        read = _body(request, api.max_body_bytes)
        if isinstance(read, HttpResponse):
            return read
        body = read
    answer = api.handle(
        ApiRequest(
            operation_id=route.operation_id,
            user=user,
            path_params=path_params,
            query={name: request.GET.getlist(name)[0] for name in request.GET},  # as Flask
            body=body,
            content_type=request.headers.get("Content-Type"),
        )
    )
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers.items():
        response[name] = value
    return response


@csrf_exempt  # the view runs Django's CSRF checks itself (see the module's docstring)
def operation(request: HttpRequest, *, template: str, **path_params: str) -> HttpResponse:
    """Every operation's view: ``template`` is the route pattern Django matched, filled in
    with ``path_params`` to the concrete path the routes are matched against."""
    path = _PARAM.sub(lambda m: path_params.get(m.group(1), m.group(0)), template)
    try:
        return _answer(request, path)
    except RequestDataTooBig as exc:
        return problem(413, str(exc))
    except UnreadablePostError as exc:
        return problem(400, f"the body could not be read: {exc}")
    except MultiPartParserError as exc:  # Django's CSRF check reads a POST's form fields
        return problem(415, f"send the body as application/json (UTF-8), not a form ({exc})")
    except SuspiciousOperation as exc:
        return problem(400, str(exc) or "the request is malformed")
    except Exception:
        _log.exception("motivekit API view failed on %s %s", request.method, request.path)
        return problem(500, "the server could not answer")


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under the mount: a 404 problem, never the project's HTML page."""
    return problem(404, f"there is no API operation at {request.path}")
