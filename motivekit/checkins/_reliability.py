"""How consistently a group answered each construct's items: Cronbach's alpha and
McDonald's omega.

Both are computed per construct over the respondents who answered all of its items
(listwise), on the reverse-keyed values, from the sample covariance matrix (n - 1).

* alpha = k / (k - 1) * (1 - sum of item variances / variance of the item sum)
  (Cronbach 1951).
* omega = (sum of loadings)^2 / ((sum of loadings)^2 + sum of unique variances), from a
  one-factor model fitted by unweighted least squares (McDonald 1999). The fit is
  iterated principal axis factoring, whose fixed point is the least-squares solution; a
  unique variance is kept at zero or above. With three items the model is exactly
  identified and each squared loading is ``c_ij * c_ik / c_jk``.

Omega needs NumPy (``pip install 'motivekit[report]'``); alpha does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from motivekit._errors import ConfigError
from motivekit.checkins._instrument import Construct, Instrument
from motivekit.checkins._scoring import Answer, check_answers, keyed

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["Reliability", "alpha_of", "covariance", "omega_of", "reliability"]

_MAX_ROUNDS = 10_000
_TOLERANCE = 1e-12


@attrs.frozen
class Reliability:
    """One construct's internal consistency in one group."""

    construct: Construct
    respondents: int
    """Respondents who answered every item of the construct (the others are left out)."""
    items: int
    alpha: float | None
    """None with fewer than 2 items or 2 respondents, or no variance in the sum."""
    omega: float | None
    """None with fewer than 3 items or 3 respondents, or no common variance."""


def covariance(rows: Sequence[Sequence[float]]) -> list[list[float]]:
    """The sample covariance matrix (n - 1) of ``rows`` (respondents by items)."""
    n, k = len(rows), len(rows[0])
    means = [sum(r[j] for r in rows) / n for j in range(k)]
    return [
        [sum((r[a] - means[a]) * (r[b] - means[b]) for r in rows) / (n - 1) for b in range(k)]
        for a in range(k)
    ]


def alpha_of(cov: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha from an item covariance matrix."""
    k = len(cov)
    total = sum(sum(row) for row in cov)
    if k < 2 or total <= 0:
        return None
    return k / (k - 1) * (1 - sum(cov[i][i] for i in range(k)) / total)


def _loadings(s: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    import numpy as np

    variances = np.diag(s).copy()
    scale = np.sqrt(variances)
    r = np.abs(s / np.outer(scale, scale))
    np.fill_diagonal(r, 0.0)
    communal = variances * np.max(r, axis=1)  # a start that needs no inverse of s
    loadings: npt.NDArray[np.float64] = np.sqrt(communal)
    for _ in range(_MAX_ROUNDS):
        reduced = s.copy()
        np.fill_diagonal(reduced, communal)
        values, vectors = np.linalg.eigh(reduced)
        loadings = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
        updated = np.minimum(loadings**2, variances)
        if float(np.max(np.abs(updated - communal))) < _TOLERANCE:
            break
        communal = updated
    return loadings


def omega_of(cov: Sequence[Sequence[float]]) -> float | None:
    """McDonald's omega from an item covariance matrix (one-factor, least squares)."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - NumPy comes with the [report] extra
        raise ConfigError(
            "McDonald's omega needs NumPy; install it with pip install 'motivekit[report]'"
        ) from None

    s = np.asarray(cov, dtype=np.float64)
    if len(s) < 3 or float(np.min(np.diag(s))) <= 0:
        return None
    loadings = _loadings(s)
    if float(np.sum(loadings)) < 0:
        loadings = -loadings
    common = float(np.sum(loadings)) ** 2
    unique = float(np.sum(np.clip(np.diag(s) - loadings**2, 0.0, None)))
    if common <= 0:
        return None
    return common / (common + unique)


def reliability(
    instrument: Instrument, answer_sets: Iterable[Mapping[str, Answer]]
) -> dict[Construct, Reliability]:
    """Alpha and omega of every construct of ``instrument`` over a group's answers."""
    checked = [check_answers(instrument, answers) for answers in answer_sets]
    out: dict[Construct, Reliability] = {}
    for construct, items in instrument.constructs.items():
        rows = [
            [keyed(instrument, i, given[i.id]) for i in items]
            for given in checked
            if all(i.id in given for i in items)
        ]
        k, n = len(items), len(rows)
        cov = covariance(rows) if n >= 2 else None
        alpha = alpha_of(cov) if cov is not None else None
        omega = omega_of(cov) if cov is not None and n >= 3 else None
        out[construct] = Reliability(construct, n, k, alpha, omega)
    return out
