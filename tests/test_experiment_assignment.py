"""Experiment arms: deterministic, weighted, and the same in every process."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from motivekit import InvalidInput
from motivekit.experiments import Arm, assign

ARMS = [Arm("v7"), Arm("v8")]
PEOPLE = [f"person-{i}" for i in range(400)]


def test_the_same_in_another_process() -> None:
    here = [assign("menu-rationale", p, ARMS).version for p in PEOPLE]
    code = (
        "from motivekit.experiments import Arm, assign\n"
        f"people = {PEOPLE!r}\n"
        "arms = [Arm('v7'), Arm('v8')]\n"
        "print(','.join(assign('menu-rationale', p, arms).version for p in people))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345"},
    )
    assert out.stdout.strip().split(",") == here


def test_arms_follow_their_weights_and_experiments_are_independent() -> None:
    people = [f"p{i}" for i in range(20_000)]
    counts = Counter(assign("x", p, [Arm("a", 3), Arm("b", 1)]).version for p in people)
    assert counts["a"] / len(people) == pytest.approx(0.75, abs=0.015)
    one = [assign("x", p, ARMS).version for p in people]
    other = [assign("y", p, ARMS).version for p in people]
    agree = sum(a == b for a, b in zip(one, other, strict=True)) / len(people)
    assert agree == pytest.approx(0.5, abs=0.02)  # not the same split for every experiment


def test_bad_arms_are_named() -> None:
    with pytest.raises(InvalidInput, match="at least two arms"):
        assign("x", "ada", [Arm("v7")])
    with pytest.raises(InvalidInput, match="arms must name different versions"):
        assign("x", "ada", [Arm("v7"), Arm("v7")])
    with pytest.raises(InvalidInput, match="weight must be above 0"):
        Arm("v7", 0)
    with pytest.raises(InvalidInput, match="user must be a string"):
        assign("x", 3, ARMS)  # type: ignore[arg-type]
