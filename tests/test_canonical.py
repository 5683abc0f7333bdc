"""Canonical bytes: the stable encoding the audit log will hash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motivekit import InvalidEvent
from motivekit._canonical import MAX_SAFE_INTEGER, JSONValue, canonical_bytes, check_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def test_known_vector() -> None:
    value = {"b": [1, True, None], "a": "ü✓", "c": {"z": -5, "y": ""}}
    assert canonical_bytes(check_json(value, "v", InvalidEvent)) == (
        '{"a":"ü✓","b":[1,true,null],"c":{"y":"","z":-5}}'.encode()
    )


def test_keys_sort_by_code_point() -> None:
    assert canonical_bytes({"é": 1, "z": 2, "Z": 3, "a": 4}) == '{"Z":3,"a":4,"z":2,"é":1}'.encode()


@given(json_values)
def test_round_trip_and_determinism(value: JSONValue) -> None:
    checked = check_json(value, "v", InvalidEvent)
    raw = canonical_bytes(checked)
    assert json.loads(raw) == checked
    assert canonical_bytes(json.loads(raw)) == raw  # re-encoding is a fixed point
    assert b"\n" not in raw
    assert b": " not in raw


@given(st.dictionaries(st.text(max_size=5), st.integers(0, 9), min_size=2, max_size=6))
def test_insertion_order_does_not_matter(value: dict[str, int]) -> None:
    reversed_value = dict(reversed(list(value.items())))
    assert canonical_bytes(value) == canonical_bytes(reversed_value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"score": 0.5}, r"Event.data\['score'\] is a float \(0.5\)"),
        ({"xs": [1, 2, 1e3]}, r"Event.data\['xs'\]\[2\] is a float"),
        ({"n": 2**53}, r"Event.data\['n'\] is 9007199254740992, outside"),
        ({"n": -(2**53)}, r"outside the exactly representable range"),
        ({1: "x"}, r"Event.data has a key of type int"),
        ({"when": object()}, r"Event.data\['when'\] is of type object"),
        ({"b": b"raw"}, r"is of type bytes"),
        ({"nan": float("nan")}, r"is a float"),
        ({"s": "\ud800"}, r"Event.data\['s'\] contains a lone surrogate"),
        ({"\udfff": 1}, r"Event.data has a key with a lone surrogate"),
    ],
)
def test_rejects_values_without_a_canonical_form(value: object, message: str) -> None:
    with pytest.raises(InvalidEvent, match=message):
        check_json(value, "Event.data", InvalidEvent)


def test_rejects_deep_nesting() -> None:
    value: object = 1
    for _ in range(40):
        value = [value]
    with pytest.raises(InvalidEvent, match="nested more than 32 levels"):
        check_json(value, "Event.data", InvalidEvent)


def test_check_json_copies() -> None:
    original = {"tags": ["a"]}
    checked = check_json(original, "v", InvalidEvent)
    original["tags"].append("b")
    assert checked == {"tags": ["a"]}
