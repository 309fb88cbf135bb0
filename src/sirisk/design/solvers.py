"""The numerical methods of :func:`sirisk.calibrate`: one term by bracketing, several by bounded least squares.

See :mod:`sirisk.design.calibrate` for the method in words. Everything here
works on an :class:`Objective`: the goal statistics of a block of terms as
a function of the terms' values, each evaluation (one settle) kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ..errors import SpecError
from ..money.deal import Portfolio
from .evaluator import DesignEvaluator
from .goals import Goal
from .terms import TermPath, term_value, with_terms

__all__ = ["Term", "Objective", "solve_1d", "solve_nd", "met", "fmt"]

MET = 0.1  # a target is met within this many Monte Carlo standard errors
_SCAN = 8  # interior points tried when the bounds do not bracket a target


@dataclass(frozen=True)
class Term:
    path: TermPath
    low: float
    high: float
    integer: bool



class Objective:
    """Goal statistics as a function of a block's terms, every evaluation kept."""

    def __init__(self, base: Portfolio, terms: list[Term], goals: list[Goal], evaluator: DesignEvaluator):
        self.base, self.terms, self.goals, self.evaluator = base, terms, goals, evaluator
        self.seen: dict[tuple, dict] = {}

    def point(self, x) -> tuple:
        return tuple(int(round(v)) if t.integer else float(v) for t, v in zip(self.terms, np.atleast_1d(x)))

    def portfolio(self, x) -> Portfolio:
        return with_terms(self.base, {t.path: v for t, v in zip(self.terms, self.point(x))})

    def __call__(self, x) -> dict[Goal, tuple[float, float]]:
        key = self.point(x)
        if key not in self.seen:
            values = self.evaluator.values(self.portfolio(key))
            self.seen[key] = {g: g.statistic.estimate(values[g.metric]) for g in self.goals}
        return self.seen[key]


def fmt(x) -> str:
    return f"{x:.6g}"


def met(goal: Goal, estimate: float, se: float, within: float = 0.0) -> bool:
    """A target within a tenth of its Monte Carlo error (or ``within``); a constraint that holds."""
    if not math.isfinite(estimate):
        return False
    if goal.is_target:
        tol = max(MET * (se if math.isfinite(se) else 0.0), within, 1e-12 * max(1.0, abs(goal.value)))
        return abs(estimate - goal.value) <= tol
    return goal.shortfall(estimate) <= 1e-12 * max(1.0, abs(goal.value))


def _bracket_root(f: Callable[[float], float], lo: float, hi: float, f_lo: float, f_hi: float, integer: bool,
                  tolerance: float) -> tuple[float, float]:
    """The tightest bracket (a, b) of the sign change of f in [lo, hi] (a == b at an exact zero).

    Real terms: scipy's Brent method to the tolerance, then the evaluated
    points nearest the root on either side of the sign change; whole-number
    terms: bisection to neighbours.
    """
    if f_lo == 0:
        return lo, lo
    if f_hi == 0:
        return hi, hi
    if integer:
        a, b, fa = int(lo), int(hi), f_lo
        while b - a > 1:
            m = (a + b) // 2
            fm = f(m)
            if fm == 0:
                return m, m
            if (fm > 0) == (fa > 0):
                a, fa = m, fm
            else:
                b = m
        return a, b
    seen = {lo: f_lo, hi: f_hi}

    def g(x):
        seen[x] = f(x)
        return seen[x]

    root = optimize.brentq(g, lo, hi, xtol=tolerance * 1e-3 * (hi - lo),
                           rtol=max(tolerance, 4 * np.finfo(float).eps), maxiter=200)
    if g(root) == 0:
        return root, root
    same = [x for x, v in seen.items() if v != 0 and (v > 0) == (f_lo > 0)]
    other = [x for x, v in seen.items() if v != 0 and (v > 0) != (f_lo > 0)]
    a = min(same, key=lambda x: abs(x - root))
    b = min(other, key=lambda x: abs(x - root))
    return (a, b) if a <= b else (b, a)


