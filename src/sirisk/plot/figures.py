"""The standard figures of a run. Each takes the Dataset from :func:`sirisk.evaluate` and returns a Figure."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from scipy import stats

__all__ = ["investor_irr", "municipal_net_fan", "guarantee_draws", "tornado"]


def _grid(n: int, title: str):
    fig = Figure(figsize=(4.2 * n, 3.4), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    fig.suptitle(title)
    return fig, axes


def investor_irr(results) -> Figure:
    """Distribution of the investor's IRR per programme (draws without an IRR are counted in the title)."""
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
