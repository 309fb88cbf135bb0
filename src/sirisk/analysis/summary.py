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

from .cumulative import payer_budget_effect

__all__ = ["mean", "probability", "quantile", "value_at_risk", "expected_shortfall", "risk_summary",
           "paired_difference", "ratio_of_means", "point_mass", "budget_by_year", "BOARD_STATISTICS"]


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


def ratio_of_means(a, b) -> tuple[float, float]:
    """``mean(a) / mean(b)`` over the draws where both are finite, and its standard error (delta method).

    Examples
    --------
    >>> ratio_of_means([1.0, 2.0, 3.0], [2.0, 4.0, 6.0])[0]
    0.5
    """
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    n = len(a)
    if n < 2 or b.mean() == 0:
        return np.nan, np.nan
    r = a.mean() / b.mean()
    c = np.cov(a, b, ddof=1)
    var = (c[0, 0] - 2 * r * c[0, 1] + r * r * c[1, 1]) / (n * b.mean() ** 2)
    return float(r), float(np.sqrt(max(var, 0.0)))


def point_mass(x, value: float) -> float:
    """Share of the (finite) draws exactly at ``value``: where a quantile sits on a point mass, its error is not
    the whole story (the estimate is that value in every resample that keeps the mass over the level)."""
    x = _finite(x)
    return float(np.mean(x == value)) if len(x) and np.isfinite(value) else np.nan


# What the summary answers, per programme (and, from the totals, for the portfolio): (name, variable, statistic).
BOARD_STATISTICS = (
    # the municipality
    ("municipal_net_pv_mean", "municipal_net_pv", "mean"),
    ("p_municipality_overpaid", "municipality_overpaid", "probability"),
    ("p_programme_harm", "programme_harm", "probability"),
    ("saving_paid_share", ("outcome_payments_pv", "municipal_saving_pv"), "ratio"),
    # the investor
    ("investor_irr_mean", "investor_irr", "mean"),
    ("investor_irr_median", "investor_irr", "median"),
    ("p_investor_meets_hurdle", "investor_meets_hurdle", "probability"),
    ("p_investor_loss_before_guarantee", "investor_loss_before_guarantee", "probability"),
    ("p_investor_loss", "investor_loss", "probability"),
    # the guarantor, and the public funder (guarantor and public investor)
    ("public_funder_exposure_mean", "public_funder_exposure", "mean"),
    ("public_funder_cost_pv_mean", "public_funder_cost_pv", "mean"),
    ("guarantee_cost_pv_mean", "guarantee_cost_pv", "mean"),
    ("guarantee_draw_mean", "guarantee_draw", "mean"),
    ("p_guarantee_drawn", "guarantee_drawn", "probability"),
    ("p_guarantee_exposure_drawn", "guarantee_exposure_drawn", "probability"),
    # the public sector as a whole
    ("public_net_pv_mean", "public_net_pv", "mean"),
)


def _portfolio_values(results: xr.Dataset) -> dict:
    """Per-draw values of the portfolio as a whole, from the programmes' totals."""
    tot = {k: results[k].sum("programme").values for k in
           ("municipal_net_pv", "municipal_saving_pv", "outcome_payments_pv", "investor_principal",
            "investor_receipts", "guarantee_draw", "floor_payment", "guarantee_exposure", "guarantee_cost_pv", "public_net_pv",
            "public_funder_exposure", "public_funder_cost_pv")}
    paid, saved = tot["outcome_payments_pv"], tot["municipal_saving_pv"]
    tot["municipality_overpaid"] = (paid > 0) & (paid > saved)
    tot["programme_harm"] = saved < 0
    tot["investor_irr"] = results["portfolio_investor_irr"].values
    tot["investor_loss"] = tot["investor_receipts"] < tot["investor_principal"]
    support = tot["guarantee_draw"] + tot["floor_payment"]
    tot["investor_loss_before_guarantee"] = tot["investor_receipts"] - support < tot["investor_principal"]
    tot["guarantee_drawn"] = tot["guarantee_draw"] > 0
    e = tot["guarantee_exposure"]
    tot["guarantee_exposure_drawn"] = (e > 0) & (tot["guarantee_draw"] >= e * (1 - 1e-12))
    return tot


