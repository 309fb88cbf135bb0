"""Figures of design tools: the trade-off over a swept grid, the deal zone of a break-even report."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure

from .figures import _grid
from ..money.currency import DEFAULT_CURRENCY, millions_label

__all__ = ["tradeoff", "deal_zone"]


def tradeoff(grid, x: str = "p_municipality_overpaid", y: str = "investor_irr_mean",
             programme: str | None = None) -> Figure:
    """The trade-off between two statistics over a swept grid of one or two terms (:func:`sirisk.sweep`).

    One line per value of the second term (if there is one), its points
    along the first (labelled at the ends); error bars are the Monte Carlo
    standard errors. ``programme`` defaults to the first.
    """
    from ..errors import SpecError

    if not isinstance(grid, xr.Dataset) or "estimate" not in grid or "statistic" not in grid.dims:
        raise SpecError(f"tradeoff: grid is {type(grid).__name__}; give the Dataset of sirisk.sweep")
    programme = programme or str(grid.programme.values[0])
    if programme not in grid.programme.values:
        raise SpecError(f"tradeoff: programme is {programme!r}; the grid has {', '.join(map(str, grid.programme.values))}")
    terms = [d for d in grid.estimate.dims if d not in ("programme", "statistic")]
    if len(terms) > 2:
        raise SpecError(f"tradeoff draws a grid of one or two terms, not {len(terms)}; select the others first")
    for stat in (x, y):
        if stat not in grid.statistic.values:
            raise SpecError(f"statistic is {stat!r}; the grid has {', '.join(map(str, grid.statistic.values))}")
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    part_of = grid.sel(programme=programme)
    first = terms[0]
    name = {t: grid[t].attrs.get("term", t) for t in terms}
    for pick in ([{}] if len(terms) == 1 else [{terms[1]: v} for v in grid[terms[1]].values]):
        part = part_of.sel(pick)
        xs, ys = part.estimate.sel(statistic=x).values, part.estimate.sel(statistic=y).values
        ax.errorbar(xs, ys, xerr=part.mc_se.sel(statistic=x).values, yerr=part.mc_se.sel(statistic=y).values,
                    marker="o", ms=3, capsize=2,
                    label=None if not pick else f"{name[terms[1]]} = {float(next(iter(pick.values()))):g}")
        for k in (0, len(xs) - 1):
            ax.annotate(f"{float(grid[first].values[k]):g}", (float(xs[k]), float(ys[k])),
                        textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel(y.replace("_", " "))
    ax.set_title(f"{programme}: along {name[first]} (labels)", fontsize=9)
    if len(terms) > 1:
        ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return fig


def deal_zone(report) -> Figure:
    """Expected investor NPV and municipal net saving against the term, with the deal zone shaded (:func:`sirisk.break_even`)."""
    from ..design.break_even import BreakEven
    from ..errors import SpecError

    if not isinstance(report, BreakEven):
        raise SpecError(f"deal_zone: report is {type(report).__name__}; give the report of sirisk.break_even")
    curves, table = report.curves, report.table
    names = list(table.programme.values)
    fig, axes = _grid(len(names), f"Deal zone in {report.term}")
    x = curves.term_value.values
    for ax, name in zip(axes, names):
        est, se = curves.estimate.sel(programme=name), curves.mc_se.sel(programme=name)
        for stat, colour, label in (("investor_npv_mean", "tab:blue", "investor: expected NPV at hurdle"),
                                    ("municipal_net_pv_mean", "tab:green", "municipality: expected net saving")):
            y, e = est.sel(statistic=stat).values / 1e6, se.sel(statistic=stat).values / 1e6
            ax.plot(x, y, color=colour, label=label)
            ax.fill_between(x, y - 2 * e, y + 2 * e, color=colour, alpha=0.15)
        ax.axhline(0, color="k", lw=0.8)
        t = table.sel(programme=name)
        if bool(t.has_zone):
            ax.axvspan(float(t.zone_low), float(t.zone_high), color="gold", alpha=0.3, label="deal zone")
        ax.axvline(float(t.investor), color="tab:blue", ls=":", lw=1)
        ax.axvline(float(t.municipality_accepts), color="tab:green", ls=":", lw=1)
        ax.set_title(f"{name}: zone " + (f"{float(t.zone_low):.2f}-{float(t.zone_high):.2f}" if bool(t.has_zone)
                                         else "none"), fontsize=9)
        ax.set_xlabel(report.term)
        twin = ax.twinx()
        twin.plot(x, est.sel(statistic="p_municipality_overpaid").values, color="tab:red", ls="--", lw=1,
                  label="P(municipality overpaid)")
        twin.set_ylim(0, 1)
        if ax is axes[-1]:
            twin.set_ylabel("P(overpaid)", color="tab:red")
    axes[0].set_ylabel(millions_label(table.attrs.get("currency", DEFAULT_CURRENCY)))
    axes[0].legend(loc="upper left", fontsize=7)
    return fig
