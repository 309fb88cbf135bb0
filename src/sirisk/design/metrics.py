"""Metrics by path and their statistics with Monte Carlo errors, for targets, constraints and tables.

A metric path names a per-draw results variable (:mod:`sirisk.analysis.schema`)
of one programme, ``"holbaek/investor_irr"``, of one of its investor's
tranches, ``"holbaek/tranche_loss[senior]"``, or of the portfolio,
``"portfolio/investor_irr"`` (the variables ``portfolio_*``). A statistic
says what of its distribution over draws counts: ``"mean"``, ``"median"``,
``"quantile(0.05)"``, or ``"probability"`` (of a yes/no variable such as
``municipality_overpaid``, ``investor_loss``, ``guarantee_full_cap``).

Examples
--------
>>> from sirisk.scenarios import load
>>> portfolio = load("dsi2021")[0]
>>> parse_metric("holbaek/investor_irr", portfolio).variable
'investor_irr'
>>> s = parse_statistic("quantile(0.05)", parse_metric("holbaek/investor_irr", portfolio))
>>> s.kind, s.q
('quantile', 0.05)
>>> parse_statistic("probability", parse_metric("holbaek/investor_irr", portfolio))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
sirisk.errors.SpecError: statistic 'probability' of 'holbaek/investor_irr': a probability needs a yes/no variable (municipality_overpaid, programme_harm, ...); take the probability of one of those
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..analysis import summary
from ..analysis.schema import PER_DRAW, PER_TRANCHE, PORTFOLIO_VARIABLES, VARIABLES
from ..errors import SpecError

__all__ = ["MetricPath", "Statistic", "parse_metric", "parse_statistic", "BOOLEAN_METRICS"]

BOOLEAN_METRICS = tuple(n for n in PER_DRAW if VARIABLES[n].is_boolean)
_QUANTILE = re.compile(r"^quantile\(\s*([0-9.eE+-]+)\s*\)$")
_TRANCHE = re.compile(r"^(\w+)\[(\w+)\]$")  # tranche_irr[senior]
_PORTFOLIO = {name[len("portfolio_"):]: name for name in PORTFOLIO_VARIABLES}


@dataclass(frozen=True)
class MetricPath:
    """A per-draw results variable of one programme (``programme``) or of the portfolio (``programme`` None),
    or of one of a programme's tranches (``tranche``)."""

    text: str
    programme: str | None
    variable: str
    tranche: str | None = None

    @property
    def is_boolean(self) -> bool:
        return self.programme is not None and VARIABLES[self.variable].is_boolean


def parse_metric(path: str, portfolio) -> MetricPath:
    """Check a metric path against a portfolio and the results schema."""
    where = f"metric {path!r}"
    if not isinstance(path, str) or "/" not in path:
        raise SpecError(f"{where}: name a metric 'programme/variable' or 'portfolio/variable', "
                        "e.g. 'holbaek/investor_irr'")
    programme, variable = path.split("/", 1)
    names = [d.name for d in portfolio.deals]
    if programme == "portfolio" and "portfolio" not in names:
        if variable not in _PORTFOLIO:
            raise SpecError(f"{where}: the portfolio's variables are {', '.join(_PORTFOLIO)}")
        return MetricPath(path, None, _PORTFOLIO[variable])
    if programme not in names:
        raise SpecError(f"{where}: programme is {programme!r}; must be one of {tuple(names)} or 'portfolio'")
    layered = _TRANCHE.match(variable)
    if layered:
        variable, tranche = layered.groups()
        if variable not in PER_TRANCHE:
            raise SpecError(f"{where}: variable is {variable!r}; a tranche's metric is one of {', '.join(PER_TRANCHE)}")
        tranches = portfolio.deals[names.index(programme)].investor.tranche_names
        if tranche not in tranches:
            raise SpecError(f"{where}: tranche is {tranche!r}; {programme}'s investor has "
                            + (f"the tranches {tranches}" if tranches else "no tranches"))
        return MetricPath(path, programme, variable, tranche)
    if variable not in PER_DRAW:
        raise SpecError(f"{where}: variable is {variable!r}; a metric is one value per draw: one of "
                        f"{', '.join(PER_DRAW)}, or a tranche's ({', '.join(PER_TRANCHE)}) as variable[tranche]")
    return MetricPath(path, programme, variable)


@dataclass(frozen=True)
class Statistic:
    """What of a metric's distribution over draws: its mean, median, a quantile, or a probability."""

    text: str
    kind: str
    q: float | None = None

    def estimate(self, values: np.ndarray) -> tuple[float, float]:
        """The statistic of per-draw ``values`` and its Monte Carlo standard error (NaN values ignored)."""
        if self.kind == "probability":
            return summary.probability(values)
        if self.kind == "mean":
            return summary.mean(values)
        return summary.quantile(values, 0.5 if self.kind == "median" else self.q)

    def __str__(self) -> str:
        return self.text


def parse_statistic(text: str, metric: MetricPath) -> Statistic:
    where = f"statistic {text!r} of {metric.text!r}"
    if not isinstance(text, str):
        raise SpecError(f"{where}: must be 'mean', 'median', 'quantile(q)' or 'probability'")
    text = text.strip()
    if text in ("mean", "median"):
        return Statistic(text, text)
    if text == "probability":
        if not metric.is_boolean:
            raise SpecError(f"{where}: a probability needs a yes/no variable ({', '.join(BOOLEAN_METRICS)}); "
                            "take the probability of one of those")
        return Statistic(text, "probability")
    m = _QUANTILE.match(text)
    if m:
        try:
            q = float(m.group(1))
        except ValueError:
            q = math.nan
        if not 0.0 < q < 1.0:
            raise SpecError(f"{where}: q is {m.group(1)}; a quantile's level must lie in (0, 1)")
        return Statistic(f"quantile({q:g})", "quantile", q)
    raise SpecError(f"{where}: must be 'mean', 'median', 'quantile(q)' (e.g. 'quantile(0.05)') or 'probability'")
