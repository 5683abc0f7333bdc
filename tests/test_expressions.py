"""The design file's expression language: safe, parsed once, never raising at run time."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motivekit.rules._expr import (
    KINDS,
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    compile_expression,
    describe_kinds,
    kind_of,
)

NAMES = ("event", "owner")
EVENT = {
    "event": {
        "actor": "ada",
        "kind": "review.submitted",
        "data": {"lines": 42, "tags": ["x"], "approved": True},
    },
    "owner": "lin",
}


def value(text: str, context: dict[str, Any] = EVENT) -> Any:
    return compile_expression(text, NAMES).evaluate(context)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("event.data.lines >= 10 and event.actor != owner", True),
        ("event.data.lines >= 10 and event.actor == owner", False),
        ("event.data.approved", True),
        ("not event.data.approved or false", False),
        ("event.data['lines'] % 5", 2),
        ("event.data.lines * 2 + 1", 85),
        ("-event.data.lines", -42),
        ("'x' in event.data.tags", True),
        ("event.kind in ['review.submitted', 'review.updated']", True),
        ("event.data.tags[0]", "x"),
        ("event.data.tags[5]", None),
        ("event.data.missing", None),
        ("event.data.missing.deeper", None),
        ("event.data.missing > 3", False),
        ("event.data.missing == null", True),
        ("event.data.lines / 0", None),
        ("'a' + 1", None),
        ("3 if event.data.lines > 40 else 1", 3),
        ("1 < event.data.lines < 100", True),
        ("  event.actor  ", "ada"),
        ("true and True", True),
    ],
)
def test_evaluation(text: str, expected: Any) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("__import__('os')", "a function call is not allowed", 1),
        ("event.__class__", "attribute '__class__' is not allowed", 1),
        ("event._secret", "attribute '_secret' is not allowed", 1),
        ("event['__dict__']", "key '__dict__' is not allowed", 7),
        ("event.data.lines >= len(x)", "a function call is not allowed", 21),
        ("[x for x in event]", "a comprehension is not allowed", 1),
        ("lambda: 1", "a lambda is not allowed", 1),
        ("(y := 1)", "an assignment", 2),
        ("f'{event}'", "an f-string is not allowed", 1),
        ("{'a': 1}", "a dict literal is not allowed", 1),
        ("actor == 'ada'", "unknown name 'actor'; available here: event, owner", 1),
        ("event.data.lines >=", "not a valid expression", None),
        ("event[event.kind]", "only a literal string or integer may go inside", 7),
        ("event.data.lines ** 2", "the operator Pow is not allowed", 1),
        ("event is None", "the comparison Is is not allowed", 1),
        ("", "must be a non-empty string", 1),
    ],
)
def test_rejected_with_column(text: str, message: str, column: int | None) -> None:
    with pytest.raises(ExpressionError, match=message) as caught:
        compile_expression(text, NAMES)
    if column is not None:  # (a syntax error's column is the Python parser's to choose)
        assert caught.value.column == column
    assert caught.value.column >= 1


def test_bounded_size_and_depth() -> None:
    with pytest.raises(ExpressionError, match="the limit is 500"):
        compile_expression("1 + " * 200 + "1", NAMES)
    with pytest.raises(ExpressionError, match=f"nests more than {MAX_DEPTH} levels"):
        compile_expression("-" * 30 + "1", NAMES)


def test_names_read_are_reported() -> None:
    assert compile_expression("event.actor != owner", NAMES).names == {"event", "owner"}


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=10,
)


@given(json_like)
def test_evaluating_never_raises(data: Any) -> None:
    for text in (
        "event.data.lines >= 10 and event.actor != owner",
        "event.data.x + 1 > 2",
        "-event.data",
        "event.data[0] in event.data",
    ):
        compile_expression(text, NAMES).evaluate({"event": {"data": data}, "owner": data})


# -- the kinds of value an expression can give ------------------------------------------------

ANY = set(KINDS)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("1", {"number"}),
        ("-2.5", {"number"}),
        ("'hard'", {"string"}),
        ("true", {"boolean"}),
        ("False", {"boolean"}),
        ("null", {"null"}),
        ("None", {"null"}),
        ("[1, 'a']", {"list"}),
        ("(1, 2)", {"list"}),
        ("event", ANY),
        ("owner", ANY),
        ("event.data.x", ANY),
        ("event.data['x'][0]", ANY),
        ("[1, 2][0]", ANY),  # subscripts are not followed
        ("event.data.x > 3", {"boolean"}),
        ("1 < 2 < 3", {"boolean"}),
        ("not event.data.x", {"boolean"}),
        ("event.data.x and 3", {"boolean"}),  # and/or give true/false, not an operand
        ("event.data.x or 'a'", {"boolean"}),
        ("'a' + 'b'", {"string"}),
        ("[1] + [2]", {"list"}),
        ("1 + 2", {"number", "null"}),  # numbers may meet a division by zero or an overflow
        ("1 / 0", {"number", "null"}),
        ("'a' + 1", {"null"}),
        ("true + 1", {"null"}),
        ("'ab' * 2", {"null"}),
        ("2 * [0]", {"null"}),
        ("'%s!' % event.data.x", {"null"}),
        ("'%s!' % true", {"null"}),
        ("event.data.x + 1", {"number", "null"}),
        ("event.data.x + event.data.y", {"number", "string", "list", "null"}),
        ("event.data.x - 1", {"number", "null"}),
        ("event.data.x * 2", {"number", "null"}),
        ("-event.data.x", {"number", "null"}),
        ("-true", {"null"}),
        ("-'a'", {"null"}),
        ("3 if event.data.x else 'x'", {"number", "string"}),
        ("3 if event.data.x else event.data.y", ANY),
    ],
)
def test_kinds_are_known_before_running(text: str, kinds: set[str]) -> None:
    assert compile_expression(text, NAMES).kinds == kinds


def test_kinds_in_words() -> None:
    assert describe_kinds({"string"}) == "a string"
    assert describe_kinds({"null", "string", "boolean"}) == "true/false or a string or null"
    assert describe_kinds(KINDS) == "any kind of value"


LEAF_TEXTS = st.one_of(
    st.integers(-12, 12).map(str),
    st.sampled_from(["0.5", "-1.5", "1e308", "1e999", "1" + "0" * 310]),  # > the largest float
    st.sampled_from(["''", "'ab'", "'%s'", "'%d'", "'%s%s'"]),
    st.sampled_from(["true", "false", "null", "True", "None"]),
    st.sampled_from(["event.data.x", "event.data.y", "event.data.xs", "event.data.m", "owner"]),
)
"""Literals and reads (huge values included; no repeat count big enough to exhaust memory)."""


def _combine(parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def binary(op: str) -> st.SearchStrategy[str]:
        return st.tuples(parts, parts).map(lambda ab: f"({ab[0]} {op} {ab[1]})")

    return st.one_of(
        *(binary(op) for op in ("+", "-", "*", "/", "%", "and", "or", "==", "<", "in")),
        parts.map(lambda a: f"(-{a})"),
        parts.map(lambda a: f"(not {a})"),
        st.tuples(parts, parts, parts).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.lists(parts, max_size=2).map(lambda xs: "[" + ", ".join(xs) + "]"),
    )


EXPRESSIONS = st.recursive(LEAF_TEXTS, _combine, max_leaves=6).filter(
    lambda text: len(text) <= MAX_LENGTH
)
DATA = st.fixed_dictionaries(
    {},
    optional={
        "x": json_like,
        "y": json_like,
        "xs": st.lists(st.integers(-3, 3) | st.text(max_size=2), max_size=3),
        "m": st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    },
)


@given(EXPRESSIONS, DATA)
def test_a_value_is_always_of_a_kind_its_expression_said(text: str, data: Any) -> None:
    expression = compile_expression(text, NAMES)
    result = expression.evaluate({"event": {"data": data}, "owner": data.get("x")})
    kind = kind_of(result)
    if kind is None:  # a mapping read from the data: only an expression that can give anything
        assert expression.kinds == KINDS, (text, result)
    else:
        assert kind in expression.kinds, (text, result, expression.kinds)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("event.data.s * event.data.n", {"s": "ab", "n": 10**9}),
        ("event.data.n * event.data.s", {"s": "ab", "n": 10**9}),
        ("event.data.l * event.data.n", {"l": [1], "n": 10**9}),
        ("'%999999999d' % event.data.n", {"n": 1}),
        ("event.data.s % event.data.n", {"s": "%s", "n": 1}),
    ],
)
def test_values_cannot_be_blown_up_from_an_event(text: str, data: dict[str, object]) -> None:
    """Repetition and %-formatting give null: they could build values far larger than the
    event (and exhaust memory) from a few bytes of data."""
    assert compile_expression(text, NAMES).evaluate({"event": {"data": data}}) is None
