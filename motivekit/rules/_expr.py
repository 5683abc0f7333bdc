"""A small, safe expression language for conditions and values in the design file.

``event.data.lines >= 10 and event.actor != owner`` is parsed once, at load time, with
Python's own parser and then checked against a whitelist; it is never passed to ``eval``.
What is allowed:

* names given by the context (``event``, ``owner`` …) and ``true``/``false``/``null``
  (Python's ``True``/``False``/``None`` too), numbers and strings, lists of literals;
* attribute access ``a.b`` on names (reads a key of a mapping; never an ``_``-prefixed
  name) and subscripts with a literal, ``a["b"]`` / ``a[0]``;
* ``and``, ``or``, ``not``; comparisons ``== != < <= > >= in``/``not in``;
  ``+ - * / %`` and unary ``-`` on numbers, ``+`` also joining two strings or two lists
  (repeating text or a list and ``%``-formatting give ``null``: they could build values far
  larger than the event they came from);
* ``x if condition else y``.

Anything else (calls, lambdas, comprehensions, dunder attributes …) is an
:class:`ExpressionError` that names the column. Evaluating never raises: a missing key is
``null``, and an operation on values of the wrong types gives ``null`` (a comparison gives
``false``), so a rule that does not apply simply does not fire.

Each expression also knows, before it ever runs, the kinds of value it can give
(:attr:`Expression.kinds`): ``event.data.x > 3`` only ever gives a boolean, ``'a' + 'b'``
a string, and anything that reads the event could give any kind. The loader uses this to
refuse, say, a difficulty that can never be a number.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Collection, Mapping
from typing import Any

import attrs

__all__ = [
    "KINDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "compile_expression",
    "describe_kinds",
    "kind_of",
]

MAX_LENGTH = 500
MAX_DEPTH = 20

KINDS = frozenset({"boolean", "number", "string", "null", "list"})
"""Every kind of value an expression can give; all of them for one that reads data."""

Evaluator = Callable[[Mapping[str, Any]], Any]
Kinds = frozenset[str]
Compiled = tuple[Evaluator, Kinds]
_LITERAL_NAMES = {"true": True, "false": False, "null": None}

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}


class ExpressionError(ValueError):
    """An expression is outside the language; ``column`` is 1-based within the text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@attrs.frozen
class Expression:
    """A parsed expression: ``text`` as written, evaluated with :meth:`evaluate`."""

    text: str
    names: frozenset[str]
    """The context names it reads (``event``, ``owner`` …)."""
    _run: Evaluator = attrs.field(repr=False, eq=False)
    kinds: frozenset[str] = KINDS
    """The kinds of value it can give (a subset of :data:`KINDS`), known without running it:
    ``"boolean"``, ``"number"``, ``"string"``, ``"null"``, ``"list"``. All of them when it
    passes on data it reads (``event.data.x``), which may also be a mapping."""

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The value in ``context`` (never raises for data it was not written for)."""
        return self._run(context)


def compile_expression(text: str, allowed_names: Collection[str]) -> Expression:
    """Parse and check ``text``; :class:`ExpressionError` if it is not in the language."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("an expression must be a non-empty string", 1)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            MAX_LENGTH + 1,
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression: {exc.msg}", exc.offset or 1) from None
    offset = len(text) - len(text.lstrip())
    compiler = _Compiler(frozenset(allowed_names), offset)
    run, kinds = compiler.compile(tree.body, 0)
    return Expression(text, frozenset(compiler.names), run, kinds)