def risk_summary(results: xr.Dataset, levels=(0.05,)) -> xr.Dataset:
    """The board's table: per programme and for the portfolio, estimates with Monte Carlo standard errors.

    Parameters
    ----------
    results : xarray.Dataset
        From :func:`sirisk.evaluate` or :func:`sirisk.settle`.
    levels : sequence of float
        Tail probabilities for quantiles, VaR and CVaR (e.g. ``(0.05, 0.01)``).

    Returns
    -------
    xarray.Dataset
        Dims ``(programme, statistic)``: ``estimate``, ``mc_se``, and
        ``point_mass``, the share of draws exactly at a quantile's estimate
        (NaN for other statistics): a quantile on a point mass (a median
        IRR of 0 where the guarantee repays the principal in many draws) has
        a small error because most resamples keep it there, and the mass
        says so instead of a bare 0. Programme ``"portfolio"`` holds the
        portfolio as a whole: sums over the programmes, the IRR of the summed
        investor flows, and probabilities of the totals (the municipalities
        together overpaid; the whole guarantee exposure was drawn). The
        investor's P(IRR >= hurdle) has no portfolio value (hurdles differ).

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> table = risk_summary(sr.evaluate(portfolio, draws=200, rng=1, uncertainty=uncertainty))
    >>> float(table.estimate.sel(programme="holbaek", statistic="p_municipality_overpaid")) <= 1
    True
    """
    from ..errors import SpecError

    if not isinstance(results, xr.Dataset):
        raise SpecError(f"results is {type(results).__name__}; give the Dataset of sirisk.evaluate or sirisk.settle")
    needed = ("municipal_net_pv", "investor_irr", "investor_loss", "investor_principal", "investor_receipts",
              "guarantee_draw", "guarantee_exposure", "guarantee_cost_pv", "public_net_pv", "public_funder_cost_pv",
              "public_funder_exposure", "portfolio_investor_irr")
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

    stats = list(BOARD_STATISTICS)
    for a in levels:
        tag = f"{100 * a:g}".replace(".", "_")
        stats += [(f"municipal_net_pv_q{tag}", "municipal_net_pv", ("quantile", a)),
                  (f"investor_irr_q{tag}", "investor_irr", ("quantile", a)),
                  (f"investor_loss_var{tag}", "investor_loss_amount", ("var", a)),
                  (f"investor_loss_cvar{tag}", "investor_loss_amount", ("cvar", a)),
                  (f"guarantee_draw_var{tag}", "guarantee_draw", ("var", a)),
                  (f"guarantee_draw_cvar{tag}", "guarantee_draw", ("cvar", a))]

    def estimate(values, variable, how):
        if how == "ratio":
            return (*ratio_of_means(values[variable[0]], values[variable[1]]), np.nan)
        x = values[variable]
        if how == "mean":
            return (*mean(x), np.nan)
        if how == "probability":
            return (*probability(x), np.nan)
        kind, a = ("quantile", 0.5) if how == "median" else how
        if kind == "quantile":
            est, se = quantile(x, a)
            return est, se, point_mass(x, est)
        est, se = (value_at_risk if kind == "var" else expected_shortfall)(x, a)
        return est, se, np.nan

    names = [n for n, _, _ in stats]
    programmes = [str(p) for p in results.programme.values]
    rows = programmes + ["portfolio"]
    est = np.full((len(rows), len(names)), np.nan)
    se, mass = np.full_like(est, np.nan), np.full_like(est, np.nan)
    per_draw = [v for _, v, _ in stats]
    keys = {k for v in per_draw for k in (v if isinstance(v, tuple) else (v,))} - {"investor_loss_amount"}
    for i, prog in enumerate(programmes):
        values = {k: results[k].sel(programme=prog).values for k in keys}
        values["investor_loss_amount"] = (results["investor_principal"].sel(programme=prog).values
                                       - results["investor_receipts"].sel(programme=prog).values)
        for j, (_, variable, how) in enumerate(stats):
            est[i, j], se[i, j], mass[i, j] = estimate(values, variable, how)
    total = _portfolio_values(results)
    total["investor_loss_amount"] = total["investor_principal"] - total["investor_receipts"]
    for j, (name, variable, how) in enumerate(stats):
        if name != "p_investor_meets_hurdle":
            est[-1, j], se[-1, j], mass[-1, j] = estimate(total, variable, how)
    names, est, se, mass = _with_tranches(results, programmes, names, est, se, mass)
    dims = ("programme", "statistic")
    return xr.Dataset(
        {"estimate": (dims, est), "mc_se": (dims, se),
         "point_mass": (dims, mass, {"description": "share of draws exactly at a quantile's estimate"})},
        coords={"programme": rows, "statistic": names},
        attrs={"levels": list(levels), "draws": results.sizes["draw"],
               "note": "portfolio: the programmes together (sums, the IRR of the summed investor flows, and "
                       "probabilities of the totals); investor loss = principal - receipts (negative: a gain); "
                       "saving_paid_share: expected outcome payments / expected municipal saving (present values)"},
    )


