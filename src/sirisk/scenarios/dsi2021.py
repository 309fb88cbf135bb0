"""The DSI 2021 portfolio: Holbaek, Svendborg and Guldborgsund.

Facts come from ``../shared/reference/danish-parameters.md`` and the call
documents (``../shared/seeds/``). Much is not public: exit hazards by
duration, caseloads, DSI's prices and returns, tax per employed month. Those
numbers are assumptions with a range, registered in the scenario's
:class:`~sirisk.scenarios.provenance.Provenance`; the ones the engine can vary
per draw (hazard scales, effect sizes, cohort sizes) become uncertain
parameters over their range. ``sirisk describe dsi2021`` prints all of them.

Simplifications (stated, not hidden): a month is 52/12 weeks; everyone still
on sick pay at the 22-week reassessment moves to jobafklaring (the seven
extension grounds are not modelled); benefits are at the single-person
rates; the employer period of sick pay is not counted.
"""

from __future__ import annotations

import numpy as np

from .. import model as m
from ..money import (Baseline, Budget, Contract, Deal, Guarantee, InvestorTerms, Outcome, Portfolio,
                     ProgrammeCosts, StateFlow, Threshold)
from ..uncertainty import LogNormal, SharedShock, Uncertainty
from .provenance import Provenance

__all__ = ["dsi2021", "HORIZON_MONTHS"]

HORIZON_MONTHS = 120
WEEKS_PER_MONTH = 52 / 12
REF = "reference notes (shared/reference/danish-parameters.md)"
CALIBRATED = ("no public exit hazard found; set so that with usual services about 45 % are in work or "
              "education 12 months after enrolment, as in Hoff et al. 2021 (tests/scenarios check it)")
AT_COUNTERFACTUAL = ("no public rate for the group; set near the model's expected counterfactual rate, as a contract "
                     "designer would set it from historical data (tests/scenarios check it)")


def _per_month(commitment, size, months):
    """Cost per participant-month that spends the commitment, rounded down to whole øre."""
    return np.floor(commitment / size / months * 100) / 100


def _hazard(p: Provenance, programme, source, target, value, low, high, why="no public exit hazard found (" + REF + ")",
            varied=True):
    """A constant monthly hazard, assumed; its scale is varied per draw if ``varied``."""
    key = f"{programme}: monthly hazard {source}->{target}"
    param = f"{programme}/hazards.{source}->{target}.scale" if varied else None
    p.assume(key, value, low, high, why, parameter=param, relative=True)
    return m.Transition(source, target, (value,))


def _effect_prior(p: Provenance, programme, median, high, why):
    dist = LogNormal.from_median_high(median, high, q=0.95)
    lo, hi = dist.interval(0.9)
    p.assume(f"{programme}: effect hazard ratio (median)", median, round(lo, 3), round(hi, 3), why,
             parameter=f"{programme}/effects.effect.hazard_ratio", distribution=dist)
    return median


def _money(p: Provenance, programme, label, what, value, low, high, why):
    """An assumed amount whose range the uncertainty layer carries as a scale factor on the flow ``label``."""
    return p.assume(f"{programme}: {what}", value, low, high, why,
                    parameter=f"{programme}/budget.{label}.scale", relative=True)


def _taxes(p, programme, municipal, state):
    why = "tax per employed month not in the reference notes; depends on wages and hours"
    return [StateFlow("employed", "municipality",
                      -_money(p, programme, "municipal_tax", "municipal tax per employed month (DKK)", *municipal, why),
                      label="municipal_tax"),
            StateFlow("employed", "state",
                      -_money(p, programme, "state_tax", "state tax per employed month (DKK)", *state, why),
                      label="state_tax")]


