"""Capital called on a drawdown schedule instead of as costs fall due, worked by hand.

On the programme of docs/measured.md: four people enrol (two in month 0, two in month 1) at 100,000 each,
so the costs fall due as 200,000 in month 0 and 200,000 in month 1; maturity is month 35.
"""

import numpy as np
import pytest
from docs_pilot import docs_pilot
from hypothesis import given, settings
from hypothesis import strategies as st

import sirisk as sr

CARD = sr.RateCard({"job": 60_000})


@pytest.fixture(scope="module")
def pilot():
    return docs_pilot()


def _settle(deal, jobs):
    measured = sr.Measured("pilot", enrolment_months=[0, 0, 1, 1], achieved={"job": jobs, "off_benefit": [-1] * 4})
    return sr.settle(deal, measured).sel(programme="pilot", draw=0)


def _flows(r):
    return {t: float(v) for t, v in enumerate(r.investor_cash_flow.values) if v}


def test_calls_topped_up_by_costs_and_unspent_capital_returned(pilot):
    # 600,000 called half in month 0 and half in month 6. Month 0: 300,000 called, 200,000 spent. Month 1:
    # 400,000 spent, 100,000 more than called: drawn then. Month 6: the second call, 300,000, of which
    # 200,000 is left (600,000 drawn in all). Maturity: the 200,000 not spent goes back. A job in month 3
    # pays 60,000.
    deal = pilot(CARD, commitment=600_000, drawdown_schedule=[(0, 0.5), (6, 0.5)])
    r = _settle(deal, [3, -1, -1, -1])
    assert _flows(r) == {0: -300_000, 1: -100_000, 3: 60_000, 6: -200_000, 35: 200_000}
    assert r.investor_principal.item() == 400_000 and r.investor_receipts.item() == 60_000
    assert r.investor_moic.item() == pytest.approx(0.15)
    assert r.programme_cost.values[:2].tolist() == [200_000, 200_000]  # the costs themselves do not move
    # Without the schedule the investor draws the costs as they fall due.
    r = _settle(pilot(CARD, commitment=600_000), [3, -1, -1, -1])
    assert _flows(r) == {0: -200_000, 1: -200_000, 3: 60_000}


def test_idle_capital_lowers_the_irr_and_floors_count_the_capital_spent(pilot):
    # 800,000 called in month 0, 400,000 spent, 400,000 back at maturity: the investor's money sat idle.
    # A floor of all the principal is on the 400,000 spent: nothing achieved, the guarantee pays 400,000.
    deal = pilot(CARD, commitment=800_000, drawdown_schedule=[(0, 1.0)], principal_floor_share=1.0,
                 guarantee=sr.Guarantee(cap=1e6))
    r = _settle(deal, [-1] * 4)
    assert _flows(r) == {0: -800_000, 35: 800_000}
    assert r.guarantee_draw.item() == 400_000 and r.investor_irr.item() == pytest.approx(0.0, abs=1e-12)
    # Drawn as costs fall due, the same guarantee gives the same 0 % on 400,000.
    r = _settle(pilot(CARD, principal_floor_share=1.0, guarantee=sr.Guarantee(cap=1e6)), [-1] * 4)
    assert _flows(r) == {0: -200_000, 1: -200_000, 35: 400_000}


def test_a_schedule_is_checked(pilot):
    with pytest.raises(sr.SpecError, match=r"drawdown_schedule shares is 0.9; must sum to 1"):
        sr.InvestorTerms(1e6, drawdown_schedule=[(0, 0.5), (6, 0.4)])
    with pytest.raises(sr.SpecError, match=r"drawdown_schedule\[1\] month is 0; must be after the call before"):
        sr.InvestorTerms(1e6, drawdown_schedule=[(0, 0.5), (0, 0.5)])
    with pytest.raises(sr.SpecError, match=r"drawdown_schedule\[0\] share is 0.0; must be > 0"):
        sr.InvestorTerms(1e6, drawdown_schedule=[(0, 0.0), (3, 1.0)])
    with pytest.raises(sr.SpecError, match=r"investor.drawdown_schedule is 40; capital is called at the latest at "
                                           r"maturity \(month 35\)"):
        pilot(CARD, drawdown_schedule=[(0, 0.5), (40, 0.5)])


@settings(max_examples=30, deadline=None)
@given(shares=st.lists(st.integers(1, 5), min_size=1, max_size=4), gap=st.integers(1, 10),
       commitment=st.sampled_from([400_000, 500_000, 900_000]), jobs=st.lists(st.just(-1) | st.integers(1, 34),
                                                                             min_size=4, max_size=4))
def test_capital_flows_sum_to_the_costs_and_never_lag_them(pilot, shares, gap, commitment, jobs):
    total = sum(shares)
    schedule = [(k * gap, s / total) for k, s in enumerate(shares)]
    schedule[-1] = (schedule[-1][0], 1 - sum(s for _, s in schedule[:-1]))
    r = _settle(pilot(CARD, commitment=commitment, drawdown_schedule=schedule), jobs)
    paid = r.outcome_payment.values.astype(float)
    capital = paid - r.investor_cash_flow.values.astype(float)  # no guarantee: flows are payments less capital
    assert capital.sum() == pytest.approx(400_000, rel=1e-6)  # the principal: what was spent
    drawn = np.cumsum(capital)[:35]
    assert np.all(drawn >= np.cumsum(r.programme_cost.values.astype(float))[:35] - 1e-3)  # never short of cash
