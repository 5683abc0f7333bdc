"""The motivation design file: ``motivation.yaml``, its checker and its expression language.

The classes of a ``tracks:`` entry are exported too, so a skill track can be defined in code
and checked like one from a file (:func:`check_track`).
"""

from __future__ import annotations

from motivekit._errors import RulesError
from motivekit.rules._checks import check_track
from motivekit.rules._expr import Expression, ExpressionError, compile_expression
from motivekit.rules._lint import LINT_RULES, Finding, LintRule, lint
from motivekit.rules._load import Problem, Rules, load_rules
from motivekit.rules._model import (
    BktModel,
    CriteriaModel,
    Design,
    EloK,
    EloModel,
    Evidence,
    Level,
    Retention,
    Scale,
    Track,
    TrackModel,
)
from motivekit.rules._schema import design_schema, reference_markdown, schema_text, write_schema

__all__ = [
    "LINT_RULES",
    "BktModel",
    "CriteriaModel",
    "Design",
    "EloK",
    "EloModel",
    "Evidence",
    "Expression",
    "ExpressionError",
    "Finding",
    "Level",
    "LintRule",
    "Problem",
    "Retention",
    "Rules",
    "RulesError",
    "Scale",
    "Track",
    "TrackModel",
    "check_track",
    "compile_expression",
    "design_schema",
    "lint",
    "load_rules",
    "reference_markdown",
    "schema_text",
    "write_schema",
]
