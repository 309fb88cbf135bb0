"""Calibrate design terms to targets on common random numbers, with constraints and an honest answer when it cannot be done.

Every settle of one simulation walks the same paths, so a target's
statistic is a deterministic function of the terms: the answer is exactly
reproducible and a root finder can bracket it. The method:

1. **Blocks.** Terms and goals are split into independent blocks: a term
   of programme P moves only P's metrics and the portfolio's; a ``"*/"``
   term or a portfolio metric joins every programme. One price per
   programme with one target each is three one-dimensional problems, each
   settling only its own programme.
2. **One term, one target** (monotone in the term, as prices, thresholds,
   caps and floors are): evaluate both bounds; with a sign change, find
   the root with scipy's Brent method (``brentq``; whole-number terms by
   bisection) to the relative tolerance; without one, scan the interior
   for a bracket, and otherwise report the best value reachable. A target
   is met when the final bracket is within the tolerance and the statistic
   is continuous across it, or the achieved value is within a tenth of its
   Monte Carlo error; a statistic that jumps over the target (a step
   function, as a threshold's payments are) is reported as such, with the
   values on both sides, never as converged.
3. **Constraints** are checked at the solution. Where one fails, the terms
   that meet every constraint are found (each constraint's boundary by the
   same root finder, assuming it is monotone in the term), and the answer
   is the best point among them, with ``feasible = False`` and the reason.
4. **Several terms in one block** (a price and a threshold against two
   targets, say): bounded least squares (``scipy.optimize.least_squares``,
   trust region reflective) on the targets' shortfalls in units of their
   Monte Carlo errors, with violated constraints as hinge terms, from the
   portfolio's own terms. Whole-number terms must be solved alone.

Examples
--------
>>> import sirisk as sr
>>> from sirisk.scenarios import load
>>> portfolio, uncertainty, _ = load("dsi2021")
>>> sim = sr.simulate_portfolio(portfolio, draws=200, rng=1, uncertainty=uncertainty)
>>> result = sr.calibrate(portfolio, sim, vary={"holbaek/contract.mechanisms[0].scale": (0.0, 10.0)},
...                       target={"holbaek/investor_irr": ("mean", 0.04)})
>>> result.feasible, round(float(result.achieved.estimate.sel(goal="holbaek/investor_irr mean = 0.04")), 4)
(True, 0.04)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from scipy import optimize

from ..analysis.engine_stage import as_portfolio
from ..errors import SpecError
from ..money.deal import Portfolio
from .evaluator import DesignEvaluator
from .goals import Goal, parse_goals
from .terms import TermPath, is_integer_term, parse_term, term_value, with_terms

__all__ = ["calibrate", "Calibration", "CalibrationSpec"]

_MET = 0.1  # a target is met within this many Monte Carlo standard errors
_SCAN = 8   # interior points tried when the bounds do not bracket a target


@dataclass(frozen=True)
class Calibration:
    """The answer of :func:`calibrate`.

    Attributes
    ----------
    portfolio : Portfolio
        The calibrated portfolio (when infeasible: the best point found).
    values : dict of term path to value
    achieved : xarray.Dataset
        Per goal (targets and constraints): ``estimate``, ``mc_se``, the
        ``wanted`` value, the ``relation`` and whether it is ``met``.
    feasible : bool
        Every target met and every constraint holds.
    reason : str
        Why not, when infeasible: the best value reachable within the bounds and what stands in the way.
    calls : int
        Settle evaluations used.
    method : str
        How each block was solved.
    """

    portfolio: Portfolio
    values: dict
    achieved: xr.Dataset
    feasible: bool
    reason: str
    calls: int
    method: str = ""
    notes: tuple[str, ...] = field(default=())

    def report(self) -> str:
        """The answer as text: terms, goals with their Monte Carlo errors, and the verdict."""
        lines = ["calibrated terms:"]
        lines += [f"  {path} = {value:.6g}" for path, value in self.values.items()]
        lines.append("goals (estimate with Monte Carlo standard error):")
        for g in self.achieved.goal.values:
            a = self.achieved.sel(goal=g)
            mark = "met" if bool(a.met) else "NOT met"
            lines.append(f"  {g:<60} {float(a.estimate):12.6g} ({float(a.mc_se):.2g})  {mark}")
        lines.append(f"feasible: {'yes' if self.feasible else 'no'}; {self.calls} settle calls; {self.method}")
        if self.reason:
            lines.append(f"reason: {self.reason}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<sirisk.Calibration: {'feasible' if self.feasible else 'infeasible'}, {self.calls} calls>\n" + self.report()


@dataclass(frozen=True)
class _Term:
    path: TermPath
    low: float
    high: float
    integer: bool


def _terms(vary, portfolio) -> list[_Term]:
    if not isinstance(vary, Mapping) or not vary:
        raise SpecError("vary is empty or not a mapping; give {term path: (low, high)}, "
                        "e.g. {'holbaek/contract.mechanisms[0].scale': (0.5, 3.0)}")
    out = []
    for path, bounds in vary.items():
        term = parse_term(path, portfolio)
        where = f"vary[{path!r}]"
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
            raise SpecError(f"{where}: is {bounds!r}; give the bounds as (low, high)")
        low, high = bounds
        for name, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not math.isfinite(float(v)):
                raise SpecError(f"{where}: {name} is {v!r}; must be a finite number")
        low, high = float(low), float(high)
        if not low < high:
            raise SpecError(f"{where}: bounds are ({low:g}, {high:g}); low must be below high (an empty or "
                            "reversed range)")
        integer = is_integer_term(portfolio, term)
        if integer:
            low, high = math.ceil(low), math.floor(high)
            if not low < high:
                raise SpecError(f"{where}: a whole-number term needs two whole numbers between its bounds")
        for v in (low, high):
            with_terms(portfolio, {term: v})  # both bounds must make a valid deal: refused by name if not
        out.append(_Term(term, low, high, integer))
    for i, t in enumerate(out):
        for other in out[i + 1:]:
            if other.path.field == t.path.field and "*" in (t.path.programme, other.path.programme):
                raise SpecError(f"vary: {t.path.text!r} and {other.path.text!r} set the same term; give it once")
    return out


def _blocks(terms: list[_Term], goals: list[Goal], programmes: list[str]):
    """Independent groups of (terms, goals): union-find over programmes."""
    parent = {p: p for p in programmes}

    def find(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    def join(ps):
        ps = list(ps)
        for p in ps[1:]:
            parent[find(p)] = find(ps[0])

    for t in terms:
        join(programmes if t.path.programme == "*" else [t.path.programme])
    for g in goals:
        if g.metric.programme is None:
            join(programmes)
    for t in terms:
        if t.path.programme == "*":
            join(programmes)

    def root_of_term(t):
        return find(programmes[0] if t.path.programme == "*" else t.path.programme)

    def root_of_goal(g):
        return find(programmes[0] if g.metric.programme is None else g.metric.programme)

    roots = list(dict.fromkeys([root_of_term(t) for t in terms] + [root_of_goal(g) for g in goals]))
    blocks = []
    for r in roots:
        bt = [t for t in terms if root_of_term(t) == r]
        bg = [g for g in goals if root_of_goal(g) == r]
        blocks.append((bt, bg))
    return blocks


class _Objective:
    """Goal statistics as a function of a block's terms, every evaluation kept."""

    def __init__(self, base: Portfolio, terms: list[_Term], goals: list[Goal], evaluator: DesignEvaluator):
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


