"""Bad money specs get one clear error naming the field, the value and the rule."""

import pytest
from checks import assert_spec_error
from fake_engine import tiny_programme
from models import rich_deal, rich_programme

import sirisk as sr

B = sr.Budget([sr.StateFlow("benefit", "municipality", 1000, refundable=True)])
C = sr.Contract([sr.Outcome("job", "job")], [sr.RateCard({"job": 1000})])
I = sr.InvestorTerms(commitment=1e6)


def deal(**kw):
    args = dict(programme=tiny_programme(), budget=B, costs=sr.ProgrammeCosts(), contract=C, investor=I)
    args.update(kw)
    return sr.Deal(**args)


CASES = {
    "negative price": (lambda: sr.RateCard({"job": -5}), ["prices['job']", "-5", ">= 0"]),
    "no prices": (lambda: sr.RateCard({}), ["prices", "at least one outcome"]),
    "negative person cap": (lambda: sr.RateCard({"job": 5}, person_cap=-1), ["person_cap", "-1", ">= 0"]),
    "negative cap": (lambda: sr.FixedFee(5, cap=-1), ["cap", "-1", ">= 0"]),
    "negative lag": (lambda: sr.FixedFee(5, lag_months=-1), ["lag_months", "-1", "at least 0"]),
    "threshold above 1": (lambda: sr.Threshold("job", 1.5, 10, ((0, 1),), (5,)), ["threshold", "1.5", "<= 1"]),
    "threshold cohorts overlap": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3), (3, 5)), (5, 6)),
                                  ["cohorts[1]", "not overlap"]),
    "threshold months count": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5, 6)), ["measure_months", "one month per cohort"]),
    "threshold measured early": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (2,)), ["measure_months[0]", "2", "last enrolment month 3"]),
    "proportional without full_at": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), mode="proportional"),
                                     ["full_at", "None", "pays in full"]),
    "full_at below threshold": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), mode="proportional", full_at=0.05),
                                ["full_at", "0.05", "above the threshold"]),
    "unknown mode": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), mode="linear"), ["mode", "'linear'"]),
    "fallback before cohorts": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), fallback_month=4),
                                ["fallback_month", "4", "at least 5"]),
    "unknown direction": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), direction="down"),
                          ["direction", "'down'", "one of ('higher', 'lower')"]),
    "unknown basis": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), basis="percent"),
                      ["basis", "'percent'", "one of ('points', 'relative')"]),
    "reduction above 100 %": (lambda: sr.Threshold("job", 1.2, 10, ((0, 3),), (5,), direction="lower", basis="relative"),
                              ["threshold", "1.2", "<= 1"]),
    "fallback threshold without month": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), fallback_threshold=0.05),
                                         ["fallback_threshold", "0.05", "needs a fallback_month"]),
    "fallback in addition without month": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), fallback_exclusive=False),
                                           ["fallback_exclusive", "False", "needs a fallback_month"]),
    "fallback full_at below its threshold": (
        lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), mode="proportional", full_at=0.3, fallback_month=6,
                             fallback_threshold=0.35),
        ["fallback_full_at", "0.3", "above the threshold 0.35"]),
    "fallback full_at all or nothing": (
        lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), fallback_month=6, fallback_full_at=0.3),
        ["fallback_full_at", "0.3", "only a proportional"]),
    "gain share above 1": (lambda: sr.GainShare(1.5), ["share", "1.5", "<= 1"]),
    "gain share fixed baseline": (lambda: sr.GainShare(0.5, baseline=sr.Baseline("fixed", rate=0.2)),
                                  ["baseline", "'fixed'", "simulated baseline"]),
    "unknown baseline": (lambda: sr.Baseline("oracle"), ["kind", "'oracle'", "one of"]),
    "fixed baseline rate": (lambda: sr.Baseline("fixed", rate=-0.2), ["rate", "-0.2", ">= 0"]),
    "fixed baseline share above 1": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,),
                                                          baseline=sr.Baseline("fixed", rate=1.2)),
                                     ["baseline.rate", "1.2", "a share is at most 1"]),
    "unknown statistic": (lambda: sr.Threshold("job", 0.1, 10, ((0, 3),), (5,), statistic="count"),
                          ["statistic", "'count'", "one of ('share', 'frequency')"]),
    "unknown outcome": (lambda: sr.Contract([sr.Outcome("job", "job")], [sr.RateCard({"jobs": 5})]),
                        ["outcome", "'jobs'", "one of the outcomes ('job',)"]),
    "no mechanisms": (lambda: sr.Contract([sr.Outcome("job", "job")], []), ["mechanisms", "at least one"]),
    "floor above return cap": (lambda: sr.InvestorTerms(1e6, return_cap_per_year=0.05, interest_floor_per_year=0.08),
                               ["interest_floor_per_year", "0.08", "above the return cap 0.05"]),
    "principal floor above 1": (lambda: sr.InvestorTerms(1e6, principal_floor_share=1.5), ["principal_floor_share", "1.5", "<= 1"]),
    "unknown floor funder": (lambda: sr.InvestorTerms(1e6, floor_funded_by="state"),
                             ["floor_funded_by", "'state'", "one of ('guarantor', 'payer')"]),
    "floor steps out of order": (lambda: sr.FloorSteps("job", 12, [(0.5, 1.0), (0.4, 0.8)]),
                                 ["steps[1] rate", "0.4", "above the step before (0.5)"]),
    "floor step share above 1": (lambda: sr.FloorSteps("job", 12, [(0.5, 1.2)]), ["steps[0] share", "1.2", "<= 1"]),
    "no floor steps": (lambda: sr.FloorSteps("job", 12, []), ["steps", "at least one"]),
    "floor steps not a FloorSteps": (lambda: sr.InvestorTerms(1e6, principal_floor_steps=[(0.5, 1.0)]),
                                     ["principal_floor_steps", "must be a FloorSteps"]),
    "negative guarantee": (lambda: sr.Guarantee(cap=-5), ["cap", "-5", ">= 0"]),
    "refund share above 1": (lambda: sr.RefundStaircase((0.8, 1.4)), ["shares[1]", "1.4", "<= 1"]),
    "negative refundable benefit": (lambda: sr.StateFlow("benefit", "municipality", -5, refundable=True),
                                    ["per_month", "-5", "cannot be negative"]),
    "unknown holder": (lambda: sr.Budget([sr.StateFlow("benefit", "region", 5)]), ["holder", "'region'", "one of the holders"]),
    "negative cost": (lambda: sr.ProgrammeCosts(per_enrolment=-1), ["per_enrolment", "-1", ">= 0"]),
    # Deal cross-checks
    "budget unknown state": (lambda: deal(budget=sr.Budget([sr.StateFlow("sick", "municipality", 5)])),
                             ["state", "'sick'", "one of the states"]),
    "refund on a non-benefit state": (lambda: deal(budget=sr.Budget([sr.StateFlow("work", "municipality", 5, refundable=True)])),
                                      ["refundable", "'work' is not a benefit state"]),
    "refund bands": (lambda: deal(budget=sr.Budget(B.flows, refund=sr.RefundStaircase((0.5, 0.2)))),
                     ["refund.shares", "(0.5, 0.2)", "one share per benefit-clock band"]),
    "outcome unknown measure": (lambda: deal(contract=sr.Contract([sr.Outcome("job", "work3")], [sr.RateCard({"job": 5})])),
                                ["measure", "'work3'", "one of the programme's measures"]),
    "control baseline without control": (lambda: deal(programme=tiny_programme(control_size=0), contract=sr.Contract(
        [sr.Outcome("job", "job")], [sr.Threshold("job", 0.1, 10, ((0, 1),), (5,), baseline=sr.Baseline("control_group"))])),
        ["baseline", "'control_group'", "no control group"]),
    "measure month beyond horizon": (lambda: deal(contract=sr.Contract(
        [sr.Outcome("job", "job")], [sr.Threshold("job", 0.1, 10, ((0, 1),), (15,))])), ["measure month", "15", "below horizon_months=12"]),
    "costs above commitment": (lambda: deal(costs=sr.ProgrammeCosts(per_enrolment=200_000), investor=sr.InvestorTerms(1e6)),
                               ["base-case programme costs", "1600000.0", "commitment=1,000,000"]),
    "maturity beyond horizon": (lambda: deal(investor=sr.InvestorTerms(1e6, maturity_month=12)),
                                ["maturity_month", "12", "below horizon_months=12"]),
    "portfolio over limit": (lambda: sr.Portfolio("dsi", [rich_deal(), rich_deal(programme=_renamed())], investment_limit=3e6),
                             ["total investment", "4,000,000 DKK (rich 2,000,000 + rich2 2,000,000)", "investment_limit=3,000,000"]),
    "portfolio duplicate names": (lambda: sr.Portfolio("dsi", [rich_deal(), rich_deal()]), ["programme name", "'rich'", "unique"]),
    "evaluate bad draws": (lambda: sr.evaluate(rich_deal(), draws=0), ["draws", "0", "positive"]),
    "evaluate unknown programme": (lambda: sr.evaluate(rich_deal(), draws=2, parameters={"holbaek": {}}),
                                   ["parameters key", "'holbaek'", "programme of the portfolio"]),
}


def _renamed():
    import dataclasses
    return dataclasses.replace(rich_programme(), name="rich2")


@pytest.mark.parametrize("name", list(CASES))
def test_bad_money_input_is_stopped_with_a_clear_error(name):
    assert_spec_error(*CASES[name])
