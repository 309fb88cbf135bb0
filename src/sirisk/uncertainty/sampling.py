"""Sampling uncertain parameters: plain Monte Carlo, Latin hypercube or scrambled Sobol, with a copula and shared shocks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import qmc

from .._seeding import seed_sequence
from ..errors import SpecError
from .. import _checks
from .copula import GaussianCopula
from .distributions import Distribution

__all__ = ["SharedShock", "Uncertainty", "sample", "METHODS"]

METHODS = ("mc", "lhs", "sobol")


def _split(where, name):
    if not isinstance(name, str) or "/" not in name:
        raise SpecError(f"{where}: parameter is {name!r}; name it 'programme/path', e.g. 'holbaek/effects.ips.hazard_ratio'")
    return name.split("/", 1)


@dataclass(frozen=True)
class SharedShock:
    """A factor drawn once per draw that multiplies parameters of several programmes at once.

    For example a labour-market shock that moves the employment hazards of
    every programme in the same direction in the same draw. Targets must be
    hazard scale factors (``"programme/hazards.a->b.scale"``, base value 1);
    where a target is itself uncertain the two multiply.

    Examples
    --------
    >>> from sirisk.uncertainty import LogNormal
    >>> SharedShock("labour_market", LogNormal.from_median_high(1.0, 1.3),
    ...             ["holbaek/hazards.sick_pay->employed.scale"]).targets
    ('holbaek/hazards.sick_pay->employed.scale',)
    """

    name: str
    distribution: Distribution
    targets: tuple[str, ...]

    def __post_init__(self):
        _checks.name("shock", "name", self.name)
        where = f"shock {self.name!r}"
        if not isinstance(self.distribution, Distribution):
            raise _checks.fail(where, "distribution", self.distribution, "must be a sirisk distribution")
        targets = _checks.as_tuple(where, "targets", self.targets)
        if not targets:
            raise _checks.fail(where, "targets", targets, "name at least one parameter")
        for t in targets:
            _, path = _split(where, t)
            if not (path.startswith("hazards.") and path.endswith(".scale")):
                raise _checks.fail(where, "targets", t, "a shock scales hazards: 'programme/hazards.<a>-><b>.scale'")
        object.__setattr__(self, "targets", targets)


@dataclass(frozen=True)
class Uncertainty:
    """What is uncertain, how it depends, and how to sample it.

    Parameters
    ----------
    parameters : mapping of "programme/path" to Distribution
    copula : GaussianCopula, optional
        Over some of the parameter and shock names (a shock is named by its name).
    shocks : sequence of SharedShock
    method : {"mc", "lhs", "sobol"}
        Plain Monte Carlo, Latin hypercube, or scrambled Sobol (scipy.stats.qmc).
    labels : mapping of name to str, optional
        What each parameter or shock is, in words (figures and tables use them).

    Examples
    --------
    >>> from sirisk.uncertainty import PERT
    >>> u = Uncertainty({"a/effects.e.hazard_ratio": PERT(0.8, 1.2, 1.8)}, method="lhs")
    >>> u.names
    ('a/effects.e.hazard_ratio',)
    """

    parameters: Mapping[str, Distribution]
    copula: GaussianCopula | None = None
    shocks: tuple[SharedShock, ...] = ()
    method: str = "mc"
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        where = "uncertainty"
        params = dict(self.parameters)
        for name, dist in params.items():
            _split(where, name)
            if not isinstance(dist, Distribution):
                raise _checks.fail(where, f"parameters[{name!r}]", dist, "must be a sirisk distribution")
        object.__setattr__(self, "parameters", params)
        shocks = _checks.items(where, "shocks", self.shocks, SharedShock)
        _checks.unique_names(where, "shock name", (s.name for s in shocks))
        object.__setattr__(self, "shocks", shocks)
        if self.method not in METHODS:
            raise _checks.fail(where, "method", self.method, f"must be one of {METHODS}")
        if self.copula is not None:
            if not isinstance(self.copula, GaussianCopula):
                raise _checks.fail(where, "copula", self.copula, "must be a GaussianCopula")
            for n in self.copula.names:
                if n not in self.names:
                    raise _checks.fail(where, "copula name", n, "must be an uncertain parameter or a shock")
        if not isinstance(self.labels, Mapping):
            raise _checks.fail(where, "labels", self.labels, "must map parameter or shock names to text")
        labels = dict(self.labels)
        for n, text in labels.items():
            if n not in self.names:
                raise _checks.fail(where, "labels key", n, "must be an uncertain parameter or a shock")
            if not isinstance(text, str) or not text.strip():
                raise _checks.fail(where, f"labels[{n!r}]", text, "must be a non-empty text")
        object.__setattr__(self, "labels", labels)

    def label(self, name: str) -> str:
        """The label of a parameter or shock (its name if it has none)."""
        return self.labels.get(name, name)

    @property
    def names(self) -> tuple[str, ...]:
        """Sampled variables: the parameters, then the shocks."""
        return tuple(self.parameters) + tuple(s.name for s in self.shocks)


def _uniforms(method: str, n: int, k: int, seq: np.random.SeedSequence) -> np.ndarray:
    rng = np.random.default_rng(seq)
    if method == "mc":
        return rng.random((n, k))
    engine = qmc.LatinHypercube(d=k, rng=rng) if method == "lhs" else qmc.Sobol(d=k, scramble=True, rng=rng)
    if method == "sobol" and n & (n - 1):
        # Sobol points are balanced for powers of 2: draw the next one up and keep the first n.
        return engine.random(1 << int(np.ceil(np.log2(n))))[:n]
    return engine.random(n)


def sample(uncertainty: Uncertainty, n: int, *, rng=None) -> dict[str, np.ndarray]:
    """Draw ``n`` values of every uncertain parameter and shock.

    Returns ``{name: values}`` for every parameter (shocks already applied to
    their targets; a target that was not itself uncertain appears with the
    shock's values) and every shock (by its name).

    Examples
    --------
    >>> from sirisk.uncertainty import Uniform
    >>> u = Uncertainty({"a/effects.e.hazard_ratio": Uniform(1, 2)})
    >>> values = sample(u, 5, rng=1)["a/effects.e.hazard_ratio"]
    >>> values.shape, bool(((1 <= values) & (values <= 2)).all())
    ((5,), True)
    """
    if not isinstance(uncertainty, Uncertainty):
        raise SpecError(f"uncertainty is {type(uncertainty).__name__}; must be a sirisk Uncertainty")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SpecError(f"n is {n!r}; must be a positive whole number")
    names = uncertainty.names
    u = _uniforms(uncertainty.method, int(n), len(names), seed_sequence(rng))
    if uncertainty.copula is not None:
        cols = [names.index(c) for c in uncertainty.copula.names]
        u[:, cols] = uncertainty.copula.correlate(u[:, cols])
    dists = list(uncertainty.parameters.values()) + [s.distribution for s in uncertainty.shocks]
    out = {name: dist.ppf(u[:, j]) for j, (name, dist) in enumerate(zip(names, dists))}
    for shock in uncertainty.shocks:
        for target in shock.targets:
            out[target] = out.get(target, 1.0) * out[shock.name]
    return out
