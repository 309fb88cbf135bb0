"""The deal zone: the range of a term between the investor's break-even and the municipality's.

For one term per deal (by default its first mechanism's ``scale``: the
price, 1 = as given), on one simulation:

* the investor's break-even: the term at which its expected NPV at its
  hurdle rate is 0 (below it the investor loses in expectation);
* the municipality's: the term at which its expected net saving (present
  value) is 0 and, with ``overpay_limit``, the term at which the probability
  that it pays for outcomes that did not happen reaches the limit; it
  accepts at most the lower of the two;
* the deal zone between them, where both sides are better off than without
  the deal (empty if the investor needs more than the municipality
  accepts).

Each break-even is a calibration (:func:`sirisk.calibrate`) of the term to
the condition, so the same bracketing and the same honesty apply: a
break-even outside the bounds is reported as such, with the value reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..analysis.engine_stage import as_portfolio
from ..errors import SpecError
from .calibrate import calibrate
from .compare import sweep

__all__ = ["break_even", "BreakEven"]


@dataclass(frozen=True)
class BreakEven:
    """The break-even report of :func:`break_even`.

    Attributes
    ----------
    table : xarray.Dataset
        Per programme: ``investor`` (the investor's break-even term; inf
        where its expected NPV stays negative within the bounds, the lower
        bound where it is positive throughout), ``municipality`` (the
        municipality's, net saving 0; the upper bound where the saving stays
        positive, -inf where it is negative throughout),
        ``municipality_overpay`` (where P(overpaid) reaches the limit; NaN
        without one), ``municipality_accepts`` (the lower of the two),
        ``zone_low`` and ``zone_high``, ``has_zone``, and ``*_found`` flags
        (False: the break-even is not within the bounds).
    curves : xarray.Dataset
        The statistics over a grid of the term (from :func:`sirisk.sweep`),
        for the figure.
    term : str
    reasons : dict of str to str
        Per programme, where a break-even lies outside the bounds and on which side.
    """

    table: xr.Dataset
    curves: xr.Dataset
    term: str
    reasons: dict

    def report(self) -> str:
        lines = [f"deal zone in {self.term} (investor break-even: expected NPV at the hurdle = 0; municipality: "
                 "expected net saving = 0" + (", P(overpaid) at its limit" if bool(np.isfinite(
                     self.table.municipality_overpay).any()) else "") + ")"]
        for p in self.table.programme.values:
            t = self.table.sel(programme=p)
            zone = f"[{float(t.zone_low):.4g}, {float(t.zone_high):.4g}]" if bool(t.has_zone) else "none"
            lines.append(f"  {p:<14} investor needs >= {float(t.investor):.4g}, municipality accepts <= "
                         f"{float(t.municipality_accepts):.4g}: deal zone {zone}")
            if p in self.reasons:
                lines.append(f"  {'':14} ({self.reasons[p]})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "<sirisk.BreakEven>\n" + self.report()

    def plot(self):
        from ..plot import deal_zone

        return deal_zone(self)


def break_even(portfolio, simulation, term: str = "contract.mechanisms[0].scale", bounds=(0.0, 5.0), *,
               overpay_limit: float | None = None, points: int = 21, tolerance: float = 1e-4,
               progress: Callable[[int], None] | None = None, threads: int | None = None) -> BreakEven:
    """Each deal's break-even terms for the investor and the municipality, and the zone between them.

    Parameters
    ----------
    portfolio : Portfolio or Deal
    simulation : Simulation
    term : str
        The term, as a path within each deal (default: the first mechanism's scale).
    bounds : (low, high)
        Where to look.
    overpay_limit : float, optional
        The municipality's limit on P(it pays for outcomes that did not happen).
    points : int
        Grid points of the curves for the figure.
    threads : int, optional
        Threads the money kernels may use (default all); results do not depend on it.

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> sim = sr.simulate_portfolio(portfolio, draws=300, rng=9, uncertainty=uncertainty)
    >>> zone = sr.break_even(portfolio, sim, bounds=(0.0, 8.0), points=5)
    >>> zone.table.programme.values.tolist()
    ['holbaek', 'svendborg', 'guldborgsund']
    >>> fig = zone.plot()   # the curves, break-evens and the zone where there is one
    """
    portfolio = as_portfolio(portfolio)
    if not isinstance(term, str) or "/" in term:
        raise SpecError(f"term is {term!r}; give a path within a deal, e.g. 'contract.mechanisms[0].scale' "
                        "(the programme is each deal's own)")
    if overpay_limit is not None and not (isinstance(overpay_limit, (int, float)) and 0 <= overpay_limit <= 1):
        raise SpecError(f"overpay_limit is {overpay_limit!r}; a probability lies in [0, 1]")
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise SpecError(f"points is {points!r}; must be a whole number of at least 2")
    if (not isinstance(bounds, (tuple, list)) or len(bounds) != 2
            or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)):
        raise SpecError(f"bounds is {bounds!r}; give (low, high), e.g. (0.0, 5.0)")
    names = [d.name for d in portfolio.deals]
    lo, hi = float(bounds[0]), float(bounds[1])
    rows = {f: [] for f in ("investor", "municipality", "municipality_overpay")}
    found = {f: [] for f in rows}
    reasons = {}
    for name in names:
        path = f"{name}/{term}"
        conditions = {"investor": (f"{name}/investor_npv", ("mean", 0.0)),
                      "municipality": (f"{name}/municipal_net_pv", ("mean", 0.0)),
                      "municipality_overpay": (f"{name}/municipality_overpaid", ("probability", overpay_limit))}
        notes = []
        for f, (metric, goal) in conditions.items():
            if f == "municipality_overpay" and overpay_limit is None:
                rows[f].append(np.nan)
                found[f].append(False)
                continue
            result = calibrate(portfolio, simulation, {path: (lo, hi)}, {metric: goal}, tolerance=tolerance,
                               progress=progress, threads=threads)
            x = result.values[path]
            found[f].append(result.feasible)
            if not result.feasible:
                # Not within the bounds: which side? The statistic at the nearest bound says.
                above = float(result.achieved.estimate[0]) > goal[1]
                if f == "investor":  # NPV still negative at the bound: never breaks even here
                    x = lo if above else np.inf
                    notes.append("the investor's expected NPV is " + ("positive everywhere in the bounds" if above
                                                                      else "negative everywhere in the bounds"))
                elif f == "municipality":
                    x = hi if above else -np.inf
                    notes.append("the municipality's expected net saving is " + (
                        "positive everywhere in the bounds" if above else "negative everywhere in the bounds"))
                else:
                    x = -np.inf if above else hi
                    notes.append(f"P(municipality overpaid) is {'above' if above else 'below'} {overpay_limit:g} "
                                 "everywhere in the bounds")
            rows[f].append(x)
        if notes:
            reasons[name] = "; ".join(notes)
    inv = np.array(rows["investor"])
    mun = np.array(rows["municipality"])
    over = np.array(rows["municipality_overpay"])
    accepts = np.where(np.isfinite(over) | (over == -np.inf), np.fmin(mun, over), mun)
    has_zone = (inv <= accepts) & np.isfinite(inv) & np.isfinite(accepts)
    curves = sweep(portfolio, simulation, {f"*/{term}": np.linspace(lo, hi, points)},
                   statistics={"investor_npv_mean": ("investor_npv", "mean"),
                               "municipal_net_pv_mean": ("municipal_net_pv", "mean"),
                               "p_municipality_overpaid": ("municipality_overpaid", "probability")},
                   progress=progress, threads=threads)
    table = xr.Dataset(
        {"investor": ("programme", inv, {"description": "the investor's break-even: expected NPV at its hurdle = 0 "
                                         "(inf: not reached within the bounds)"}),
         "municipality": ("programme", mun, {"description": "the municipality's break-even: expected net saving = 0 "
                                             "(the upper bound: positive throughout; -inf: negative throughout)"}),
         "municipality_overpay": ("programme", over, {"description": "where P(municipality overpaid) reaches the "
                                                      "limit (NaN: no limit)"}),
         "municipality_accepts": ("programme", accepts, {"description": "the most the municipality accepts"}),
         "zone_low": ("programme", np.where(has_zone, inv, np.nan)),
         "zone_high": ("programme", np.where(has_zone, accepts, np.nan)),
         "has_zone": ("programme", has_zone),
         "investor_found": ("programme", np.array(found["investor"])),
         "municipality_found": ("programme", np.array(found["municipality"]))},
        coords={"programme": names},
        attrs={"term": term, "bounds": [lo, hi], "draws": simulation.n_draws, "currency": portfolio.currency,
               "overpay_limit": np.nan if overpay_limit is None else overpay_limit})
    return BreakEven(table, curves.rename({curves.estimate.dims[0]: "term_value"}), term, reasons)
