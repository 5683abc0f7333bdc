"""The questions the help desk starts with (a new site has something to answer)."""

from django.db import migrations

QUESTIONS = [
    (
        "How do I install the project on Windows?",
        "The installer stops with a message about a missing compiler. What did you do?",
        2,
    ),
    (
        "What changes for users in the 2.0 release?",
        "I maintain a plugin. Which of the old configuration keys still work?",
        3,
    ),
    (
        "Why does the parser reject my nested lists?",
        "Lists inside lists inside tables fail with 'unexpected indent'. Is that a bug?",
        4,
    ),
    (
        "Where do I start if I want to help with translations?",
        "I speak Portuguese and would like to help. Is there a guide?",
        1,
    ),
]


def add_questions(apps, schema_editor):
    Question = apps.get_model("helpdesk", "Question")
    for title, body, difficulty in QUESTIONS:
        Question.objects.create(title=title, body=body, difficulty=difficulty)


def remove_questions(apps, schema_editor):
    apps.get_model("helpdesk", "Question").objects.filter(
        title__in=[q[0] for q in QUESTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_initial")]

    operations = [migrations.RunPython(add_questions, remove_questions)]
