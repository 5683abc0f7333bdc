"""Check-ins: a team's own questionnaire, scored the way the research scores it.

A team declares its instrument (items, what each measures, the scale, the licence it
uses the items under: motivekit ships no item wording). :func:`score` turns one person's
answers into a score per construct; :func:`reliability` gives Cronbach's alpha and
McDonald's omega per construct over a group, and :func:`group_results` a group's
means, hidden below a minimum number of respondents.
"""

from __future__ import annotations

from motivekit.checkins._groups import MIN_RESPONDENTS, GroupResult, group_results
from motivekit.checkins._instrument import SELF_CONCORDANCE, Construct, Instrument, Item
from motivekit.checkins._reliability import Reliability, alpha_of, omega_of, reliability
from motivekit.checkins._scoring import ConstructScore, Scores, score

__all__ = [
    "MIN_RESPONDENTS",
    "SELF_CONCORDANCE",
    "Construct",
    "ConstructScore",
    "GroupResult",
    "Instrument",
    "Item",
    "Reliability",
    "Scores",
    "alpha_of",
    "group_results",
    "omega_of",
    "reliability",
    "score",
]
