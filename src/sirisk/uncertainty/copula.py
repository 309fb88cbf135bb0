"""A Gaussian copula: dependence between uncertain parameters, whatever their marginals."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ..errors import SpecError
from .. import _checks

__all__ = ["GaussianCopula", "nearest_correlation"]


def nearest_correlation(matrix: np.ndarray, tol: float = 1e-12, max_iter: int = 1000) -> np.ndarray:
    """The nearest correlation matrix in the Frobenius norm (Higham 2002, alternating projections with Dykstra's correction).

    Examples
    --------
    >>> bad = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    >>> fixed = nearest_correlation(bad)
    >>> bool(np.linalg.eigvalsh(fixed).min() > -1e-10), np.allclose(np.diag(fixed), 1)
    (True, True)
    """
    y = np.array(matrix, dtype=float)
    correction = np.zeros_like(y)
    for _ in range(max_iter):
        r = y - correction
        w, v = np.linalg.eigh(r)
        x = (v * np.maximum(w, 0)) @ v.T  # projection on the PSD cone
        correction = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)  # projection on unit diagonal
        if np.linalg.norm(y_new - y) <= tol * max(1.0, np.linalg.norm(y)):
            y = y_new
            break
        y = y_new
    return (y + y.T) / 2


@dataclass(frozen=True)
class GaussianCopula:
    """Rank dependence between named uncertain parameters.

    Parameters
    ----------
    names : sequence of str
        Parameter names (``"programme/path"``), in the matrix's order.
    matrix : array_like
        Correlation matrix: Spearman rank correlations (``kind="spearman"``,
        converted to normal correlations by ``2 sin(pi rho / 6)``) or the
        normal (Gaussian) correlations themselves (``kind="normal"``).
    repair : bool
        A matrix that is not positive semi-definite is an error; with
        ``repair=True`` the nearest correlation matrix (Higham 2002) is used
        instead and ``repair_distance`` says how far it moved (Frobenius).

    Examples
    --------
    >>> c = GaussianCopula(["a/x", "b/y"], [[1, 0.5], [0.5, 1]])
    >>> round(float(c.normal_matrix[0, 1]), 4)
    0.5176
    >>> GaussianCopula(["a", "b", "c"], [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: copula: matrix is not positive semi-definite: its smallest eigenvalue is -0.816; pass repair=True to use the nearest correlation matrix (Higham 2002)
    """

    names: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    kind: str = "spearman"
    repair: bool = False
    normal_matrix: np.ndarray = field(init=False, repr=False, compare=False)
    repair_distance: float = field(init=False, default=0.0, compare=False)

    def __post_init__(self):
        where = "copula"
        names = tuple(_checks.as_tuple(where, "names", self.names))
        _checks.unique_names(where, "names", names)
        m = np.asarray(self.matrix, dtype=float)
        k = len(names)
        if m.shape != (k, k):
            raise SpecError(f"{where}: matrix shape is {m.shape}; needs ({k}, {k}) for {k} names")
        if not np.allclose(np.diag(m), 1.0):
            raise SpecError(f"{where}: matrix diagonal is {np.diag(m).tolist()}; every diagonal entry must be 1")
        bad = ~np.isfinite(m) | (np.abs(m) > 1)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise SpecError(f"{where}: matrix[{i}][{j}] is {float(m[i, j])!r}; correlations lie in [-1, 1]")
        if not np.allclose(m, m.T, atol=1e-12):
            i, j = np.unravel_index(np.argmax(np.abs(m - m.T)), m.shape)
            raise SpecError(f"{where}: matrix[{i}][{j}] is {float(m[i, j])} but matrix[{j}][{i}] is {float(m[j, i])}; "
                            "a correlation matrix is symmetric")
        if self.kind not in ("spearman", "normal"):
            raise SpecError(f"{where}: kind is {self.kind!r}; must be 'spearman' or 'normal'")
        normal = 2 * np.sin(np.pi * m / 6) if self.kind == "spearman" else m.copy()
        np.fill_diagonal(normal, 1.0)
        smallest = float(np.linalg.eigvalsh(normal).min())
        distance = 0.0
        if smallest < -1e-10:
            if not self.repair:
                raise SpecError(f"{where}: matrix is not positive semi-definite: its smallest eigenvalue is "
                                f"{smallest:.4g}; pass repair=True to use the nearest correlation matrix (Higham 2002)")
            repaired = nearest_correlation(normal)
            distance = float(np.linalg.norm(repaired - normal))
            normal = repaired
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "matrix", tuple(tuple(float(v) for v in row) for row in m))
        object.__setattr__(self, "normal_matrix", normal)
        object.__setattr__(self, "repair_distance", distance)

    def correlate(self, u: np.ndarray) -> np.ndarray:
        """Uniforms [n, k] (independent) -> uniforms [n, k] with this copula's dependence."""
        w, v = np.linalg.eigh(self.normal_matrix)
        root = v * np.sqrt(np.maximum(w, 0.0))  # root @ root.T == normal_matrix, also when singular
        z = stats.norm.ppf(np.clip(u, 1e-16, 1 - 1e-16)) @ root.T
        return stats.norm.cdf(z)
