"""Canonical JSON encoding of journal entries.

The bytes of a journal entry are what the audit log hashes, so the same value must
always encode to the same bytes, on every platform and in every future version:

* object keys sorted by Unicode code point, no insignificant whitespace;
* UTF-8, non-ASCII characters written as themselves (not ``\\u`` escapes);
* no floats at all (their text form is not portable); integers in ``(-2**53, 2**53)``
  so every JSON reader gets them back exactly;
* only ``null``, booleans, integers, strings, arrays and objects with string keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

__all__ = [
    "MAX_DEPTH",
    "MAX_SAFE_INTEGER",
    "JSONValue",
    "canonical_bytes",
    "canonical_text",
    "check_json",
    "is_encodable",
]

JSONValue: TypeAlias = bool | int | str | list["JSONValue"] | dict[str, "JSONValue"] | None

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 32

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def is_encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (lone surrogates such as ``"\\ud800"`` cannot)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def canonical_bytes(value: JSONValue) -> bytes:
    """Encode an already checked JSON value to its canonical bytes."""
    return _ENCODER.encode(value).encode("utf-8")


def canonical_text(value: JSONValue) -> str:
    """The canonical text of an already checked JSON value (its bytes, not yet encoded)."""
    return _ENCODER.encode(value)


def check_json(value: object, where: str, error: type[Exception]) -> JSONValue:
    """Return a deep, plain copy of ``value`` or raise ``error`` naming the bad part.

    ``where`` names the value in messages, e.g. ``"Event.data"``; nested parts are
    reported as ``Event.data['scores'][2]``.
    """
    return _check(value, where, error, 0)


def _check(value: object, where: str, error: type[Exception], depth: int) -> JSONValue:
    if depth > MAX_DEPTH:
        raise error(f"{where} is nested more than {MAX_DEPTH} levels deep; flatten it")
    if isinstance(value, str):
        if not is_encodable(value):
            raise error(f"{where} contains a lone surrogate code point; send valid Unicode text")
        return value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return int(value)
        raise error(
            f"{where} is {value}, outside the exactly representable range "
            f"±(2**53 - 1); send it as a string instead"
        )
    if isinstance(value, float):
        raise error(
            f"{where} is a float ({value!r}); floats are not allowed because they do "
            f"not encode canonically. Send an integer in a smaller unit "
            f"(e.g. 75 for 75%, or milliseconds) or a decimal string such as {str(value)!r}"
        )
    if isinstance(value, Mapping):
        out: dict[str, JSONValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise error(
                    f"{where} has a key of type {type(key).__name__} ({key!r}); "
                    f"keys must be strings"
                )
            if not is_encodable(key):
                raise error(f"{where} has a key with a lone surrogate code point ({key!r})")
            out[key] = _check(item, f"{where}[{key!r}]", error, depth + 1)
        return out
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_check(item, f"{where}[{i}]", error, depth + 1) for i, item in enumerate(value)]
    raise error(
        f"{where} is of type {type(value).__name__}; allowed are None, bool, int, str, "
        f"lists and dicts with string keys (convert it, e.g. a datetime to an ISO string)"
    )


def loads(raw: bytes) -> Any:
    """Decode canonical bytes (used when reading journal entries back)."""
    return json.loads(raw.decode("utf-8"))
