"""RFC 9457 problem details: every failure of an operation, as one exception and one body.

:class:`ApiProblem` is what :meth:`Api.invoke` raises and what :meth:`Api.handle` turns into
an ``application/problem+json`` response. motivekit's error tree maps onto statuses here,
in one place (:func:`problem_from_error`): a missing thing is 404, a refusal 403, a state
that does not allow the change 409, bad input 422, a database out of reach 503. Problems
use ``type: about:blank`` with the status phrase as ``title`` (RFC 9457 §4.2.1); ``code``
names the motivekit error class and ``detail`` says what was wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import pydantic

from motivekit import (
    ConfigError,
    InvalidInput,
    InvalidTransition,
    MotivekitError,
    NotFound,
    NotPermitted,
    StoreError,
)

__all__ = ["PROBLEM_TYPE", "ApiProblem", "field_errors", "problem_from_error"]

PROBLEM_TYPE = "about:blank"

_STATUS: tuple[tuple[type[MotivekitError], int], ...] = (
    (NotFound, 404),
    (NotPermitted, 403),
    (InvalidTransition, 409),
    (InvalidInput, 422),
    (StoreError, 503),
    (ConfigError, 500),
)


class ApiProblem(Exception):
    """A failed operation as an RFC 9457 problem: status, title, detail and, for
    validation failures, each field that was wrong."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str = "",
        *,
        code: str | None = None,
        errors: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.code = code
        self.errors = [dict(e) for e in errors]
        self.headers = dict(headers or {})
        super().__init__(f"{status} {self.title}: {detail}")

    def to_json(self) -> dict[str, Any]:
        """The RFC 9457 body: ``type``, ``title``, ``status``, ``detail`` (and ``code``,
        ``errors`` when there are any)."""
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.code is not None:
            body["code"] = self.code
        if self.errors:
            body["errors"] = self.errors
        return body


def problem_from_error(error: MotivekitError) -> ApiProblem:
    """The problem a motivekit error answers with (500 only for a misconfigured Kit)."""
    status = next((s for kind, s in _STATUS if isinstance(error, kind)), 500)
    headers = {"Retry-After": "5"} if status == 503 else None
    detail = str(error) if status != 500 else "the server's motivekit setup is not usable"
    return ApiProblem(status, detail=detail, code=type(error).__name__, headers=headers)


def _pointer(loc: Sequence[int | str]) -> str:
    """A JSON Pointer (RFC 6901) in URI-fragment form for a pydantic error location."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in loc)
    return "#/" + "/".join(parts) if loc else "#"


def field_errors(error: pydantic.ValidationError, *, where: str = "body") -> list[dict[str, str]]:
    """Each failed field of ``error``: a ``pointer`` into the body, or the query
    ``parameter``, with what was wrong."""
    out = []
    for e in error.errors(include_url=False, include_context=False, include_input=False):
        loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = "unknown field; remove it" if e["type"] == "extra_forbidden" else e["msg"]
        if where == "body":
            out.append({"pointer": _pointer(loc), "detail": message})
        else:
            out.append({"parameter": ".".join(str(p) for p in loc), "detail": message})
    return out
