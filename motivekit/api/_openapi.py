"""The OpenAPI 3.1 document, generated from the operations table and the very classes that
validate the bodies and build the answers (``model_json_schema``), so it cannot drift from
what the API does. ``openapi.json`` beside this module is its shipped copy;
``python -m motivekit.api.openapi_build`` rewrites it and ``--check`` compares.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

import motivekit
from motivekit.api._call import Operation
from motivekit.api._routes import OPERATIONS
from motivekit.api._views import ProblemOut

__all__ = ["build_document", "document_text"]

_REF = "#/components/schemas/{model}"
_DESCRIPTION = """\
The signed-in person's own goals, skills, impact feed, missions and consent.

Mount it under any prefix; every path here is relative to it. The host app's own session
says who is signed in (its cookie, its login): operations about a person answer 401 without
one, and nobody reads or changes another person's data (another person's goal is a 404).
Write operations take a JSON object (`Content-Type: application/json`): a malformed body is
400, another content type 415, a body over the size limit 413, an unknown or mistyped field
422. Every failure is an RFC 9457 `application/problem+json` body. Protect writes against
cross-site requests with the host's usual CSRF tool.
"""


def _schemas() -> tuple[dict[type[BaseModel], str], dict[str, Any]]:
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ProblemOut, "serialization")]
    for op in OPERATIONS.values():
        models.append((op.response, "serialization"))
        if op.body is not None:
            models.append((op.body, "validation"))
    unique = list(dict.fromkeys(models))
    refs, defs = models_json_schema(unique, ref_template=_REF)
    names: dict[type[BaseModel], str] = {}
    for (model, _), ref in refs.items():
        assert isinstance(model, type)
        assert issubclass(model, BaseModel)
        names[model] = ref["$ref"].rsplit("/", 1)[1]
    schemas: dict[str, Any] = defs.get("$defs", {})
    return names, schemas


def _parameters(op: Operation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"name": part[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
        for part in op.route.path.split("/")
        if part.startswith("{")
    ]
    if op.query is not None:
        schema = op.query.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            prop = dict(prop)
            description = prop.pop("description", None)
            prop.pop("title", None)
            options = prop.pop("anyOf", None)
            if options is not None:  # a parameter left out is None; it is never "null"
                prop.pop("default", None)
                prop |= next(o for o in options if o.get("type") != "null")
            param: dict[str, Any] = {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": prop,
            }
            if description:
                param["description"] = description
            out.append(param)
    return out


def _operation(op: Operation, names: dict[type[BaseModel], str]) -> dict[str, Any]:
    def ref(model: type[BaseModel]) -> dict[str, str]:
        return {"$ref": _REF.format(model=names[model])}

    doc: dict[str, Any] = {"operationId": op.route.operation_id, "summary": op.summary}
    parameters = _parameters(op)
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(op.body)}},
        }
    responses: dict[str, Any] = {
        str(op.status): {
            "description": HTTPStatus(op.status).phrase,
            "content": {"application/json": {"schema": ref(op.response)}},
        }
    }
    for status in op.errors:
        responses[str(status)] = {
            "description": HTTPStatus(status).phrase,
            "content": {"application/problem+json": {"schema": ref(ProblemOut)}},
        }
    doc["responses"] = responses
    return doc


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document as the code defines it now."""
    names, schemas = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS.values():
        paths.setdefault(op.route.path, {})[op.route.method.lower()] = _operation(op, names)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "motivekit API",
            "version": motivekit.__version__,
            "description": _DESCRIPTION,
        },
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


def document_text() -> str:
    """:func:`build_document` as the text of the shipped ``openapi.json``."""
    return json.dumps(build_document(), indent=2, ensure_ascii=False) + "\n"