def _interval_meeting(objective: Objective, goal: Goal, term: Term, tolerance: float):
    """Where a constraint holds along one term, assuming it is monotone: (a, b), or None if nowhere."""
    sign = 1.0 if goal.relation == "<=" else -1.0

    def h(x):  # <= 0 where the constraint holds; -1 on the whole of that side, so that plateaus bracket too
        est = objective([x])[goal][0]
        if not math.isfinite(est):
            return math.inf
        v = sign * (est - goal.value)
        return v if v > 0 else -1.0

    lo, hi = term.low, term.high
    h_lo, h_hi = h(lo), h(hi)
    if h_lo < 0 and h_hi < 0:
        return lo, hi
    if h_lo > 0 and h_hi > 0:
        return None
    a, b = _bracket_root(h, lo, hi, h_lo, h_hi, term.integer, tolerance)
    if h_lo < 0:  # holds from the low bound up to the boundary
        return lo, (b if h(b) < 0 else a)
    return (a if h(a) < 0 else b), hi


def solve_1d(objective: Objective, tolerance: float) -> tuple[tuple, str, str, bool]:
    """(point, reason or "", method, target met) for one term and one target, with any constraints."""
    (term,) = objective.terms
    target = next(g for g in objective.goals if g.is_target)
    constraints = [g for g in objective.goals if not g.is_target]
    lo, hi = term.low, term.high
    name, what = term.path.text, target.text

    def f(x):
        return objective([x])[target][0] - target.value

    f_lo, f_hi = f(lo), f(hi)
    if not (math.isfinite(f_lo) and math.isfinite(f_hi)):
        bad = lo if not math.isfinite(f_lo) else hi
        return (bad,), (f"{target.metric.text} {target.statistic} is undefined (NaN) at {name} = {fmt(bad)}: "
                        "no draw gives it a value there"), f"{name}: bounds", False
    bracket, method = None, f"{name}: "
    if f_lo == 0 or f_hi == 0 or (f_lo > 0) != (f_hi > 0):
        bracket = (lo, hi, f_lo, f_hi)
    else:  # the bounds do not bracket the target: look inside, in case the statistic is not monotone
        grid = np.linspace(lo, hi, _SCAN + 2)[1:-1]
        if term.integer:
            grid = np.unique(np.round(grid).astype(int))
        xs, fs = [lo], [f_lo]
        for x in grid:
            v = f(x)
            if not math.isfinite(v):
                continue
            if v == 0 or (v > 0) != (fs[-1] > 0):
                bracket = (xs[-1], x, fs[-1], v)
                method += "bracketed inside the bounds (the statistic is not monotone), then "
                break
            xs.append(x)
            fs.append(v)
        if bracket is None:
            xs.append(hi)
            fs.append(f_hi)
            best = xs[int(np.argmin(np.abs(fs)))]
            reason = (f"{what} cannot be reached with {name} in [{fmt(lo)}, {fmt(hi)}]: the statistic runs from "
                      f"{fmt(f_lo + target.value)} (at {fmt(lo)}) to {fmt(f_hi + target.value)} (at {fmt(hi)}); "
                      f"the closest is {fmt(f(best) + target.value)} at {name} = {fmt(best)}")
            point, why = _constrained((best,), objective, constraints, tolerance)
            return (point, "; ".join(r for r in (reason, why) if r), method + f"{_SCAN} interior points scanned",
                    False)
    a, b, fa, fb = bracket
    left, right = _bracket_root(f, a, b, fa, fb, term.integer, tolerance)
    method += f"{'integer bisection' if term.integer else 'Brent'} to a bracket of {fmt(right - left)}"
    candidates = list(dict.fromkeys((left, right)))
    best = min(candidates, key=lambda x: abs(f(x)))
    # Converged where the statistic is continuous: across the final bracket it changes no more than its
    # average slope over the bracket it started from would let it (a jump changes far more).
    change = abs(f(right) - f(left))
    continuous = not term.integer and change <= 10 * abs(fb - fa) / (b - a) * (right - left)
    reached = met(target, *objective([best])[target], within=change if continuous else 0.0)
    reason = ""
    if not reached:
        sides = ", ".join(f"{fmt(f(x) + target.value)} at {name} = {fmt(x)}" for x in candidates)
        reason = (f"{what} lies in a jump of the statistic: it is {sides}, and nothing between (a step "
                  "function: outcomes are counted in whole people and paid by thresholds)")
    point, why = _constrained((best,), objective, constraints, tolerance)
    return point, "; ".join(r for r in (reason, why) if r), method, reached and not why


