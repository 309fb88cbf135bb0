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

from ..analysis.engine_stage import as_portfolio
from ..errors import SpecError
from ..money.deal import Portfolio
from .evaluator import DesignEvaluator
from .goals import Goal, parse_goals
from .solvers import MET, Objective, Term, fmt, met, solve_1d, solve_nd
from .terms import is_integer_term, parse_term, with_terms

__all__ = ["calibrate", "Calibration", "CalibrationSpec"]


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



def _terms(vary, portfolio) -> list[Term]:
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
        out.append(Term(term, low, high, integer))
    for i, t in enumerate(out):
        for other in out[i + 1:]:
            if other.path.field == t.path.field and "*" in (t.path.programme, other.path.programme):
                raise SpecError(f"vary: {t.path.text!r} and {other.path.text!r} set the same term; give it once")
    return out


def _blocks(terms: list[Term], goals: list[Goal], programmes: list[str]):
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


def calibrate(portfolio, simulation, vary: Mapping[str, tuple[float, float]],
              target: Mapping | None = None, subject_to: Mapping | None = None, *,
              tolerance: float = 1e-4, max_calls: int = 400, progress: Callable[[int], None] | None = None,
              batch_size: int | None = None, threads: int | None = None) -> Calibration:
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
    threads : int, optional
        Threads the money kernels may use (default all); results do not depend on it.

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
                                batch_size=batch_size or DEFAULT_BATCH, progress=progress, threads=threads)
    point_of, reasons, methods, estimates, missed = {}, [], [], {}, set()
    for block_terms, block_goals in _blocks(terms, targets + constraints, programmes):
        block_targets = [g for g in block_goals if g.is_target]
        if not block_terms:
            raise SpecError(f"target {block_targets[0].text if block_targets else block_goals[0].text!r} depends on "
                            "no varied term; vary a term of its programme")
        if not block_targets:
            raise SpecError(f"vary: {block_terms[0].path.text!r} is varied but no target depends on it; give a "
                            f"target on {block_terms[0].path.programme} or on the portfolio")
        objective = Objective(portfolio, block_terms, block_goals, evaluator)
        if len(block_terms) == 1 and len(block_targets) == 1:
            point, reason, method, reached = solve_1d(objective, float(tolerance))
            if not reached:
                missed.update(block_targets)
        else:
            point, reason, method, block_missed = solve_nd(objective, float(tolerance), int(max_calls))
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
        rows.append((g, est, se, g not in missed and (g.is_target or met(g, est, se))))
    achieved = xr.Dataset(
        {"estimate": ("goal", [r[1] for r in rows]), "mc_se": ("goal", [r[2] for r in rows]),
         "wanted": ("goal", [r[0].value for r in rows]), "relation": ("goal", [r[0].relation for r in rows]),
         "met": ("goal", [r[3] for r in rows]),
         "kind": ("goal", ["target" if r[0].is_target else "constraint" for r in rows])},
        coords={"goal": [r[0].text for r in rows]},
        attrs={"draws": simulation.n_draws, "note": "estimates on the simulation's draws; a target is met within "
               f"{MET:g} Monte Carlo standard errors"})
    feasible = all(r[3] for r in rows)
    if not feasible and not reasons:  # pragma: no cover - every unmet goal comes with its reason above
        reasons.append("; ".join(f"{r[0].text} is {fmt(r[1])}" for r in rows if not r[3]))
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

