"""One deal's money for a batch of draws: budgets, costs, payments, capital stack, metrics."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import SpecError
from .deal import Deal
from .kernels import budget_costs, irr_all, programme_costs, waterfall
from .payments import achieved_rates, achievement_months, contract_payments

__all__ = ["budget_weights", "deal_flows", "engine_arrays"]


def _cumulative_enrolled(entry: np.ndarray, T: int) -> np.ndarray:
    """People enrolled by each month [draw, T] from entry months [draw, participant]."""
    D = entry.shape[0]
    cells = np.arange(D)[:, None] * (T + 1) + np.where(entry >= 0, entry, T)
    counts = np.bincount(cells.ravel(), minlength=D * (T + 1)).reshape(D, T + 1)
    return np.cumsum(counts[:, :T], axis=1, dtype=np.float64)


class _Lazy(dict):
    """A dict that computes a missing value once, on first use."""

    def __init__(self, compute):
        super().__init__()
        self._compute = compute

    def __missing__(self, key):
        self[key] = value = self._compute(key)
        return value


def budget_weights(deal: Deal, scales: dict | None, n_draws: int) -> np.ndarray:
    """Cost to each holder of one person-month, by draw, state and clock band: [draw, state, band, holder].

    The flows of ``deal.budget`` after the refund, each times its scale
    factor in ``scales`` (``budget.<label>.scale``, per draw), in DKK of
    the budget's base year. Weigh occupancy with it (``simulate``'s
    ``occupancy_weights``) to get each holder's cost by month.
    """
    p, budget = deal.programme, deal.budget
    scales = deal.money_scales(scales or {}, n_draws)
    flow_scale = np.ones((n_draws, len(budget.flows)))
    for k, f in enumerate(budget.flows):
        if f.label and f"budget.{f.label}.scale" in scales:
            flow_scale[:, k] = scales[f"budget.{f.label}.scale"]
    return np.einsum("df,fsbh->dsbh", flow_scale, budget.flow_matrices(p.state_names, p.benefit_clock.n_bands))


def engine_arrays(engine: xr.Dataset) -> dict:
    """The parts of a ``simulate`` result that :func:`deal_flows` reads, as plain arrays and lists."""
    out = {"arm": list(engine.arm.values), "entry_month": engine.entry_month.values,
           "person_measure": engine.person_measure.values}
    if "weighted_occupancy" in engine:
        out["weighted_occupancy"] = engine.weighted_occupancy.values
        out["weight"] = list(engine["weight"].values)
    else:
        out["occupancy"] = engine.occupancy.values
    return out


def deal_flows(deal: Deal, engine, scales: dict | None = None, arm_costs: bool = True) -> dict[str, np.ndarray]:
    """Money of ``deal`` for the draws of one engine result.

    ``engine`` is an xarray.Dataset from ``simulate``, or the same as plain
    arrays (:func:`engine_arrays`; what :func:`sirisk.evaluate` passes, to
    save building a Dataset per batch). It holds either ``occupancy`` or
    ``weighted_occupancy`` computed with :func:`budget_weights` (weights
    named by the budget's holders). ``scales`` maps money parameter paths
    (``deal.money_paths``) to scale factors per draw. Returns arrays with a
    leading draw axis: monthly series [draw, month(, holder)] in nominal
    DKK, present values at the contract start, and per-draw metrics.
    With ``arm_costs`` False, each arm's cost by month (``budget_cost``,
    [draw, arm, month, holder]) is left out unless a control-group baseline
    needs it; present values per arm are always there.
    """
    if isinstance(engine, xr.Dataset):
        engine = engine_arrays(engine)
    p, budget = deal.programme, deal.budget
    T = p.horizon_months
    arms = engine["arm"]
    D = engine["entry_month"].shape[0]
    index, discount = budget.month_factors(T)
    scales = deal.money_scales(scales or {}, D)

    # Budgets per arm and holder: occupancy times cost per person-month, indexed.
    if "weighted_occupancy" in engine:
        if list(engine["weight"]) != list(budget.holders):
            raise SpecError(f"deal {deal.name!r}: the engine's occupancy is weighted by {list(engine['weight'])}; "
                            f"deal_flows needs the budget's holders {list(budget.holders)} (budget_weights)")
        weighted = engine["weighted_occupancy"]  # [D, A, T, H]
    else:
        weighted = np.einsum("datsb,dsbh->dath", engine["occupancy"], budget_weights(deal, scales, D))
    H = len(budget.holders)
    keep = arm_costs or "control" in arms  # a control-group baseline reads the control arm's costs
    cost_all = np.empty((D, len(arms), T if keep else 0, H))
    cost_pv, effect = np.empty((D, H, len(arms))), np.empty((D, T, H))
    budget_costs(weighted, index, discount, arms.index("treated"), arms.index("counterfactual"),
                 cost_all, cost_pv, effect)  # effect: the saving, positive
    cost = {a: cost_all[:, k] for k, a in enumerate(arms)} if keep else {}  # views [D, T, H]
    effect_pv = cost_pv[..., arms.index("counterfactual")] - cost_pv[..., arms.index("treated")]  # [D, H]

    # Contiguous copies (small): every pass below reads them, and on a strided slice none vectorises (3.5x).
    entry = {a: np.ascontiguousarray(engine["entry_month"][:, k]) for k, a in enumerate(arms)}
    measures = {a: (engine["person_measure"][:, k], entry[a]) for k, a in enumerate(arms)}
    achieved = {(a, o.name): achievement_months(p, o, measures[a][0][..., [m.name for m in p.measures].index(o.measure)],
                                                 entry[a])
                for a in arms for o in deal.contract.outcomes}

    # Measured savings, as each baseline sees them: [draw, month] per (baseline kind, holder or "all"),
    # computed when a mechanism asks for them.
    holders = list(budget.holders)

    def total(c, h):
        return c.sum(axis=-1) if h == "all" else c[..., holders.index(h)]

    def measured_saving(key):
        kind, h = key
        if kind == "counterfactual":
            return total(effect, h)
        if kind == "control_group" and "control" in cost:
            # The control group's cost per enrolled person, times the treated people enrolled.
            enrolled_t = _cumulative_enrolled(entry["treated"], T)
            enrolled_c = _cumulative_enrolled(entry["control"], T)
            scale = np.divide(enrolled_t, enrolled_c, out=np.zeros((D, T)), where=enrolled_c > 0)
            return total(cost["control"], h) * scale - total(cost["treated"], h)
        raise KeyError(key)

    savings = _Lazy(measured_saving)

    costs = np.empty((D, T))
    c = deal.costs
    programme_costs(entry["treated"], c.per_enrolment_dkk, c.per_participant_month_dkk, c.service_months,
                    c.fixed_dkk_per_month, c.fixed_months, costs)
    if "costs.scale" in scales:
        costs *= scales["costs.scale"][:, None]
    mechanism_scales = {k: scales[f"contract.mechanisms[{k}].scale"] for k in range(len(deal.contract.mechanisms))
                        if f"contract.mechanisms[{k}].scale" in scales}
    due = contract_payments(deal.contract, p, measures, savings, achieved=achieved, scales=mechanism_scales)

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

    saving_pv = effect_pv[:, holders.index("municipality")]
    payments_pv = np.einsum("dt,t->d", paid, discount)  # no [D, T] temporary: 3x faster than multiply and sum
    outcome_rate = np.empty((D, len(arms), len(deal.contract.outcomes)))
    for k, a in enumerate(arms):
        for q, o in enumerate(deal.contract.outcomes):
            share, members = achieved_rates(achieved[(a, o.name)], entry[a], 0, T, T)
            outcome_rate[:, k, q] = np.where(members > 0, share, 0.0)  # 0 where nobody enrolled
    result = {
        "budget_effect": effect,                       # [D, T, H]
        "programme_cost": costs,                       # [D, T]
        "outcome_payment_due": due,                    # [D, T]
        "outcome_payment": paid,                       # [D, T]
        "investor_cash_flow": investor,                # [D, T]
        "municipal_saving_pv": saving_pv,
        "outcome_payments_pv": payments_pv,
        "municipal_net_pv": saving_pv - payments_pv,
        "budget_effect_pv": effect_pv,                 # [D, H]
        "budget_cost_pv": cost_pv,                     # [D, H, arm]
        "investor_principal": principal,
        "investor_receipts": receipts,
        "investor_irr": np.where(reason == 1, -1.0, (1 + irr_m) ** 12 - 1),
        "investor_irr_reason": reason.astype(np.int8),
        "investor_moic": np.divide(receipts, principal, out=np.full(D, np.nan), where=principal > 0),
        "investor_npv": np.einsum("dt,t->d", investor, hurdle),
        "investor_loss": receipts < principal,
        "guarantee_draw": g,
        "guarantee_full_cap": (g >= guarantee_cap * (1 - 1e-12)) & (guarantee_cap > 0),
        "guarantor_surplus": surplus,
        "outcome_rate": outcome_rate,
    }
    if keep:
        result["budget_cost"] = cost_all               # [D, arm, T, H]
    return result
