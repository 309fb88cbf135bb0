"""Fast inverse CDF of the beta family, by scipy's Hermite interpolation of the inverse (HINV).

scipy's exact beta ``ppf`` (Boost's ``ibeta_inv``) is slow per value: the
22 PERT inputs of ``dsi2021`` at 100,000 draws took longer than the rest of
the run. ``scipy.stats.sampling.NumericalInverseHermite`` (UNU.RAN's HINV)
builds, once per shape, a piecewise Hermite interpolant of the inverse from
the exact CDF, whose error in probability is below ``U_RESOLUTION``, and
then inverts far faster than ``ppf`` (docs/performance.md has the figures). A shift of 1e-12 in probability is far below anything a sample of a
few million draws can resolve (a Latin hypercube stratum of 100,000 draws
is 1e-5 wide).

Where UNU.RAN cannot reach that accuracy (densities with a pole at a bound,
``a < 1`` or ``b < 1``) the exact ``ppf`` is used. PINV, the polynomial
method, was tried first and rejected: for shapes as ordinary as
Beta(1.5, 1.9) its setup ran for three minutes and then failed.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
from scipy import stats
from scipy.stats.sampling import NumericalInverseHermite, UNURANError

__all__ = ["beta_ppf", "U_RESOLUTION"]

U_RESOLUTION = 1e-12


@functools.lru_cache(maxsize=256)
def _inverse(a: float, b: float):
    """A HINV generator for Beta(a, b), or None where it cannot reach ``U_RESOLUTION``."""
    if a < 1 or b < 1:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # UNU.RAN warns, rather than fails, when it loses accuracy
            return NumericalInverseHermite(stats.beta(a, b), u_resolution=U_RESOLUTION, random_state=0)
    except (UNURANError, RuntimeWarning):
        return None


def beta_ppf(a: float, b: float, u) -> np.ndarray:
    """Inverse CDF of Beta(a, b) on [0, 1] at probabilities ``u``, to within ``U_RESOLUTION`` in probability.

    Examples
    --------
    >>> from scipy import stats
    >>> u = np.linspace(0, 1, 11)
    >>> x = beta_ppf(2.0, 3.0, u)
    >>> bool(np.abs(stats.beta(2.0, 3.0).cdf(x) - u).max() < 1e-11)
    True
    >>> bool(beta_ppf(0.5, 0.5, [0.3]) == stats.beta(0.5, 0.5).ppf(0.3))  # poles at the bounds: exact
    True
    """
    u = np.asarray(u, dtype=float)
    inverse = _inverse(float(a), float(b))
    if inverse is None:
        return stats.beta(a, b).ppf(u)
    return np.asarray(inverse.ppf(u), dtype=float)
