"""Seed history, so that no page starts empty: a few questions, answers and thanks from
the past two weeks, one goal, mission members, and a signed checkpoint.

Idempotent on restart: forum rows have fixed ids (``INSERT OR IGNORE``), every event has
a fixed id (motivekit records an id once), and the goal is adopted only if its owner has
none.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from examples.flask_demo.forum import Forum
from motivekit import Event, Kit

QUESTIONS = [
    # id, author, title, body, difficulty, days ago
    (
        "q-install",
        "bruno",
        "pip install fails on Python 3.13",
        "Installing from a fresh clone fails while building the wheel. What am I missing?",
        2,
        12,
    ),
    (
        "q-config",
        "chidi",
        "Where does the parser read its config from?",
        "The docs mention a config file but not where it is looked up.",
        3,
        9,
    ),
    (
        "q-plugins",
        "bruno",
        "How do I write a plugin for a new syntax?",
        "I would like to add support for a small DSL. Is there a plugin hook?",
        4,
        6,
    ),
    (
        "q-release",
        "chidi",
        "What changes for users in the 2.0 release?",
        "I am drafting the release notes and would like a list of breaking changes.",
        3,
        3,
    ),
]
ANSWERS = [
    # id, question, author, body, days ago, found helpful by
    (
        "a-install",
        "q-install",
        "ada",
        "Upgrade pip first (python -m pip install -U pip); the old one cannot build it.",
        11,
        ["bruno"],
    ),
    (
        "a-config",
        "q-config",
        "ada",
        "It reads pyproject.toml, then setup.cfg; the first one with a [parser] table wins.",
        8,
        ["chidi"],
    ),
    (
        "a-plugins",
        "q-plugins",
        "chidi",
        "There is an entry point group, parser.syntaxes; the docs have a small example.",
        5,
        ["bruno"],
    ),
]
MEMBERS = [("release-faq", "ada"), ("release-faq", "chidi")]


def seed(forum: Forum, kit: Kit, people: Mapping[str, str]) -> None:
    """Write the seed history once; a second call changes nothing."""
    now = datetime.now(UTC).replace(microsecond=0)

    def ago(days: int) -> datetime:
        return now - timedelta(days=days)

    events: list[Event] = []
    with forum.connect() as db:
        for qid, author, title, body, difficulty, days in QUESTIONS:
            db.execute(
                "INSERT OR IGNORE INTO questions VALUES (?, ?, ?, ?, ?, ?)",
                (qid, author, title, body, difficulty, ago(days).isoformat()),
            )
            events.append(
                Event(f"question:{qid}", "question.asked", author, ago(days), {"question_id": qid})
            )
        difficulty_of = {q[0]: q[4] for q in QUESTIONS}
        for aid, qid, author, body, days, thanked_by in ANSWERS:
            db.execute(
                "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?)",
                (aid, qid, author, body, ago(days).isoformat()),
            )
            events.append(
                Event(f"answer:{aid}", "answer.posted", author, ago(days), {"answer_id": aid})
            )
            for by in thanked_by:
                db.execute("INSERT OR IGNORE INTO helpful VALUES (?, ?)", (aid, by))
                at = ago(days - 1)
                events.append(
                    Event(
                        f"helpful:{aid}:{by}", "answer.marked_helpful", by, at, {"answer_id": aid}
                    )
                )
                events.append(
                    Event(
                        f"reviewed:{aid}:{by}",
                        "answer.reviewed",
                        author,
                        at,
                        {"helpful": True, "difficulty": difficulty_of[qid]},
                    )
                )
        for mission, person in MEMBERS:
            db.execute("INSERT OR IGNORE INTO mission_members VALUES (?, ?)", (mission, person))
        for n in range(6):  # the mission's earlier answers, before this demo's questions
            person = MEMBERS[n % 2][1]
            events.append(
                Event(
                    f"mission:release-faq:seed-{n}",
                    "mission.release-faq.answered",
                    person,
                    ago(13 - n),
                    {"answer_id": f"seed-{n}"},
                )
            )
    events.sort(key=lambda e: e.at or now)
    kit.record_many(events)
    if not kit.goals.list("ada"):
        kit.goals.adopt(
            "ada", "weekly-answers", why="Answering is how I learned the parser myself."
        )
    if kit.audit.signers and kit.audit.latest() is None:
        kit.audit.checkpoint()
