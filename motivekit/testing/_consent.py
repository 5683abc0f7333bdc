"""The consent slice's contract: each person's choice per mechanic; and, for a durable
store, that the choices survive reopening.
"""

from __future__ import annotations

import pytest

from motivekit.store import Store
from motivekit.testing._capabilities import Capability, Contract, StoreOpener, requires
from motivekit.testing._values import AT, opened

__all__ = ["ConsentContract"]


class ConsentContract(Contract):
    """The consent slice (:class:`~motivekit.store.ConsentSession`); needs no other slice."""

    def test_consent_choices_are_per_user_and_mechanic(self, store: Store) -> None:
        with store.writing() as s:
            s.set_consent("ada", "goals", False, AT)
            s.set_consent("ada", "nudges", True, AT)
            s.set_consent("ada", "goals", True, AT)
            s.set_consent("lin", "impact", False, AT)
        with store.reading() as s:
            assert s.consents(["ada", "lin", "kim"]) == {
                "ada": {"goals": True, "nudges": True},
                "lin": {"impact": False},
            }

    def test_deleting_consents_forgets_one_persons_choices(self, store: Store) -> None:
        with store.writing() as s:
            s.set_consent("ada", "goals", False, AT)
            s.set_consent("ada", "impact", True, AT)
            s.set_consent("lin", "goals", False, AT)
        with store.writing() as s:
            s.delete_consents("ada")
            s.delete_consents("nobody")  # nothing to delete: fine
        with store.reading() as s:
            assert s.consents(["ada", "lin"]) == {"lin": {"goals": False}}
            assert s.consents([]) == {}
            many = [f"x{i}" for i in range(1200)] + ["lin"]
            assert s.consents(many) == {"lin": {"goals": False}}

    def test_a_failed_unit_of_work_leaves_no_consent_writes(self, store: Store) -> None:
        with store.writing() as s:
            s.set_consent("ada", "goals", False, AT)

        def failing_unit_of_work() -> None:
            with store.writing() as s:
                s.set_consent("ada", "goals", True, AT)
                s.set_consent("lin", "impact", False, AT)
                s.delete_consents("ada")
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            failing_unit_of_work()
        with store.reading() as s:
            assert s.consents(["ada", "lin"]) == {"ada": {"goals": False}}

    @requires(Capability.DURABLE)
    def test_committed_consent_survives_reopening(self, store_opener: StoreOpener) -> None:
        with opened(store_opener) as store, store.writing() as s:
            s.set_consent("ada", "goals", False, AT)
            s.set_consent("ada", "nudges", True, AT)
        with opened(store_opener) as store, store.reading() as s:
            assert s.consents(["ada"]) == {"ada": {"goals": False, "nudges": True}}
