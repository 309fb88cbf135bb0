"""The fixed reference model for throughput figures (design notes, section 7).

A synthetic model, not a description of any real programme: its numbers are
chosen so that benchmark figures stay comparable over time.

- States: 0 sick pay, 1 employed, 2 other benefit (absorbing).
- From sick pay, with ``d`` the months in the current spell:
  ``h_emp(d) = 0.08 exp(-0.03 d)``, ``h_oth(d) = 0.02 + 0.002 d``.
- From employed: relapse to sick pay with probability 0.01 a month.
- Effect: a hazard ratio on sick pay -> employed, ``exp(N(0.15, 0.1))`` per
  draw (see :func:`reference_parameters`).
- Participant ``i`` enters in month ``i % 24``.
"""

from __future__ import annotations

import numpy as np

from ..model import Cohort, Effect, Programme, State, Subgroup, Sustained, Transition, MonthsIn

__all__ = ["reference_programme", "reference_parameters"]


def reference_programme(participants: int = 300, horizon_months: int = 60, control_size: int = 0,
                        measures: bool = False) -> Programme:
    """The reference model with ``participants`` people entering over 24 months.

    Examples
    --------
    >>> p = reference_programme()
    >>> p.cohort.size, p.horizon_months, p.state_names
    (300, 60, ('sick_pay', 'employed', 'other_benefit'))
    """
    d = np.arange(horizon_months)
    entry = np.arange(participants) % min(24, horizon_months)
    return Programme(
        name="reference",
        states=[State("sick_pay", benefit=True), State("employed"),
                State("other_benefit", benefit=True, absorbing=True)],
        transitions=[
            Transition("sick_pay", "employed", tuple(0.08 * np.exp(-0.03 * d)), band_starts=tuple(d)),
            Transition("sick_pay", "other_benefit", tuple(0.02 + 0.002 * d), band_starts=tuple(d)),
            Transition("employed", "sick_pay", (0.01,)),
        ],
        cohort=Cohort.from_entry_months(entry, [Subgroup("all", 1.0, "sick_pay")]),
        effects=[Effect("effect", ["sick_pay->employed"], hazard_ratio=float(np.exp(0.15)))],
        measures=[Sustained("job3", "employed", months=3, start_within_months=24),
                  MonthsIn("employed_months", "employed", within_months=36)] if measures else [],
        horizon_months=horizon_months,
        control_size=control_size,
    )


def reference_parameters(n_draws: int, *, rng) -> dict[str, np.ndarray]:
    """Per-draw effect ``exp(N(0.15, 0.1))`` of the reference model.

    Examples
    --------
    >>> reference_parameters(3, rng=0)["effects.effect.hazard_ratio"].shape
    (3,)
    """
    gen = np.random.default_rng(rng)
    return {"effects.effect.hazard_ratio": np.exp(gen.normal(0.15, 0.1, size=n_draws))}


def reference_portfolio(participants: int = 180, horizon_months: int = 120, n_programmes: int = 3):
    """A synthetic portfolio for money benchmarks: the reference model with money, three times.

    All amounts are illustrative round numbers (not DSI's), chosen only so
    that every part of the money layer runs: a refunded benefit, taxes, a
    rate card, a cohort threshold against a control group, a gain share,
    a return cap and a guarantee.

    Examples
    --------
    >>> reference_portfolio().investment_limit   # no fund limit: the reference model is not DSI's

    """
    from ..money import (Baseline, Budget, Contract, Deal, Guarantee, InvestorTerms, Outcome, Portfolio,
                         ProgrammeCosts, RateCard, StateFlow, Threshold, GainShare)
    import dataclasses

    base = reference_programme(participants=participants, horizon_months=horizon_months,
                               control_size=participants, measures=True)
    budget = Budget([StateFlow("sick_pay", "municipality", 19_000, refundable=True),
                     StateFlow("other_benefit", "municipality", 12_000, refundable=True),
                     StateFlow("employed", "municipality", -7_000), StateFlow("employed", "state", -9_000)])
    contract = Contract(
        outcomes=[Outcome("job", "job3"), Outcome("work_months", "employed_months", at_least=12)],
        mechanisms=[RateCard({"job": 20_000, "work_months": 10_000}, person_cap=25_000),
                    Threshold("job", threshold=0.05, payment=500_000, cohorts=((0, 11), (12, 23)),
                              measure_months=(36, 48), baseline=Baseline("control_group"), fallback_month=60),
                    GainShare(0.1, holder="municipality", pay_every_months=12)],
        cap=6e6)
    costs = ProgrammeCosts(per_enrolment=2_000, per_participant_month=1_800, service_months=12,
                           fixed_per_month=20_000, fixed_months=24)
    deals = [Deal(dataclasses.replace(base, name=f"programme_{k}"), budget, costs, contract,
                  InvestorTerms(commitment=4.95e6, return_cap_per_year=0.15, principal_floor_share=1.0),
                  Guarantee(cap=5e6, surplus_share=0.1))
             for k in range(n_programmes)]
    return Portfolio(name="reference", deals=deals)


def reference_scenario():
    """The synthetic reference portfolio with the reference model's effect prior, exp(N(0.15, 0.1)).

    Returns ``(portfolio, uncertainty, description)`` like the other built-in scenarios.
    """
    from ..uncertainty import LogNormal, Uncertainty

    portfolio = reference_portfolio()
    prior = LogNormal.from_median_high(float(np.exp(0.15)), float(np.exp(0.15 + 1.6448536269514722 * 0.1)))
    uncertainty = Uncertainty({f"{d.name}/effects.effect.hazard_ratio": prior for d in portfolio.deals})
    return portfolio, uncertainty, ("Synthetic reference portfolio (design notes, section 7, with money): "
                                    "illustrative round numbers, no facts.")
