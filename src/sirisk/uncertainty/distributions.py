"""Input distributions for uncertain parameters, built on scipy.stats.

Each distribution is an immutable, validated spec with ``ppf(u)`` (the
inverse CDF, used by every sampler so that Latin hypercube, Sobol and copula
draws all go through one path), ``frozen`` (the scipy.stats distribution)
and ``describe()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .. import _checks
from .inversion import beta_ppf

__all__ = ["Fixed", "Uniform", "Triangular", "PERT", "Normal", "TruncatedNormal", "LogNormal", "Beta", "Gamma",
           "Poisson", "NegativeBinomial", "Empirical", "Truncated", "Distribution"]


class Distribution:
    """Base: subclasses define ``frozen``."""

    @property
    def frozen(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def ppf(self, u) -> np.ndarray:
        """Values at probabilities ``u`` (inverse CDF)."""
        return np.asarray(self.frozen.ppf(np.asarray(u, dtype=float)), dtype=float)

    def expected_value(self) -> float:
        return float(self.frozen.mean())

    def interval(self, coverage: float = 0.9) -> tuple[float, float]:
        lo, hi = self.frozen.interval(coverage)
        return float(lo), float(hi)

    def mass_below(self, x: float, inclusive: bool = False) -> float:
        """P(X < x), or P(X <= x) with ``inclusive``."""
        return float(self.frozen.cdf(x if inclusive else np.nextafter(x, -np.inf)))

    def mass_above(self, x: float) -> float:
        """P(X > x)."""
        return float(self.frozen.sf(x))

    def describe(self) -> str:
        lo, hi = self.interval(0.9)
        return f"{self!r}: mean {self.expected_value():.4g}, 90 % interval [{lo:.4g}, {hi:.4g}]"


def _pos(where, field, value):
    return _checks.real(where, field, value, low=0.0, low_open=True)


@dataclass(frozen=True, repr=True)
class Fixed(Distribution):
    """A known value (every draw the same).

    Examples
    --------
    >>> Fixed(3.0).ppf([0.1, 0.9]).tolist()
    [3.0, 3.0]
    """

    value: float

    def __post_init__(self):
        object.__setattr__(self, "value", _checks.real("Fixed", "value", self.value))

    def ppf(self, u):
        return np.full(np.shape(u), self.value, dtype=float)

    def expected_value(self):
        return self.value

    def interval(self, coverage=0.9):
        return self.value, self.value

    @property
    def frozen(self):
        return stats.uniform(loc=self.value, scale=0.0)

    def mass_below(self, x, inclusive=False):
        return float(self.value <= x if inclusive else self.value < x)

    def mass_above(self, x):
        return float(self.value > x)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high].

    Examples
    --------
    >>> Uniform(2, 4).ppf([0.0, 0.5, 1.0]).tolist()
    [2.0, 3.0, 4.0]
    """

    low: float
    high: float

    def __post_init__(self):
        object.__setattr__(self, "low", _checks.real("Uniform", "low", self.low))
        object.__setattr__(self, "high", _checks.real("Uniform", "high", self.high, low=self.low, low_open=True))

    @property
    def frozen(self):
        return stats.uniform(loc=self.low, scale=self.high - self.low)


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on [low, high] with its peak at ``mode``.

    Examples
    --------
    >>> round(Triangular(0, 1, 2).expected_value(), 12)
    1.0
    """

    low: float
    mode: float
    high: float

    def __post_init__(self):
        w = "Triangular"
        object.__setattr__(self, "low", _checks.real(w, "low", self.low))
        object.__setattr__(self, "high", _checks.real(w, "high", self.high, low=self.low, low_open=True))
        object.__setattr__(self, "mode", _checks.real(w, "mode", self.mode, low=self.low, high=self.high))

    @property
    def frozen(self):
        return stats.triang((self.mode - self.low) / (self.high - self.low), loc=self.low, scale=self.high - self.low)


@dataclass(frozen=True)
class PERT(Distribution):
    """(Modified) PERT on [low, high] with mode ``mode`` and shape ``shape`` (4: classic PERT).

    A scaled beta with ``a = 1 + shape (mode - low) / (high - low)`` and
    ``b = 1 + shape (high - mode) / (high - low)``; mean
    ``(low + shape mode + high) / (shape + 2)``.

    Examples
    --------
    >>> round(PERT(0, 1, 5).expected_value(), 12)   # (0 + 4 + 5) / 6
    1.5
    """

    low: float
    mode: float
    high: float
    shape: float = 4.0

    def __post_init__(self):
        w = "PERT"
        object.__setattr__(self, "low", _checks.real(w, "low", self.low))
        object.__setattr__(self, "high", _checks.real(w, "high", self.high, low=self.low, low_open=True))
        object.__setattr__(self, "mode", _checks.real(w, "mode", self.mode, low=self.low, high=self.high))
        object.__setattr__(self, "shape", _pos(w, "shape", self.shape))

    @property
    def _ab(self) -> tuple[float, float]:
        span = self.high - self.low
        return 1 + self.shape * (self.mode - self.low) / span, 1 + self.shape * (self.high - self.mode) / span

    @property
    def frozen(self):
        return stats.beta(*self._ab, loc=self.low, scale=self.high - self.low)

    def ppf(self, u):
        """Values at probabilities ``u``, by :func:`~sirisk.uncertainty.inversion.beta_ppf` (fast; error < 1e-12 in u)."""
        return self.low + (self.high - self.low) * beta_ppf(*self._ab, u)


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal with mean and standard deviation.

    Examples
    --------
    >>> Normal(1.0, 2.0).ppf([0.5]).tolist()
    [1.0]
    """

    mean: float
    sd: float

    def __post_init__(self):
        object.__setattr__(self, "mean", _checks.real("Normal", "mean", self.mean))
        object.__setattr__(self, "sd", _pos("Normal", "sd", self.sd))

    @property
    def frozen(self):
        return stats.norm(self.mean, self.sd)


