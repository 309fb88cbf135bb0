"""One deal's money for a batch of draws: budgets, costs, payments, capital stack, metrics."""

from __future__ import annotations

import numpy as np

from .deal import Deal
from .kernels import irr_all, programme_costs, waterfall
from .payments import achievement_months, contract_payments

__all__ = ["deal_flows"]


def _cumulative_enrolled(entry: np.ndarray, T: int) -> np.ndarray:
    """People enrolled by each month [draw, T] from entry months [draw, participant]."""
    counts = np.zeros((entry.shape[0], T + 1))
    rows = np.repeat(np.arange(entry.shape[0]), entry.shape[1])
    np.add.at(counts, (rows, np.where(entry >= 0, entry, T).ravel()), 1.0)
    return np.cumsum(counts[:, :T], axis=1)


def deal_flows(deal: Deal, engine) -> dict[str, np.ndarray]:
    """Money of ``deal`` for the draws of one engine result (an xarray.Dataset from ``simulate``).

    Returns arrays with a leading draw axis: monthly series [draw, month(, holder)]
    in nominal DKK, present values at the contract start, and per-draw metrics.
    """
    p, budget = deal.programme, deal.budget
    T = p.horizon_months
    B = p.benefit_clock.n_bands
    arms = list(engine.arm.values)
    occupancy = engine.occupancy.values  # [D, A, T, S, B]
    D = occupancy.shape[0]
    index, discount = budget.month_factors(T)

    # Budgets per arm and holder: occupancy times cost per person-month, indexed.
    cost_matrix = budget.matrix(p.state_names, B).reshape(-1, len(budget.holders))
    cost = np.tensordot(occupancy.reshape(D, len(arms), T, -1).astype(np.float64), cost_matrix, axes=1)
    cost *= index[None, None, :, None]
    cost = {a: cost[:, k] for k, a in enumerate(arms)}  # [D, T, H]
    effect = cost["counterfactual"] - cost["treated"]  # saving: positive

    entry = {a: engine.entry_month.values[:, k] for k, a in enumerate(arms)}
    measures = {a: (engine.person_measure.values[:, k], entry[a]) for k, a in enumerate(arms)}

    # Measured savings, as each baseline sees them.
    savings = {}
    holders = list(budget.holders)
    for h in holders + ["all"]:
        pick = slice(None) if h == "all" else holders.index(h)

        def total(c):
            return c[..., pick].sum(axis=-1) if h == "all" else c[..., pick]

        savings[("counterfactual", h)] = total(effect)
        if "control" in cost:
            enrolled_t = _cumulative_enrolled(entry["treated"], T)
            enrolled_c = _cumulative_enrolled(entry["control"], T)
            per_capita = np.divide(total(cost["control"]), enrolled_c, out=np.zeros((D, T)), where=enrolled_c > 0)
            savings[("control_group", h)] = per_capita * enrolled_t - total(cost["treated"])

    costs = np.empty((D, T))
    c = deal.costs
    programme_costs(entry["treated"], c.per_enrolment_dkk, c.per_participant_month_dkk, c.service_months,
                    c.fixed_dkk_per_month, c.fixed_months, costs)
    due = contract_payments(deal.contract, p, measures, savings)

    terms = deal.investor
    cap_month = -1.0 if terms.return_cap_per_year is None else (1 + terms.return_cap_per_year) ** (1 / 12) - 1
    guarantee_cap = 0.0 if deal.guarantee is None else deal.guarantee.cap_dkk
    surplus_share = 0.0 if deal.guarantee is None else deal.guarantee.surplus_share
    paid, investor = np.empty((D, T)), np.empty((D, T))
    g, surplus, principal = np.empty(D), np.empty(D), np.empty(D)
    waterfall(costs, due, cap_month, deal.maturity_month, terms.floor_dkk(1.0), guarantee_cap, surplus_share,
              paid, investor, g, surplus, principal)

    irr_m, reason = np.empty(D), np.empty(D, dtype=np.int64)
    irr_all(investor, irr_m, reason)
    hurdle = (1 + terms.hurdle_rate_per_year) ** (-np.arange(T) / 12.0)
    receipts = paid.sum(axis=1) + g - surplus

    mun = holders.index("municipality")
    saving_pv = (effect[..., mun] * discount).sum(axis=1)
    payments_pv = (paid * discount).sum(axis=1)
    outcome_rate = np.stack([
        np.stack([(achievement_months(p, o, measures[a][0][..., [m.name for m in p.measures].index(o.measure)],
                                      entry[a]) >= 0).sum(axis=1) / np.maximum((entry[a] >= 0).sum(axis=1), 1)
                  for o in deal.contract.outcomes], axis=-1)
        for a in arms], axis=1)  # [D, arm, outcome]
    return {
        "budget_effect": effect,                       # [D, T, H]
        "programme_cost": costs,                       # [D, T]
        "outcome_payment_due": due,                    # [D, T]
        "outcome_payment": paid,                       # [D, T]
        "investor_cash_flow": investor,                # [D, T]
        "municipal_saving_pv": saving_pv,
        "outcome_payments_pv": payments_pv,
        "municipal_net_pv": saving_pv - payments_pv,
        "budget_effect_pv": (effect * discount[None, :, None]).sum(axis=1),  # [D, H]
        "investor_principal": principal,
        "investor_receipts": receipts,
        "investor_irr": np.where(reason == 1, -1.0, (1 + irr_m) ** 12 - 1),
        "investor_irr_reason": reason.astype(np.int8),
        "investor_moic": np.divide(receipts, principal, out=np.full(D, np.nan), where=principal > 0),
        "investor_npv": (investor * hurdle).sum(axis=1),
        "investor_loss": receipts < principal,
        "guarantee_draw": g,
        "guarantee_full_cap": (g >= guarantee_cap * (1 - 1e-12)) & (guarantee_cap > 0),
        "guarantor_surplus": surplus,
        "outcome_rate": outcome_rate,
    }