def _fmt(x) -> str:
    return f"{x:.6g}"


def _met(goal: Goal, estimate: float, se: float, within: float = 0.0) -> bool:
    """A target within a tenth of its Monte Carlo error (or ``within``); a constraint that holds."""
    if not math.isfinite(estimate):
        return False
    if goal.is_target:
        tol = max(_MET * (se if math.isfinite(se) else 0.0), within, 1e-12 * max(1.0, abs(goal.value)))
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


def _interval_meeting(objective: _Objective, goal: Goal, term: _Term, tolerance: float):
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


def _solve_1d(objective: _Objective, tolerance: float) -> tuple[tuple, str, str, bool]:
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
        return (bad,), (f"{target.metric.text} {target.statistic} is undefined (NaN) at {name} = {_fmt(bad)}: "
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
            reason = (f"{what} cannot be reached with {name} in [{_fmt(lo)}, {_fmt(hi)}]: the statistic runs from "
                      f"{_fmt(f_lo + target.value)} (at {_fmt(lo)}) to {_fmt(f_hi + target.value)} (at {_fmt(hi)}); "
                      f"the closest is {_fmt(f(best) + target.value)} at {name} = {_fmt(best)}")
            point, why = _constrained((best,), objective, constraints, tolerance)
            return (point, "; ".join(r for r in (reason, why) if r), method + f"{_SCAN} interior points scanned",
                    False)
    a, b, fa, fb = bracket
    left, right = _bracket_root(f, a, b, fa, fb, term.integer, tolerance)
    method += f"{'integer bisection' if term.integer else 'Brent'} to a bracket of {_fmt(right - left)}"
    candidates = list(dict.fromkeys((left, right)))
    best = min(candidates, key=lambda x: abs(f(x)))
    # Converged where the statistic is continuous: across the final bracket it changes no more than its
    # average slope over the bracket it started from would let it (a jump changes far more).
    change = abs(f(right) - f(left))
    continuous = not term.integer and change <= 10 * abs(fb - fa) / (b - a) * (right - left)
    met = _met(target, *objective([best])[target], within=change if continuous else 0.0)
    reason = ""
    if not met:
        sides = ", ".join(f"{_fmt(f(x) + target.value)} at {name} = {_fmt(x)}" for x in candidates)
        reason = (f"{what} lies in a jump of the statistic: it is {sides}, and nothing between (a step "
                  "function: outcomes are counted in whole people and paid by thresholds)")
    point, why = _constrained((best,), objective, constraints, tolerance)
    return point, "; ".join(r for r in (reason, why) if r), method, met and not why


def _constrained(point, objective: _Objective, constraints: list[Goal], tolerance: float):
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
            ends = ", ".join(f"{_fmt(objective([x])[c][0])} at {_fmt(x)}" for x in (term.low, term.high))
            return point, (f"{c.text} holds for no {name} in [{_fmt(term.low)}, {_fmt(term.high)}] "
                           f"(it is {ends}), so the target is out of reach under it")
        lo, hi = max(lo, interval[0]), min(hi, interval[1])
    if lo > hi:
        return point, (f"the constraints {', '.join(c.text for c in constraints)} hold together for no {name} "
                       f"in [{_fmt(term.low)}, {_fmt(term.high)}]")
    x = point[0]
    best = lo if abs(lo - x) <= abs(hi - x) else hi
    est = objective([best])[target][0]
    c = failing[0]
    return (best,), (f"{target.text} needs {name} = {_fmt(x)}, where {c.metric.text} {c.statistic} is "
                     f"{_fmt(at[c][0])} (limit {c.relation} {_fmt(c.value)}); every constraint holds for {name} in "
                     f"[{_fmt(lo)}, {_fmt(hi)}], and the closest to the target there is "
                     f"{target.metric.text} {target.statistic} = {_fmt(est)} at {name} = {_fmt(best)}")


def _solve_nd(objective: _Objective, tolerance: float, max_calls: int) -> tuple[tuple, str, str, set]:
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
              if not _met(g, *at[g], within=tolerance * max(abs(g.value), 1e-9))]
    method = f"least squares over {len(terms)} terms ({fit.nfev} steps: {fit.message.rstrip('.')})"
    reason = ""
    if missed:
        reason = ("the solver's best point within the bounds leaves "
                  + "; ".join(f"{g.text} at {_fmt(at[g][0])}" for g in missed)
                  + f" ({', '.join(f'{t.path.text} = {_fmt(v)}' for t, v in zip(terms, point))})")
    return point, reason, method, set(missed)