@dataclass(frozen=True)
class TruncatedNormal(Distribution):
    """A normal (``mean``, ``sd`` before truncation) restricted to [low, high].

    Examples
    --------
    >>> d = TruncatedNormal(0.0, 1.0, low=0.0, high=np.inf)
    >>> float(d.ppf([0.0])[0])
    0.0
    """

    mean: float
    sd: float
    low: float = -np.inf
    high: float = np.inf

    def __post_init__(self):
        w = "TruncatedNormal"
        object.__setattr__(self, "mean", _checks.real(w, "mean", self.mean))
        object.__setattr__(self, "sd", _pos(w, "sd", self.sd))
        for f in ("low", "high"):
            v = getattr(self, f)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or np.isnan(v):
                raise _checks.fail(w, f, v, "must be a number (infinite allowed)")
        if not self.low < self.high:
            raise _checks.fail(w, "high", self.high, f"must be above low={self.low}")

    @property
    def frozen(self):
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Lognormal given by its mean and standard deviation (on the natural scale).

    Use :meth:`from_median_high` to give it by its median and a high
    percentile instead (e.g. a hazard ratio with median 1.25 and 95th
    percentile 1.8).

    Examples
    --------
    >>> d = LogNormal(mean=2.0, sd=0.5)
    >>> round(d.expected_value(), 12), round(float(d.frozen.std()), 12)
    (2.0, 0.5)
    >>> d = LogNormal.from_median_high(1.25, 1.8, q=0.95)
    >>> round(float(d.ppf([0.5])[0]), 12), round(float(d.ppf([0.95])[0]), 12)
    (1.25, 1.8)
    """

    mean: float
    sd: float

    def __post_init__(self):
        object.__setattr__(self, "mean", _pos("LogNormal", "mean", self.mean))
        object.__setattr__(self, "sd", _pos("LogNormal", "sd", self.sd))

    @classmethod
    def from_median_high(cls, median: float, high: float, q: float = 0.95) -> "LogNormal":
        """The lognormal with this median and ``q``-quantile ``high``."""
        median = _pos("LogNormal", "median", median)
        high = _checks.real("LogNormal", "high", high, low=median, low_open=True)
        q = _checks.real("LogNormal", "q", q, low=0.5, high=1.0, low_open=True, high_open=True)
        sigma = np.log(high / median) / stats.norm.ppf(q)
        mean = median * np.exp(sigma ** 2 / 2)
        return cls(mean=float(mean), sd=float(mean * np.sqrt(np.expm1(sigma ** 2))))

    @property
    def sigma(self) -> float:
        return float(np.sqrt(np.log1p((self.sd / self.mean) ** 2)))

    @property
    def frozen(self):
        mu = np.log(self.mean) - self.sigma ** 2 / 2
        return stats.lognorm(s=self.sigma, scale=np.exp(mu))


@dataclass(frozen=True)
class Beta(Distribution):
    """Beta on [0, 1] given by its mean and standard deviation (e.g. a share or probability).

    Examples
    --------
    >>> d = Beta(mean=0.4, sd=0.1)
    >>> round(d.expected_value(), 12), round(float(d.frozen.std()), 12)
    (0.4, 0.1)
    >>> Beta(mean=0.5, sd=0.6)
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: Beta: sd is 0.6; must be below sqrt(mean (1 - mean)) = 0.5
    """

    mean: float
    sd: float

    def __post_init__(self):
        w = "Beta"
        object.__setattr__(self, "mean", _checks.real(w, "mean", self.mean, low=0.0, high=1.0, low_open=True,
                                                       high_open=True))
        object.__setattr__(self, "sd", _pos(w, "sd", self.sd))
        limit = np.sqrt(self.mean * (1 - self.mean))
        if self.sd >= limit:
            raise _checks.fail(w, "sd", self.sd, f"must be below sqrt(mean (1 - mean)) = {limit:.4g}")

    @property
    def _ab(self) -> tuple[float, float]:
        k = self.mean * (1 - self.mean) / self.sd ** 2 - 1
        return self.mean * k, (1 - self.mean) * k

    @property
    def frozen(self):
        return stats.beta(*self._ab)

    def ppf(self, u):
        """Values at probabilities ``u``, by :func:`~sirisk.uncertainty.inversion.beta_ppf` (fast; error < 1e-12 in u)."""
        return beta_ppf(*self._ab, u)


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma given by its mean and standard deviation.

    Examples
    --------
    >>> round(float(Gamma(mean=10, sd=5).frozen.std()), 12)
    5.0
    """

    mean: float
    sd: float

    def __post_init__(self):
        object.__setattr__(self, "mean", _pos("Gamma", "mean", self.mean))
        object.__setattr__(self, "sd", _pos("Gamma", "sd", self.sd))

    @property
    def frozen(self):
        shape = (self.mean / self.sd) ** 2
        return stats.gamma(shape, scale=self.mean / shape)


