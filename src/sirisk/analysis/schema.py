"""The results schema: every variable of a settled portfolio, its dims, units, storage type and meaning.

One table, read by :func:`sirisk.settle` (which fills the variables from
each deal's :class:`~sirisk.money.flows.DealFlows`, field by field, under
the same names), by the design tools (which name metrics by these
variables) and by the docs. Monthly series are stored as float32 (seven
significant digits, half the memory); everything per draw is float64.

Examples
--------
>>> VARIABLES["investor_irr"].units
'1/year'
>>> [v.name for v in variables_with_dims(("draw", "programme"))][:3]
['municipal_saving_pv', 'outcome_payments_pv', 'municipal_net_pv']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..money.kernels import IRR_REASONS

__all__ = ["Variable", "VARIABLES", "PORTFOLIO_VARIABLES", "variables_with_dims", "MONTHLY", "PER_DRAW", "PER_TRANCHE",
           "SCHEMA_VERSION", "MONEY"]

SCHEMA_VERSION = 4  # 3: money in the portfolio's currency, a payer per programme, floor_payment; 4: tranches

# The units of an amount of money: the results say which currency (the portfolio's).
MONEY = "<currency>"


@dataclass(frozen=True)
class Variable:
    """One results variable: the name is also the :class:`~sirisk.money.flows.DealFlows` field it comes from."""

    name: str
    dims: tuple[str, ...]
    units: str
    description: str
    dtype: type = np.float64

    @property
    def is_boolean(self) -> bool:
        return self.dtype is np.bool_

    def units_in(self, currency: str) -> str:
        """The units attribute of this variable in results whose amounts are in ``currency``.

        >>> VARIABLES["investor_npv"].units_in("GBP"), VARIABLES["investor_irr"].units_in("GBP")
        ('GBP', '1/year')
        """
        return currency if self.units == MONEY else self.units


_MONTH = ("draw", "programme", "month")
_DRAW = ("draw", "programme")
_TRANCHE = ("draw", "programme", "tranche")

_TABLE = (
    Variable("budget_effect", ("draw", "programme", "month", "holder"), MONEY,
             "budget saving of the programme (counterfactual cost - treated cost), nominal", np.float32),
    Variable("programme_cost", _MONTH, MONEY, "programme costs, funded by the investor", np.float32),
    Variable("outcome_payment_due", _MONTH, MONEY,
             "outcome payments due under the contract, before the investor's return cap", np.float32),
    Variable("outcome_payment", _MONTH, MONEY,
             "payments made by the payer to the investor: outcome payments, and a top-up to the investor's floor "
             "at maturity where the payer funds it (floor_payment)", np.float32),
    Variable("investor_cash_flow", _MONTH, MONEY,
             "investor's net cash flow, including guarantee and surplus share at maturity", np.float32),
    Variable("budget_cost", ("draw", "programme", "month", "holder", "arm"), MONEY,
             "cost to each holder in each arm (benefits paid net of refund, minus tax), nominal", np.float32),
    Variable("budget_effect_pv", ("draw", "programme", "holder"), MONEY,
             "budget saving discounted to the contract start"),
    Variable("budget_cost_pv", ("draw", "programme", "holder", "arm"), MONEY,
             "cost to each holder in each arm, present value"),
    Variable("municipal_saving_pv", _DRAW, MONEY, "municipality's budget saving, present value"),
    Variable("outcome_payments_pv", _DRAW, MONEY, "outcome payments, present value"),
    Variable("municipal_net_pv", _DRAW, MONEY, "municipality's saving minus outcome payments, present value"),
    Variable("municipality_overpaid", _DRAW, "",
             "the municipality paid for outcomes that did not happen: payments were made and are worth more "
             "than the saving they stand for (present values)", np.bool_),
    Variable("programme_harm", _DRAW, "",
             "the programme did harm: it cost the municipality more than it would have spent without it "
             "(whatever was paid)", np.bool_),
    Variable("saving_paid_share", _DRAW, "1",
             "outcome payments as a share of the municipality's saving (present values); NaN without a saving"),
    Variable("investor_principal", _DRAW, MONEY, "capital drawn"),
    Variable("investor_receipts", _DRAW, MONEY, "outcome payments + guarantee - surplus share, nominal"),
    Variable("investor_irr", _DRAW, "1/year",
             "investor's internal rate of return; NaN where none exists (see the reason)"),
    Variable("investor_irr_reason", _DRAW, "", "; ".join(f"{k}: {r}" for k, r in enumerate(IRR_REASONS)), np.int8),
    Variable("investor_moic", _DRAW, "1", "multiple on invested capital: receipts / principal"),
    Variable("investor_npv", _DRAW, MONEY, "investor's NPV at the hurdle rate"),
    Variable("investor_loss", _DRAW, "", "investor got back less than the principal (the guarantee included)",
             np.bool_),
    Variable("investor_loss_before_guarantee", _DRAW, "",
             "investor's receipts without the floors' support (guarantee draw, or the payer's floor top-up) were "
             "less than the principal", np.bool_),
    Variable("investor_meets_hurdle", _DRAW, "", "investor's IRR reached its hurdle rate", np.bool_),
    Variable("guarantee_draw", _DRAW, MONEY, "amount drawn on the guarantee"),
    Variable("guarantee_drawn", _DRAW, "", "the guarantee was drawn (any amount)", np.bool_),
    Variable("guarantee_full_cap", _DRAW, "", "the whole guarantee cap was drawn", np.bool_),
    Variable("guarantee_exposure", _DRAW, MONEY,
             "the most the guarantee could pay: its cap, or the floor it tops up to where that is less"),
    Variable("guarantee_exposure_drawn", _DRAW, "",
             "the whole exposure was drawn (for a deal below the cap: the whole floor)", np.bool_),
    Variable("guarantor_surplus", _DRAW, MONEY, "guarantor's share of the investor's surplus"),
    Variable("floor_payment", _DRAW, MONEY,
             "what the payer paid at maturity to lift the investor to its floor (InvestorTerms.floor_funded_by = "
             "'payer'; part of outcome_payment)"),
    Variable("guarantee_cost_pv", _DRAW, MONEY,
             "guarantor's net cost, present value: the draw at maturity less the surplus shares it received"),
    Variable("public_funder_cost_pv", _DRAW, MONEY,
             "the public funder's net cost, present value: the guarantee's net cost and the public share of the "
             "investor's loss (InvestorTerms.public_share)"),
    Variable("public_funder_exposure", _DRAW, MONEY,
             "the most the public funder can lose: the guarantee's exposure and the public share of the principal"),
    Variable("public_net_pv", _DRAW, MONEY,
             "public sector as a whole (every budget holder and the public funder): saving less outcome payments "
             "and the public funder's net cost, present value"),
    Variable("outcome_rate", ("draw", "programme", "arm", "outcome"), "1",
             "share of enrolled people achieving the outcome by the horizon"),
    # The investor's tranches (InvestorTerms.tranches), in results whose portfolio has any: NaN (False) for a
    # tranche a programme does not have.
    Variable("tranche_cash_flow", ("draw", "programme", "month", "tranche"), MONEY,
             "each tranche's net cash flow (summing to investor_cash_flow)", np.float32),
    Variable("tranche_principal", _TRANCHE, MONEY, "capital each tranche drew: its share of every call"),
    Variable("tranche_receipts", _TRANCHE, MONEY,
             "what each tranche received, nominal: investor_receipts repaid senior first"),
    Variable("tranche_irr", _TRANCHE, "1/year", "each tranche's internal rate of return; NaN where none exists"),
    Variable("tranche_irr_reason", _TRANCHE, "", "; ".join(f"{k}: {r}" for k, r in enumerate(IRR_REASONS)), np.int8),
    Variable("tranche_moic", _TRANCHE, "1", "each tranche's receipts / principal"),
    Variable("tranche_npv", _TRANCHE, MONEY, "each tranche's NPV at its hurdle rate"),
    Variable("tranche_loss", _TRANCHE, "", "the tranche got back less than it drew", np.bool_),
)

VARIABLES: dict[str, Variable] = {v.name: v for v in _TABLE}

# Portfolio totals per draw: (name, units, description).
PORTFOLIO_VARIABLES: dict[str, Variable] = {v.name: v for v in (
    Variable("portfolio_guarantee_draw", ("draw",), MONEY, "guarantee drawn, summed over the programmes"),
    Variable("portfolio_municipal_net_pv", ("draw",), MONEY,
             "municipalities' saving minus outcome payments, summed over the programmes, present value"),
    Variable("portfolio_investor_irr", ("draw",), "1/year", "IRR of the summed investor cash flows"),
)}


def variables_with_dims(dims: tuple[str, ...]) -> list[Variable]:
    """The per-programme variables with exactly these dims, in schema order."""
    return [v for v in _TABLE if v.dims == dims]


MONTHLY = tuple(v.name for v in _TABLE if "month" in v.dims and v.name != "budget_cost")
PER_DRAW = tuple(v.name for v in variables_with_dims(_DRAW))
PER_TRANCHE = tuple(v.name for v in variables_with_dims(_TRANCHE))  # one value per draw and tranche
