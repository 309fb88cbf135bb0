"""The municipality's net effect month by month: what the fan chart draws and the table sums up."""

from __future__ import annotations

import xarray as xr

from ..errors import SpecError

__all__ = ["cumulative_municipal_net"]


def cumulative_municipal_net(results: xr.Dataset, present_value: bool = True) -> xr.DataArray:
    """Cumulative saving less outcome payments of the municipality, by draw, programme and month.

    In present value (the default) the last month is the table's ``municipal_net_pv``, draw by draw
    (up to the float32 rounding of the monthly series); nominal, it is the undiscounted sum.

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> results = sr.evaluate(portfolio, draws=20, rng=1, uncertainty=uncertainty)
    >>> path = cumulative_municipal_net(results)
    >>> end = path.isel(month=-1)
    >>> bool(abs(end - results.municipal_net_pv).max() < 1e-4 * abs(results.municipal_net_pv).max())
    True
    """
    for name in ("budget_effect", "outcome_payment") + (("discount_factor",) if present_value else ()):
        if not isinstance(results, xr.Dataset) or name not in results:
            raise SpecError(f"cumulative_municipal_net: results has no variable {name!r}; give the Dataset of "
                            "sirisk.evaluate or sirisk.settle with its monthly series (monthly=True)")
    net = (results.budget_effect.sel(holder="municipality").astype(float) - results.outcome_payment.astype(float))
    if present_value:
        net = net * results.discount_factor
    out = net.cumsum("month")
    out.attrs.update(units="DKK", description="cumulative municipal saving less outcome payments"
                     + (", present value at the contract start" if present_value else ", nominal"))
    return out