@dataclass(frozen=True)
class Poisson(Distribution):
    """Poisson counts (e.g. referrals) with the given mean.

    Examples
    --------
    >>> Poisson(180).ppf([0.5]).tolist()
    [180.0]
    """

    mean: float

    def __post_init__(self):
        object.__setattr__(self, "mean", _pos("Poisson", "mean", self.mean))

    @property
    def frozen(self):
        return stats.poisson(self.mean)


@dataclass(frozen=True)
class NegativeBinomial(Distribution):
    """Overdispersed counts with mean ``mean`` and standard deviation ``sd`` (> sqrt(mean)).

    Examples
    --------
    >>> d = NegativeBinomial(180, 30)
    >>> round(d.expected_value(), 9), round(float(d.frozen.std()), 9)
    (180.0, 30.0)
    """

    mean: float
    sd: float

    def __post_init__(self):
        w = "NegativeBinomial"
        object.__setattr__(self, "mean", _pos(w, "mean", self.mean))
        object.__setattr__(self, "sd", _checks.real(w, "sd", self.sd, low=float(np.sqrt(self.mean)), low_open=True))

    @property
    def frozen(self):
        p = self.mean / self.sd ** 2
        return stats.nbinom(self.mean * p / (1 - p), p)


@dataclass(frozen=True)
class Empirical(Distribution):
    """Draws from given values (e.g. posterior samples or historical outcomes), each equally likely.

    Examples
    --------
    >>> Empirical((3.0, 1.0, 2.0)).ppf([0.1, 0.5, 0.9]).tolist()
    [1.0, 2.0, 3.0]
    """

    values: tuple[float, ...]

    def __post_init__(self):
        values = _checks.as_tuple("Empirical", "values", self.values)
        if not values:
            raise _checks.fail("Empirical", "values", values, "give at least one value")
        object.__setattr__(self, "values", tuple(_checks.real("Empirical", f"values[{i}]", v)
                                                 for i, v in enumerate(values)))

    @property
    def frozen(self):
        return stats.rv_discrete(values=(np.array(self.values), np.full(len(self.values), 1 / len(self.values))))

    def ppf(self, u):
        ordered = np.sort(np.array(self.values))
        idx = np.clip(np.ceil(np.asarray(u, dtype=float) * len(ordered)).astype(int) - 1, 0, len(ordered) - 1)
        return ordered[idx]

    def expected_value(self):
        return float(np.mean(self.values))

    def interval(self, coverage=0.9):
        return tuple(float(v) for v in np.quantile(self.values, [(1 - coverage) / 2, (1 + coverage) / 2]))

    def mass_below(self, x, inclusive=False):
        v = np.array(self.values)
        return float(np.mean(v <= x if inclusive else v < x))

    def mass_above(self, x):
        return float(np.mean(np.array(self.values) > x))


