"""The DSI 2021 portfolio: Holbaek, Svendborg and Guldborgsund.

Facts come from ``../shared/reference/danish-parameters.md`` and the call
documents (``../shared/seeds/``). Much is not public: exit hazards by
duration, caseloads, DSI's prices and returns, tax per employed month. Those
numbers are assumptions with a range, registered in the scenario's
:class:`~sirisk.scenarios.provenance.Provenance`; the ones the engine can vary
per draw (hazard scales, effect sizes and durations, cohort sizes, benefit
rates and taxes) become uncertain parameters over their range. Contract
terms are design choices, registered as such with the targets they were
derived for (``scripts/derive_dsi2021_terms.py`` derives them again), and
never uncertain inputs. ``sirisk describe dsi2021`` prints all of them.

The call's guarantee reads two ways (:data:`READINGS`): a deficit guarantee
of at most 5 mio. kr. per municipality for the investors (``dsi2021``), or
DSI's commitment to invest at most 5 mio. kr. in each municipality's
programme (``dsi2021_investment``).

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
from ..uncertainty import PERT, LogNormal, SharedShock, Uncertainty
from .provenance import Provenance

__all__ = ["dsi2021", "HORIZON_MONTHS", "READINGS", "PAYMENTS", "TARGETS"]

HORIZON_MONTHS = 120
WEEKS_PER_MONTH = 52 / 12
REF = "reference notes (shared/reference/danish-parameters.md)"
CALIBRATED = ("no public exit hazard found; set so that with usual services about 45 % are in work 12 months after "
              "enrolment, as in Hoff et al. 2021 (tests/scenarios check it)")
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


def _effect_duration(p: Provenance, programme):
    """How long the effect lasts after it has ramped up, and how fast it then fades (the service ends)."""
    full = p.assume(f"{programme}: months the full effect lasts", 36, 12, 96,
                    "effects of employment support often fade once the service ends; how fast is not known for these "
                    "groups (Hoff 2021 found no difference in time to return to work)",
                    parameter=f"{programme}/effects.effect.full_effect_months", distribution=PERT(12, 36, 96))
    fade = p.assume(f"{programme}: months over which the effect then fades to nothing", 12, 6, 24,
                    "not known; a year, as for the service itself")
    return full, fade


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


# The two readings of the call's guarantee, with the sentences they rest on (seeds 001 and 003, in Danish).
READINGS = {
    "guarantee": (
        "a deficit guarantee: investors fund each programme; DSI covers their shortfall below the principal, "
        "at most 5 mio. kr. per municipality, and takes a share of any surplus",
        'seed 003: "Der reserveres 15 mio. kr. til at investere i de faerdigudviklede investeringsprogrammer. '
        'Derudover: ... Stiller DSI investeringsgaranti til hver kommune beloebende til maksimalt 5 mio. kr."; '
        "a local newspaper called it a deficit guarantee with DSI taking a share of any surplus (sn.dk, " + REF + ")"),
    "investment": (
        "an investment commitment: DSI itself invests at most 5 mio. kr. in each municipality's programme, out of "
        "the 15 mio. kr. reserved, and carries the losses; a larger programme (Holbaek's 6.9 m) has a co-investor "
        "on the same terms for the rest",
        'seed 001: "Stiller DSI en investeringsgaranti til hver kommune paa maksimalt 5 mio. kr., under '
        'forudsaetning af et vellykket udviklingsforloeb, til investering i det sociale investeringsprogram i '
        'kommunen"'),
}

# What the design terms were derived for: each investor's mean IRR, with the municipality paying for outcomes
# that did not happen in at most this share of draws (the dsi2021 issue's targets for the default deal).
TARGETS = {"mean_irr": 0.06, "irr_range": (0.03, 0.09), "overpaid_at_most": 0.12}

# The payment per cohort at full improvement, derived by scripts/derive_dsi2021_terms.py (see its docstring and
# docs/scenarios.md): the price that gives the investor the target mean IRR, or, where the municipality would then
# overpay in more than the share allowed, the most it can pay without.
PAYMENTS = {
    "guarantee": {"holbaek": 27.87e6, "svendborg": 12.06e6, "guldborgsund": 1.21e6},
    "investment": {"holbaek": 41.08e6, "svendborg": 12.80e6, "guldborgsund": 1.21e6},
}
_DERIVED = ("derived by scripts/derive_dsi2021_terms.py on 20,000 draws (seed 2021): the price for a mean investor "
            "IRR of {irr:.0%} a year, capped where the municipality would pay for outcomes that did not happen in more "
            "than {over:.0%} of draws")


def _threshold_contract(p, programme, outcome, baseline, reading, measure_months, first_cohort_end=11,
                        last_cohort_end=23):
    design = ("design: the structure that comes closest to the targets among those compared in docs/scenarios.md "
              "(fixed baselines pay when the labour market alone clears them: a higher threshold keeps that rarer)")
    threshold = p.design(f"{programme}: threshold, improvement over baseline", 0.08, design)
    full_at = p.design(f"{programme}: improvement that pays in full", 0.20, design)
    pay = p.design(f"{programme}: payment per cohort at full improvement (DKK)", PAYMENTS[reading][programme],
                   _DERIVED.format(irr=TARGETS["mean_irr"], over=TARGETS["overpaid_at_most"]))
    months = p.design(f"{programme}: measurement months of the two cohorts", measure_months,
                      "design: each cohort is measured once every member's outcome is final (its last entrant's "
                      "outcome month); no fallback over all cohorts, which could never pay: with outcomes final by "
                      "then, all cohorts together improve no more than the best one")
    lag = p.assume(f"{programme}: months from measurement to payment", 3, 1, 6,
                   "register data take a few months to settle; DSI's lag is not public")
    return Contract(
        outcomes=[outcome],
        mechanisms=[Threshold(outcome.name, threshold=threshold, payment=pay,
                              cohorts=((0, first_cohort_end), (first_cohort_end + 1, last_cohort_end)),
                              measure_months=months, baseline=Baseline("fixed", rate=baseline),
                              mode="proportional", full_at=full_at, lag_months=lag)],
    )


def _investment(p, programme, value, source=None):
    """The investment: cited where public, else assumed (the three must fit in the 15 m reserved)."""
    if source:
        return p.cite(f"{programme}: investment (DKK)", value, source)
    return p.assume(f"{programme}: investment (DKK)", value, 2.5e6, 5.3e6,
                    "no investment found; the three must fit in 15 mio. kr. with Holbaek's 6.9 m")


def _investor(p, programme, commitment, reading):
    why = "DSI contract returns are not public (" + REF + ")"
    cap = p.design(f"{programme}: investor return cap per year", 0.25,
                   "design: at 15 % no price gives the investor a mean IRR of 5 % without the municipality paying for "
                   "outcomes that did not happen in more than 12 % of draws (docs/scenarios.md); a higher cap lets "
                   "the investor share the best draws, where the municipality saves most")
    hurdle = p.assume(f"{programme}: investor's hurdle rate per year", 0.05, 0.03, 0.08,
                      "a social investor's required return; " + why)
    maturity = p.assume(f"{programme}: maturity (month of final settlement)", HORIZON_MONTHS - 1, 60, HORIZON_MONTHS - 1,
                        "the contract is settled at the end of its ten years; not public")
    limit = p.cite("DSI's investment or guarantee per municipality, at most (DKK)", 5e6,
                   "seeds 001 and 003: at most 5 mio. kr. per municipality") if programme == "holbaek" else 5e6
    if reading == "guarantee":
        floor = p.assume(f"{programme}: principal floor (share of the principal the guarantee tops up to)", 1.0,
                         0.5, 1.0, "a deficit guarantee covers the investor's loss of principal; its extent is not "
                         "public")
        share = p.assume(f"{programme}: DSI's share of the investor's surplus", 0.2, 0.0, 0.5,
                         "DSI takes 'a share of any surplus' (sn.dk article in " + REF + "); the share is not public")
        return (InvestorTerms(commitment=commitment, return_cap_per_year=cap, principal_floor_share=floor,
                              maturity_month=maturity, hurdle_rate_per_year=hurdle),
                Guarantee(cap=limit, surplus_share=share))
    public = min(limit, commitment) / commitment
    return (InvestorTerms(commitment=commitment, return_cap_per_year=cap, maturity_month=maturity,
                          hurdle_rate_per_year=hurdle, public_share=public), None)


def _intake(p, programme, size, size_source, months=24):
    p.assume(f"{programme}: intake months", months, 18, 30, "enrolment period not public; Holbaek served 30 months")
    per_month = np.full(months, size // months)
    per_month[: size % months] += 1
    if size_source:
        p.cite(f"{programme}: participants", size, size_source)
    return tuple(int(v) for v in per_month)


def _holbaek(p: Provenance, clock, reading) -> Deal:
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
    full, fade = _effect_duration(p, name)
    size = 180
    cohort = m.Cohort(_intake(p, name, size, "INDIGO-POJ-0313: 180 participants (" + REF + ")"),
                      [m.Subgroup("all", 1.0, "sick_pay", entry_duration_months=entry)])
    programme = m.Programme(
        name=name, states=states, transitions=transitions, rules=[m.Rule("sick_pay", "jobafklaring", after)],
        cohort=cohort, horizon_months=HORIZON_MONTHS, benefit_clock=clock,
        effects=[m.Effect("effect", ["sick_pay->employed", "jobafklaring->employed", "cash_benefit->employed"],
                          hazard_ratio=hr, ramp_up_months=ramp, full_effect_months=full, fade_out_months=fade)],
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
    costs = ProgrammeCosts(per_participant_month=_per_month(commitment, size, service), service_months=service)
    baseline = p.assume(f"{name}: baseline, in work or education at 12 months", 0.46, 0.45, 0.55,
                        "not public for work or education; Hoff et al. 2021 give 45.0 % in work alone with usual "
                        "services (" + REF + "), so at least that: set near the model's expected counterfactual, as a "
                        "contract designer would set it from historical data (tests/scenarios check it)")
    contract = _threshold_contract(p, name, Outcome("work_or_education_12", "work_or_education_12"), baseline,
                                   reading, measure_months=(24, 36))
    investor, guarantee = _investor(p, name, commitment, reading)
    return Deal(programme, budget, costs, contract, investor, guarantee)


def _svendborg(p: Provenance, clock, reading) -> Deal:
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
    full, fade = _effect_duration(p, name)
    size = int(p.assume(f"{name}: participants", 180, 100, 250,
                        "no investment found; DSI's similar Viborg investment had 180 people (INDIGO-POJ-0314)",
                        parameter=None))
    cohort = m.Cohort(_intake(p, name, size, None),
                      [m.Subgroup("all", 1.0, "cash_benefit", entry_duration_months=months_on)])
    programme = m.Programme(
        name=name, states=states, transitions=transitions, cohort=cohort, horizon_months=HORIZON_MONTHS,
        benefit_clock=clock,
        effects=[m.Effect("effect", ["cash_benefit->employed"], hazard_ratio=hr, lock_in_months=3,
                          lock_in_hazard_ratio=lock, ramp_up_months=3, full_effect_months=full, fade_out_months=fade)],
        measures=[m.Sustained("job_3", "employed", months=3, start_within_months=24)],
    )
    budget = Budget([StateFlow("cash_benefit", "municipality", benefit, refundable=True, label="kontanthjaelp"),
                     *_taxes(p, name, (6_000, 4_000, 8_000), (4_000, 2_000, 6_000))])
    commitment = _investment(p, name, 4.0e6)
    costs = ProgrammeCosts(per_participant_month=_per_month(commitment, size, 12), service_months=12)
    baseline = p.assume(f"{name}: baseline, 3 months in work within 24 months", 0.42, 0.32, 0.52, AT_COUNTERFACTUAL)
    contract = _threshold_contract(p, name, Outcome("job_3", "job_3"), baseline, reading, measure_months=(38, 50))
    investor, guarantee = _investor(p, name, commitment, reading)
    return Deal(programme, budget, costs, contract, investor, guarantee)


def _guldborgsund(p: Provenance, clock, reading) -> Deal:
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
    full, fade = _effect_duration(p, name)
    months_on = p.assume(f"{name}: months on benefit at enrolment", 6, 0, 24, "not public")
    size = int(p.assume(f"{name}: participants", 120, 80, 180, "not public; DSI investments had 20 to 450 (" + REF + ")"))
    cohort = m.Cohort(_intake(p, name, size, None),
                      [m.Subgroup("all", 1.0, "education_benefit", entry_duration_months=months_on)])
    programme = m.Programme(
        name=name, states=states, transitions=transitions, cohort=cohort, horizon_months=HORIZON_MONTHS,
        benefit_clock=clock,
        effects=[m.Effect("effect", ["education_benefit->education", "education_benefit->employed"],
                          hazard_ratio=hr, ramp_up_months=3, full_effect_months=full, fade_out_months=fade)],
        measures=[m.InStatesAt("education_or_work_12", ("education", "employed"), month=12)],
    )
    budget = Budget([StateFlow("education_benefit", "municipality", benefit, refundable=True, label="uddannelseshjaelp"),
                     StateFlow("education", "state", su, label="SU"),
                     *_taxes(p, name, (4_000, 2_500, 6_000), (2_500, 1_000, 4_000))])
    commitment = _investment(p, name, 4.0e6)
    costs = ProgrammeCosts(per_participant_month=_per_month(commitment, size, 12), service_months=12)
    baseline = p.assume(f"{name}: baseline, in education or work at 12 months", 0.47, 0.37, 0.57, AT_COUNTERFACTUAL)
    contract = _threshold_contract(p, name, Outcome("education_or_work_12", "education_or_work_12"), baseline,
                                   reading, measure_months=(24, 36))
    investor, guarantee = _investor(p, name, commitment, reading)
    return Deal(programme, budget, costs, contract, investor, guarantee)


def dsi2021(reading: str = "guarantee") -> tuple[Portfolio, Uncertainty, Provenance]:
    """The built-in DSI 2021 portfolio, its uncertainty, and where every number comes from.

    Parameters
    ----------
    reading : {"guarantee", "investment"}
        How the call's "investeringsgaranti" of at most 5 mio. kr. per
        municipality is read (:data:`READINGS`): a deficit guarantee for the
        investors (the default, built-in ``dsi2021``), or DSI's commitment to
        invest that much itself (``dsi2021_investment``).

    Examples
    --------
    >>> portfolio, uncertainty, sources = dsi2021()
    >>> [d.name for d in portfolio.deals], portfolio.investment_limit
    (['holbaek', 'svendborg', 'guldborgsund'], 15000000.0)
    >>> sum(d.investor.commitment for d in portfolio.deals) <= 15e6
    True
    >>> dsi2021("investment")[0].deals[0].investor.public_share   # DSI invests 5 m of Holbaek's 6.9 m
    0.7246376811594203
    """
    if reading not in READINGS:
        from ..errors import SpecError
        raise SpecError(f"reading is {reading!r}; must be one of {tuple(READINGS)}")
    p = Provenance()
    what, quote = READINGS[reading]
    p.cite("reading of the call's guarantee: " + reading, what, quote)
    reset = p.assume("benefit clock: months off benefit that reset the refund clock", 12, 6, 24,
                     "the reset rule was not found (" + REF + "); fixed per run, vary it by hand")
    p.cite("state refund by weeks on benefit: 1-4, 5-26, 27-52, 53+", "80/40/30/20 %",
           "star.dk, refusionsreformen (" + REF + ")")
    p.cite("discount rate, real, per year", 0.035, "Ministry of Finance from 7 January 2021 (" + REF + ")")
    clock = m.BenefitClock(band_edges_months=(1, 6, 12), reset_after_months_off=reset)
    deals = [_holbaek(p, clock, reading), _svendborg(p, clock, reading), _guldborgsund(p, clock, reading)]
    limit = p.cite("investment reserved by DSI (DKK)", 15e6, "seed 003: 15 mio. kr. reserved")
    shock = LogNormal.from_median_high(1.0, 1.25)
    p.assume("labour-market shock on all employment hazards (median)", 1.0, round(shock.interval(0.9)[0], 3),
             round(shock.interval(0.9)[1], 3), "a common business cycle moves all three programmes together")
    targets = ["holbaek/hazards.sick_pay->employed.scale", "holbaek/hazards.jobafklaring->employed.scale",
               "svendborg/hazards.cash_benefit->employed.scale", "guldborgsund/hazards.education_benefit->employed.scale"]
    labels = {**p.labels(), "labour_market": "labour-market shock on all employment hazards"}
    uncertainty = Uncertainty(p.uncertain(), shocks=[SharedShock("labour_market", shock, targets)], method="lhs",
                              labels=labels)
    return Portfolio(name="dsi2021", deals=deals, investment_limit=limit), uncertainty, p
