"""Principal floors: who pays them (a guarantor, or the payer), floors that step with an outcome rate.

Histories are settled with ``sirisk.Measured`` on the programme of docs/measured.md: four people enrol (two
in month 0, two in month 1), each draws 100,000 of capital (principal 400,000); the budget is not discounted
and maturity is the horizon's last month, 35. Every figure below is worked by hand.
"""

import dataclasses

import numpy as np
import pytest
from docs_pilot import docs_pilot
from hypothesis import given, settings
from hypothesis import strategies as st

import sirisk as sr

CARD = sr.RateCard({"job": 50_000})


@pytest.fixture(scope="module")
def pilot():
    return docs_pilot()


def _settle(deal, jobs, saving=0.0):
    measured = sr.Measured("pilot", enrolment_months=[0, 0, 1, 1],
                           achieved={"job": jobs, "off_benefit": [-1] * 4},
                           savings={"municipality": [saving], "state": [0.0]})
    return sr.settle(deal, measured).sel(programme="pilot", draw=0)


def _v(r, name):
    return r[name].item()


def test_a_floor_the_payer_funds_is_paid_at_maturity_and_is_the_payers_cost(pilot):
    # Jobs in months 3 and 5 pay 50,000 each; the floor is 75 % of 400,000 = 300,000, so the payer tops
    # the investor up by 200,000 at maturity (month 35). Its saving of 500,000 less 300,000 paid: 200,000.
    deal = pilot(CARD, principal_floor_share=0.75, floor_funded_by="payer")
    r = _settle(deal, [3, -1, 5, -1], saving=500_000)
    assert r.outcome_payment.values[35] == 200_000 and _v(r, "floor_payment") == 200_000
    assert _v(r, "guarantee_draw") == 0 and _v(r, "guarantee_exposure") == 0
    assert _v(r, "investor_receipts") == 300_000 and _v(r, "investor_moic") == 0.75
    assert _v(r, "outcome_payments_pv") == 300_000 and _v(r, "municipal_net_pv") == 200_000
    assert bool(r.investor_loss) and bool(r.investor_loss_before_guarantee)
    # Outcomes above the floor: 25 % of 400,000 = 100,000, already paid; no top-up.
    r = _settle(pilot(CARD, principal_floor_share=0.25, floor_funded_by="payer"), [3, -1, 5, -1])
    assert _v(r, "floor_payment") == 0 and r.outcome_payment.values[35] == 0


def test_a_guarantors_floor_without_a_guarantee_is_refused(pilot):
    with pytest.raises(sr.SpecError, match=r"investor.floor_funded_by is 'guarantor'; the investor has a floor "
                                           r"and the deal no guarantee to pay it"):
        pilot(CARD, principal_floor_share=0.5)
    with pytest.raises(sr.SpecError, match="investor.floor_funded_by"):
        pilot(CARD, interest_floor_per_year=0.02, interest_floor_years=1)
    pilot(CARD)  # no floor, no guarantee: nothing to fund


def test_a_floor_that_steps_with_the_outcome_rate(pilot):
    # All principal back if half the people have a job by month 12, else half of it. Jobs in months 3, 5, 20
    # pay 150,000. By month 12: 2 of 4 = 0.5, floor 400,000, draw 250,000.
    steps = sr.FloorSteps("job", month=12, steps=[(0.5, 1.0)])
    deal = pilot(CARD, principal_floor_share=0.5, principal_floor_steps=steps, guarantee=sr.Guarantee(cap=1e6))
    r = _settle(deal, [3, -1, 5, 20])
    assert _v(r, "guarantee_draw") == 250_000 and _v(r, "guarantee_exposure") == 400_000
    # The job in month 15 is too late for the measurement: 1 of 4 = 0.25, floor 200,000, draw 50,000.
    r = _settle(deal, [3, -1, 15, 20])
    assert _v(r, "guarantee_draw") == 50_000 and _v(r, "guarantee_exposure") == 200_000
    # With 5 % a year of interest for 2 years on top: 400,000 x (1 + 1.05^2 - 1) = 441,000, draw 291,000.
    deal = pilot(CARD, principal_floor_share=0.5, principal_floor_steps=steps, interest_floor_per_year=0.05,
                 interest_floor_years=2, guarantee=sr.Guarantee(cap=1e6))
    assert _v(_settle(deal, [3, -1, 5, 20]), "guarantee_draw") == pytest.approx(291_000)
    # Two steps: 0.25 reaches the first (75 %): 300,000 - 150,000.
    steps = sr.FloorSteps("job", month=12, steps=[(0.25, 0.75), (0.5, 1.0)])
    deal = pilot(CARD, principal_floor_steps=steps, guarantee=sr.Guarantee(cap=1e6))
    assert _v(_settle(deal, [3, -1, 15, 20]), "guarantee_draw") == 150_000
    # Nobody achieved: the base share, here 0: nothing to draw.
    assert _v(_settle(deal, [-1] * 4), "guarantee_draw") == 0


