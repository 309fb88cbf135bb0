"""What drives a result: how far an output's mean moves between the low and the high end of each uncertain input.

For each input, the draws in its lowest and its highest tenth (``fraction``)
are compared with all draws: the difference of the output's mean there and
overall says, in the output's own units, what the input's range does when
everything else varies as it does. Unlike a rank correlation it is in
mio. kr. or IRR points, and unlike a one-at-a-time sweep it needs no extra
runs and keeps the copula and the shared shocks. Its Monte Carlo error is
that of a difference of means.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import SpecError

__all__ = ["input_effects"]


def _tail_mean(y, mask):
    v = y[mask]
    n = len(v)
    return (float(v.mean()), float(v.std(ddof=1) / np.sqrt(n))) if n > 1 else (np.nan, np.nan)


def input_effects(results: xr.Dataset, output: str, fraction: float = 0.1) -> xr.Dataset:
    """Per programme and uncertain input: the output's mean in the input's low and high tails, less its mean.

    Parameters
    ----------
    results : xarray.Dataset
        From :func:`sirisk.evaluate` or :func:`sirisk.settle`, with sampled inputs.
    output : str
        A per-draw variable, per programme (``investor_irr``) or of the portfolio (``portfolio_investor_irr``).
    fraction : float
        The share of draws in each tail, in (0, 0.5].

    Returns
    -------
    xarray.Dataset
        Dims ``(programme, input)`` (``programme`` has one value, "portfolio", for a portfolio output):
        ``low`` and ``high`` (mean in the input's low and high tails less the overall mean, the output's
        units), ``low_se`` and ``high_se``, and ``swing`` (high - low). Draws where the output is NaN (no IRR)
        are left out.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> x = np.arange(1000.0)
    >>> results = xr.Dataset({"y": (("draw", "programme"), 2 * x[:, None]), "input_value": (("draw", "input"), x[:, None])},
    ...                      coords={"programme": ["a"], "input": ["a/effect"]})
    >>> e = input_effects(results, "y")
    >>> float(e.low.sel(programme="a", input="a/effect")), float(e.high.sel(programme="a", input="a/effect"))
    (-900.0, 900.0)
    """
    if not isinstance(results, xr.Dataset) or "input_value" not in results:
        raise SpecError("input_effects: results has no sampled inputs (input_value); give the results of a run "
                        "with an Uncertainty")
    per_draw = [v for v in results.data_vars if results[v].dims in (("draw",), ("draw", "programme"))]
    if output not in per_draw:
        raise SpecError(f"output is {output!r}; must be a per-draw variable of the results ({', '.join(per_draw)})")
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 0.5:
        raise SpecError(f"fraction is {fraction!r}; must lie in (0, 0.5]")
    y_all = results[output]
    if "programme" not in y_all.dims:
        y_all = y_all.expand_dims(programme=["portfolio"], axis=1)
    names = list(results.input.values)
    x = results.input_value.transpose("draw", "input").values
    out = {k: np.full((y_all.sizes["programme"], len(names)), np.nan) for k in ("low", "high", "low_se", "high_se")}
    for p in range(y_all.sizes["programme"]):
        y = y_all.isel(programme=p).values.astype(float)
        ok = np.isfinite(y)
        if ok.sum() < 4:
            continue
        centre = y[ok].mean()
        for i in range(len(names)):
            xi = x[ok, i]
            if np.ptp(xi) == 0:
                out["low"][p, i] = out["high"][p, i] = 0.0
                out["low_se"][p, i] = out["high_se"][p, i] = 0.0
                continue
            lo, hi = np.quantile(xi, [fraction, 1 - fraction])
            for side, mask in (("low", xi <= lo), ("high", xi >= hi)):
                m, se = _tail_mean(y[ok], mask)
                out[side][p, i], out[f"{side}_se"][p, i] = m - centre, se
    dims = ("programme", "input")
    ds = xr.Dataset({k: (dims, v) for k, v in out.items()},
                    coords={"programme": list(y_all.programme.values), "input": names,
                            **({"input_label": ("input", results.input_label.values)} if "input_label" in results.coords
                               else {})},
                    attrs={"output": output, "fraction": fraction, "units": results[output].attrs.get("units", "")})
    ds["swing"] = ds.high - ds.low
    return ds
