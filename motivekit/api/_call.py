"""One operation: its route, its body and query classes, its answer, and the function that
runs it on a Kit for the signed-in person."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import attrs
from pydantic import BaseModel

from motivekit import Kit
from motivekit.api._messages import Route

__all__ = ["Call", "Operation"]

M = TypeVar("M", bound=BaseModel)


@attrs.frozen
class Call:
    """An operation's validated input: the Kit, the person, parameters and body."""

    kit: Kit
    user: str
    """The signed-in person (operations that need nobody get ``""``)."""
    path: Mapping[str, str]
    query: BaseModel | None
    body: BaseModel | None
    names: Callable[[str], str] | None = None
    """How stories name people (the host's display names); ``None`` shows their ids."""

    def body_as(self, kind: type[M]) -> M:
        """The body, as the operation's body class."""
        assert isinstance(self.body, kind), (type(self.body), kind)
        return self.body

    def query_as(self, kind: type[M]) -> M:
        """The query parameters, as the operation's query class."""
        assert isinstance(self.query, kind), (type(self.query), kind)
        return self.query

    def given(self, field: str) -> bool:
        """Whether the request's body set ``field``, possibly to null (a PATCH tells an
        absent field from a null one)."""
        return self.body is not None and field in self.body.model_fields_set


@attrs.frozen
class Operation:
    """Everything the API knows about one operation."""

    route: Route
    run: Callable[[Call], BaseModel]
    response: type[BaseModel]
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    """The success status (201 when something new was made)."""
    errors: tuple[int, ...] = ()
    """The problem statuses the operation can answer with, for the document."""