def test_floor_steps_are_checked_against_the_deal(pilot):
    with pytest.raises(sr.SpecError, match=r"principal_floor_steps.outcome is 'work'; must be one of the contract's"):
        pilot(CARD, principal_floor_steps=sr.FloorSteps("work", 12, [(0.5, 1.0)]), guarantee=sr.Guarantee(cap=1))
    with pytest.raises(sr.SpecError, match=r"principal_floor_steps.month is 40; must not be after maturity \(month 35\)"):
        pilot(CARD, principal_floor_steps=sr.FloorSteps("job", 40, [(0.5, 1.0)]), guarantee=sr.Guarantee(cap=1))


@settings(max_examples=40, deadline=None)
@given(jobs=st.lists(st.just(-1) | st.integers(1, 34), min_size=4, max_size=4),
       base=st.floats(0, 1), step_rate=st.floats(0, 1), step_share=st.floats(0, 1),
       by_payer=st.booleans(), cap=st.floats(0, 5e5), surplus=st.floats(0, 1))
def test_floors_hold_and_money_is_conserved(pilot, jobs, base, step_rate, step_share, by_payer, cap, surplus):
    steps = sr.FloorSteps("job", month=20, steps=[(step_rate, step_share)])
    guarantee = None if by_payer else sr.Guarantee(cap=cap, surplus_share=surplus)
    deal = pilot(CARD, principal_floor_share=base, principal_floor_steps=steps,
                 floor_funded_by="payer" if by_payer else "guarantor", guarantee=guarantee)
    r = _settle(deal, jobs)
    principal, receipts = _v(r, "investor_principal"), _v(r, "investor_receipts")
    rate = sum(0 <= j <= 20 for j in jobs) / 4
    floor = (step_share if rate >= step_rate else base) * principal
    paid_for_outcomes = 50_000 * sum(j >= 0 for j in jobs)
    # Receipts: outcome payments (with the payer's top-up) + guarantee draw - surplus share, nothing else.
    paid = float(r.outcome_payment.values.sum(dtype=np.float64))  # monthly series are stored as float32
    assert receipts == pytest.approx(paid + _v(r, "guarantee_draw") - _v(r, "guarantor_surplus"), rel=1e-6)
    assert paid == pytest.approx(paid_for_outcomes + _v(r, "floor_payment"), rel=1e-6)
    if by_payer:  # the payer tops up in full: the floor holds exactly
        assert _v(r, "floor_payment") == pytest.approx(max(floor - paid_for_outcomes, 0.0), abs=1e-6)
        assert receipts >= floor - 1e-6
    else:  # the guarantor up to its cap
        assert _v(r, "floor_payment") == 0
        assert _v(r, "guarantee_draw") <= cap + 1e-6
        kept = paid_for_outcomes - _v(r, "guarantor_surplus")
        assert receipts == pytest.approx(max(kept, min(floor, kept + cap)), abs=1e-6)


def test_yearly_coupons_drawn_on_a_guarantee_are_costed_when_drawn(pilot):
    # Nothing achieved: 5 % of the 400,000 at months 11 and 23 (20,000 each) and the principal at maturity (35)
    # come from the guarantee. Discounted at 4 % a year: 20,000 (1.04^(-11/12) + 1.04^(-23/12)) + 400,000
    # 1.04^(-35/12).
    deal = pilot(CARD, principal_floor_share=1.0, interest_floor_per_year=0.05, interest_floor_years=2,
                 interest_floor_paid="yearly", guarantee=sr.Guarantee(cap=1e6))
    deal = dataclasses.replace(deal, budget=dataclasses.replace(deal.budget, discount_rate_per_year=0.04))
    r = _settle(deal, [-1] * 4)
    assert _v(r, "guarantee_draw") == pytest.approx(440_000)
    assert _v(r, "guarantee_exposure") == pytest.approx(440_000)
    cost = 20_000 * (1.04 ** (-11 / 12) + 1.04 ** (-23 / 12)) + 400_000 * 1.04 ** (-35 / 12)
    assert _v(r, "guarantee_cost_pv") == pytest.approx(cost)
    flows = r.investor_cash_flow.values
    assert flows[11] == pytest.approx(20_000) and flows[23] == pytest.approx(20_000)
    assert flows[35] == pytest.approx(400_000)


def test_coupon_terms_are_checked(pilot):
    with pytest.raises(sr.SpecError, match=r"interest_floor_years is 2.5; yearly coupons are paid for a whole"):
        sr.InvestorTerms(1e6, interest_floor_per_year=0.03, interest_floor_years=2.5, interest_floor_paid="yearly")
    with pytest.raises(sr.SpecError, match=r"interest_floor_paid is 'monthly'; must be one of"):
        sr.InvestorTerms(1e6, interest_floor_paid="monthly")
    with pytest.raises(sr.SpecError, match=r"yearly coupons fall due until month 47, after maturity \(month 35\)"):
        pilot(CARD, interest_floor_per_year=0.03, interest_floor_years=4, interest_floor_paid="yearly",
              guarantee=sr.Guarantee(cap=1e6))
