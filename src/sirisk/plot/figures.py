"""The standard figures of a run. Each takes the Dataset from :func:`sirisk.evaluate` or :func:`sirisk.settle`
and returns a Figure; each says in its units what the board's table says in numbers."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..money.currency import DEFAULT_CURRENCY, millions_label

__all__ = ["investor_irr", "municipal_net_fan", "guarantee_draws", "tornado", "point_masses", "POINT_MASS_SHARE"]

# A value held by at least this share of the draws is a point mass: marked, not smeared into a bar.
POINT_MASS_SHARE = 0.02


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
                                               ("budget_effect", "outcome_payment", "discount_factor") else ""))


def _grid(n: int, title: str, rows: int = 1, height: float = 3.4, width: float = 4.2):
    fig = Figure(figsize=(width * n, height * rows), layout="constrained")
    axes = fig.subplots(rows, n, squeeze=False)
    fig.suptitle(title)
    return fig, (axes[0] if rows == 1 else axes)


def point_masses(values, share: float = POINT_MASS_SHARE) -> list[tuple[float, float]]:
    """``(value, share of the finite draws)`` for each value held by at least ``share`` of them.

    Examples
    --------
    >>> point_masses([0.0, 0.0, 0.0, 0.1, 0.2, 0.3], share=0.4)
    [(0.0, 0.5)]
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if not len(x):
        return []
    u, counts = np.unique(x, return_counts=True)
    keep = counts / len(x) >= share
    return [(float(v), float(c / len(x))) for v, c in zip(u[keep], counts[keep])]


def investor_irr(results) -> Figure:
    """The investor's IRR per programme as an ECDF, with its point masses and the hurdle marked.

    A guarantee that repays the principal puts many draws exactly at 0 %
    and a return cap many at the cap: a histogram hides them in one bar,
    the ECDF shows them as a step whose height is their share. Draws
    without an IRR are counted in the title.
    """
    _require(results, ("investor_irr",), "investor_irr")
    names = list(results.programme.values)
    fig, axes = _grid(len(names), "Investor IRR per year: share of draws at or below")
    for ax, name in zip(axes, names):
        irr = results.investor_irr.sel(programme=name).values.astype(float)
        ok = np.isfinite(irr)
        x = np.sort(100 * irr[ok])
        if len(x):
            ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", color="tab:blue")
            ax.axvline(float(np.mean(x)), color="tab:blue", ls=":", lw=1, label=f"mean {np.mean(x):.1f} %")
        for value, share in point_masses(irr[ok]):
            below = float(np.mean(irr[ok] < value))
            ax.plot([100 * value] * 2, [below, below + share], color="tab:red", lw=3, solid_capstyle="butt")
            ax.annotate(f"{share:.0%} at {100 * value:.1f} %", (100 * value, below + share / 2),
                        textcoords="offset points", xytext=(5, 0), fontsize=7, color="tab:red", va="center")
        if "investor_hurdle" in results:
            hurdle = 100 * float(results.investor_hurdle.sel(programme=name))
            ax.axvline(hurdle, color="k", ls="--", lw=0.8, label=f"hurdle {hurdle:.0f} %")
        ax.set_ylim(0, 1)
        ax.set_title(f"{name} ({(~ok).mean():.0%} no IRR)" if (~ok).any() else name)
        ax.set_xlabel("IRR (% a year)")
        ax.legend(loc="lower right", fontsize=7)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("share of draws")
    return fig


def municipal_net_fan(results, present_value: bool = True) -> Figure:
    """Fan chart of the payer's (the municipality's) cumulative net effect (saving less outcome payments) over the years.

    In present value (the default) the last year's mean is the table's
    expected net saving; the bands are the 5-95 % and 25-75 % ranges of
    the draws, the line their median, the dotted line their mean.
    """
    from ..analysis.cumulative import cumulative_municipal_net

    _require(results, ("budget_effect", "outcome_payment") + (("discount_factor",) if present_value else ()),
             "municipal_net_fan")
    names = list(results.programme.values)
    what = "present value" if present_value else "nominal"
    payers = sorted(set(str(p) for p in results.payer.values)) if "payer" in results.coords else ["municipality"]
    fig, axes = _grid(len(names), f"The {' and '.join(payers)}'s cumulative net effect (saving - payments, {what})")
    net = cumulative_municipal_net(results, present_value)
    years = (results.month.values + 1) / 12.0
    for ax, name in zip(axes, names):
        v = net.sel(programme=name).values / 1e6
        q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(years, q[0], q[4], alpha=0.25, color="tab:green", label="5-95 %")
        ax.fill_between(years, q[1], q[3], alpha=0.45, color="tab:green", label="25-75 %")
        ax.plot(years, q[2], color="darkgreen", label="median")
        m = v.mean(axis=0)
        ax.plot(years, m, color="k", ls=":", lw=1, label="mean")
        ax.annotate(f"{m[-1]:+.1f}", (years[-1], m[-1]), textcoords="offset points", xytext=(-4, 6),
                    ha="right", fontsize=8)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(name)
        ax.set_xlabel("years since the start of intake")
    axes[0].set_ylabel(_money(results))
    axes[0].legend(loc="upper left", fontsize=7)
    return fig


