"""A Q&A site's event stream written by several processes at once, and the check that the
result is exactly what one process recording the journal's order would have made.

Each process records its own events and a pool of events every process sends (the same
ids with the same content: a retried webhook, a second worker picking up the same job), in
batches of mixed sizes and some single ``record`` calls. Every event moves something:
``answer.posted`` counts for its author's weekly goal, is evidence for an Elo track (the
question is a learned item) and counts for a mission with milestones, and builds on an
earlier answer; ``answer.marked_helpful`` credits an answer's chain to ``max_depth``.

Skill states depend on the order evidence arrives in, so "the sequential result" is the
journal's own order: after the processes finish, the events are read back from the journal
and recorded again, one process, in that order, on a fresh memory store. Every person's
:meth:`~motivekit.Privacy.export` (goals with progress and days, skills, impact items and
feed, consent, their journal entries) and every mission must be equal, once goal ids
(random) and salts (random) are set aside.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from motivekit import Event, Kit
from motivekit.rules import Rules, load_rules

NOW = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # goals are adopted before the events
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
USERS = [f"u{i:02d}" for i in range(40)]
MISSION = "answer-everything"
DESIGN = f"""\
version: 1
tracks:
  - id: answering
    title: Answering questions
    model: {{elo: {{guess: 0.0, k: {{a: 1.0, b: 0.05}}}}}}
    evidence:
      - on: answer.posted
        outcome: "event.data.accepted"
        difficulty: "event.data.difficulty"
        item: "event.data.question"
    levels: [{{name: Exploring, at: 0.0}}, {{name: Practising, at: 0.5}}, {{name: Fluent, at: 0.8}}]
missions:
  - id: {MISSION}
    title: Answer every open question
    target: {{event: answer.posted, count: 100000, unit: answers}}
    milestones: [100, 1000, 5000]
impact:
  contributions:
    - on: answer.posted
      id: "event.data.answer_id"
      builds_on: "event.data.cites"
      noun: answer
  beneficiary_events:
    - on: answer.marked_helpful
      credits: "event.data.answer_id"
      story: "{{beneficiary}} found your {{noun}} helpful"
  attribution: {{decay: 0.5, max_depth: 3, mode: recursive}}