def _with_tranches(results, programmes, names, est, se, mass):
    """The table with each tranche's median IRR, mean MOIC and probability of loss (NaN where a programme has
    no such tranche, and for the portfolio)."""
    if "tranche" not in results.dims:
        return names, est, se, mass
    extra = []
    for t in (str(t) for t in results.tranche.values):
        extra += [(f"{t}_irr_median", t, "tranche_irr", "median"), (f"{t}_moic_mean", t, "tranche_moic", "mean"),
                  (f"p_{t}_loss", t, "tranche_loss", "probability")]
    more = np.full((est.shape[0], len(extra)), np.nan)
    more_se, more_mass = more.copy(), more.copy()
    for i, prog in enumerate(programmes):
        for j, (_, tranche, variable, how) in enumerate(extra):
            row = results.sel(programme=prog, tranche=tranche)
            if np.isnan(row.tranche_principal.values).all():
                continue  # the programme has no such tranche
            x = row[variable].values
            if how == "probability":
                more[i, j], more_se[i, j] = probability(x)
            elif how == "mean":
                more[i, j], more_se[i, j] = mean(x)
            else:
                more[i, j], more_se[i, j] = quantile(x, 0.5)
                more_mass[i, j] = point_mass(x, more[i, j])
    return (names + [n for n, _, _, _ in extra], np.hstack([est, more]), np.hstack([se, more_se]),
            np.hstack([mass, more_mass]))


def budget_by_year(results: xr.Dataset) -> xr.Dataset:
    """The payer's (municipality's) net budget effect per year of the contract: saving less outcome payments, nominal.

    Means over draws with their Monte Carlo errors, per programme and for the portfolio; ``year`` 1 is
    months 0-11.
    """
    from ..errors import SpecError

    if not isinstance(results, xr.Dataset) or "budget_effect" not in results or "outcome_payment" not in results:
        raise SpecError("budget_by_year needs the results' monthly series (settle with monthly=True)")
    net = (payer_budget_effect(results).astype(float) - results.outcome_payment.astype(float)).drop_vars(
        "payer", errors="ignore")  # the portfolio row has no one payer
    year = net.month // 12 + 1
    yearly = net.groupby(year.rename("year")).sum("month")
    yearly = xr.concat([yearly, yearly.sum("programme").expand_dims(programme=["portfolio"])], dim="programme")
    n = yearly.sizes["draw"]
    return xr.Dataset({"estimate": yearly.mean("draw"), "mc_se": yearly.std("draw", ddof=1) / np.sqrt(n)},
                      attrs={"units": results.attrs.get("currency", "DKK"),
                             "description": "the payer's saving less outcome payments per contract year, nominal, "
                                            "mean over draws"})