def _threshold_contract(p, programme, outcome, baseline, payment, measure_months, fallback):
    why_price = "DSI contract prices and returns are not public (" + REF + ")"
    threshold = p.assume(f"{programme}: threshold, improvement over baseline", 0.05, 0.03, 0.10,
                         "DSI contracts use threshold triggers; the level is not public")
    full_at = p.assume(f"{programme}: improvement that pays in full", 0.15, 0.10, 0.25, why_price)
    pay = p.assume(f"{programme}: payment per cohort at full improvement (DKK)", *payment, why_price,
                   parameter=f"{programme}/contract.mechanisms[0].scale", relative=True)
    return Contract(
        outcomes=[outcome],
        mechanisms=[Threshold(outcome.name, threshold=threshold, payment_dkk=pay, cohorts=((0, 11), (12, 23)),
                              measure_months=measure_months, baseline=Baseline("fixed", rate=baseline),
                              mode="proportional", full_at=full_at, fallback_month=fallback, lag_months=3)],
    )


def _investment(p, programme, value, source=None):
    """The investment: cited where public, else assumed (the three must fit in the 15 m reserved)."""
    if source:
        return p.cite(f"{programme}: investment (DKK)", value, source)
    return p.assume(f"{programme}: investment (DKK)", value, 2.5e6, 5.3e6,
                    "no investment found; the three must fit in 15 mio. kr. with Holbaek's 6.9 m")


def _investor(p, programme, commitment):
    why = "DSI contract returns are not public (" + REF + ")"
    cap = p.assume(f"{programme}: investor return cap per year", 0.15, 0.08, 0.20, why)
    share = p.assume(f"{programme}: DSI's share of the investor's surplus", 0.2, 0.0, 0.5,
                     "DSI takes 'a share of any surplus' (sn.dk article in " + REF + "); the share is not public")
    guarantee = p.cite(f"{programme}: guarantee cap (DKK)", 5e6, "seed 003: at most 5 mio. kr. per municipality")
    return (InvestorTerms(commitment_dkk=commitment, return_cap_per_year=cap, principal_floor_share=1.0,
                          hurdle_rate_per_year=0.05),
            Guarantee(cap_dkk=guarantee, surplus_share=share))