def kind_of(value: Any) -> str | None:
    """The kind of a value as :attr:`Expression.kinds` names it (None for a mapping)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return None


_KIND_WORDS = {
    "boolean": "true/false",
    "number": "a number",
    "string": "a string",
    "list": "a list",
    "null": "null",
}


def describe_kinds(kinds: Collection[str]) -> str:
    """``kinds`` in words: ``a string or null``; ``any kind of value`` for all of them."""
    if set(kinds) >= KINDS:
        return "any kind of value"
    words = [word for kind, word in _KIND_WORDS.items() if kind in kinds]
    return " or ".join(words) if words else "nothing"


_BOOLEAN: Kinds = frozenset({"boolean"})
_NULL: Kinds = frozenset({"null"})
_NUMBER_OR_NULL: Kinds = frozenset({"number", "null"})
_ARITHMETIC_KINDS: dict[tuple[type[ast.operator], str, str], Kinds] = {
    # What _safe can give for operands of these kinds (every other pair gives null, as does
    # any boolean operand). Arithmetic on numbers may give null too: division by zero, or
    # an integer too large to meet a float.
    **{(op, "number", "number"): _NUMBER_OR_NULL for op in _ARITHMETIC},
    (ast.Add, "string", "string"): frozenset({"string"}),
    (ast.Add, "list", "list"): frozenset({"list"}),
    # Repetition (``'ab' * n``) and formatting (``'%999999d' % x``) are refused (null):
    # either can build a value far larger than the event that fed it.
}


def _arithmetic_kinds(op: type[ast.operator], left: Kinds, right: Kinds) -> Kinds:
    found: set[str] = set()
    for a in left:
        for b in right:
            found |= _ARITHMETIC_KINDS.get((op, a, b), _NULL)
    return frozenset(found)


def _negation_kinds(operand: Kinds) -> Kinds:
    """``-x``: a number for a number, else null (``-true`` too, as ``true + 1`` is)."""
    found: set[str] = set()
    if "number" in operand:
        found.add("number")
    if operand - {"number"}:
        found.add("null")
    return frozenset(found)


class _Compiler:
    def __init__(self, allowed: frozenset[str], offset: int) -> None:
        self.allowed = allowed
        self.offset = offset
        self.names: set[str] = set()
        self.paths: dict[int, tuple[str, tuple[str | int, ...]]] = {}
        """The nodes (by id, while the tree is alive) that read a path from a context name:
        the name and the keys read."""

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, getattr(node, "col_offset", 0) + self.offset + 1)

    def compile(self, node: ast.expr, depth: int) -> Compiled:
        """The evaluator of ``node`` and the kinds of value it can give."""
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the expression nests more than {MAX_DEPTH} levels deep")
        method = getattr(self, _HANDLERS.get(type(node), ""), None)
        if method is None:
            raise self.fail(node, f"{_describe(node)} is not allowed in expressions")
        compiled: Compiled = method(node, depth + 1)
        return compiled

    def _constant(self, node: ast.Constant, depth: int) -> Compiled:
        value = node.value
        kind = kind_of(value)
        if kind is None:  # bytes, complex numbers, ...
            raise self.fail(node, f"the literal {value!r} is not allowed")
        return (lambda _: value), frozenset({kind})

    def _name(self, node: ast.Name, depth: int) -> Compiled:
        name = node.id
        if name in _LITERAL_NAMES:
            literal = _LITERAL_NAMES[name]
            return (lambda _: literal), frozenset({kind_of(literal) or "null"})
        if name in ("True", "False", "None"):  # parsed as Constant; kept for clarity
            raise self.fail(node, f"unexpected name {name!r}")
        if name not in self.allowed:
            known = ", ".join(sorted(self.allowed)) or "none"
            raise self.fail(node, f"unknown name {name!r}; available here: {known}")
        self.names.add(name)
        self.paths[id(node)] = (name, ())
        return (lambda context: context.get(name)), KINDS

    def _attribute(self, node: ast.Attribute, depth: int) -> Compiled:
        if node.attr.startswith("_"):
            raise self.fail(
                node, f"attribute {node.attr!r} is not allowed (names may not start with _)"
            )
        inner, _ = self.compile(node.value, depth)
        return self._key(node, inner, node.attr), KINDS

    def _subscript(self, node: ast.Subscript, depth: int) -> Compiled:
        index = node.slice
        if not isinstance(index, ast.Constant) or not isinstance(index.value, (str, int)):
            raise self.fail(index, "only a literal string or integer may go inside [ ]")
        if isinstance(index.value, str) and index.value.startswith("_"):
            raise self.fail(
                index, f"key {index.value!r} is not allowed (names may not start with _)"
            )
        inner, _ = self.compile(node.value, depth)
        return self._key(node, inner, index.value), KINDS

    def _key(
        self, node: ast.Attribute | ast.Subscript, inner: Evaluator, key: str | int
    ) -> Evaluator:
        """Reading ``key`` of what ``inner`` gives. A path from a context name
        (``event.data.lines``) is read in one loop rather than one call per step: these
        are most of what a design file's expressions do, for every event."""
        path = self.paths.get(id(node.value))
        if path is None:
            return lambda context: _lookup(inner(context), key)
        name, keys = path[0], (*path[1], key)
        self.paths[id(node)] = (name, keys)
        first, rest = keys[0], keys[1:]

        def run(context: Mapping[str, Any]) -> Any:
            value = _lookup(context.get(name), first)
            for k in rest:
                if value is None:
                    return None
                value = _lookup(value, k)
            return value

        return run

    def _bool_op(self, node: ast.BoolOp, depth: int) -> Compiled:
        parts = [self.compile(v, depth)[0] for v in node.values]
        if isinstance(node.op, ast.And):
            return (lambda context: all(_truthy(p(context)) for p in parts)), _BOOLEAN
        return (lambda context: any(_truthy(p(context)) for p in parts)), _BOOLEAN

    def _unary_op(self, node: ast.UnaryOp, depth: int) -> Compiled:
        inner, kinds = self.compile(node.operand, depth)
        if isinstance(node.op, ast.Not):
            return (lambda context: not _truthy(inner(context))), _BOOLEAN
        if isinstance(node.op, ast.USub):
            return (lambda context: _safe(operator.neg, inner(context))), _negation_kinds(kinds)
        raise self.fail(node, f"the operator {type(node.op).__name__} is not allowed")

    def _bin_op(self, node: ast.BinOp, depth: int) -> Compiled:
        op = _ARITHMETIC.get(type(node.op))
        if op is None:
            raise self.fail(node, f"the operator {type(node.op).__name__} is not allowed")
        (left, left_kinds), (right, right_kinds) = (
            self.compile(node.left, depth),
            self.compile(node.right, depth),
        )
        kinds = _arithmetic_kinds(type(node.op), left_kinds, right_kinds)
        return (lambda context: _safe(op, left(context), right(context))), kinds

    def _compare(self, node: ast.Compare, depth: int) -> Compiled:
        ops = []
        for op in node.ops:
            fn = _COMPARE.get(type(op))
            if fn is None:
                raise self.fail(node, f"the comparison {type(op).__name__} is not allowed")
            ops.append(fn)
        operands = [self.compile(node.left, depth)[0]] + [
            self.compile(c, depth)[0] for c in node.comparators
        ]

        if len(ops) == 1:  # the usual case, without a list per evaluation
            (fn,), (left, right) = ops, operands
            ordered = fn not in (operator.eq, operator.ne)

            def run_one(context: Mapping[str, Any]) -> bool:
                a, b = left(context), right(context)
                if ordered and (a is None or b is None):
                    return False
                return _compared(fn, a, b) is True

            return run_one, _BOOLEAN

        def run(context: Mapping[str, Any]) -> bool:
            values = [o(context) for o in operands]
            for fn, a, b in zip(ops, values, values[1:], strict=False):
                if (a is None or b is None) and fn not in (operator.eq, operator.ne):
                    return False
                result = _safe(fn, a, b)
                if result is not True:
                    return False
            return True

        return run, _BOOLEAN

    def _if_exp(self, node: ast.IfExp, depth: int) -> Compiled:
        test, _ = self.compile(node.test, depth)
        body, body_kinds = self.compile(node.body, depth)
        orelse, orelse_kinds = self.compile(node.orelse, depth)
        return (
            lambda context: body(context) if _truthy(test(context)) else orelse(context)
        ), body_kinds | orelse_kinds

    def _list(self, node: ast.List | ast.Tuple, depth: int) -> Compiled:
        items = [self.compile(e, depth)[0] for e in node.elts]
        return (lambda context: [i(context) for i in items]), frozenset({"list"})

    _tuple = _list


