"""The board's summary as text: one block per party, estimates with their Monte Carlo errors."""

from __future__ import annotations

import numpy as np

from ..money.currency import DEFAULT_CURRENCY, millions_label

__all__ = ["summary_table", "yearly_table", "payer_name"]

# (column heading, statistic, kind): kind "mio" (money shown in millions), "pct" (a share, shown in %) or "x"
# (a multiple);
# "{payer}" is the holder that pays for outcomes
BLOCKS = (
    ("{payer}", (("net saving, PV, mean", "municipal_net_pv_mean", "mio"),
                      ("P(pays for outcomes that did not happen)", "p_municipality_overpaid", "pct"),
                      ("P(programme did harm)", "p_programme_harm", "pct"),
                      ("share of the saving paid out", "saving_paid_share", "pct"))),
    ("Investor, IRR a year", (("mean", "investor_irr_mean", "pct"), ("median", "investor_irr_median", "pct"),
                              ("5 % quantile", "investor_irr_q5", "pct"),
                              ("P(IRR >= hurdle)", "p_investor_meets_hurdle", "pct"),
                              ("P(loss) before the guarantee", "p_investor_loss_before_guarantee", "pct"),
                              ("P(loss) after", "p_investor_loss", "pct"))),
    ("The public funder (DSI: guarantor, or investor)", (
        ("exposure", "public_funder_exposure_mean", "mio"), ("net cost, PV, mean", "public_funder_cost_pv_mean", "mio"),
        ("P(any guarantee draw)", "p_guarantee_drawn", "pct"),
        ("P(whole guarantee exposure drawn)", "p_guarantee_exposure_drawn", "pct"))),
    ("Public sector (every budget holder and the public funder)", (("net effect, PV, mean", "public_net_pv_mean",
                                                                    "mio"),)),
)


def _cell(est, se, mass, kind) -> str:
    if not np.isfinite(est):
        return "-"
    scale = {"mio": 1e6, "x": 1.0}.get(kind, 0.01)
    value = f"{est / scale:.1f}%" if kind == "pct" else f"{est / scale:.2f}"
    if np.isfinite(mass) and mass >= 0.01 and (not np.isfinite(se) or se == 0 or mass >= 0.05):
        return f"{value} [at {100 * mass:.0f}% of draws]"  # a point mass: its share says more than an error of 0
    if not np.isfinite(se):
        return value
    return f"{value} ({se / scale:.1f})" if kind == "pct" else f"{value} ({se / scale:.2f})"


def _tranche_blocks(table) -> tuple:
    """A block per tranche of the investor, where the results have tranches (see risk_summary)."""
    names = [str(s)[:-len("_moic_mean")] for s in table.statistic.values if str(s).endswith("_moic_mean")]
    return tuple((f"Investor's tranche {t!r}", (("median IRR", f"{t}_irr_median", "pct"),
                                                 ("MOIC, mean", f"{t}_moic_mean", "x"),
                                                 ("P(loss)", f"p_{t}_loss", "pct"))) for t in names)


def payer_name(payers) -> str:
    """The payers of a portfolio's outcomes as a heading: 'Municipality', or the holders' names.

    >>> payer_name(["municipality", "municipality"]), payer_name(["department"])
    ('Municipality', 'Payer (department)')
    """
    names = sorted(set(payers))
    return "Municipality" if names == ["municipality"] else f"Payer ({', '.join(names)})"


def summary_table(table, title: str, *, currency: str = DEFAULT_CURRENCY, payers=("municipality",)) -> str:
    """The risk summary as text: a block per party, Monte Carlo standard errors in brackets.

    ``currency`` names the unit of amounts (shown in millions), ``payers`` the budget holders that
    pay for outcomes (the results' ``payer`` coordinate).
    """
    programmes = [str(p) for p in table.programme.values]
    lines = [title]
    money = millions_label(currency)
    for heading, columns in BLOCKS + _tranche_blocks(table):
        heading = heading.format(payer=payer_name(payers))
        cells = [[_cell(float(table.estimate.sel(programme=p, statistic=s)), float(table.mc_se.sel(programme=p, statistic=s)),
                        float(table.point_mass.sel(programme=p, statistic=s)), kind) for _, s, kind in columns]
                 for p in programmes]
        widths = [max(len(h), *(len(row[k]) for row in cells)) for k, (h, _, _) in enumerate(columns)]
        first = max(len(heading) + 2, 14)
        lines += ["", heading + (f"  ({money})" if any(kind == "mio" for *_, kind in columns) else ""),
                  f"{'':{first}}" + "  ".join(f"{h:>{w}}" for (h, _, _), w in zip(columns, widths))]
        for p, row in zip(programmes, cells):
            lines.append(f"  {p:{first - 2}}" + "  ".join(f"{c:>{w}}" for c, w in zip(row, widths)))
    lines.append("")
    lines.append("(Monte Carlo standard errors in brackets; 'at N% of draws': the estimate is a point mass; portfolio: "
                 "the programmes together)")
    return "\n".join(lines)


def yearly_table(yearly, *, payers=("municipality",)) -> str:
    """The payer's net budget effect per contract year (mean, in millions, nominal) as text."""
    years = [int(y) for y in yearly.year.values]
    money = millions_label(yearly.attrs.get("units", DEFAULT_CURRENCY))
    lines = [f"{payer_name(payers)}: net budget effect per contract year (saving - outcome payments; mean, {money}, "
             "nominal)",
             f"{'':16}" + "".join(f"{'year ' + str(y):>9}" for y in years)]
    for p in yearly.programme.values:
        row = yearly.estimate.sel(programme=p).values / 1e6
        lines.append(f"  {str(p):14}" + "".join(f"{v:9.2f}" for v in row))
    return "\n".join(lines)
