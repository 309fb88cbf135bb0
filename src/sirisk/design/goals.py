"""Targets and constraints on metrics: what a design must achieve, parsed and checked at the door.

A target is ``{metric path: (statistic, value)}``: the statistic of the
metric over the draws must equal the value. A constraint is
``{metric path: (statistic, "<=" | ">=", value)}``. Either may give a list
of such tuples for one metric.

Examples
--------
>>> from sirisk.scenarios import load
>>> portfolio = load("dsi2021")[0]
>>> [g.text for g in parse_goals({"holbaek/investor_irr": ("mean", 0.06)}, "target", portfolio)]
['holbaek/investor_irr mean = 0.06']
>>> parse_goals({"holbaek/municipality_overpaid": ("probability", "<=", 1.2)}, "subject_to", portfolio)
Traceback (most recent call last):
...
sirisk.errors.SpecError: subject_to['holbaek/municipality_overpaid']: value is 1.2; a probability lies in [0, 1]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

from ..errors import SpecError
from .metrics import MetricPath, Statistic, parse_metric, parse_statistic

__all__ = ["Goal", "parse_goals"]

RELATIONS = ("=", "<=", ">=")


@dataclass(frozen=True)
class Goal:
    """One target (``relation`` "=") or constraint ("<=", ">=") on a statistic of a metric."""

    metric: MetricPath
    statistic: Statistic
    relation: str
    value: float

    @property
    def text(self) -> str:
        return f"{self.metric.text} {self.statistic} {self.relation} {self.value:g}"

    @property
    def is_target(self) -> bool:
        return self.relation == "="

    def shortfall(self, estimate: float) -> float:
        """How far ``estimate`` is from meeting the goal (0 when a constraint holds; signed for a target)."""
        if self.relation == "=":
            return estimate - self.value
        if self.relation == "<=":
            return max(estimate - self.value, 0.0)
        return max(self.value - estimate, 0.0)


def parse_goals(goals, kind: str, portfolio) -> list[Goal]:
    """``kind`` is ``"target"`` (tuples of statistic and value) or ``"subject_to"`` (statistic, relation, value)."""
    if goals is None:
        return []
    if not isinstance(goals, Mapping):
        raise SpecError(f"{kind} is {type(goals).__name__}; must map metric paths to "
                        + ("(statistic, value)" if kind == "target" else "(statistic, '<=' or '>=', value)"))
    out = []
    for path, spec in goals.items():
        where = f"{kind}[{path!r}]"
        metric = parse_metric(path, portfolio)
        # One goal, ("mean", 0.06), or several, [("mean", 0.06), ("median", 0.05)] (a file writes tuples as lists).
        several = isinstance(spec, (list, tuple)) and bool(spec) and all(isinstance(i, (list, tuple)) for i in spec)
        for item in (spec if several else [spec]):
            item = tuple(item) if isinstance(item, (tuple, list)) else (item,)
            if kind == "target":
                if len(item) != 2:
                    raise SpecError(f"{where}: is {item!r}; a target is (statistic, value), e.g. ('mean', 0.06)")
                statistic, value = item
                relation = "="
            else:
                if len(item) != 3:
                    raise SpecError(f"{where}: is {item!r}; a constraint is (statistic, '<=' or '>=', value), "
                                    "e.g. ('probability', '<=', 0.1)")
                statistic, relation, value = item
                if relation not in ("<=", ">="):
                    raise SpecError(f"{where}: relation is {relation!r}; must be '<=' or '>='")
            stat = parse_statistic(statistic, metric)
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
                raise SpecError(f"{where}: value is {value!r}; must be a finite number")
            value = float(value)
            if (stat.kind == "probability" or metric.is_boolean) and not 0.0 <= value <= 1.0:
                raise SpecError(f"{where}: value is {value:g}; a probability lies in [0, 1]")
            out.append(Goal(metric, stat, relation, value))
    texts = [g.text for g in out]
    for t in texts:
        if texts.count(t) > 1:
            raise SpecError(f"{kind}: {t!r} is given twice; give each goal once")
    return out
