"""The design file's expression language: safe, parsed once, never raising at run time."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motivekit.rules._expr import MAX_DEPTH, ExpressionError, compile_expression

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
