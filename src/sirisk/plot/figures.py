"""The standard figures of a run. Each takes the Dataset from :func:`sirisk.evaluate` and returns a Figure."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from scipy import stats

__all__ = ["investor_irr", "municipal_net_fan", "guarantee_draws", "tornado", "tradeoff", "deal_zone"]


def _require(results, names, what: str) -> None:
    """The figure's input is a results Dataset with these variables, or one error saying what to give."""
    from ..errors import SpecError

    if not isinstance(results, xr.Dataset):
        raise SpecError(f"{what}: results is {type(results).__name__}; give the Dataset of sirisk.evaluate or "
                        "sirisk.settle")
    for name in names:
        if name not in results:
            raise SpecError(f"{what}: results has no variable {name!r}; give the Dataset of sirisk.evaluate or "
                            "sirisk.settle" + (" with its monthly series (monthly=True)" if name in
                                               ("budget_effect", "outcome_payment") else ""))


def _grid(n: int, title: str):
    fig = Figure(figsize=(4.2 * n, 3.4), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    fig.suptitle(title)
    return fig, axes


def investor_irr(results) -> Figure:
    """Distribution of the investor's IRR per programme (draws without an IRR are counted in the title)."""
    _require(results, ("investor_irr",), "investor_irr")
    names = list(results.programme.values)
    fig, axes = _grid(len(names), "Investor IRR per year")
    for ax, name in zip(axes, names):
        irr = results.investor_irr.sel(programme=name).values
        ok = np.isfinite(irr)
        ax.hist(100 * irr[ok], bins=40, color="tab:blue")
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"{name} ({(~ok).mean():.0%} no IRR)" if (~ok).any() else name)
        ax.set_xlabel("IRR (% a year)")
    axes[0].set_ylabel("draws")
    return fig


def municipal_net_fan(results) -> Figure:
    """Fan chart of the cumulative municipal net effect (saving minus outcome payments, nominal DKK)."""
    _require(results, ("budget_effect", "outcome_payment"), "municipal_net_fan")
    names = list(results.programme.values)
    fig, axes = _grid(len(names), "Cumulative municipal net effect (saving - payments)")
    net = (results.budget_effect.sel(holder="municipality") - results.outcome_payment).cumsum("month")
    months = results.month.values
    for ax, name in zip(axes, names):
        q = np.quantile(net.sel(programme=name).values / 1e6, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(months, q[0], q[4], alpha=0.25, color="tab:green", label="5-95 %")
        ax.fill_between(months, q[1], q[3], alpha=0.45, color="tab:green", label="25-75 %")
        ax.plot(months, q[2], color="darkgreen", label="median")
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(name)
        ax.set_xlabel("month")
    axes[0].set_ylabel("mio. DKK")
    axes[0].legend(loc="upper left", fontsize=8)
    return fig


def guarantee_draws(results) -> Figure:
    """Distribution of guarantee draws per programme and for the portfolio."""
    _require(results, ("guarantee_draw", "portfolio_guarantee_draw"), "guarantee_draws")
    names = list(results.programme.values)
    fig, axes = _grid(len(names) + 1, "Guarantee drawn")
    series = [(n, results.guarantee_draw.sel(programme=n).values) for n in names]
    series.append(("portfolio", results.portfolio_guarantee_draw.values))
    for ax, (name, values) in zip(axes, series):
        ax.hist(values / 1e6, bins=40, color="tab:red")
        ax.set_title(f"{name}: drawn in {(values > 0).mean():.0%}")
        ax.set_xlabel("mio. DKK")
    axes[0].set_ylabel("draws")
    return fig


def tornado(results, output: str = "portfolio_investor_irr", top: int = 12) -> Figure:
    """Which uncertain inputs move an output most: Spearman rank correlation with each input."""
    from ..errors import SpecError

    _require(results, (), "tornado")
    if output not in results or results[output].dims != ("draw",):
        per_draw = [v for v in results.data_vars if results[v].dims == ("draw",)]
        raise SpecError(f"tornado: output is {output!r}; must be a per-draw variable of the results "
                        f"({', '.join(per_draw)})")
    fig = Figure(figsize=(7.5, 0.35 * top + 1.5), layout="constrained")
    ax = fig.subplots()
    y = results[output].values
    if "input" not in results.dims:
        ax.text(0.5, 0.5, "no uncertain inputs", ha="center", va="center")
        return fig
    names = list(results.input.values)
    rho = []
    for name in names:
        x = results.input_value.sel(input=name).values
        ok = np.isfinite(x) & np.isfinite(y)
        r = stats.spearmanr(x[ok], y[ok]).statistic if ok.sum() > 2 and np.ptp(x[ok]) > 0 else 0.0
        rho.append(0.0 if not np.isfinite(r) else r)
    order = np.argsort(np.abs(rho))[-top:]
    ax.barh([names[i] for i in order], [rho[i] for i in order],
            color=["tab:blue" if rho[i] > 0 else "tab:orange" for i in order])
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel(f"rank correlation with {output}")
    ax.set_title("What moves the result")
    return fig


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
    axes[0].set_ylabel("mio. DKK")
    axes[0].legend(loc="upper left", fontsize=7)
    return fig
