"""The Django session: one unit of work on one database alias, every protocol slice."""

from __future__ import annotations

from motivekit_django.store._consent import ConsentSlice
from motivekit_django.store._goals import GoalsSlice
from motivekit_django.store._impact import ImpactSlice
from motivekit_django.store._journal import JournalSlice
from motivekit_django.store._skills import SkillsSlice

__all__ = ["DjangoSession"]


class DjangoSession(JournalSlice, GoalsSlice, ConsentSlice, SkillsSlice, ImpactSlice):
    """One unit of work through the ORM: every slice of :class:`~motivekit.store.Session`."""