def guarantee_draws(results) -> Figure:
    """Distribution of guarantee draws per programme and for the portfolio, the exposure marked."""
    _require(results, ("guarantee_draw", "portfolio_guarantee_draw"), "guarantee_draws")
    names = list(results.programme.values)
    fig, axes = _grid(len(names) + 1, "Guarantee drawn")
    series = [(n, results.guarantee_draw.sel(programme=n).values) for n in names]
    series.append(("portfolio", results.portfolio_guarantee_draw.values))
    for ax, (name, values) in zip(axes, series):
        ax.hist(values / 1e6, bins=40, color="tab:red")
        if "guarantee_exposure" in results:
            e = (results.guarantee_exposure.sel(programme=name) if name != "portfolio"
                 else results.guarantee_exposure.sum("programme")).values
            ax.axvline(float(np.max(e)) / 1e6, color="k", ls="--", lw=0.8, label="exposure")
            ax.legend(fontsize=7)
        ax.set_title(f"{name}: drawn in {(values > 0).mean():.0%}")
        ax.set_xlabel(_money(results))
    axes[0].set_ylabel("draws")
    return fig


def _money(results) -> str:
    """How the results' amounts are labelled in millions of their currency."""
    return millions_label(results.attrs.get("currency", DEFAULT_CURRENCY))


def _scale(results, output: str) -> tuple[float, str]:
    """Factor and axis label of an output: amounts in millions, rates in points, the rest as stored."""
    units = results[output].attrs.get("units", "")
    if units == results.attrs.get("currency", DEFAULT_CURRENCY):
        return 1e-6, millions_label(units)
    return {"1/year": (100.0, "IRR points, % a year")}.get(units, (1.0, units))


def _label(name: str, label: str, programme: str) -> str:
    """The input's human label, with its programme where it is another programme's."""
    owner = name.split("/", 1)[0] if "/" in name else None
    return label if owner in (None, programme) else f"{owner}: {label}"


def tornado(results, outputs=("municipal_net_pv", "investor_irr"), top: int = 8, fraction: float = 0.1) -> Figure:
    """What moves each programme's results: the mean in each uncertain input's low and high tenth, less the mean.

    One row per output (default: the municipality's net saving in mio. kr.
    and the investor's IRR in points), one column per programme; the
    ``top`` inputs by swing, labelled as the scenario's provenance names
    them, with two Monte Carlo standard errors as whiskers. Only sampled
    inputs appear: contract terms are not uncertain.
    """
    from ..analysis.drivers import input_effects
    from ..errors import SpecError

    _require(results, (), "tornado")
    outputs = (outputs,) if isinstance(outputs, str) else tuple(outputs)
    per_draw = [v for v in results.data_vars if results[v].dims in (("draw",), ("draw", "programme"))]
    for output in outputs:
        if output not in per_draw:
            raise SpecError(f"tornado: output is {output!r}; must be a per-draw variable of the results "
                            f"({', '.join(per_draw)})")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise SpecError(f"tornado: top is {top!r}; must be a whole number of at least 1")
    if "input_value" not in results:
        fig = Figure(figsize=(6, 2), layout="constrained")
        fig.subplots().text(0.5, 0.5, "no uncertain inputs", ha="center", va="center")
        return fig
    effects = [input_effects(results, o, fraction) for o in outputs]
    programmes = list(effects[0].programme.values)
    fig, axes = _grid(len(programmes), f"What moves the result: mean in an input's low / high {fraction:.0%} "
                      "of draws, less the mean", rows=len(outputs), height=0.3 * top + 1.6, width=5.6)
    axes = np.atleast_2d(axes)
    for row, (output, e) in zip(axes, zip(outputs, effects)):
        scale, unit = _scale(results, output)
        for ax, p in zip(row, list(e.programme.values)):
            part = e.sel(programme=p)
            swing = np.nan_to_num(np.abs(part.swing.values), nan=-1.0)
            order = [i for i in np.argsort(swing)[-top:] if swing[i] > 0]
            labels = [_label(str(part.input.values[i]), str(part.input_label.values[i]) if "input_label" in part.coords
                             else str(part.input.values[i]), p) for i in order]
            y = np.arange(len(order))
            for side, colour in (("low", "tab:orange"), ("high", "tab:blue")):
                v = scale * part[side].values[order]
                ax.barh(y, v, color=colour, alpha=0.8, label=f"input in its {side} {fraction:.0%}")
                ax.errorbar(v, y, xerr=2 * scale * part[f"{side}_se"].values[order], fmt="none", ecolor="k",
                            elinewidth=0.6, capsize=1.5)
            if not order:
                ax.text(0.5, 0.5, "no input moves it\n(the same in every draw)", ha="center", va="center",
                        transform=ax.transAxes, fontsize=8)
            ax.set_yticks(y, labels, fontsize=7)
            ax.axvline(0, color="k", lw=0.8)
            ax.set_title(f"{p}: {output}", fontsize=9)
            ax.set_xlabel(unit)
        row[0].legend(fontsize=7, loc="lower right")
    return fig
