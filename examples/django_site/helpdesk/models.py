"""The help desk's own tables: questions (seeded by a migration), answers, thanks."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Question(models.Model):
    """A question someone may answer; its difficulty (1 to 5) feeds the skill track."""

    title = models.CharField(max_length=200)
    body = models.TextField()
    difficulty = models.PositiveSmallIntegerField(default=3)

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    """An answer: ``answer.posted`` for motivekit, recorded in the same transaction."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    body = models.TextField(max_length=4000)
    posted = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("posted",)


class Thanks(models.Model):
    """Someone found an answer helpful (once per person and answer)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="thanks")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["answer", "by"], name="thanks_once"),)
