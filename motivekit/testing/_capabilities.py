"""Capability flags: tests a store runs only if its contract class says it can.

A test that needs a capability is defined with :func:`requires`, which hides it from
pytest: the class attribute is a holder, not a function, so pytest does not collect it.
When a contract class is subclassed, :meth:`Contract.__init_subclass__` puts the function
back on the subclass for every test whose capabilities the subclass declares, and the
holder for every other one (also where a parent class declared more). So the declaration
is the switch: no ``pytest.skip`` at run time, and a test that is not declared for is not
collected at all, rather than reported as skipped.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, ClassVar

from motivekit.store import Store

__all__ = ["Capability", "Contract", "StoreOpener", "requires"]

StoreOpener = Callable[[], Store]
"""Opens the store under test again, in this process or another: it must pickle (a
``functools.partial(SqlStore, url)``), so that a spawned process can call it."""


class Capability(enum.Enum):
    """What a store can do beyond the protocol, declared in a contract class's
    ``capabilities``; the tests that check it run only where it is declared."""

    SEVERAL_PROCESSES = "several processes"
    """Several processes may open the store at once and write through it: their units of
    work are serialised, so the journal stays gapless and unique. Its test spawns two
    processes that each call the ``store_opener`` fixture."""

    DURABLE = "durable"
    """What a committed unit of work wrote is there after the store is closed and opened
    again (and what a failed one wrote is not). Its tests open the store with the
    ``store_opener`` fixture, twice."""


class _Gated:
    """A test that needs ``needs``; not callable, so pytest does not collect it."""

    def __init__(self, function: Callable[..., None], needs: frozenset[Capability]) -> None:
        self.function = function
        self.needs = needs

    def __repr__(self) -> str:
        flags = ", ".join(sorted(c.name for c in self.needs))
        return f"<{self.function.__name__}: needs {flags}>"


def requires(*needed: Capability) -> Callable[[Callable[..., None]], _Gated]:
    """Make a contract test run only in classes that declare every one of ``needed``."""
    if not needed or not all(isinstance(c, Capability) for c in needed):
        raise TypeError(f"requires() takes one or more Capability members, got {needed!r}")

    def gate(function: Callable[..., None]) -> _Gated:
        return _Gated(function, frozenset(needed))

    return gate


class Contract:
    """The base of the contract classes: capability flags and the tests they switch on."""

    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    """What the store under test can do beyond the protocol (see :class:`Capability`);
    a subclass declares it, e.g. ``capabilities = frozenset({Capability.DURABLE})``."""

    _gated: ClassVar[dict[str, _Gated]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = cls.capabilities
        if not isinstance(declared, frozenset) or not all(
            isinstance(c, Capability) for c in declared
        ):
            raise TypeError(
                f"{cls.__name__}.capabilities must be a frozenset of Capability members, "
                f"got {declared!r}"
            )
        gated: dict[str, _Gated] = {}
        for base in reversed(cls.__mro__[1:]):
            gated.update(getattr(base, "_gated", {}))
        own = vars(cls)
        for name, value in own.items():
            if isinstance(value, _Gated):
                gated[name] = value
            elif name in gated:
                del gated[name]  # the subclass defines a test of the same name itself
        cls._gated = gated
        for name, test in gated.items():
            setattr(cls, name, test.function if test.needs <= declared else test)

    @classmethod
    def capability_tests(cls) -> dict[str, frozenset[Capability]]:
        """Every test of this class that needs a capability, with what it needs; those
        the class does not declare for are not collected."""
        return {name: test.needs for name, test in cls._gated.items()}
