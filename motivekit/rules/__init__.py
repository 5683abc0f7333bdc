"""The motivation design file: ``motivation.yaml``, its checker and its expression language."""

from __future__ import annotations

from motivekit.rules._expr import Expression, ExpressionError, compile_expression
from motivekit.rules._lint import LINT_RULES, Finding, LintRule, lint
from motivekit.rules._load import Problem, Rules, RulesError, load_rules
from motivekit.rules._model import Design
from motivekit.rules._schema import design_schema, reference_markdown, schema_text, write_schema

__all__ = [
    "LINT_RULES",
    "Design",
    "Expression",
    "ExpressionError",
    "Finding",
    "LintRule",
    "Problem",
    "Rules",
    "RulesError",
    "compile_expression",
    "design_schema",
    "lint",
    "load_rules",
    "reference_markdown",
    "schema_text",
    "write_schema",
]
