"""The board's numbers on constructed histories, computed by hand: a deal below the guarantee's cap, a history
in which the programme did harm and nothing was paid, one that paid for outcomes that did not happen.

Each history is settled with ``sirisk.Measured`` (one draw) on the programme of docs/measured.md, whose
budget is not discounted, so present values are plain sums: four people enrol (two in month 0, two in
month 1), each draws 100,000 of capital, so the investor's principal is 400,000.
"""

import numpy as np
import pytest
from docs_pilot import docs_pilot

import sirisk as sr
from sirisk.analysis import risk_summary

NOBODY = {"job": [-1, -1, -1, -1], "off_benefit": [-1, -1, -1, -1]}
ONE_JOB = {"job": [3, -1, -1, -1], "off_benefit": [-1, -1, -1, -1]}


@pytest.fixture(scope="module")
def pilot():
    return docs_pilot()


def _results(deal, achieved, saving_by_holder):
    measured = sr.Measured("pilot", enrolment_months=[0, 0, 1, 1], achieved=achieved,
                           savings={h: [v] for h, v in saving_by_holder.items()})
    return sr.settle(deal, measured)


def _settle(deal, achieved, saving_by_holder):
    return _results(deal, achieved, saving_by_holder).sel(programme="pilot", draw=0)


def _value(r, name):
    return r[name].item()


def test_a_deal_below_the_cap_is_exposed_for_its_principal_not_the_cap(pilot):
    # A 5 mio. kr. guarantee of the whole principal on a 400,000 deal. Nothing achieved, nothing paid: the
    # guarantee repays the 400,000 at maturity, which is all it could ever be drawn for.
    deal = pilot(sr.RateCard({"job": 30_000}), principal_floor_share=1.0, guarantee=sr.Guarantee(cap=5e6))
    r = _settle(deal, NOBODY, {"municipality": 0.0, "state": 0.0})
    assert _value(r, "investor_principal") == 400_000 and _value(r, "outcome_payments_pv") == 0
    assert _value(r, "guarantee_draw") == 400_000
    assert _value(r, "guarantee_exposure") == 400_000           # min(cap 5e6, floor 1.0 x 400,000)
    assert _value(r, "guarantee_exposure_drawn") is True         # the whole exposure, though not the cap
    assert _value(r, "guarantee_full_cap") is False
    assert _value(r, "guarantee_drawn") is True
    assert _value(r, "guarantee_cost_pv") == 400_000             # no surplus, no discounting
    assert _value(r, "public_funder_cost_pv") == 400_000 and _value(r, "public_funder_exposure") == 400_000
    assert _value(r, "public_net_pv") == -400_000                # no saving, no payment, the guarantee's cost
    assert _value(r, "investor_loss_before_guarantee") is True and _value(r, "investor_loss") is False
    assert _value(r, "investor_irr") == 0.0                      # 400,000 out, 400,000 back
    assert _value(r, "investor_meets_hurdle") is True            # the pilot's hurdle is 0


def test_the_same_deal_with_half_the_floor_is_exposed_for_half(pilot):
    deal = pilot(sr.RateCard({"job": 30_000}), principal_floor_share=0.5, guarantee=sr.Guarantee(cap=5e6))
    r = _settle(deal, NOBODY, {"municipality": 0.0})
    assert _value(r, "guarantee_exposure") == 200_000 and _value(r, "guarantee_draw") == 200_000
    assert _value(r, "guarantee_exposure_drawn") is True and _value(r, "investor_loss") is True


def test_above_the_cap_the_exposure_is_the_cap(pilot):
    deal = pilot(sr.RateCard({"job": 30_000}), principal_floor_share=1.0, guarantee=sr.Guarantee(cap=100_000))
    r = _settle(deal, ONE_JOB, {"municipality": 0.0})
    # receipts 30,000 (one job); the floor tops up to 400,000 but the cap stops the draw at 100,000
    assert _value(r, "guarantee_exposure") == 100_000 and _value(r, "guarantee_draw") == 100_000
    assert _value(r, "guarantee_full_cap") is True and _value(r, "guarantee_exposure_drawn") is True
    assert _value(r, "investor_receipts") == 130_000 and _value(r, "investor_loss") is True


def test_harm_and_no_payment_is_harm_not_overpayment(pilot):
    # The programme cost the municipality 50,000 more than it would have spent; no outcome, nothing paid.
    r = _settle(pilot(sr.RateCard({"job": 30_000})), NOBODY, {"municipality": -50_000.0})
    assert _value(r, "programme_harm") is True
    assert _value(r, "municipality_overpaid") is False           # it paid nothing, so it paid for nothing
    assert _value(r, "municipal_net_pv") == -50_000
    assert np.isnan(_value(r, "saving_paid_share"))              # no saving to pay a share of


def test_paying_more_than_the_saving_is_paying_for_outcomes_that_did_not_happen(pilot):
    # One job paid 30,000; the measured saving is 10,000.
    r = _settle(pilot(sr.RateCard({"job": 30_000})), ONE_JOB, {"municipality": 10_000.0})
    assert _value(r, "outcome_payments_pv") == 30_000
    assert _value(r, "municipality_overpaid") is True and _value(r, "programme_harm") is False
    assert _value(r, "saving_paid_share") == 3.0
    assert _value(r, "municipal_net_pv") == -20_000


def test_paying_less_than_the_saving_is_neither(pilot):
    r = _settle(pilot(sr.RateCard({"job": 30_000})), ONE_JOB, {"municipality": 60_000.0})
    assert _value(r, "municipality_overpaid") is False and _value(r, "programme_harm") is False
    assert _value(r, "saving_paid_share") == 0.5


def test_the_board_table_reads_the_same_definitions(pilot):
    deal = pilot(sr.RateCard({"job": 30_000}), principal_floor_share=1.0, guarantee=sr.Guarantee(cap=5e6))
    table = risk_summary(_results(deal, NOBODY, {"municipality": -50_000.0}))
    row = table.estimate.sel(programme="pilot")
    assert float(row.sel(statistic="p_programme_harm")) == 1.0
    assert float(row.sel(statistic="p_municipality_overpaid")) == 0.0
    assert float(row.sel(statistic="p_guarantee_exposure_drawn")) == 1.0
    assert float(row.sel(statistic="guarantee_cost_pv_mean")) == 400_000
    assert float(row.sel(statistic="public_net_pv_mean")) == -450_000   # the harm and the guarantee's cost
