"""A deal: one programme with its budget, costs, contract, investor and guarantee; and a portfolio of deals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..model.measures import WINDOW_COUNTS
from ..model.programme import Programme
from .budget import Budget
from .capital import Guarantee, InvestorTerms
from .contract import Contract, FixedFee, GainShare, RateCard, Threshold
from .costs import ProgrammeCosts
from .currency import DEFAULT_CURRENCY, currency_code

__all__ = ["Deal", "Portfolio", "base_costs"]


def base_costs(programme: Programme, costs: ProgrammeCosts) -> float:
    """Total programme costs under the base intake schedule (what the investor funds)."""
    T = programme.horizon_months
    intake = np.asarray(programme.cohort.intake, dtype=np.float64)  # people per month: no array per person
    months = np.minimum(np.arange(len(intake)) + costs.service_months, T) - np.arange(len(intake))
    return float(costs.per_enrolment * intake.sum() + costs.per_participant_month * (intake * months).sum()
                 + costs.fixed_per_month * min(costs.fixed_months, T))


def _final_offset(measure, outcome) -> int | None:
    """Months after enrolment by which a person's outcome is settled for good (None: it may come at any time)."""
    from ..model.measures import InStatesAt, Sustained

    if isinstance(measure, InStatesAt):
        final = measure.month
    elif isinstance(measure, WINDOW_COUNTS):
        final = measure.within_months - 1
    elif isinstance(measure, Sustained) and measure.start_within_months is not None:
        final = measure.start_within_months + measure.months - 1
    else:
        final = None
    if outcome.by_month is not None:
        final = outcome.by_month if final is None else min(final, outcome.by_month)
    return final


POOL_RULES = ("pro_rata", "in_order")  # how a month the guarantee pool cannot cover is shared