def _intake(p, programme, size, size_source, months=24):
    p.assume(f"{programme}: intake months", months, 18, 30, "enrolment period not public; Holbaek served 30 months")
    per_month = np.full(months, size // months)
    per_month[: size % months] += 1
    if size_source:
        p.cite(f"{programme}: participants", size, size_source)
    return tuple(int(v) for v in per_month)


def _holbaek(p: Provenance, clock) -> Deal:
    name = "holbaek"
    weekly = p.cite("sygedagpenge, maximum per week 2021 (DKK)", 4_460, "danskerhverv.dk, rates for 2021 (" + REF + ")")
    sick_pay = round(weekly * WEEKS_PER_MONTH)
    low, high = 11_698, 15_547
    p.cite("ressourceforloebsydelse / kontanthjaelp 30+, per month 2021, other / provider (DKK)",
           f"{low} / {high}", "danskerhverv.dk; bm.dk satser 2021 (" + REF + ")")
    mix = "mix of providers and others not known: midpoint of the two 2021 rates"
    benefit = _money(p, name, "ressourceforloebsydelse", "ressourceforloebsydelse per month (DKK)", 13_623, low, high, mix)
    _money(p, name, "kontanthjaelp", "kontanthjaelp per month (DKK)", 13_623, low, high, mix)
    after = p.cite(f"{name}: sick pay reassessed after (months)", 5,
                   "22 weeks, then jobafklaring (cabiweb.dk; sygeguide.dk, " + REF + "); 22 weeks = 5.1 months")
    entry = p.assume(f"{name}: months on sick pay at referral", 2, 1, 3, "people are referred some weeks into the spell")
    states = [m.State("sick_pay", benefit=True), m.State("jobafklaring", benefit=True), m.State("employed"),
              m.State("education"), m.State("cash_benefit", benefit=True), m.State("outside", absorbing=True)]
    transitions = [
        _hazard(p, name, "sick_pay", "employed", 0.10, 0.065, 0.14, why=CALIBRATED),
        _hazard(p, name, "sick_pay", "education", 0.005, 0.0025, 0.01, varied=False),
        _hazard(p, name, "sick_pay", "outside", 0.005, 0.0025, 0.015, varied=False),
        _hazard(p, name, "jobafklaring", "employed", 0.045, 0.025, 0.07, why=CALIBRATED),
        _hazard(p, name, "jobafklaring", "cash_benefit", 0.01, 0.005, 0.02, varied=False),
        _hazard(p, name, "jobafklaring", "outside", 0.01, 0.005, 0.02, varied=False),
        _hazard(p, name, "employed", "sick_pay", 0.015, 0.005, 0.03),
        _hazard(p, name, "employed", "cash_benefit", 0.005, 0.002, 0.01, varied=False),
        _hazard(p, name, "education", "employed", 0.03, 0.015, 0.05, varied=False),
        _hazard(p, name, "education", "cash_benefit", 0.02, 0.01, 0.04, varied=False),
        _hazard(p, name, "cash_benefit", "employed", 0.03, 0.015, 0.05, varied=False),
        _hazard(p, name, "cash_benefit", "outside", 0.005, 0.0025, 0.01, varied=False),
    ]
    hr = _effect_prior(p, name, 1.25, 1.9,
                       "IPS-type support: Hoff et al. 2021 in work at 12 months 56.2 % vs 45.0 %; Hellstroem et al. "
                       "2017 OR 1.34 (0.86-2.10); a stress RCT found harm (PMC9527782): the prior allows harm")
    ramp = p.assume(f"{name}: months for the effect to ramp up", 2, 0, 4, "team building up; not public")
    size = 180
    cohort = m.Cohort(_intake(p, name, size, "INDIGO-POJ-0313: 180 participants (" + REF + ")"),
                      [m.Subgroup("all", 1.0, "sick_pay", entry_duration_months=entry)])
    programme = m.Programme(
        name=name, states=states, transitions=transitions, rules=[m.Rule("sick_pay", "jobafklaring", after)],
        cohort=cohort, horizon_months=HORIZON_MONTHS, benefit_clock=clock,
        effects=[m.Effect("effect", ["sick_pay->employed", "jobafklaring->employed", "cash_benefit->employed"],
                          hazard_ratio=hr, ramp_up_months=ramp)],
        measures=[m.InStatesAt("work_or_education_12", ("employed", "education"), month=12),
                  m.Sustained("self_support_3", "off_benefit", months=3, start_within_months=24)],
    )
    budget = Budget([StateFlow("sick_pay", "municipality", sick_pay, refundable=True, label="sygedagpenge"),
                     StateFlow("jobafklaring", "municipality", benefit, refundable=True, label="ressourceforloebsydelse"),
                     StateFlow("cash_benefit", "municipality", benefit, refundable=True, label="kontanthjaelp"),
                     *_taxes(p, name, (7_000, 5_000, 9_000), (5_000, 3_000, 8_000))])
    commitment = _investment(p, name, 6.9e6, "INDIGO-POJ-0313: DKK 6.9 m (" + REF + ")")
    service = p.assume(f"{name}: months of service per participant", 12, 9, 15,
                       "service ran Jan 2024 - Jun 2026 for 180 people; months per person not public")
    costs = ProgrammeCosts(per_participant_month_dkk=_per_month(commitment, size, service), service_months=service)
    baseline = p.cite(f"{name}: baseline, in work at 12 months with usual services", 0.45,
                      "Hoff et al. 2021, usual services 45.0 % (" + REF + ")")
    contract = _threshold_contract(p, name, Outcome("work_or_education_12", "work_or_education_12"), baseline,
                                   (4.6e6, 3.5e6, 6.0e6), measure_months=(24, 36), fallback=48)
    investor, guarantee = _investor(p, name, commitment)
    return Deal(programme, budget, costs, contract, investor, guarantee)


def _svendborg(p: Provenance, clock) -> Deal:
    name = "svendborg"
    low, high = 11_698, 15_547
    benefit = _money(p, name, "kontanthjaelp", "kontanthjaelp per month (DKK)", 13_623, low, high,
                     "provider / other mix not known: midpoint of the 2021 rates (" + REF + ")")
    months_on = p.assume(f"{name}: months on benefit at enrolment", 24, 6, 60,
                         "residents of vulnerable housing areas outside the labour market; duration not public")
    states = [m.State("cash_benefit", benefit=True), m.State("employed"), m.State("education"),
              m.State("outside", absorbing=True)]
    transitions = [
        _hazard(p, name, "cash_benefit", "employed", 0.025, 0.012, 0.04),
        _hazard(p, name, "cash_benefit", "education", 0.005, 0.002, 0.01, varied=False),
        _hazard(p, name, "cash_benefit", "outside", 0.003, 0.001, 0.006, varied=False),
        _hazard(p, name, "employed", "cash_benefit", 0.02, 0.01, 0.04),
        _hazard(p, name, "education", "employed", 0.03, 0.015, 0.05, varied=False),
        _hazard(p, name, "education", "cash_benefit", 0.02, 0.01, 0.04, varied=False),
    ]
    hr = _effect_prior(p, name, 1.2, 1.8, "no Danish RCT for this group in the reference notes: a wide prior allowing harm")
    lock = p.assume(f"{name}: lock-in hazard ratio in the first 3 months", 0.8, 0.6, 1.0,
                    "fewer exits while in the programme: a common finding, size not public")
    size = int(p.assume(f"{name}: participants", 180, 100, 250,
                        "no investment found; DSI's similar Viborg investment had 180 people (INDIGO-POJ-0314)",
                        parameter=None))
    cohort = m.Cohort(_intake(p, name, size, None),
                      [m.Subgroup("all", 1.0, "cash_benefit", entry_duration_months=months_on)])
    programme = m.Programme(
        name=name, states=states, transitions=transitions, cohort=cohort, horizon_months=HORIZON_MONTHS,
        benefit_clock=clock,
        effects=[m.Effect("effect", ["cash_benefit->employed"], hazard_ratio=hr, lock_in_months=3,
                          lock_in_hazard_ratio=lock, ramp_up_months=3)],
        measures=[m.Sustained("job_3", "employed", months=3, start_within_months=24)],
    )
    budget = Budget([StateFlow("cash_benefit", "municipality", benefit, refundable=True, label="kontanthjaelp"),
                     *_taxes(p, name, (6_000, 4_000, 8_000), (4_000, 2_000, 6_000))])
    commitment = _investment(p, name, 4.0e6)
    costs = ProgrammeCosts(per_participant_month_dkk=_per_month(commitment, size, 12), service_months=12)
    baseline = p.assume(f"{name}: baseline, 3 months in work within 24 months", 0.42, 0.32, 0.52, AT_COUNTERFACTUAL)
    contract = _threshold_contract(p, name, Outcome("job_3", "job_3"), baseline, (2.7e6, 2.0e6, 3.5e6),
                                   measure_months=(38, 50), fallback=62)
    investor, guarantee = _investor(p, name, commitment)
    return Deal(programme, budget, costs, contract, investor, guarantee)


def _guldborgsund(p: Provenance, clock) -> Deal:
    name = "guldborgsund"
    benefit = _money(p, name, "uddannelseshjaelp", "uddannelseshjaelp per month (DKK)", 5_000, 2_728, 6_545,
                     "2021 rate not found; 2020-2023 rates at home / away from home span the range (" + REF + ")")
    su = _money(p, name, "SU", "cost to the state of a month in education (DKK)", 6_000, 3_000, 7_000,
                "education grant (SU) not in the reference notes")
    states = [m.State("education_benefit", benefit=True), m.State("education"), m.State("employed"),
              m.State("outside", absorbing=True)]
    transitions = [
        _hazard(p, name, "education_benefit", "education", 0.04, 0.02, 0.07),
        _hazard(p, name, "education_benefit", "employed", 0.02, 0.01, 0.04),
        _hazard(p, name, "education_benefit", "outside", 0.003, 0.001, 0.006, varied=False),
        _hazard(p, name, "education", "education_benefit", 0.02, 0.01, 0.04),
        _hazard(p, name, "education", "employed", 0.01, 0.005, 0.02, varied=False),
        _hazard(p, name, "employed", "education_benefit", 0.02, 0.01, 0.04, varied=False),
    ]
    hr = _effect_prior(p, name, 1.2, 1.8, "no Danish RCT for this group in the reference notes: a wide prior allowing harm")
    months_on = p.assume(f"{name}: months on benefit at enrolment", 6, 0, 24, "not public")
    size = int(p.assume(f"{name}: participants", 120, 80, 180, "not public; DSI investments had 20 to 450 (" + REF + ")"))
    cohort = m.Cohort(_intake(p, name, size, None),
                      [m.Subgroup("all", 1.0, "education_benefit", entry_duration_months=months_on)])
    programme = m.Programme(
        name=name, states=states, transitions=transitions, cohort=cohort, horizon_months=HORIZON_MONTHS,
        benefit_clock=clock,
        effects=[m.Effect("effect", ["education_benefit->education", "education_benefit->employed"],
                          hazard_ratio=hr, ramp_up_months=3)],
        measures=[m.InStatesAt("education_or_work_12", ("education", "employed"), month=12)],
    )
    budget = Budget([StateFlow("education_benefit", "municipality", benefit, refundable=True, label="uddannelseshjaelp"),
                     StateFlow("education", "state", su, label="SU"),
                     *_taxes(p, name, (4_000, 2_500, 6_000), (2_500, 1_000, 4_000))])
    commitment = _investment(p, name, 4.0e6)
    costs = ProgrammeCosts(per_participant_month_dkk=_per_month(commitment, size, 12), service_months=12)
    baseline = p.assume(f"{name}: baseline, in education or work at 12 months", 0.47, 0.37, 0.57, AT_COUNTERFACTUAL)
    contract = _threshold_contract(p, name, Outcome("education_or_work_12", "education_or_work_12"), baseline,
                                   (2.7e6, 2.0e6, 3.5e6), measure_months=(24, 36), fallback=48)
    investor, guarantee = _investor(p, name, commitment)
    return Deal(programme, budget, costs, contract, investor, guarantee)


def dsi2021() -> tuple[Portfolio, Uncertainty, Provenance]:
    """The built-in DSI 2021 portfolio, its uncertainty, and where every number comes from.

    Examples
    --------
    >>> portfolio, uncertainty, sources = dsi2021()
    >>> [d.name for d in portfolio.deals], portfolio.investment_limit_dkk
    (['holbaek', 'svendborg', 'guldborgsund'], 15000000.0)
    >>> sum(d.investor.commitment_dkk for d in portfolio.deals) <= 15e6
    True
    """
    p = Provenance()
    reset = p.assume("benefit clock: months off benefit that reset the refund clock", 12, 6, 24,
                     "the reset rule was not found (" + REF + "); fixed per run, vary it by hand")
    p.cite("state refund by weeks on benefit: 1-4, 5-26, 27-52, 53+", "80/40/30/20 %",
           "star.dk, refusionsreformen (" + REF + ")")
    p.cite("discount rate, real, per year", 0.035, "Ministry of Finance from 7 January 2021 (" + REF + ")")
    clock = m.BenefitClock(band_edges_months=(1, 6, 12), reset_after_months_off=reset)
    deals = [_holbaek(p, clock), _svendborg(p, clock), _guldborgsund(p, clock)]
    limit = p.cite("investment reserved by DSI (DKK)", 15e6, "seed 003: 15 mio. kr. reserved")
    shock = LogNormal.from_median_high(1.0, 1.25)
    p.assume("labour-market shock on all employment hazards (median)", 1.0, round(shock.interval(0.9)[0], 3),
             round(shock.interval(0.9)[1], 3), "a common business cycle moves all three programmes together")
    targets = ["holbaek/hazards.sick_pay->employed.scale", "holbaek/hazards.jobafklaring->employed.scale",
               "svendborg/hazards.cash_benefit->employed.scale", "guldborgsund/hazards.education_benefit->employed.scale"]
    uncertainty = Uncertainty(p.uncertain(), shocks=[SharedShock("labour_market", shock, targets)], method="lhs")
    return Portfolio(name="dsi2021", deals=deals, investment_limit_dkk=limit), uncertainty, p
