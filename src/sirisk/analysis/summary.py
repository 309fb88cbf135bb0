"""Risk summaries over draws, each with its Monte Carlo standard error.

The standard errors tell whether the number of draws was enough:

* mean: ``sd / sqrt(n)``;
* probability: ``sqrt(p (1 - p) / n)``;
* quantile (and VaR): half the distance between the order statistics at
  ``n q -/+ sqrt(n q (1 - q))``, a distribution-free one-sigma interval;
* CVaR (expected shortfall) of the worst share ``alpha``:
  ``sqrt((s_tail^2 + (1 - alpha) (CVaR - VaR)^2) / (n alpha))``, the usual
  asymptotic formula, with ``s_tail`` the standard deviation in the tail.

The difference of one statistic between two designs settled on the same
draws (common random numbers) has a *paired* error, :func:`paired_difference`:
for a mean or a probability the standard error of the per-draw differences;
for a quantile ``sqrt(se_a^2 + se_b^2 - 2 rho se_a se_b)`` with ``rho`` the
correlation of the indicators ``x_a <= q_a`` and ``x_b <= q_b`` (the
Bahadur representation of a quantile as a mean of indicators). Where the
designs move together, it is far smaller than the unpaired
``sqrt(se_a^2 + se_b^2)``, which is also returned.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["mean", "probability", "quantile", "value_at_risk", "expected_shortfall", "risk_summary",
           "paired_difference"]


def _finite(x) -> np.ndarray:
    x = np.asarray(x, dtype=float).ravel()
    return x[np.isfinite(x)]


def mean(x) -> tuple[float, float]:
    """Mean and its standard error (NaNs ignored).

    Examples
    --------
    >>> mean([1.0, 2.0, 3.0, 4.0])
    (2.5, 0.6454972243679028)
    """
    x = _finite(x)
    if len(x) < 2:
        return (float(x.mean()) if len(x) else np.nan), np.nan
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


def probability(event) -> tuple[float, float]:
    """Share of draws in which ``event`` holds, and its standard error."""
    e = np.asarray(event, dtype=bool).ravel()
    p = float(e.mean())
    return p, float(np.sqrt(p * (1 - p) / len(e)))


def quantile(x, q: float) -> tuple[float, float]:
    """Quantile ``q`` and its standard error from order statistics (NaNs ignored).

    Examples
    --------
    >>> est, se = quantile(np.arange(1001.0), 0.5)
    >>> est, round(se, 1)
    (500.0, 16.5)
    """
    x = np.sort(_finite(x))
    n = len(x)
    if n == 0:
        return np.nan, np.nan
    est = float(np.quantile(x, q))
    half = np.sqrt(n * q * (1 - q))
    lo = int(np.clip(np.floor(n * q - half), 0, n - 1))
    hi = int(np.clip(np.ceil(n * q + half), 0, n - 1))
    return est, float((x[hi] - x[lo]) / 2)


def value_at_risk(loss, alpha: float) -> tuple[float, float]:
    """Loss exceeded with probability ``alpha`` (the ``1 - alpha`` quantile of the loss)."""
    return quantile(loss, 1 - alpha)


def expected_shortfall(loss, alpha: float) -> tuple[float, float]:
    """Mean loss in the worst share ``alpha`` of draws (CVaR), and its standard error.

    Examples
    --------
    >>> loss = np.arange(100.0)          # the worst 10 % are 90 .. 99
    >>> expected_shortfall(loss, 0.10)[0]
    94.5
    """
    x = np.sort(_finite(loss))
    n = len(x)
    k = max(1, int(np.ceil(n * alpha)))
    tail = x[n - k:]
    es = float(tail.mean())
    var = float(x[n - k])
    s_tail = float(tail.std(ddof=1)) if k > 1 else 0.0
    se = np.sqrt((s_tail ** 2 + (1 - alpha) * (es - var) ** 2) / (n * alpha))
    return es, float(se)


def paired_difference(a, b, kind: str, q: float | None = None) -> tuple[float, float, float]:
    """``stat(b) - stat(a)`` on paired draws, its paired standard error, and the unpaired one.

    ``kind`` is ``"mean"``, ``"probability"`` or ``"quantile"`` (level ``q``;
    the median is ``q = 0.5``). Draws where either value is NaN are left
    out of both.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=10_000)
    >>> diff, paired, unpaired = paired_difference(x, x + 0.1, "mean")
    >>> round(diff, 6), bool(paired < 1e-12), bool(unpaired > 0.01)
    (0.1, True, True)
    """
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    n = len(a)
    if n < 2:
        return np.nan, np.nan, np.nan
    if kind in ("mean", "probability"):
        est_a, se_a = mean(a)
        est_b, se_b = mean(b)
        return est_b - est_a, float(np.std(b - a, ddof=1) / np.sqrt(n)), float(np.hypot(se_a, se_b))
    if kind != "quantile" or q is None or not 0 < q < 1:
        raise ValueError(f"kind is {kind!r} (q {q!r}); must be 'mean', 'probability' or 'quantile' with q in (0, 1)")
    (qa, se_a), (qb, se_b) = quantile(a, q), quantile(b, q)
    ia, ib = (a <= qa).astype(float), (b <= qb).astype(float)
    sa, sb = ia.std(), ib.std()
    rho = float(((ia - ia.mean()) * (ib - ib.mean())).mean() / (sa * sb)) if sa > 0 and sb > 0 else 0.0
    paired = np.sqrt(max(se_a ** 2 + se_b ** 2 - 2 * rho * se_a * se_b, 0.0))
    return qb - qa, float(paired), float(np.hypot(se_a, se_b))


def risk_summary(results: xr.Dataset, levels=(0.05,)) -> xr.Dataset:
    """The risk table: per programme and for the portfolio, estimates with Monte Carlo standard errors.

    Parameters
    ----------
    results : xarray.Dataset
        From :func:`sirisk.evaluate`.
    levels : sequence of float
        Tail probabilities for quantiles, VaR and CVaR (e.g. ``(0.05, 0.01)``).

    Returns
    -------
    xarray.Dataset
        Dims ``(programme, statistic)``, variables ``estimate`` and ``mc_se``;
        programme ``"portfolio"`` holds the totals over programmes.
    """
    from ..errors import SpecError

    if not isinstance(results, xr.Dataset):
        raise SpecError(f"results is {type(results).__name__}; give the Dataset of sirisk.evaluate or sirisk.settle")
    needed = ("municipal_net_pv", "investor_irr", "investor_loss", "investor_principal", "investor_receipts",
              "guarantee_draw", "guarantee_full_cap", "portfolio_investor_irr")
    missing = [k for k in needed if k not in results]
    if missing:
        raise SpecError(f"results has no variable {missing[0]!r}; give the Dataset of sirisk.evaluate or "
                        "sirisk.settle (with its per-draw metrics), not that of sirisk.simulate")
    raw = np.atleast_1d(levels)
    if not np.issubdtype(raw.dtype, np.number) or raw.ndim != 1 or raw.size == 0:
        raise SpecError(f"levels is {levels!r}; give tail probabilities as numbers, e.g. (0.05, 0.01)")
    levels = tuple(float(a) for a in raw)
    for a in levels:
        if not 0.0 < a < 0.5:
            raise SpecError(f"levels contains {a!r}; a tail probability must lie in (0, 0.5)")

    def loss(v):
        return v["investor_principal"] - v["investor_receipts"]

    stats = [
        ("municipal_net_pv_mean", lambda v: mean(v["municipal_net_pv"])),
        ("p_municipality_pays_more_than_it_saves", lambda v: probability(v["municipal_net_pv"] < 0)),
        ("investor_irr_median", lambda v: quantile(v["investor_irr"], 0.5)),
        ("p_investor_loss", lambda v: probability(v["investor_loss"])),
        ("guarantee_draw_mean", lambda v: mean(v["guarantee_draw"])),
        ("p_guarantee_drawn", lambda v: probability(v["guarantee_draw"] > 0)),
        ("p_guarantee_cap_drawn", lambda v: probability(v["guarantee_full_cap"])),
    ]
    for a in levels:
        tag = f"{100 * a:g}".replace(".", "_")
        stats += [
            (f"municipal_net_pv_q{tag}", lambda v, a=a: quantile(v["municipal_net_pv"], a)),
            (f"investor_irr_q{tag}", lambda v, a=a: quantile(v["investor_irr"], a)),
            (f"investor_loss_var{tag}", lambda v, a=a: value_at_risk(loss(v), a)),
            (f"investor_loss_cvar{tag}", lambda v, a=a: expected_shortfall(loss(v), a)),
            (f"guarantee_draw_var{tag}", lambda v, a=a: value_at_risk(v["guarantee_draw"], a)),
            (f"guarantee_draw_cvar{tag}", lambda v, a=a: expected_shortfall(v["guarantee_draw"], a)),
        ]
    names = [s for s, _ in stats]
    programmes = list(results.programme.values)
    est = np.full((len(programmes) + 1, len(names)), np.nan)
    se = np.full_like(est, np.nan)
    keys = ("municipal_net_pv", "investor_irr", "investor_loss", "investor_principal", "investor_receipts",
            "guarantee_draw", "guarantee_full_cap")
    for i, prog in enumerate(programmes):
        values = {k: results[k].sel(programme=prog).values for k in keys}
        for j, (_, fn) in enumerate(stats):
            est[i, j], se[i, j] = fn(values)
    total = {k: results[k].sum("programme").values for k in keys if k != "investor_irr"}
    total["investor_irr"] = results["portfolio_investor_irr"].values
    total["investor_loss"] = total["investor_receipts"] < total["investor_principal"]
    total["guarantee_full_cap"] = results["guarantee_full_cap"].any("programme").values
    for j, (_, fn) in enumerate(stats):
        est[-1, j], se[-1, j] = fn(total)
    return xr.Dataset(
        {"estimate": (("programme", "statistic"), est), "mc_se": (("programme", "statistic"), se)},
        coords={"programme": programmes + ["portfolio"], "statistic": names},
        attrs={"levels": list(levels), "draws": results.sizes["draw"],
               "note": "portfolio: totals over programmes; p_guarantee_cap_drawn: any programme drew its full cap; "
                       "investor loss = principal - receipts (negative: a gain)"},
    )
