"""Design experiments: comparing design-file versions fairly.

:func:`assign` puts a person in an arm by a hash, the same in every process;
:func:`effect` gives Hedges' g of one arm over another, adjusted for a baseline and with
a bootstrap interval resampled by team where teams exist.
"""

from __future__ import annotations

from motivekit.experiments._assignment import Arm, assign
from motivekit.experiments._effects import Effect, Observation, effect, hedges_g

__all__ = ["Arm", "Effect", "Observation", "assign", "effect", "hedges_g"]
