"""``Api``: the JSON API's logic, free of any web framework.

For each request it checks the person, the content type, the size and the JSON of the
body, validates body and query against the operation's classes, runs the operation on the
Kit for the signed-in person, and answers JSON, or an RFC 9457 problem for every failure.
``handle`` never raises: bad input answers 4xx; a bug answers a 500 problem (and is logged
as ``motivekit.api``). Each write is one Kit call, hence one transaction: a request that
fails writes nothing. Cost: one body parse and validation, then the Kit call's own.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

import pydantic
from pydantic import BaseModel

from motivekit import Kit, MotivekitError
from motivekit.api._call import Call, Operation
from motivekit.api._messages import ApiRequest, ApiResponse, Route
from motivekit.api._problems import ApiProblem, field_errors, problem_from_error
from motivekit.api._routes import OPERATIONS, ROUTES

__all__ = ["DEFAULT_MAX_BODY_BYTES", "Api", "shipped_document"]

DEFAULT_MAX_BODY_BYTES = 64 * 1024
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
_log = logging.getLogger("motivekit.api")


def shipped_document() -> dict[str, Any]:
    """The OpenAPI document shipped beside this module (``openapi.json``)."""
    text = resources.files("motivekit.api").joinpath("openapi.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


class _Duplicate(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _number(text: str) -> float | int:
    """A JSON number with a fraction or exponent; integral ones (``3.0``) are integers,
    as JSON Schema counts them."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return int(value) if value.is_integer() else value


def _parse(raw: bytes) -> Any:
    """The JSON value in ``raw``, or a 400 problem saying what is malformed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiProblem(400, detail=f"the body is not UTF-8 text ({exc.reason})") from None
    try:
        return json.loads(
            text, object_pairs_hook=_object, parse_constant=_constant, parse_float=_number
        )
    except json.JSONDecodeError as exc:
        detail = f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        detail = f"the body is not usable JSON: {exc or 'nested too deeply'}"
    raise ApiProblem(400, detail=detail) from None


def _check_type(content_type: str | None) -> None:
    media, *params = (content_type or "").split(";")
    charset = [p.strip().lower() for p in params if p.strip().lower().startswith("charset=")]
    if media.strip().lower() != JSON or charset not in ([], ["charset=utf-8"]):
        raise ApiProblem(
            415,
            detail=f"send the body as {JSON} (UTF-8), not {content_type or 'no content type'}",
        )


def _validate(kind: type[BaseModel], value: Any, where: str) -> BaseModel:
    try:
        return kind.model_validate(value)
    except pydantic.ValidationError as exc:
        fields = field_errors(exc, where=where)
        names = ", ".join(e.get("pointer", e.get("parameter", "")) for e in fields)
        what = "body" if where == "body" else "query parameters"
        raise ApiProblem(
            422, detail=f"the {what} did not validate: {names}", code="InvalidInput", errors=fields
        ) from None


class Api:
    """The JSON API over one Kit: adapters route requests here and supply the person."""

    def __init__(
        self,
        kit: Kit,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        names: Callable[[str], str] | None = None,
    ) -> None:
        if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int):
            raise TypeError(f"max_body_bytes must be a whole number, got {max_body_bytes!r}")
        if max_body_bytes < 1024:
            raise ValueError(f"max_body_bytes must be at least 1024, got {max_body_bytes}")
        if names is not None and not callable(names):
            raise TypeError(f"names must be a callable from user id to name, got {names!r}")
        self.kit = kit
        self.max_body_bytes = max_body_bytes
        self.names = names
        """How impact stories name people: the host's display names (``None``: their ids;
        people who chose to stay anonymous are "someone" either way)."""
        self._document: dict[str, Any] | None = None

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every operation's method, path template, id and whether it needs a person."""
        return ROUTES

    def openapi(self, server_url: str | None = None) -> dict[str, Any]:
        """The shipped OpenAPI 3.1 document (a copy), with ``server_url`` as its server if
        given: the URL the adapter mounts the API at, e.g. ``/motivekit/api``."""
        if self._document is None:
            self._document = shipped_document()
        document = json.loads(json.dumps(self._document))
        if server_url is not None:
            document["servers"] = [{"url": server_url}]
        return document  # type: ignore[no-any-return]

    def handle(self, request: ApiRequest) -> ApiResponse:
        """Answer ``request``; never raises (every failure is a problem body)."""
        try:
            operation = self._operation(request.operation_id, request.user)
            body = None
            if operation.body is not None:
                _check_type(request.content_type)
                if len(request.body) > self.max_body_bytes:
                    raise ApiProblem(
                        413,
                        detail=f"the body is {len(request.body)} bytes; the limit is "
                        f"{self.max_body_bytes}",
                    )
                body = _parse(request.body)
            result = self._run(operation, request.user, request.path_params, request.query, body)
            payload = result.model_dump_json().encode()
            return ApiResponse(operation.status, payload, JSON, {})
        except ApiProblem as problem:
            return _problem_response(problem)
        except Exception:
            _log.exception(
                "motivekit API operation %r failed", getattr(request, "operation_id", "?")
            )
            return _problem_response(ApiProblem(500, detail="the server could not answer"))

    def invoke(
        self,
        operation_id: str,
        user: str | None,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """Run an operation on already-parsed data and return its JSON-ready result;
        raises :class:`ApiProblem` on any failure, exactly as :meth:`handle` answers."""
        operation = self._operation(operation_id, user)
        value: Any = None
        if operation.body is not None:
            try:  # the same JSON values handle() would have parsed
                value = json.loads(json.dumps({} if body is None else body, allow_nan=False))
            except (TypeError, ValueError) as exc:
                raise ApiProblem(
                    422, detail=f"the body must hold JSON values only: {exc}"
                ) from None
        result = self._run(operation, user, path_params or {}, query or {}, value)
        return result.model_dump(mode="json")

    # -- internals --------------------------------------------------------------------------

    def _operation(self, operation_id: str, user: str | None) -> Operation:
        operation = OPERATIONS.get(operation_id) if isinstance(operation_id, str) else None
        if operation is None:
            raise ApiProblem(404, detail=f"there is no API operation {operation_id!r}")
        if operation.route.needs_user and not user:
            raise ApiProblem(401, detail="sign in first: this operation is about your own data")
        return operation

    def _run(
        self,
        operation: Operation,
        user: str | None,
        path: Mapping[str, str],
        query: Mapping[str, str],
        body: Any,
    ) -> BaseModel:
        if operation.route.operation_id == "openapi":
            return operation.response.model_validate(self.openapi("."))
        names = [p[1:-1] for p in operation.route.path.split("/") if p.startswith("{")]
        missing = [n for n in names if not isinstance(path.get(n), str)]
        if missing:
            raise ApiProblem(400, detail=f"the path parameter(s) {missing} are missing")
        checked_query = None
        if operation.query is not None:
            checked_query = _validate(operation.query, dict(query), "query")
        checked_body = None
        if operation.body is not None:
            checked_body = _validate(operation.body, body, "body")
        call = Call(
            self.kit,
            user or "",
            {n: path[n] for n in names},
            checked_query,
            checked_body,
            self.names,
        )
        try:
            return operation.run(call)
        except MotivekitError as error:
            raise problem_from_error(error) from error


def _problem_response(problem: ApiProblem) -> ApiResponse:
    body = json.dumps(problem.to_json(), ensure_ascii=False).encode()
    return ApiResponse(problem.status, body, PROBLEM_JSON, problem.headers)
