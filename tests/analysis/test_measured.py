"""settle(portfolio, Measured): the worked examples of docs/measured.md, whose payouts are computed by hand there."""

import re
from pathlib import Path

import numpy as np
import pytest
from checks import assert_spec_error

import sirisk as sr

DOC = Path(__file__).resolve().parents[2] / "docs" / "measured.md"


def _blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


def test_every_worked_example_reproduces_its_hand_computed_payouts():
    namespace = {}
    blocks = _blocks()
    assert len(blocks) >= 6
    for block in blocks[1:]:  # the first is the two-line sketch at the top, its names defined below
        exec(compile(block, str(DOC), "exec"), namespace)
    assert namespace["paid"]  # the examples ran to their last assertion


def _deal(mechanisms, **investor):
    namespace = {}
    exec(compile(_blocks()[1], str(DOC), "exec"), namespace)  # the examples' programme
    return namespace["pilot"](*mechanisms, **investor), namespace


def test_a_measured_history_settles_like_a_simulated_draw_with_the_same_people():
    # The same four people as engine records (person measures in months since enrolment) and as a
    # measured history (calendar months): the same money.
    from sirisk.money.flows import deal_flows
    from sirisk.money.records import ArmRecords, DealRecords

    deal, ns = _deal([sr.RateCard({"job": 30_000, "off_benefit": 20_000}, person_cap=40_000),
                      sr.FixedFee(5_000, outcome="job", lag_months=1)])
    entry = np.array([[0, 0, 1, 1]], dtype=np.int16)
    job, off = np.array([3, -1, 5, 20]), np.array([12, 12, -1, -1])
    since = np.stack([np.where(job >= 0, job - entry[0], -1), np.where(off >= 0, off - entry[0], -1)], axis=-1)
    T, H = 36, 2
    simulated = DealRecords({"treated": ArmRecords(entry, since[None].astype(np.int16)),
                             "counterfactual": ArmRecords(entry, np.full((1, 4, 2), -1, dtype=np.int16))},
                            ("municipality", "state"), np.zeros((1, T, H)), np.zeros((1, H)), np.zeros((1, H, 2)))
    measured = sr.Measured("pilot", enrolment_months=[0, 0, 1, 1],
                           achieved={"job": job.tolist(), "off_benefit": off.tolist()}).records(deal)
    a, b = deal_flows(deal, simulated), deal_flows(deal, measured)
    np.testing.assert_array_equal(a.outcome_payment, b.outcome_payment)
    np.testing.assert_array_equal(a.investor_cash_flow, b.investor_cash_flow)
    assert a.investor_irr[0] == b.investor_irr[0]


def test_bad_measured_results_are_refused_by_name():
    deal, _ = _deal([sr.Threshold("job", threshold=0.1, payment=1e5, cohorts=((0, 1),), measure_months=(12,),
                                  baseline=sr.Baseline("control_group"))])
    people = dict(enrolment_months=[0, 1], achieved={"job": [3, -1], "off_benefit": [-1, -1]})
    assert_spec_error(lambda: sr.settle(deal, sr.Measured("pilot", **people)),
                      ["comparison_achieved is None", "control_group baseline"])
    assert_spec_error(lambda: sr.settle(deal, sr.Measured("pilot", enrolment_months=[0, 1], achieved={"job": [3, -1]})),
                      ["needs every outcome of the contract", "'off_benefit'"])
    assert_spec_error(lambda: sr.settle(deal, sr.Measured("other", **people)), ["measured programme is 'other'"])
    assert_spec_error(lambda: sr.settle(deal, sr.Measured("pilot", enrolment_months=[0, 40],
                                                          achieved={"job": [3, -1], "off_benefit": [-1, -1]})),
                      ["enrolment_months[1] is 40; must be below the horizon of 36 months"])
    assert_spec_error(lambda: sr.Measured("pilot", enrolment_months=[0, 1], achieved={"job": [3]}),
                      ["achieved['job'] is '1 months'", "one month (or -1) per enrolled person (2)"])
    assert_spec_error(lambda: sr.Measured("pilot", enrolment_months=[0, 1], achieved={"job": [3, -1]},
                                          savings={"municipality": [1.0, float("nan")]}),
                      ["savings['municipality'][1] is nan; must be a finite number"])
    assert_spec_error(lambda: sr.CohortCount((0, 11), enrolled=10, achieved={"job": {24: 6, 36: 4}}),
                      ["counts are cumulative"])
    share = sr.GainShare(0.5, holder="municipality")
    deal, _ = _deal([share])
    assert_spec_error(lambda: sr.settle(deal, sr.Measured("pilot", **people)), ["has a gain share", "savings"])


def test_without_a_measured_saving_the_saving_is_unknown_not_zero():
    deal, ns = _deal([sr.RateCard({"job": 30_000})])
    r = sr.settle(deal, sr.Measured("pilot", **ns["people"])).sel(programme="pilot", draw=0)
    assert np.isnan(float(r.municipal_saving_pv)) and np.isnan(float(r.municipal_net_pv))
    assert float(r.outcome_payments_pv) == pytest.approx(90_000)