_HANDLERS: dict[type[ast.AST], str] = {
    ast.Constant: "_constant",
    ast.Name: "_name",
    ast.Attribute: "_attribute",
    ast.Subscript: "_subscript",
    ast.BoolOp: "_bool_op",
    ast.UnaryOp: "_unary_op",
    ast.BinOp: "_bin_op",
    ast.Compare: "_compare",
    ast.IfExp: "_if_exp",
    ast.List: "_list",
    ast.Tuple: "_tuple",
}


def _describe(node: ast.AST) -> str:
    names = {
        "Call": "a function call",
        "Lambda": "a lambda",
        "ListComp": "a comprehension",
        "SetComp": "a comprehension",
        "DictComp": "a comprehension",
        "GeneratorExp": "a generator",
        "NamedExpr": "an assignment (:=)",
        "Await": "await",
        "Starred": "unpacking (*)",
        "JoinedStr": "an f-string",
        "Dict": "a dict literal",
        "Set": "a set literal",
    }
    return names.get(type(node).__name__, type(node).__name__)


def _lookup(value: Any, key: str | int) -> Any:
    if type(value) is dict:  # event data and the context: no ABC check needed
        return value.get(key)
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
        return value[key]
    return None


def _truthy(value: Any) -> bool:
    return bool(value)


_ARITHMETIC_FNS = frozenset({*_ARITHMETIC.values(), operator.neg})
_GROWING = frozenset({operator.mul, operator.mod})


def _compared(fn: Callable[[Any, Any], bool], a: Any, b: Any) -> Any:
    """A comparison as :func:`_safe` makes it (no comparison is arithmetic or growing)."""
    try:
        return fn(a, b)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None


def _safe(fn: Callable[..., Any], *args: Any) -> Any:
    if fn in _ARITHMETIC_FNS and any(isinstance(a, bool) for a in args):
        return None
    if fn in _GROWING and any(isinstance(a, str | list) for a in args):
        return None  # repetition and %-formatting could build huge values
    try:
        return fn(*args)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
