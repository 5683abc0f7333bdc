"""The motivation design file: ``motivation.yaml``, its checker and its expression language."""

from __future__ import annotations

from motivekit.rules._expr import Expression, ExpressionError, compile_expression
from motivekit.rules._load import Problem, Rules, RulesError, load_rules
from motivekit.rules._model import Design

__all__ = [
    "Design",
    "Expression",
    "ExpressionError",
    "Problem",
    "Rules",
    "RulesError",
    "compile_expression",
    "load_rules",
]
