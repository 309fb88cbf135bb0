"""One deal's money for a range of draws: budgets, costs, payments, capital stack, metrics.

Two steps meet here. :func:`deal_records` turns the engine's arrays (people
per arm, their person measures, occupancy weighed by each holder's cost)
into the typed seam :class:`~sirisk.money.records.DealRecords`, once per
simulation. :func:`deal_flows` turns records into money under a deal's
contract, investor terms and guarantee: a pure function of the two, called
once per design. Everything that depends on the records alone (who
achieved what and when, cohort rates, measured savings, programme costs)
can be kept between calls in a ``memo`` dict, so that settling many designs
on one simulation recomputes only what the changed terms touch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import xarray as xr

from ..errors import SpecError
from .deal import Deal, Portfolio
from .kernels import budget_costs, irr_all, programme_costs, tranche_split, waterfall
from .payments import achieved_rates, achievement_months, contract_payments
from .records import ArmRecords, DealRecords

__all__ = ["budget_weights", "deal_records", "deal_records_from_dataset", "deal_flows", "portfolio_flows", "DealFlows",
           "irr_per_year"]


def _cumulative_enrolled(entry: np.ndarray, T: int) -> np.ndarray:
    """People enrolled by each month [draw, T] from entry months [draw, participant]."""
    D = entry.shape[0]
    cells = np.arange(D)[:, None] * (T + 1) + np.where(entry >= 0, entry, T)
    counts = np.bincount(cells.ravel(), minlength=D * (T + 1)).reshape(D, T + 1)
    return np.cumsum(counts[:, :T], axis=1, dtype=np.float64)


def irr_per_year(cash_flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Annual IRRs of monthly cash flows [draw, month], and why each is what it is (``IRR_REASONS``, int8).

    A total loss is -100 %; where no IRR exists it is NaN.
    """
    D = cash_flow.shape[0]
    monthly, reason = np.empty(D), np.empty(D, dtype=np.int64)
    irr_all(np.ascontiguousarray(cash_flow), monthly, reason)
    return np.where(reason == 1, -1.0, (1 + monthly) ** 12 - 1), reason.astype(np.int8)