def calibrate(portfolio, simulation, vary: Mapping[str, tuple[float, float]],
              target: Mapping | None = None, subject_to: Mapping | None = None, *,
              tolerance: float = 1e-4, max_calls: int = 400, progress: Callable[[int], None] | None = None,
              batch_size: int | None = None) -> Calibration:
    """Solve design terms so that metrics meet their targets, on the simulation's common random numbers.

    Parameters
    ----------
    portfolio : Portfolio or Deal
        The design to start from; the terms not varied keep their values.
    simulation : Simulation
        Its paths (:func:`sirisk.simulate_portfolio` of this portfolio).
    vary : mapping of term path to (low, high)
        The terms to solve and their bounds (see :mod:`sirisk.design.terms`),
        e.g. ``{"holbaek/contract.mechanisms[0].scale": (0.2, 5.0)}``.
    target : mapping of metric path to (statistic, value)
        e.g. ``{"holbaek/investor_irr": ("mean", 0.06)}`` (see :mod:`sirisk.design.metrics`).
    subject_to : mapping of metric path to (statistic, "<=" or ">=", value), optional
        e.g. ``{"holbaek/municipality_overpaid": ("probability", "<=", 0.12)}``.
    tolerance : float
        Relative tolerance on the terms.
    max_calls : int
        Settle evaluations allowed per block of terms solved together.
    progress : callable, optional
        Called with the number of settle calls so far after each one.

    Returns
    -------
    Calibration
        An infeasible target is not an error: ``feasible`` is False and
        ``reason`` says why, with the best value reachable.
    """
    from ..analysis.settle import DEFAULT_BATCH

    portfolio = as_portfolio(portfolio)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 < tolerance < 1:
        raise SpecError(f"tolerance is {tolerance!r}; a relative tolerance must lie in (0, 1)")
    if isinstance(max_calls, bool) or not isinstance(max_calls, (int, np.integer)) or max_calls < 2:
        raise SpecError(f"max_calls is {max_calls!r}; must be a whole number of at least 2")
    terms = _terms(vary, portfolio)
    targets = parse_goals(target, "target", portfolio)
    constraints = parse_goals(subject_to, "subject_to", portfolio)
    if not targets:
        raise SpecError("target is empty; give at least one {metric path: (statistic, value)}, e.g. "
                        "{'holbaek/investor_irr': ('mean', 0.06)}")
    programmes = [d.name for d in portfolio.deals]
    evaluator = DesignEvaluator(portfolio, simulation, [g.metric for g in targets + constraints],
                                batch_size=batch_size or DEFAULT_BATCH, progress=progress)
    point_of, reasons, methods, estimates, missed = {}, [], [], {}, set()
    for block_terms, block_goals in _blocks(terms, targets + constraints, programmes):
        block_targets = [g for g in block_goals if g.is_target]
        if not block_terms:
            raise SpecError(f"target {block_targets[0].text if block_targets else block_goals[0].text!r} depends on "
                            "no varied term; vary a term of its programme")
        if not block_targets:
            raise SpecError(f"vary: {block_terms[0].path.text!r} is varied but no target depends on it; give a "
                            f"target on {block_terms[0].path.programme} or on the portfolio")
        objective = _Objective(portfolio, block_terms, block_goals, evaluator)
        if len(block_terms) == 1 and len(block_targets) == 1:
            point, reason, method, met = _solve_1d(objective, float(tolerance))
            if not met:
                missed.update(block_targets)
        else:
            point, reason, method, block_missed = _solve_nd(objective, float(tolerance), int(max_calls))
            missed.update(block_missed)
        for t, v in zip(block_terms, point):
            point_of[t.path.text] = v
        if reason:
            reasons.append(reason)
        methods.append(method)
        estimates.update(objective(point))  # a block's goals depend on its own terms alone
    values = {t.path.text: point_of[t.path.text] for t in terms}
    final = with_terms(portfolio, values)
    rows = []
    for g in targets + constraints:
        est, se = estimates[g]
        rows.append((g, est, se, g not in missed and (g.is_target or _met(g, est, se))))
    achieved = xr.Dataset(
        {"estimate": ("goal", [r[1] for r in rows]), "mc_se": ("goal", [r[2] for r in rows]),
         "wanted": ("goal", [r[0].value for r in rows]), "relation": ("goal", [r[0].relation for r in rows]),
         "met": ("goal", [r[3] for r in rows]),
         "kind": ("goal", ["target" if r[0].is_target else "constraint" for r in rows])},
        coords={"goal": [r[0].text for r in rows]},
        attrs={"draws": simulation.n_draws, "note": "estimates on the simulation's draws; a target is met within "
               f"{_MET:g} Monte Carlo standard errors"})
    feasible = all(r[3] for r in rows)
    if not feasible and not reasons:  # pragma: no cover - every unmet goal comes with its reason above
        reasons.append("; ".join(f"{r[0].text} is {_fmt(r[1])}" for r in rows if not r[3]))
    return Calibration(final, values, achieved, feasible, "; ".join(reasons) if not feasible else "",
                       evaluator.calls, "; ".join(methods))