@dataclass(frozen=True)
class Truncated(Distribution):
    """Any distribution restricted to [low, high] (and renormalised there).

    For a parameter whose distribution could leave the parameter's domain
    (a normal on a hazard scale, say): sirisk refuses such a distribution,
    naming the probability of leaving, unless it is truncated explicitly.

    Examples
    --------
    >>> from sirisk.uncertainty import Normal
    >>> d = Truncated(Normal(1.0, 0.6), low=0.0)
    >>> bool((d.ppf([0.0, 0.001, 0.5, 0.999]) >= 0).all()), d.mass_below(0.0)
    (True, 0.0)
    """

    distribution: Distribution
    low: float = -np.inf
    high: float = np.inf

    def __post_init__(self):
        w = "Truncated"
        if not isinstance(self.distribution, Distribution) or isinstance(self.distribution, Truncated):
            raise _checks.fail(w, "distribution", self.distribution, "must be a sirisk distribution (not truncated)")
        for f in ("low", "high"):
            v = getattr(self, f)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or np.isnan(v):
                raise _checks.fail(w, f, v, "must be a number (infinite allowed)")
            object.__setattr__(self, f, float(v))
        if not self.low < self.high:
            raise _checks.fail(w, "high", self.high, f"must be above low={self.low:g}")
        if self._kept <= 0:
            raise _checks.fail(w, "bounds", (self.low, self.high), f"{self.distribution!r} has no mass between them")

    @property
    def _lower(self) -> float:  # P(X < low) of the distribution truncated
        return self.distribution.mass_below(self.low)

    @property
    def _kept(self) -> float:
        return 1.0 - self._lower - self.distribution.mass_above(self.high)

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        x = self.distribution.ppf(self._lower + u * self._kept)
        return np.clip(x, self.low, self.high)  # rounding at the ends of the cdf stays inside

    def mass_below(self, x, inclusive=False):
        if x <= self.low and not (inclusive and x == self.low):
            return 0.0
        inside = self.distribution.mass_below(min(x, self.high), inclusive) - self._lower
        return float(np.clip(inside / self._kept, 0.0, 1.0))

    def mass_above(self, x):
        if x >= self.high:
            return 0.0
        return float(np.clip((self.distribution.mass_above(max(x, self.low)) - self.distribution.mass_above(self.high))
                             / self._kept, 0.0, 1.0))

    def expected_value(self):
        grid = (np.arange(4000) + 0.5) / 4000  # midpoint rule on the probability scale
        return float(self.ppf(grid).mean())

    def interval(self, coverage=0.9):
        lo, hi = self.ppf([(1 - coverage) / 2, (1 + coverage) / 2])
        return float(lo), float(hi)

    @property
    def frozen(self):  # pragma: no cover - everything above is defined without it
        raise AttributeError("Truncated has no scipy distribution of its own; use ppf, mass_below and mass_above")