def _constrained(point, objective: Objective, constraints: list[Goal], tolerance: float):
    """``(point, "")`` if every constraint holds there; otherwise the best point where they all hold, and why."""
    if not constraints:
        return point, ""
    at = objective(point)
    failing = [c for c in constraints if not math.isfinite(at[c][0]) or c.shortfall(at[c][0]) > 0]
    if not failing:
        return point, ""
    (term,) = objective.terms
    target = next(g for g in objective.goals if g.is_target)
    name = term.path.text
    lo, hi = term.low, term.high
    for c in constraints:
        interval = _interval_meeting(objective, c, term, tolerance)
        if interval is None:
            ends = ", ".join(f"{fmt(objective([x])[c][0])} at {fmt(x)}" for x in (term.low, term.high))
            return point, (f"{c.text} holds for no {name} in [{fmt(term.low)}, {fmt(term.high)}] "
                           f"(it is {ends}), so the target is out of reach under it")
        lo, hi = max(lo, interval[0]), min(hi, interval[1])
    if lo > hi:
        return point, (f"the constraints {', '.join(c.text for c in constraints)} hold together for no {name} "
                       f"in [{fmt(term.low)}, {fmt(term.high)}]")
    x = point[0]
    best = lo if abs(lo - x) <= abs(hi - x) else hi
    est = objective([best])[target][0]
    c = failing[0]
    return (best,), (f"{target.text} needs {name} = {fmt(x)}, where {c.metric.text} {c.statistic} is "
                     f"{fmt(at[c][0])} (limit {c.relation} {fmt(c.value)}); every constraint holds for {name} in "
                     f"[{fmt(lo)}, {fmt(hi)}], and the closest to the target there is "
                     f"{target.metric.text} {target.statistic} = {fmt(est)} at {name} = {fmt(best)}")


def solve_nd(objective: Objective, tolerance: float, max_calls: int) -> tuple[tuple, str, str, set]:
    terms = objective.terms
    for t in terms:
        if t.integer:
            raise SpecError(f"vary: {t.path.text!r} is a whole-number term; it can be calibrated alone, not together "
                            "with other terms (sweep it, or fix it)")
    lo = np.array([t.low for t in terms])
    hi = np.array([t.high for t in terms])
    span = hi - lo
    x0 = np.clip([term_value(objective.base, t.path) for t in terms], lo, hi)
    start = objective(x0)
    scale = {}
    for g in objective.goals:
        est, se = start[g]
        scale[g] = max(se if math.isfinite(se) else 0.0, 1e-3 * max(abs(g.value), abs(est) if math.isfinite(est)
                                                                    else 0.0), 1e-12)

    def residuals(u):  # u in [1, 2]: finite-difference steps scale with the range, not with the term
        at = objective(lo + (u - 1.0) * span)
        out = []
        for g in objective.goals:
            est = at[g][0]
            out.append(1e6 if not math.isfinite(est) else g.shortfall(est) / scale[g])
        return np.array(out)

    fit = optimize.least_squares(residuals, 1.0 + (x0 - lo) / span, bounds=(1.0, 2.0), method="trf",
                                 diff_step=1e-2, xtol=tolerance, ftol=1e-12, gtol=1e-12, max_nfev=max_calls)
    point = objective.point(lo + (fit.x - 1.0) * span)
    at = objective(point)
    missed = [g for g in objective.goals
              if not met(g, *at[g], within=tolerance * max(abs(g.value), 1e-9))]
    method = f"least squares over {len(terms)} terms ({fit.nfev} steps: {fit.message.rstrip('.')})"
    reason = ""
    if missed:
        reason = ("the solver's best point within the bounds leaves "
                  + "; ".join(f"{g.text} at {fmt(at[g][0])}" for g in missed)
                  + f" ({', '.join(f'{t.path.text} = {fmt(v)}' for t, v in zip(terms, point))})")
    return point, reason, method, set(missed)
