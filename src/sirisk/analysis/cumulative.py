"""The payer's net effect month by month: what the fan chart draws and the table sums up.

The payer is the budget holder that pays for a programme's outcomes
(``Deal.payer``, a municipality in DSI's deals); results name it per
programme in their ``payer`` coordinate.
"""

from __future__ import annotations

import xarray as xr

from ..errors import SpecError

__all__ = ["cumulative_municipal_net", "payer_budget_effect"]


def payer_budget_effect(results: xr.Dataset) -> xr.DataArray:
    """Each programme's budget saving by month for the holder that pays its outcomes, ``(draw, programme, month)``.

    Examples
    --------
    >>> import numpy as np
    >>> ds = xr.Dataset({"budget_effect": (("programme", "holder"), np.array([[1.0, 2.0], [3.0, 4.0]]))},
    ...                 coords={"programme": ["a", "b"], "holder": ["department", "state"],
    ...                         "payer": ("programme", ["department", "state"])})
    >>> effect = payer_budget_effect(ds)
    >>> effect.values.tolist(), effect.payer.values.tolist()
    ([1.0, 4.0], ['department', 'state'])
    """
    payer = results["payer"] if "payer" in results.coords else "municipality"  # results written before the payer
    return results.budget_effect.sel(holder=payer).drop_vars("holder")


def cumulative_municipal_net(results: xr.Dataset, present_value: bool = True) -> xr.DataArray:
    """Cumulative saving less outcome payments of the payer (the municipality), by draw, programme and month.

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
    net = payer_budget_effect(results).astype(float) - results.outcome_payment.astype(float)
    if present_value:
        net = net * results.discount_factor
    out = net.cumsum("month")
    out.attrs.update(units=results.attrs.get("currency", "DKK"),
                     description="cumulative saving of the payer less outcome payments"
                     + (", present value at the contract start" if present_value else ", nominal"))
    return out
