"""The forum's own data: questions, answers, who found what helpful, mission members.

The host's tables, kept apart from motivekit's (a SQLite file of their own, through the
standard library's sqlite3). motivekit hears about what happens here as events.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, author TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
    difficulty INTEGER NOT NULL DEFAULT 3, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, question_id TEXT NOT NULL REFERENCES questions(id),
    author TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS helpful (
    answer_id TEXT NOT NULL REFERENCES answers(id), person TEXT NOT NULL,
    PRIMARY KEY (answer_id, person));
CREATE TABLE IF NOT EXISTS mission_members (
    mission_id TEXT NOT NULL, person TEXT NOT NULL, PRIMARY KEY (mission_id, person));
"""


class Forum:
    """The forum's tables in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        with self.connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path)
        db.row_factory = sqlite3.Row
        try:
            with db:  # commits, or rolls back on error
                yield db
        finally:
            db.close()

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self.connect() as db:
            return list(db.execute(sql, args))

    def row(self, sql: str, *args: Any) -> sqlite3.Row | None:
        found = self.rows(sql, *args)
        return found[0] if found else None

    def questions(self) -> list[sqlite3.Row]:
        return self.rows(
            "SELECT q.*, (SELECT count(*) FROM answers a WHERE a.question_id = q.id) AS answers"
            " FROM questions q ORDER BY q.at DESC"
        )

    def answers(self, question_id: str) -> list[sqlite3.Row]:
        return self.rows(
            "SELECT a.*, (SELECT count(*) FROM helpful h WHERE h.answer_id = a.id) AS helpful"
            " FROM answers a WHERE question_id = ? ORDER BY at",
            question_id,
        )

    def marked(self, person: str) -> set[str]:
        rows = self.rows("SELECT answer_id FROM helpful WHERE person = ?", person)
        return {r["answer_id"] for r in rows}

    def members(self, mission_id: str) -> set[str]:
        rows = self.rows("SELECT person FROM mission_members WHERE mission_id = ?", mission_id)
        return {r["person"] for r in rows}

    def open_questions(self, person: str) -> list[sqlite3.Row]:
        """Questions others asked that ``person`` has not answered yet."""
        return self.rows(
            "SELECT * FROM questions q WHERE author != ? AND NOT EXISTS ("
            " SELECT 1 FROM answers a WHERE a.question_id = q.id AND a.author = ?)"
            " ORDER BY at DESC",
            person,
            person,
        )
