"""The hooks ``settings.MOTIVEKIT`` names: how stories name people, and which questions
the skills page suggests as next challenges."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from helpdesk.models import Question


def display_name(user_id: str) -> str:
    """A motivekit user id (the user's primary key) as the site shows that person."""
    user = get_user_model().objects.filter(pk=user_id).first()
    return user.get_username() if user is not None else "someone"


def open_questions(user_id: str, track_id: str) -> str | None:
    """Questions ``user_id`` has not answered yet, as ``q<pk>:<difficulty>`` candidates."""
    rows = Question.objects.exclude(answers__author_id=user_id).order_by("pk")[:20]
    return ",".join(f"q{q.pk}:{q.difficulty}" for q in rows) or None


def question_link(item_id: str) -> tuple[str, str | None]:
    """A suggested question's title and link."""
    question = Question.objects.filter(pk=item_id.removeprefix("q")).first()
    if question is None:
        return item_id, None
    return question.title, reverse("question", args=[question.pk])