"""
GOAL = {"event": "answer.posted", "count": 5, "per": "week"}


def rules() -> Rules:
    return load_rules("many-writers.yaml", text=DESIGN)


def clock() -> datetime:
    return NOW


def open_kit(url: str, **options: Any) -> Kit:
    return Kit.open(url, rules=rules(), clock=clock, **options)


def set_up(kit: Kit) -> None:
    """Every user adopts the weekly answering goal (before any writer starts)."""
    for user in USERS:
        kit.goals.create(user, "Answer questions", GOAL)


def _stream(name: str, seed: int, n: int) -> list[Event]:
    rng = random.Random(seed)
    events: list[Event] = []
    answers: list[str] = []
    for k in range(n):
        at = START + timedelta(minutes=7 * k + seed % 5)
        if answers and k % 3 == 2:
            reader = rng.choice(USERS)
            data = {"answer_id": rng.choice(answers[-12:])}
            events.append(Event(f"{name}-{k}", "answer.marked_helpful", reader, at, data))
            continue
        answer = f"{name}-a{k}"
        data = {
            "answer_id": answer,
            "question": f"q{rng.randrange(60)}",
            "accepted": rng.random() < 0.6,
            "difficulty": rng.randrange(1, 6),
        }
        if answers:
            data["cites"] = answers[-1]
        events.append(Event(f"{name}-{k}", "answer.posted", rng.choice(USERS), at, data))
        answers.append(answer)
    return events


def events_for(process: int, per_process: int) -> list[Event]:
    """The events process ``process`` sends: its own, and the shared pool, interleaved."""
    shared = _stream("shared", 7, per_process // 4)
    own = _stream(f"p{process}", 100 + process, per_process - len(shared))
    rng = random.Random(process)
    mixed = own + shared
    rng.shuffle(mixed)
    return mixed


def write(url: str, process: int, per_process: int) -> None:
    """One writer process: record its events in batches of mixed sizes."""
    events = events_for(process, per_process)
    rng = random.Random(1000 + process)
    with open_kit(url, migrate=False) as kit:
        i = 0
        while i < len(events):
            if rng.random() < 0.1:
                kit.record(events[i])
                i += 1
                continue
            size = rng.choice((5, 20, 50, 120))
            kit.record_many(events[i : i + size])
            i += size


def every_event(processes: int, per_process: int) -> dict[str, Event]:
    out: dict[str, Event] = {}
    for p in range(processes):
        for event in events_for(p, per_process):
            out[event.id] = event
    return out


def journal_events(kit: Kit) -> list[list[Event]]:
    """The host events in the journal, in its order, as they were sent: split where a
    mission milestone was logged (a batch logs the milestones it crossed after its own
    events, so recording each run as one batch puts them at the same sequence numbers)."""
    runs: list[list[Event]] = [[]]
    after = 0
    while batch := kit.journal.read(after, 500):
        for entry in batch:
            if entry.type == "event":
                p = entry.payload
                at = datetime.fromisoformat(p["at"])
                runs[-1].append(Event(p["id"], p["kind"], p["actor"], at, p["data"]))
            elif entry.type == "milestone":
                runs.append([])
        after = batch[-1].seq
    return runs


def state(kit: Kit) -> dict[str, Any]:
    """Everything the Kit holds about every user, and every mission, comparable across
    stores: goal ids (random) become their owner and title, salts and commitments (random)
    are left out."""
    out: dict[str, Any] = {}
    for user in USERS:
        exported = kit.privacy.export(user).as_dict()
        for entry in exported["journal"]:
            entry.pop("salt", None)
            entry.pop("commitment", None)
        text = json.dumps(exported, sort_keys=True)
        for goal in exported["goals"]:
            text = text.replace(goal["id"], f"goal of {user}: {goal['title']}")
        assert not re.search(r"g-[0-9a-f]{32}", text), "a goal id was left in"
        out[user] = json.loads(text)
    out["missions"] = [repr(m) for m in kit.impact.missions()]
    return out


def sequential(runs: Sequence[Sequence[Event]]) -> dict[str, Any]:
    """The state one process makes recording ``runs`` in this order, a batch each."""
    with open_kit("memory://") as kit:
        set_up(kit)
        for run in runs:
            kit.record_many(run)
        return state(kit)


def write_batch_when_told(url: str, process: int, per_process: int, ready: Any) -> None:
    """A writer that signals ``ready`` right before one ``record_many`` of all its events
    (the crash tests kill it while that call runs)."""
    events = events_for(process, per_process)
    with open_kit(url, migrate=False) as kit:
        ready.set()
        kit.record_many(events)


def write_through_outages(url: str, process: int, per_process: int, log: str) -> None:
    """A writer that keeps going while the database goes away, as a host would: a batch
    that fails with ``StoreUnavailable`` is sent again after a pause. Every acknowledged
    event id, and every error's type and message, is appended to ``log`` (one JSON line
    each); any other error ends the process with a failure."""
    from motivekit import StoreUnavailable

    events = events_for(process, per_process)
    with open_kit(url, migrate=False) as kit, open(log, "a", encoding="utf-8") as out:
        i = 0
        while i < len(events):
            batch = events[i : i + 20]
            try:
                outcomes = kit.record_many(batch)
            except StoreUnavailable as exc:
                out.write(json.dumps({"error": type(exc).__name__, "message": str(exc)}) + "\n")
                out.flush()
                time.sleep(0.2)
                continue
            out.write(json.dumps({"acknowledged": [o.event_id for o in outcomes]}) + "\n")
            out.flush()
            i += len(batch)
