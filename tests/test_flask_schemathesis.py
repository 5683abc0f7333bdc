"""Schemathesis against the live blueprint, from the OpenAPI document it serves: no 5xx,
and every status, content type, header and body conforms to the document.

The app runs on a SQLite file with the tests' design file, and ``ada`` (through the
loader's header) already has goals and impact-feed entries, so reads find something. A
modest example count keeps the run near half a minute.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from motivekit import Event
from motivekit_flask import current_kit
from tests._flask_apps import PREFIX, as_user, make_app

_instance = Path(tempfile.mkdtemp(prefix="motivekit-schemathesis-"))
atexit.register(shutil.rmtree, _instance, ignore_errors=True)
app = make_app(_instance)

with app.app_context():
    current_kit.goals.adopt("ada", "weekly-reviews")
    current_kit.goals.create("ada", "Read", {"event": "paper.read", "count": 2})
    for i in range(3):
        current_kit.record(
            Event(f"p{i}", "answer.posted", "ada", data={"answer_id": f"a{i}", "cites": []})
        )
        current_kit.record(
            Event(f"h{i}", "answer.marked_helpful", f"reader{i}", data={"answer_id": f"a{i}"})
        )

schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)

CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_document_says(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=as_user("ada"), checks=CONFORMANCE)


def test_the_document_lists_every_operation_of_the_api() -> None:
    operations = {
        result.ok().definition.raw.get("operationId") for result in schema.get_all_operations()
    }
    with app.app_context():
        from motivekit_flask import current_api

        routes = {route.operation_id for route in current_api.routes}
    assert operations == routes - {"openapi"}  # the document does not describe itself
