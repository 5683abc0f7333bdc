"""Schemathesis against the Django API views, from the OpenAPI document they serve: no
5xx, and every status, content type, header and body conforms to the document.

The project runs on its SQLite test database with the tests' design file; ``ada`` (a
user of the custom user model, signed in through Django's session cookie, with a CSRF
token as a browser page would send it) already has goals and impact-feed entries, so
reads find something. The requests go through the project's WSGI handler, middleware and
all; Django's per-request connection closing is paused as its own test client does, so
each test's transaction holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis import checks

from motivekit import Event
from motivekit.api import ROUTES
from motivekit_django import close_kit, get_kit
from tests.django._api import PREFIX, csrf_token, person, signed_in
from tests.django._design import RULES

schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", get_wsgi_application())

CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def ada() -> Iterator[dict[str, Any]]:
    """The headers of ada's browser: session and CSRF cookies, the CSRF header."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(MOTIVEKIT={"RULES": RULES}):
            user, ada = person("ada")
            kit = get_kit()
            kit.goals.adopt(ada, "weekly-reviews")
            kit.goals.create(ada, "Read", {"event": "paper.read", "count": 2})
            for i in range(3):
                kit.record(
                    Event(f"p{i}", "answer.posted", ada, data={"answer_id": f"a{i}", "cites": []})
                )
                kit.record(
                    Event(f"h{i}", "answer.marked_helpful", f"r{i}", data={"answer_id": f"a{i}"})
                )
            client = signed_in(user, csrf=True)
            token = csrf_token(client)
            yield {
                "cookies": {name: c.value for name, c in client.cookies.items()},
                "headers": {"X-CSRFToken": token},
            }
    finally:
        close_kit()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_document_says(
    case: schemathesis.Case, ada: dict[str, Any]
) -> None:
    response = case.call_and_validate(**ada, checks=CONFORMANCE)
    assert response.status_code not in (401, 403), response.text  # ada is signed in


def test_the_document_lists_every_operation_of_the_api() -> None:
    operations = {
        result.ok().definition.raw.get("operationId") for result in schema.get_all_operations()
    }
    assert operations == {route.operation_id for route in ROUTES} - {"openapi"}
