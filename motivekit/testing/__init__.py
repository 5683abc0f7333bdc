"""The store contract: the behaviour every storage backend must have, as pytest classes.

Importing this package needs pytest (in motivekit's ``dev`` extra); nothing else in
motivekit imports it.

Checking a store
----------------
Subclass :class:`StoreContract` in a test module (its name must start with ``Test``) and
give it one fixture, ``store``, that yields a fresh, empty store and closes it afterwards::

    import pytest
    from motivekit.testing import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            store = MyStore(tmp_path / "data")
            yield store
            store.close()

pytest then runs every contract test against it; ``tests/test_store_contract.py`` does
exactly this for motivekit's own stores. A store can also be built and checked one slice
of the protocol (:mod:`motivekit.store`) at a time, with the class of that slice:
:class:`JournalContract` first, then :class:`ConsentContract`, :class:`GoalsContract`
(which also appends entries and sets consent), :class:`SkillsContract` (which also saves
replay progress) and :class:`ImpactContract`. :class:`StoreContract` is all five.

Tenants
-------
:class:`TenantContract` checks that two tenants of one database see and change none of
each other's data through any method of the protocol, the same keys in both being two
rows. Subclass it with a ``tenant_opener`` fixture: a callable that opens the store of a
named tenant of one shared, empty database (``functools.partial(SqlStore, url, tenant=...)``
as ``lambda tenant: SqlStore(url, tenant=tenant)``).

Capabilities
------------
Some behaviour is not promised by every store. A contract class declares what its store
can do in ``capabilities``; the tests of a capability are collected only in a class that
declares it (no skipping at run time: the declaration is the switch, and
:meth:`StoreContract.capability_tests` lists them):

* :attr:`Capability.SEVERAL_PROCESSES`: several processes can write through the store at
  once. Two spawned processes append entries concurrently, reserving sequence numbers
  through the store's own head; the journal must end gapless and hold each entry once.
* :attr:`Capability.DURABLE`: a committed unit of work is there after the store is closed
  and opened again; a failed one is not.

Both need a second fixture, ``store_opener``: a picklable callable (such as
``functools.partial(SqlStore, url)``) that opens the same store again::

    class TestMyFileStore(StoreContract):
        capabilities = frozenset({Capability.SEVERAL_PROCESSES, Capability.DURABLE})

        @pytest.fixture
        def store_opener(self, tmp_path):
            return functools.partial(MyStore, tmp_path / "data")

        @pytest.fixture
        def store(self, store_opener):
            store = store_opener()
            yield store
            store.close()
"""

from __future__ import annotations

import pytest

# Failing contract assertions should show the values compared, as the author's own tests do.
pytest.register_assert_rewrite(
    *(
        f"motivekit.testing.{m}"
        for m in (
            "_consent",
            "_goals",
            "_impact",
            "_journal",
            "_missions",
            "_person",
            "_skills",
            "_tenants",
            "_values",
        )
    )
)

from motivekit.testing._capabilities import Capability, StoreOpener  # noqa: E402
from motivekit.testing._consent import ConsentContract  # noqa: E402
from motivekit.testing._goals import GoalsContract  # noqa: E402
from motivekit.testing._impact import ImpactContract  # noqa: E402
from motivekit.testing._journal import JournalContract  # noqa: E402
from motivekit.testing._skills import SkillsContract  # noqa: E402
from motivekit.testing._tenants import TenantContract, TenantOpener  # noqa: E402

__all__ = [
    "Capability",
    "ConsentContract",
    "GoalsContract",
    "ImpactContract",
    "JournalContract",
    "SkillsContract",
    "StoreContract",
    "StoreOpener",
    "TenantContract",
    "TenantOpener",
]


class StoreContract(
    JournalContract, GoalsContract, ConsentContract, SkillsContract, ImpactContract
):
    """Every slice's contract: subclass it and provide a ``store`` fixture (and, for the
    capabilities declared, ``store_opener``)."""