@dataclass(frozen=True)
class Deal:
    """A programme and its money: budget, costs, contract, investor terms, guarantee.

    Parameters
    ----------
    programme, budget, costs, contract, investor
        What is run, whose budgets it moves, what it costs, what is paid for
        outcomes, and how the investor is repaid.
    guarantee : Guarantee or None
        Who covers the investor's shortfall below its floors (None: nobody).
    currency : str
        ISO 4217 code of every amount of the deal (prices, payments, caps,
        costs, budget flows); the results' ``units`` use it.
    payer : str
        The budget holder that pays for outcomes (a municipality, a central
        department, a state agency): its saving is set against the payments
        in ``municipal_net_pv`` and the budget-effect tables.

    Cross-checks at construction: the payer is one of the budget's holders,
    budget flows name the programme's states,
    refundable flows are on benefit states, the refund has one share per
    benefit-clock band, outcomes read existing measures, a control-group
    baseline has a control group, months lie within the horizon, and the
    base-case costs fit in the investor's commitment.
    """

    programme: Programme
    budget: Budget
    costs: ProgrammeCosts
    contract: Contract
    investor: InvestorTerms
    guarantee: Guarantee | None = None
    currency: str = DEFAULT_CURRENCY
    payer: str = "municipality"

    def __post_init__(self):
        p = self.programme
        where = f"deal {getattr(p, 'name', p)!r}"
        for attr, cls in (("programme", Programme), ("budget", Budget), ("costs", ProgrammeCosts),
                          ("contract", Contract), ("investor", InvestorTerms)):
            if not isinstance(getattr(self, attr), cls):
                raise _checks.fail(where, attr, getattr(self, attr), f"must be a {cls.__name__}")
        if self.guarantee is not None and not isinstance(self.guarantee, Guarantee):
            raise _checks.fail(where, "guarantee", self.guarantee, "must be a Guarantee or None")
        T = p.horizon_months
        currency_code(where, self.currency)
        if self.payer not in self.budget.holders:
            raise _checks.fail(where, "payer", self.payer,
                               f"the holder that pays for outcomes must be one of the budget's holders {self.budget.holders}")
        states = {s.name: s for s in p.states}
        for f in self.budget.flows:
            if f.state not in states:
                raise _checks.fail(f"{where}: budget flow {f.label or f.state!r}", "state", f.state,
                                   f"must be one of the states {p.state_names}")
            if f.refundable and not states[f.state].benefit:
                raise _checks.fail(f"{where}: budget flow {f.label or f.state!r}", "refundable", True,
                                   f"only benefit states are refunded; {f.state!r} is not a benefit state")
        if len(self.budget.refund.shares) != p.benefit_clock.n_bands:
            raise _checks.fail(where, "budget.refund.shares", self.budget.refund.shares,
                               f"needs one share per benefit-clock band ({p.benefit_clock.band_labels})")
        measures = {m.name: m for m in p.measures}
        for o in self.contract.outcomes:
            if o.measure not in measures:
                raise _checks.fail(f"{where}: outcome {o.name!r}", "measure", o.measure,
                                   f"must be one of the programme's measures {tuple(measures)}")
            if o.at_least > 1 and not isinstance(measures[o.measure], WINDOW_COUNTS):
                raise _checks.fail(f"{where}: outcome {o.name!r}", "at_least", o.at_least,
                                   "only a count measure (MonthsIn, EntriesInto) counts")
        for m in self.contract.mechanisms:
            w = f"{where}: {type(m).__name__}"
            if getattr(m, "lag_months", 0) >= T:
                raise _checks.fail(w, "lag_months", m.lag_months, f"must be below horizon_months={T}")
            baseline = getattr(m, "baseline", None)
            if baseline is not None and baseline.kind == "control_group" and p.control_size == 0:
                raise _checks.fail(w, "baseline", "control_group", "the programme has no control group (control_size=0)")
            if isinstance(m, GainShare) and m.holder != "all" and m.holder not in self.budget.holders:
                raise _checks.fail(w, "holder", m.holder, f"must be 'all' or one of {self.budget.holders}")
            if isinstance(m, Threshold):
                for month in m.measure_months + ((m.fallback_month,) if m.fallback_month is not None else ()):
                    if month >= T:
                        raise _checks.fail(w, "measure month", month, f"must be below horizon_months={T}")
                for a, b in m.cohorts:
                    if a >= p.cohort.intake_months:
                        raise _checks.fail(w, "cohort", (a, b), f"no one enrols after month {p.cohort.intake_months - 1}")
                if m.statistic == "frequency":
                    _check_counts_final(w, m, measures[self.contract.outcome(m.outcome).measure])
        maturity = self.maturity_month
        if maturity >= T:
            raise _checks.fail(where, "investor.maturity_month", maturity, f"must be below horizon_months={T}")
        terms = self.investor
        steps = terms.principal_floor_steps
        if steps is not None:
            names = tuple(o.name for o in self.contract.outcomes)
            if steps.outcome not in names:
                raise _checks.fail(where, "investor.principal_floor_steps.outcome", steps.outcome,
                                   f"must be one of the contract's outcomes {names}")
            if steps.month > maturity:
                raise _checks.fail(where, "investor.principal_floor_steps.month", steps.month,
                                   f"must not be after maturity (month {maturity}): the floor is settled then")
        if terms.drawdown_schedule is not None and terms.drawdown_schedule[-1][0] > maturity:
            raise _checks.fail(where, "investor.drawdown_schedule", terms.drawdown_schedule[-1][0],
                               f"capital is called at the latest at maturity (month {maturity})")
        if terms.coupon_months and terms.coupon_months[-1] > maturity:
            raise _checks.fail(where, "investor.interest_floor_years", terms.interest_floor_years,
                               f"yearly coupons fall due until month {terms.coupon_months[-1]}, after maturity "
                               f"(month {maturity})")
        if terms.has_floor and terms.floor_funded_by == "guarantor" and self.guarantee is None:
            raise _checks.fail(where, "investor.floor_funded_by", "guarantor",
                               "the investor has a floor and the deal no guarantee to pay it: give a guarantee, "
                               "set floor_funded_by = 'payer', or drop the floor")
        cost = base_costs(p, self.costs)
        if cost > self.investor.commitment * (1 + 1e-12):
            raise _checks.fail(where, "base-case programme costs", round(cost, 2),
                               f"must not exceed the investor's commitment={self.investor.commitment:,.0f}")

    @property
    def name(self) -> str:
        return self.programme.name

    @property
    def money_paths(self) -> tuple[str, ...]:
        """Money parameters that may take a different value (a scale factor >= 0) in each draw.

        ``budget.<label>.scale`` multiplies every budget flow with that label,
        ``costs.scale`` the programme's costs, ``contract.mechanisms[k].scale``
        a rate card's prices, a threshold's payments, a fee, or a gain share.
        """
        return (tuple(f"budget.{label}.scale" for label in self.budget.labels) + ("costs.scale",)
                + tuple(f"contract.mechanisms[{k}].scale" for k in range(len(self.contract.mechanisms))))

    def money_scales(self, values: dict, n_draws: int) -> dict[str, np.ndarray]:
        """Check per-draw money scale factors (path -> values) and return them as arrays of length ``n_draws``."""
        out = {}
        for path, v in values.items():
            where = f"deal {self.name!r}: parameter {path!r}"
            if path not in self.money_paths:
                raise _checks.fail(f"deal {self.name!r}", "parameter path", path,
                                   f"must be one of {', '.join(self.programme.parameter_paths + self.money_paths)}")
            arr = np.asarray(v)
            if arr.ndim == 0:
                arr = np.full(n_draws, arr)
            if arr.shape != (n_draws,):
                raise _checks.fail(where, "shape", arr.shape, f"needs one value per draw, shape ({n_draws},), or one "
                                   "value for all")
            if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
                raise _checks.fail(where, "dtype", str(arr.dtype), "values must be real numbers")
            arr = arr.astype(float)
            bad = ~np.isfinite(arr) | (arr < 0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise _checks.fail(where, f"value at draw {i}", float(arr[i]), "a scale factor must be finite and >= 0")
            k = path[len("contract.mechanisms["):-len("].scale")] if path.startswith("contract.") else None
            if k is not None and isinstance(self.contract.mechanisms[int(k)], GainShare):
                share = self.contract.mechanisms[int(k)].share * arr
                if (share > 1).any():
                    i = int(np.flatnonzero(share > 1)[0])
                    raise _checks.fail(where, f"value at draw {i}", float(arr[i]), "the scaled gain share must stay <= 1")
            out[path] = arr
        return out

    @property
    def maturity_month(self) -> int:
        m = self.investor.maturity_month
        return self.programme.horizon_months - 1 if m is None else m

    @property
    def guarantee_covers_floors(self) -> bool:
        """A guarantee pays this deal's floors (so the deal draws on a portfolio's guarantee pool)."""
        return self.guarantee is not None and self.investor.floor_funded_by == "guarantor"

    @property
    def warnings(self) -> tuple[str, ...]:
        """Contract terms that can never pay (valid, but almost certainly not what was meant).

        Examples
        --------
        >>> from sirisk.scenarios import load
        >>> load("dsi2021")[0].deals[0].warnings
        ()
        """
        out = []
        maturity = self.maturity_month
        measures = {m.name: m for m in self.programme.measures}
        if self.guarantee is not None and (self.investor.floor_funded_by == "payer" or not self.investor.has_floor):
            why = "the payer pays the floors" if self.investor.has_floor else "the investor has no floor"
            out.append(f"deal {self.name!r}: guarantee: it is never drawn: {why}")
        for k, m in enumerate(self.contract.mechanisms):
            where = f"deal {self.name!r}: contract.mechanisms[{k}] ({type(m).__name__})"
            amounts = {RateCard: lambda m: sum(p for _, p in m.prices), Threshold: lambda m: m.payment
                       + (m.fallback_payment or 0.0), GainShare: lambda m: m.share, FixedFee: lambda m: m.amount}
            if next(f for cls, f in amounts.items() if isinstance(m, cls))(m) == 0:
                out.append(f"{where}: every amount is 0, so it never pays")
                continue
            if not isinstance(m, Threshold):
                continue
            pay_at = [t + m.lag_months for t in m.measure_months]
            if all(t > maturity for t in pay_at) and (m.fallback_month is None or m.fallback_month + m.lag_months > maturity):
                out.append(f"{where}: every payment falls due after maturity (month {maturity}), so it never pays")
            if m.baseline.kind == "fixed" and m.threshold > _most_improvement(m):
                out.append(f"{where}: threshold is {m.threshold:g}, above the most a rate can improve on the fixed "
                           f"baseline ({_most_improvement(m):g}), so it never pays")
            # All cohorts together improve by an average of the cohorts' improvements (weighted by members, or by
            # baseline achievers on the relative basis): no more than the best cohort, which did not pay.
            if m.fallback_month is not None and m.baseline.kind != "control_group" and m.fallback_exclusive \
                    and m.pooled_threshold >= m.threshold:
                final = _final_offset(measures[self.contract.outcome(m.outcome).measure], self.contract.outcome(m.outcome))
                if final is not None and all(last + final <= month for (_, last), month in zip(m.cohorts, m.measure_months)):
                    out.append(f"{where}: the fallback can never pay: every cohort's outcome is final by its "
                               "measurement month, so all cohorts together improve no more than the best cohort, "
                               "which did not reach the threshold")
        return tuple(out)


def _check_counts_final(where, m: Threshold, measure) -> None:
    """A frequency is the mean of a count, which is final at the end of each person's window: measure after it."""
    if not isinstance(measure, WINDOW_COUNTS):
        raise _checks.fail(where, "statistic", "frequency",
                           f"needs a count measure (EntriesInto or MonthsIn); {measure.name!r} is a "
                           f"{type(measure).__name__}")
    end = measure.within_months - 1
    months = [(f"measure_months[{j}]", month, last) for j, ((_, last), month) in enumerate(zip(m.cohorts, m.measure_months))]
    if m.fallback_month is not None:
        months.append(("fallback_month", m.fallback_month, m.cohorts[-1][1]))
    for name, month, last in months:
        if month < last + end:
            raise _checks.fail(where, name, month, f"must be at least {last + end}: the counts of people enrolled "
                               f"in month {last} are final {end} months later (the end of their "
                               f"{measure.within_months}-month window)")


def _most_improvement(m: Threshold) -> float:
    """The largest improvement a rate can show against a threshold's fixed baseline rate (a share is in [0, 1])."""
    rate = m.baseline.rate
    most = 1.0 if m.statistic == "share" else np.inf  # the highest rate
    if m.basis == "points":
        return most - rate if m.direction == "higher" else rate
    if rate == 0:  # a relative change against 0 is not measured
        return -np.inf
    return (most - rate) / rate if m.direction == "higher" else 1.0


@dataclass(frozen=True)
class Portfolio:
    """Deals settled together, optionally under one investment limit.

    Parameters
    ----------
    name : str
    deals : sequence of Deal
        They share one currency and one set of budget holders (the results
        have one ``holder`` axis and one unit of money).
    investment_limit : float or None
        The most that may be committed over all deals (a fund's reservation,
        such as DSI's 15 mio. kr. in 2021); None: no limit.
    guarantee_pool_cap : float or None
        The most the deals' guarantees pay in all, on top of each
        guarantee's own cap: one pool shared across the portfolio. Deals
        draw on it as their floors fall due; a month's requests beyond what
        is left are shared as ``guarantee_pool_rule`` says. None: no pool
        (each deal's cap only).
    guarantee_pool_rule : {"pro_rata", "in_order"}
        How a month's requests beyond what is left of the pool are met: cut
        in proportion, or in the order of ``deals`` (the first deal's in
        full, then the next's, until the pool is empty).

    Examples
    --------
    >>> from sirisk.scenarios import load
    >>> load("dsi2021")[0].currency
    'DKK'
    >>> Portfolio(name="empty", deals=[])
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: portfolio 'empty': deals is (); give at least one deal
    """

    name: str
    deals: tuple[Deal, ...]
    investment_limit: float | None = None
    guarantee_pool_cap: float | None = None
    guarantee_pool_rule: str = "pro_rata"

    def __post_init__(self):
        _checks.name("portfolio", "name", self.name)
        where = f"portfolio {self.name!r}"
        deals = _checks.items(where, "deals", self.deals, Deal, non_empty="give at least one deal")
        _checks.unique_names(where, "programme name", (d.name for d in deals))
        object.__setattr__(self, "deals", deals)
        first = deals[0]
        for d in deals[1:]:
            if d.currency != first.currency:
                raise _checks.fail(f"{where}: deal {d.name!r}", "currency", d.currency,
                                   f"all deals of a portfolio share one currency ({first.name!r} is in {first.currency})")
            if tuple(d.budget.holders) != tuple(first.budget.holders):
                raise _checks.fail(f"{where}: deal {d.name!r}", "budget.holders", tuple(d.budget.holders),
                                   f"all deals of a portfolio share the budget holders of {first.name!r}, "
                                   f"{tuple(first.budget.holders)} (in that order)")
        if self.guarantee_pool_rule not in POOL_RULES:
            raise _checks.fail(where, "guarantee_pool_rule", self.guarantee_pool_rule, f"must be one of {POOL_RULES}")
        if self.guarantee_pool_cap is not None:
            object.__setattr__(self, "guarantee_pool_cap",
                               _checks.real(where, "guarantee_pool_cap", self.guarantee_pool_cap, low=0.0))
            if not any(d.guarantee_covers_floors for d in deals):
                raise _checks.fail(where, "guarantee_pool_cap", self.guarantee_pool_cap,
                                   "a pool needs at least one deal whose floors a guarantee covers")
        if self.investment_limit is None:
            return
        limit = _checks.real(where, "investment_limit", self.investment_limit, low=0.0)
        object.__setattr__(self, "investment_limit", limit)
        total = sum(d.investor.commitment for d in deals)
        if total > limit * (1 + 1e-12):
            parts = " + ".join(f"{d.name} {d.investor.commitment:,.0f}" for d in deals)
            raise _checks.fail(where, "total investment", f"{total:,.0f} {self.currency} ({parts})",
                               f"must not exceed investment_limit={limit:,.0f}")

    @property
    def warnings(self) -> tuple[str, ...]:
        """Terms that can never bite (valid, but almost certainly not what was meant): each deal's, and the pool's.

        Examples
        --------
        >>> import dataclasses
        >>> from sirisk.scenarios import load
        >>> dataclasses.replace(load("dsi2021")[0], guarantee_pool_cap=20e6).warnings[-1]
        "portfolio 'dsi2021': guarantee_pool_cap is 20,000,000; the pooled guarantees' caps sum to 15,000,000, so the pool never binds"
        """
        out = [w for d in self.deals for w in d.warnings]
        if self.guarantee_pool_cap is not None:
            caps = sum(d.guarantee.cap for d in self.pooled_deals)
            if self.guarantee_pool_cap >= caps:
                out.append(f"portfolio {self.name!r}: guarantee_pool_cap is {self.guarantee_pool_cap:,.0f}; the pooled "
                           f"guarantees' caps sum to {caps:,.0f}, so the pool never binds")
        return tuple(out)

    @property
    def pooled_deals(self) -> tuple[Deal, ...]:
        """The deals whose guarantees share the pool, in order (none without a pool)."""
        if self.guarantee_pool_cap is None:
            return ()
        return tuple(d for d in self.deals if d.guarantee_covers_floors)

    @property
    def currency(self) -> str:
        """The ISO 4217 code of every amount of the portfolio's deals."""
        return self.deals[0].currency

    @property
    def holders(self) -> tuple[str, ...]:
        """The budget holders of the deals, in the order of the results' ``holder`` axis."""
        return tuple(self.deals[0].budget.holders)