def budget_weights(deal: Deal, scales: dict | None, n_draws: int) -> np.ndarray:
    """Cost to each holder of one person-month, by draw, state and clock band: [draw, state, band, holder].

    The flows of ``deal.budget`` after the refund, each times its scale
    factor in ``scales`` (``budget.<label>.scale``, per draw), in the currency of
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


def _money_scales(deal: Deal, scales: dict | None, n_draws: int) -> dict[str, np.ndarray]:
    """The per-draw scale factors that act at settlement (costs, mechanisms); budget scales act in the weights."""
    checked = deal.money_scales(scales or {}, n_draws)
    return {path: v for path, v in checked.items() if not path.startswith("budget.")}


def deal_records(deal: Deal, arms, entry_month: np.ndarray, measures: np.ndarray, weighted: np.ndarray,
                 scales: dict | None = None, keep_arm_costs: bool = False) -> DealRecords:
    """The records of one deal from the engine's arrays for a range of draws.

    Parameters
    ----------
    arms : sequence of str
        The simulated arms, in ``ARM_NAMES`` order (treated and counterfactual at least).
    entry_month : int16 [draw, arm, person]
    measures : int16 [draw, arm, person, measure]
    weighted : float64 [draw, arm, month, holder]
        Occupancy weighed by :func:`budget_weights`: each holder's cost by month at base-year prices.
    scales : mapping of money path to values per draw, optional
    keep_arm_costs : bool
        Keep each arm's cost by month (always kept where there is a control arm: a
        control-group baseline reads it).
    """
    arms = list(arms)
    budget = deal.budget
    D, _, T, H = weighted.shape
    index, discount = budget.month_factors(T)
    keep = keep_arm_costs or "control" in arms
    cost_all = np.empty((D, len(arms), T if keep else 0, H))
    cost_pv, saving = np.empty((D, H, len(arms))), np.empty((D, T, H))
    budget_costs(weighted, index, discount, arms.index("treated"), arms.index("counterfactual"),
                 cost_all, cost_pv, saving)  # saving: counterfactual - treated, positive when the programme saves
    saving_pv = cost_pv[..., arms.index("counterfactual")] - cost_pv[..., arms.index("treated")]

    # Contiguous per arm: every pass over people reads them, and on a strided slice none vectorises.
    people = {}
    for k, a in enumerate(arms):
        entry = np.ascontiguousarray(entry_month[:, k])
        if a == "counterfactual" and np.array_equal(entry, people["treated"].entry_month):
            entry = people["treated"].entry_month  # the same people: one array (paired arms enrol alike)
        people[a] = ArmRecords(entry, np.ascontiguousarray(measures[:, k]))
    return DealRecords(people, tuple(budget.holders), saving, saving_pv, cost_pv, cost_all if keep else None,
                       _money_scales(deal, scales, D))


def deal_records_from_dataset(deal: Deal, engine: xr.Dataset, scales: dict | None = None,
                              keep_arm_costs: bool = True) -> DealRecords:
    """The records of one deal from a :func:`sirisk.simulate` result (``occupancy`` or ``weighted_occupancy``).

    A ``weighted_occupancy`` must have been weighed by :func:`budget_weights` (weights named by the
    budget's holders); an ``occupancy`` cube is weighed here, with the budget scales in ``scales``.
    """
    arms = [str(a) for a in engine.arm.values]
    D = engine.sizes["draw"]
    if "weighted_occupancy" in engine:
        labels = [str(w) for w in engine["weight"].values]
        if labels != list(deal.budget.holders):
            raise SpecError(f"deal {deal.name!r}: the engine's occupancy is weighted by {labels}; "
                            f"the money layer needs the budget's holders {list(deal.budget.holders)} (budget_weights)")
        weighted = engine.weighted_occupancy.values
    else:
        weighted = np.einsum("datsb,dsbh->dath", engine.occupancy.values, budget_weights(deal, scales, D))
    return deal_records(deal, arms, engine.entry_month.values, engine.person_measure.values,
                        np.ascontiguousarray(weighted, dtype=np.float64), scales, keep_arm_costs)


@dataclass(frozen=True, eq=False)
class DealFlows:
    """One deal's money for a range of draws: the results variables of one programme.

    Monthly series are [draw, month] (``budget_effect`` [draw, month,
    holder]) nominal, in the deal's currency; present values are at the contract start;
    metrics are per draw. The investor's IRR and what follows from it are
    worked out when first read (they are the costliest part, and a design
    tool that reads only a guarantee draw never pays for them). Names and
    meanings are those of the results schema (:mod:`sirisk.analysis.schema`).
    """

    holders: tuple[str, ...]
    arms: tuple[str, ...]
    outcomes: tuple[str, ...]
    budget_effect: np.ndarray
    budget_effect_pv: np.ndarray
    budget_cost_pv: np.ndarray
    budget_cost: np.ndarray | None
    programme_cost: np.ndarray
    capital_flow: np.ndarray        # [draw, month] capital drawn from the investor (net of unspent capital returned)
    outcome_payment_due: np.ndarray
    outcome_payment: np.ndarray
    investor_cash_flow: np.ndarray
    municipal_saving_pv: np.ndarray
    outcome_payments_pv: np.ndarray
    investor_principal: np.ndarray
    guarantee_draw: np.ndarray
    guarantor_surplus: np.ndarray
    floor_payment: np.ndarray       # [draw] the payer's top-ups to the floor (in outcome_payment)
    guarantee_by_month: np.ndarray | None  # [draw, month] the guarantee's draws (None: the payer funds the floor)
    outcome_rate: np.ndarray
    guarantee_cap: float
    hurdle_rate_per_year: float
    floor_per_principal: np.ndarray  # [draw] the guaranteed floor and coupons per unit of principal (0: not guaranteed)
    maturity_month: int
    discount: np.ndarray            # [month] the budget's discount factors
    public_investor_share: float
    tranches: tuple[str, ...] = ()  # the investor's tranches, senior first (none: one investor)
    tranche_cash_flow: np.ndarray | None = None  # [tranche, draw, month] each tranche's net cash flow
    tranche_share: np.ndarray | None = None        # [tranche] share of every capital call
    tranche_hurdle: np.ndarray | None = None       # [tranche] hurdle rate for its NPV
    tranche_public_share: np.ndarray | None = None  # [tranche] share held by a public body

    @cached_property
    def municipal_net_pv(self) -> np.ndarray:
        return self.municipal_saving_pv - self.outcome_payments_pv

    @cached_property
    def municipality_overpaid(self) -> np.ndarray:
        """Payments were made and are worth more than the saving they stand for (paying for outcomes that did not happen)."""
        return (self.outcome_payments_pv > 0) & (self.outcome_payments_pv > self.municipal_saving_pv)

    @cached_property
    def programme_harm(self) -> np.ndarray:
        """The programme cost the municipality more than it would have spent without it, whatever was paid."""
        return self.municipal_saving_pv < 0

    @cached_property
    def saving_paid_share(self) -> np.ndarray:
        """Outcome payments as a share of the saving (present values), where there was a saving."""
        s = self.municipal_saving_pv
        return np.divide(self.outcome_payments_pv, s, out=np.full(len(s), np.nan), where=s > 0)

    @cached_property
    def investor_receipts(self) -> np.ndarray:
        return self.outcome_payment.sum(axis=1) + self.guarantee_draw - self.guarantor_surplus

    @cached_property
    def _irr(self) -> tuple[np.ndarray, np.ndarray]:
        return irr_per_year(self.investor_cash_flow)

    @property
    def investor_irr(self) -> np.ndarray:
        return self._irr[0]

    @property
    def investor_irr_reason(self) -> np.ndarray:
        return self._irr[1]

    @cached_property
    def investor_moic(self) -> np.ndarray:
        p = self.investor_principal
        return np.divide(self.investor_receipts, p, out=np.full(len(p), np.nan), where=p > 0)

    @cached_property
    def investor_npv(self) -> np.ndarray:
        T = self.investor_cash_flow.shape[1]
        hurdle = (1 + self.hurdle_rate_per_year) ** (-np.arange(T) / 12.0)
        return np.einsum("dt,t->d", self.investor_cash_flow, hurdle)

    @cached_property
    def investor_loss(self) -> np.ndarray:
        return self.investor_receipts < self.investor_principal

    @cached_property
    def guarantee_drawn(self) -> np.ndarray:
        return self.guarantee_draw > 0

    @cached_property
    def guarantee_exposure(self) -> np.ndarray:
        """What the guarantee can be drawn for at most: its cap, or the floor it tops up to if that is less."""
        return np.minimum(self.guarantee_cap, self.floor_per_principal * self.investor_principal)

    @cached_property
    def guarantee_exposure_drawn(self) -> np.ndarray:
        """The whole exposure was drawn (for a deal below the cap: the whole floor)."""
        e = self.guarantee_exposure
        return (e > 0) & (self.guarantee_draw >= e * (1 - 1e-12))

    @cached_property
    def _surplus_by_month(self) -> np.ndarray:
        """The guarantor's surplus share by month: what the investor's receipts lost to it."""
        share = self.outcome_payment - self.capital_flow - self.investor_cash_flow
        if self.guarantee_by_month is not None:
            share += self.guarantee_by_month  # the draws are in the investor's flow, not a share
        return share

    @cached_property
    def guarantee_cost_pv(self) -> np.ndarray:
        """The guarantor's net cost, present value: its draws (at maturity, and on coupon dates) less its surplus shares."""
        drawn = 0.0 if self.guarantee_by_month is None else np.einsum("dt,t->d", self.guarantee_by_month, self.discount)
        return drawn - np.einsum("dt,t->d", self._surplus_by_month, self.discount)

    @cached_property
    def investor_loss_before_guarantee(self) -> np.ndarray:
        """Without the floors' support (a guarantee draw, or the payer's top-up) the investor lost money."""
        return self.investor_receipts - self.guarantee_draw - self.floor_payment < self.investor_principal

    @cached_property
    def investor_meets_hurdle(self) -> np.ndarray:
        irr = self.investor_irr
        return np.isfinite(irr) & (np.nan_to_num(irr, nan=-np.inf) >= self.hurdle_rate_per_year)

    @cached_property
    def tranche_principal(self) -> np.ndarray:
        """[draw, tranche] capital each tranche drew (its share of every call)."""
        return self.investor_principal[:, None] * self.tranche_share[None, :]

    @cached_property
    def tranche_receipts(self) -> np.ndarray:
        """[draw, tranche] what each tranche received, nominal."""
        return self.tranche_cash_flow.sum(axis=2).T + self.tranche_principal

    @cached_property
    def _tranche_irr(self) -> tuple[np.ndarray, np.ndarray]:
        each = [irr_per_year(flows) for flows in self.tranche_cash_flow]  # [draw] per tranche
        return np.stack([irr for irr, _ in each], axis=1), np.stack([why for _, why in each], axis=1)

    @property
    def tranche_irr(self) -> np.ndarray:
        return self._tranche_irr[0]

    @property
    def tranche_irr_reason(self) -> np.ndarray:
        return self._tranche_irr[1]

    @cached_property
    def tranche_moic(self) -> np.ndarray:
        p = self.tranche_principal
        return np.divide(self.tranche_receipts, p, out=np.full(p.shape, np.nan), where=p > 0)

    @cached_property
    def tranche_npv(self) -> np.ndarray:
        """[draw, tranche] each tranche's NPV at its hurdle rate."""
        T = self.tranche_cash_flow.shape[2]
        hurdle = (1 + self.tranche_hurdle[:, None]) ** (-np.arange(T)[None, :] / 12.0)
        return np.einsum("jdt,jt->dj", self.tranche_cash_flow, hurdle)

    @cached_property
    def tranche_loss(self) -> np.ndarray:
        """[draw, tranche] the tranche got back less than it drew."""
        return self.tranche_receipts < self.tranche_principal

    @cached_property
    def _public_investment_pv(self) -> np.ndarray:
        """The public share of the investor's flows, present value at the budget's rate."""
        if self.tranche_cash_flow is not None:
            if not self.tranche_public_share.any():
                return np.zeros(self.investor_cash_flow.shape[0])
            return np.einsum("jdt,t,j->d", self.tranche_cash_flow, self.discount, self.tranche_public_share)
        if self.public_investor_share == 0:
            return np.zeros(self.investor_cash_flow.shape[0])
        return self.public_investor_share * np.einsum("dt,t->d", self.investor_cash_flow, self.discount)

    @cached_property
    def public_funder_cost_pv(self) -> np.ndarray:
        """What the public funder (guarantor, and public investor) loses, present value: the guarantee's net cost
        and the public share of the investor's loss."""
        return self.guarantee_cost_pv - self._public_investment_pv

    @cached_property
    def public_funder_exposure(self) -> np.ndarray:
        """The most the public funder can lose: the guarantee's exposure and the public share of the principal."""
        if self.tranche_cash_flow is not None:
            return self.guarantee_exposure + self.tranche_principal @ self.tranche_public_share
        return self.guarantee_exposure + self.public_investor_share * self.investor_principal

    @cached_property
    def public_net_pv(self) -> np.ndarray:
        """Every holder's saving less outcome payments and the public funder's net cost."""
        return self.budget_effect_pv.sum(axis=1) - self.outcome_payments_pv - self.public_funder_cost_pv

    @cached_property
    def guarantee_full_cap(self) -> np.ndarray:
        cap = self.guarantee_cap
        return (self.guarantee_draw >= cap * (1 - 1e-12)) & (cap > 0)


def _memo(memo: dict, key, compute):
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _measured_saving(records: DealRecords, T: int, key) -> np.ndarray:
    """The saving [draw, month] of holder ``h`` (or ``"all"``) as a baseline of kind ``kind`` measures it."""
    kind, h = key
    holders = list(records.holders)

    def total(c):
        return c.sum(axis=-1) if h == "all" else c[..., holders.index(h)]

    if records.saving_is_measured or kind == "counterfactual":
        if records.saving is None:
            raise SpecError("a gain share needs the budget saving by month; the measured results give none "
                            "(savings)")
        return total(records.saving)
    if kind == "control_group" and records.arm_cost is not None and "control" in records.arms:
        # The control group's cost per enrolled person, times the treated people enrolled.
        arms = records.arm_names
        cost = {a: records.arm_cost[:, k] for k, a in enumerate(arms)}
        enrolled_t = _cumulative_enrolled(records.arms["treated"].entry_month, T)
        enrolled_c = _cumulative_enrolled(records.arms["control"].entry_month, T)
        scale = np.divide(enrolled_t, enrolled_c, out=np.zeros(enrolled_t.shape), where=enrolled_c > 0)
        return total(cost["control"]) * scale - total(cost["treated"])
    raise SpecError(f"a gain share against a {kind} baseline needs the {kind.replace('_group', '')} arm's "
                    "costs by month, which these records do not have")


class _SavingsView:
    """``savings[(kind, holder)]`` computed on first use and kept in the memo."""

    def __init__(self, records, T, memo):
        self._records, self._T, self._memo = records, T, memo

    def __getitem__(self, key):
        return _memo(self._memo, ("saving", key), lambda: _measured_saving(self._records, self._T, key))


def _floor_per_principal(terms, records: DealRecords, achieved_months, T: int) -> np.ndarray:
    """The investor's floor at maturity per unit of principal, per draw [D]: base share, steps reached, interest."""
    D = records.n_draws
    steps = terms.principal_floor_steps
    if steps is None:
        return np.full(D, terms.floor(1.0))
    share, _ = achieved_rates(achieved_months[("treated", steps.outcome)], records.arms["treated"].entry_month,
                              0, T, steps.month)
    return terms.floor_share(share) + terms.interest_floor_share


@dataclass(frozen=True, eq=False)
class _Terms:
    """One deal's inputs to the waterfall for a range of draws, and what the flows are assembled from."""

    deal: Deal
    records: DealRecords
    memo: dict
    costs: np.ndarray          # [D, T] programme costs
    capital: np.ndarray        # [D, T] capital drawn
    due: np.ndarray            # [D, T] outcome payments due
    floor: np.ndarray          # [D] floor at maturity per unit of principal
    achieved_months: dict

    @property
    def funder_cap(self) -> float:
        """The most the floors' funder pays: the guarantee's cap, the payer without a cap, or nothing."""
        if self.deal.investor.floor_funded_by == "payer":
            return np.inf
        return 0.0 if self.deal.guarantee is None else self.deal.guarantee.cap


def _deal_terms(deal: Deal, records: DealRecords, memo: dict | None) -> _Terms:
    """Everything before the waterfall: achievement, payments due, costs and capital, the floor per draw."""
    memo = {} if memo is None else memo
    p = deal.programme
    T = p.horizon_months
    D = records.n_draws
    arms = records.arm_names
    measure_index = {m.name: q for q, m in enumerate(p.measures)}

    def achieved(arm, outcome):
        people = records.arms[arm]
        if people.achieved is not None:
            return people.achieved[outcome.name]
        return _memo(memo, ("achieved", arm, outcome), lambda: achievement_months(
            p, outcome, people.measures[..., measure_index[outcome.measure]], people.entry_month))

    achieved_months = {(a, o.name): achieved(a, o) for a in arms for o in deal.contract.outcomes}

    costs_spec = deal.costs
    scale = records.scales.get("costs.scale")

    def base_costs():
        if records.programme_cost is not None:
            return records.programme_cost
        out = np.empty((D, T))
        c = costs_spec
        programme_costs(records.arms["treated"].entry_month, c.per_enrolment, c.per_participant_month,
                        c.service_months, c.fixed_per_month, c.fixed_months, out)
        return out

    costs = _memo(memo, ("programme_cost", costs_spec), base_costs)
    if scale is not None:
        costs = costs * scale[:, None]
    mechanism_scales = {k: records.scales[f"contract.mechanisms[{k}].scale"]
                        for k in range(len(deal.contract.mechanisms))
                        if f"contract.mechanisms[{k}].scale" in records.scales}
    people = {a: (records.arms[a].measures, records.arms[a].entry_month) for a in arms}
    observed_counts = {(a, o): v for a in arms for o, v in (records.arms[a].events or {}).items()}
    due = contract_payments(deal.contract, p, people, _SavingsView(records, T, memo), achieved=achieved_months,
                            scales=mechanism_scales, memo=memo, counts=observed_counts)
    return _Terms(deal, records, memo, costs, deal.investor.capital_drawn(costs, deal.maturity_month), due,
                  _floor_per_principal(deal.investor, records, achieved_months, T), achieved_months)


def _waterfalls(terms: list[_Terms], pool_cap: float = np.inf, pool_in_order: bool = False) -> list[tuple]:
    """The waterfall of deals settled together: (paid, investor, support, surplus, principal) per deal.

    One deal's arrays go in as they are; several (a guarantee pool) are
    stacked on a common horizon, the months past a deal's own horizon empty.
    """
    K, D = len(terms), terms[0].records.n_draws
    T = max(t.capital.shape[1] for t in terms)

    def stacked(get):
        if K == 1:
            return get(terms[0])[None]
        out = np.zeros((K, D, T))
        for k, t in enumerate(terms):
            a = get(t)
            out[k, :, :a.shape[1]] = a
        return out

    def rate(investor):
        return -1.0 if investor.return_cap_per_year is None else (1 + investor.return_cap_per_year) ** (1 / 12) - 1

    paid, investor, support = np.empty((K, D, T)), np.empty((K, D, T)), np.empty((K, D, T))
    surplus, principal = np.empty((K, D)), np.empty((K, D))
    waterfall(stacked(lambda t: t.capital), stacked(lambda t: t.due),
              np.array([rate(t.deal.investor) for t in terms]),
              np.array([t.deal.maturity_month for t in terms], dtype=np.int64),
              np.stack([t.floor for t in terms]),
              np.stack([np.pad(t.deal.investor.coupon_rates(t.capital.shape[1]), (0, T - t.capital.shape[1]))
                        for t in terms]),
              np.array([t.funder_cap for t in terms]),
              np.array([0.0 if t.deal.guarantee is None else t.deal.guarantee.surplus_share for t in terms]),
              float(pool_cap), bool(pool_in_order), paid, investor, support, surplus, principal)
    out = []
    for k, t in enumerate(terms):
        Tk = t.capital.shape[1]
        out.append((paid[k, :, :Tk], investor[k, :, :Tk], support[k, :, :Tk], surplus[k], principal[k]))
    return out


def deal_flows(deal: Deal, records: DealRecords, memo: dict | None = None) -> DealFlows:
    """Money of ``deal`` for the draws of ``records``.

    Parameters
    ----------
    deal : Deal
        Its programme's horizon, measures and holders must be the ones the
        records were made with (:func:`sirisk.settle` checks that).
    records : DealRecords
    memo : dict, optional
        Kept between calls on the same records: what depends on the records
        alone (achievement months per outcome definition, cohort rates,
        measured savings, programme costs) is computed once.

    Returns
    -------
    DealFlows
    """
    terms = _deal_terms(deal, records, memo)
    return _assemble(terms, *_waterfalls([terms])[0])


def portfolio_flows(portfolio: Portfolio, records: Sequence[DealRecords],
                    memos: Sequence[dict] | None = None) -> list[DealFlows]:
    """Money of every deal of ``portfolio`` for the same draws: :func:`deal_flows`, with a guarantee pool.

    Without ``portfolio.guarantee_pool_cap`` the deals settle one by one.
    A month the pool cannot cover is shared as ``portfolio.guarantee_pool_rule`` says.
    With it, the deals whose floors draw on a guarantee settle together, so
    that their draws in all stay within the pool (each within its own cap
    too); the other deals settle one by one.

    Parameters
    ----------
    portfolio : Portfolio
    records : sequence of DealRecords
        One per deal, in order, for the same draws.
    memos : sequence of dict, optional
        One per deal (see :func:`deal_flows`).
    """
    deals = portfolio.deals
    memos = [None] * len(deals) if memos is None else memos
    terms = [_deal_terms(d, r, m) for d, r, m in zip(deals, records, memos)]
    pooled = [k for k, d in enumerate(deals) if d in portfolio.pooled_deals]
    in_order = portfolio.guarantee_pool_rule == "in_order"
    outputs = (dict(zip(pooled, _waterfalls([terms[k] for k in pooled], portfolio.guarantee_pool_cap, in_order)))
               if pooled else {})
    return [_assemble(t, *(outputs[k] if k in outputs else _waterfalls([t])[0])) for k, t in enumerate(terms)]


def _tranche_flows(investor_terms, capital, investor):
    """Each tranche's net cash flow [J, D, T], or None without tranches."""
    if investor_terms.tranches is None:
        return None
    layers = investor_terms.tranches
    flows = np.empty((len(layers),) + investor.shape)
    tranche_split(capital, np.ascontiguousarray(investor), np.array([t.share for t in layers]),
                  np.array([t.cap_rate_month for t in layers]), flows)
    return flows


def _assemble(terms: _Terms, paid, investor, support, surplus, principal) -> DealFlows:
    """The flows of one deal from its waterfall."""
    deal, records, memo = terms.deal, terms.records, terms.memo
    p = deal.programme
    T, D = p.horizon_months, records.n_draws
    arms = records.arm_names
    outcomes = deal.contract.outcomes
    investor_terms = deal.investor
    _, discount = deal.budget.month_factors(T)
    by_payer = investor_terms.floor_funded_by == "payer"
    if by_payer:  # the payer's top-ups are payments to the investor, not guarantee draws
        paid = paid + support
        floor_payment, g, drawn_by_month = support.sum(axis=1), np.zeros(D), None
    else:
        floor_payment, g, drawn_by_month = np.zeros(D), support.sum(axis=1), support
    # coupons on at most the principal
    exposure = terms.floor + investor_terms.interest_floor_per_year * len(investor_terms.coupon_months)

    holders = list(records.holders)
    payer = holders.index(deal.payer)
    saving_pv = (records.saving_pv[:, payer] if records.saving_pv is not None else np.full(D, np.nan))

    def rates():
        out = np.empty((D, len(arms), len(outcomes)))
        for k, a in enumerate(arms):
            for q, o in enumerate(outcomes):
                share, members = achieved_rates(terms.achieved_months[(a, o.name)], records.arms[a].entry_month,
                                                0, T, T)
                out[:, k, q] = np.where(members > 0, share, 0.0)  # 0 where nobody enrolled
        return out

    layers = investor_terms.tranches or ()
    H = len(holders)
    return DealFlows(
        holders=tuple(holders), arms=arms, outcomes=tuple(o.name for o in outcomes),
        budget_effect=records.saving if records.saving is not None else np.full((D, T, H), np.nan),
        budget_effect_pv=records.saving_pv if records.saving_pv is not None else np.full((D, H), np.nan),
        budget_cost_pv=records.cost_pv if records.cost_pv is not None else np.full((D, H, len(arms)), np.nan),
        budget_cost=records.arm_cost,
        programme_cost=terms.costs, capital_flow=terms.capital, outcome_payment_due=terms.due, outcome_payment=paid,
        investor_cash_flow=investor,
        municipal_saving_pv=saving_pv,
        outcome_payments_pv=np.einsum("dt,t->d", paid, discount),  # no [D, T] temporary
        investor_principal=principal, guarantee_draw=g, guarantor_surplus=surplus, floor_payment=floor_payment,
        guarantee_by_month=drawn_by_month,
        outcome_rate=_memo(memo, ("outcome_rate", outcomes), rates),
        guarantee_cap=0.0 if deal.guarantee is None else deal.guarantee.cap,
        hurdle_rate_per_year=investor_terms.hurdle_rate_per_year,
        floor_per_principal=exposure if deal.guarantee is not None and not by_payer else np.zeros(D),
        maturity_month=deal.maturity_month, discount=discount, public_investor_share=investor_terms.public_share,
        tranches=tuple(t.name for t in layers),
        tranche_cash_flow=_tranche_flows(investor_terms, terms.capital, investor),
        tranche_share=np.array([t.share for t in layers]),
        tranche_hurdle=np.array([investor_terms.hurdle_rate_per_year if t.hurdle_rate_per_year is None
                                 else t.hurdle_rate_per_year for t in layers]),
        tranche_public_share=np.array([t.public_share for t in layers]),
    )
