"""Shared helpers of the API tests: a Kit on the example design with some history, a
request builder, and a check of every answer against the shipped OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema

from motivekit import Event, Kit
from motivekit.api import Api, ApiRequest, ApiResponse
from motivekit.api._api import shipped_document
from motivekit.api._routes import OPERATIONS

DESIGN = Path(__file__).resolve().parent.parent / "examples" / "motivation.yaml"


def seeded(kit: Kit) -> None:
    """History: ada answers, bob finds it helpful, ada reviews and translates."""
    kit.record(Event("a1", "answer.posted", "ada", data={"answer_id": "ans-1", "cites": []}))
    kit.record(Event("h1", "answer.marked_helpful", "bob", data={"answer_id": "ans-1"}))
    for i in range(3):
        data = {"lines": 20, "approved_after_review": True, "complexity": 3}
        kit.record(Event(f"r{i}", "review.submitted", "ada", data=data))
    kit.record(Event("p1", "page.translated", "ada"))


@contextmanager
def open_api(store: str, tmp_path: Path, clock: Any) -> Iterator[Api]:
    """An Api on a seeded Kit over the ``memory`` or ``sqlite`` store."""
    url = "memory://" if store == "memory" else f"sqlite:///{tmp_path / 'kit.db'}"
    with Kit.open(url, clock=clock, rules=DESIGN) as kit:
        seeded(kit)
        yield Api(kit)


def call(
    api: Api,
    operation_id: str,
    user: str | None = "ada",
    body: Any = None,
    *,
    raw: bytes | None = None,
    content_type: str | None = "application/json",
    **params: str,
) -> ApiResponse:
    """Answer one request; ``params`` fill the path template first, the query after."""
    route = OPERATIONS[operation_id].route
    names = {p[1:-1] for p in route.path.split("/") if p.startswith("{")}
    path = {k: v for k, v in params.items() if k in names}
    query = {k: v for k, v in params.items() if k not in names}
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    response = api.handle(ApiRequest(operation_id, user, path, query, data, content_type))
    conforms(operation_id, response)
    return response


def payload(response: ApiResponse) -> Any:
    return json.loads(response.body)


def conforms(operation_id: str, response: ApiResponse) -> None:
    """The answer is one the document lists for the operation, and its body validates."""
    document = _document()
    route = OPERATIONS[operation_id].route
    spec = document["paths"][route.path][route.method.lower()]["responses"]
    assert str(response.status) in spec, (operation_id, response.status, response.body)
    (media, content), *_ = spec[str(response.status)]["content"].items()
    assert response.content_type == media
    schema = {"$ref": content["schema"]["$ref"], "components": document["components"]}
    jsonschema.validate(json.loads(response.body), schema)


_CACHE: dict[str, Any] = {}


def _document() -> dict[str, Any]:
    if not _CACHE:
        _CACHE.update(shipped_document())
    return _CACHE
