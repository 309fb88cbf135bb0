"""The risk summary as text, for the terminal."""

from __future__ import annotations

__all__ = ["summary_table"]


def _fmt(value, se, scale=1.0, digits=2, percent=False):
    if percent:
        return f"{100 * value:6.1f}% ({100 * se:.1f})"
    return f"{value / scale:7.{digits}f} ({se / scale:.{digits}f})"


def summary_table(table, title: str) -> str:
    """The risk summary as text: estimates with Monte Carlo standard errors in brackets."""
    def get(prog, stat):
        return float(table.estimate.sel(programme=prog, statistic=stat)), float(table.mc_se.sel(programme=prog, statistic=stat))

    head = (f"{'':14}| {'municipal net effect, PV':^33} | {'investor IRR a year':^40} | {'guarantee draw':^47}\n"
            f"{'programme':14}| {'mean mio. DKK':>15} {'P(pays > saves)':>17} | {'median':>13} {'5 % quantile':>13} "
            f"{'P(loss)':>12} | {'mean mio. DKK':>15} {'P(any)':>14} {'P(full cap)':>15}")
    lines = [title, "", head, "-" * len(head.splitlines()[1])]
    for prog in table.programme.values:
        lines.append(
            f"{prog:14}| {_fmt(*get(prog, 'municipal_net_pv_mean'), scale=1e6):>15} "
            f"{_fmt(*get(prog, 'p_municipality_pays_more_than_it_saves'), percent=True):>17} | "
            f"{_fmt(*get(prog, 'investor_irr_median'), percent=True):>13} "
            f"{_fmt(*get(prog, 'investor_irr_q5'), percent=True):>13} "
            f"{_fmt(*get(prog, 'p_investor_loss'), percent=True):>12} | "
            f"{_fmt(*get(prog, 'guarantee_draw_mean'), scale=1e6):>15} "
            f"{_fmt(*get(prog, 'p_guarantee_drawn'), percent=True):>14} "
            f"{_fmt(*get(prog, 'p_guarantee_cap_drawn'), percent=True):>15}")
    lines.append("(Monte Carlo standard errors in brackets; portfolio: totals over programmes, P(full cap): any programme)")
    return "\n".join(lines)