@dataclass(frozen=True)
class CalibrationSpec:
    """What to calibrate, as a scenario file's ``[calibrate]`` table or the command line says it.

    ``vary``, ``target`` and ``subject_to`` are those of :func:`calibrate`.

    Examples
    --------
    >>> from sirisk.scenarios import load
    >>> spec = CalibrationSpec(vary={"holbaek/contract.mechanisms[0].scale": (0.0, 8.0)},
    ...                        target={"holbaek/investor_irr": ("mean", 0.05)})
    >>> spec.check(load("dsi2021")[0]) is spec
    True
    """

    vary: Mapping[str, tuple[float, float]]
    target: Mapping[str, object]
    subject_to: Mapping[str, object] = field(default_factory=dict)
    tolerance: float = 1e-4
    max_calls: int = 400

    def check(self, portfolio) -> CalibrationSpec:
        """Every path, bound, statistic and value checked against ``portfolio`` (one SpecError if not)."""
        portfolio = as_portfolio(portfolio)
        if isinstance(self.tolerance, bool) or not isinstance(self.tolerance, (int, float)) \
                or not 0 < self.tolerance < 1:
            raise SpecError(f"tolerance is {self.tolerance!r}; a relative tolerance must lie in (0, 1)")
        if isinstance(self.max_calls, bool) or not isinstance(self.max_calls, int) or self.max_calls < 2:
            raise SpecError(f"max_calls is {self.max_calls!r}; must be a whole number of at least 2")
        _terms(self.vary, portfolio)
        if not parse_goals(self.target, "target", portfolio):
            raise SpecError("target is empty; give at least one {metric path: (statistic, value)}")
        parse_goals(self.subject_to, "subject_to", portfolio)
        return self

    def run(self, portfolio, simulation, progress=None) -> Calibration:
        return calibrate(portfolio, simulation, self.vary, self.target, self.subject_to, tolerance=self.tolerance,
                         max_calls=self.max_calls, progress=progress)

