"""Helpers of the Django API tests: people, a signed-in client, problem bodies."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

PREFIX = "/motivekit/api"
PROBLEM = "application/problem+json"
GOAL = {"event": "review.submitted", "count": 3, "per": "week"}


def person(username: str) -> tuple[Any, str]:
    """A new user of the custom user model and their motivekit id."""
    user = get_user_model().objects.create_user(username=username, password="pw")
    return user, str(user.pk)


def signed_in(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def csrf_token(client: Client) -> str:
    """Give ``client`` a CSRF cookie as a page of the project would; the token a page
    would put in its form (or an ``X-CSRFToken`` header)."""
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    return token


def problem(response: HttpResponse, status: int) -> dict[str, Any]:
    """The response's RFC 9457 body, checked to be one with ``status``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    return body
