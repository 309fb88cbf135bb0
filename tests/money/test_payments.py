"""Every payment mechanism and cap, against hand-computed payments."""

import dataclasses

import numpy as np
import pytest
from fake_engine import tiny_programme
from hypothesis import given
from hypothesis import strategies as st

import sirisk as sr
from sirisk.money.kernels import achieved_share, payment_stream, rate_card
from sirisk.money.payments import capped, contract_payments

P = tiny_programme(horizon=12)  # measures: job (Sustained in work), self (off benefit at month 3)
JOB, SELF = sr.Outcome("job", "job"), sr.Outcome("self", "self")


def _arms(treated_job, treated_self, entry, base_job=None, base_entry=None):
    """Person records [draw=1, person, measure] from per-person months since enrolment (-1: never)."""
    def rec(job, self_):
        return np.stack([np.array(job), np.array(self_)], axis=-1)[None]
    arms = {"treated": (rec(treated_job, treated_self), np.array(entry)[None])}
    base_job = treated_job if base_job is None else base_job
    base_entry = entry if base_entry is None else base_entry
    for arm in ("counterfactual", "control"):
        arms[arm] = (rec(base_job, [-1] * len(base_job)), np.array(base_entry)[None])
    return arms


def _pay(mechanisms, arms, cap=None, savings=None):
    contract = sr.Contract([JOB, SELF], mechanisms, cap=cap)
    return contract_payments(contract, P, arms, savings or {})[0]


def test_rate_card_with_person_cap_lag_and_cap():
    # Person 0 enrols in month 0: job at month 2, self-supporting at month 3 (fixed by the measure).
    # Person 1 enrols in month 1: self-supporting at month 3 -> calendar month 4. Person 2: nothing.
    arms = _arms(treated_job=[2, -1, -1], treated_self=[3, 3, -1], entry=[0, 1, 1])
    card = sr.RateCard({"job": 40_000, "self": 25_000}, person_cap=50_000, lag_months=1)
    pay = _pay([card], arms)
    # Person 0: 40,000 paid at month 3; then only 10,000 of 25,000 (cap 50,000) at month 4.
    # Person 1: 25,000 at month 5.
    expected = np.zeros(12)
    expected[3], expected[4], expected[5] = 40_000, 10_000, 25_000
    np.testing.assert_allclose(pay, expected)
    # A mechanism cap of 60,000: 40,000 + 10,000 fit, then only 10,000 of the 25,000.
    pay = _pay([sr.RateCard({"job": 40_000, "self": 25_000}, person_cap=50_000, lag_months=1, cap=60_000)], arms)
    expected[5] = 10_000
    np.testing.assert_allclose(pay, expected)


def test_outcome_by_month_limits_what_counts():
    arms = _arms(treated_job=[2, 9], treated_self=[-1, -1], entry=[0, 0])
    contract = sr.Contract([sr.Outcome("job", "job", by_month=6), SELF], [sr.RateCard({"job": 1_000})])
    pay = contract_payments(contract, P, arms, {})[0]
    assert pay.sum() == 1_000 and pay[2] == 1_000  # the job at month 9 is too late


def test_threshold_all_or_nothing_and_proportional_with_a_fixed_baseline():
    # Cohort 0 (enrolled month 0): 2 of 4 find a job by month 3 -> rate 0.5; baseline 0.3: improvement 0.2.
    # Cohort 1 (enrolled month 1): 1 of 4 by month 4 -> 0.25: improvement -0.05.
    arms = _arms(treated_job=[1, 3, 5, -1, 2, 9, -1, -1], treated_self=[-1] * 8, entry=[0] * 4 + [1] * 4)
    base = sr.Baseline("fixed", rate=0.3)
    m = sr.Threshold("job", threshold=0.1, payment=100_000, cohorts=((0, 0), (1, 1)), measure_months=(3, 4),
                     baseline=base, lag_months=2)
    pay = _pay([m], arms)
    assert pay[5] == 100_000 and pay.sum() == 100_000
    m = sr.Threshold("job", threshold=0.1, payment=100_000, cohorts=((0, 0), (1, 1)), measure_months=(3, 4),
                     baseline=base, mode="proportional", full_at=0.3)
    pay = _pay([m], arms)
    # (0.2 - 0.1) / (0.3 - 0.1) = 0.5 of the payment for cohort 0; nothing for cohort 1.
    assert pay[3] == pytest.approx(50_000) and pay.sum() == pytest.approx(50_000)


def test_threshold_fallback_pays_only_if_no_cohort_paid():
    # Cohort rates by their months: cohort 0 (month 3): 1/4 = 0.25; cohort 1 (month 4): 1/4 = 0.25.
    # Both below 0.3 + 0.1. All together by month 10: 7 of 8 = 0.875 -> improvement 0.575: the fallback pays.
    arms = _arms(treated_job=[1, 5, 6, 7, 2, 8, 8, -1], treated_self=[-1] * 8, entry=[0] * 4 + [1] * 4)
    m = sr.Threshold("job", threshold=0.1, payment=100_000, cohorts=((0, 0), (1, 1)), measure_months=(3, 4),
                     baseline=sr.Baseline("fixed", rate=0.3), fallback_month=10, fallback_payment=150_000)
    pay = _pay([m], arms)
    assert pay[10] == 150_000 and pay.sum() == 150_000
    # If cohort 0 pays, the fallback does not.
    arms = _arms(treated_job=[1, 2, 3, 7, 2, 8, 8, -1], treated_self=[-1] * 8, entry=[0] * 4 + [1] * 4)
    pay = _pay([m], arms)
    assert pay[3] == 100_000 and pay.sum() == 100_000


def test_threshold_fallback_has_its_own_threshold_and_can_pay_in_addition():
    # Calendar months of the jobs: cohort 0 (enrolled month 0) 1, 5; cohort 1 (month 1) 3, 9; four of each never.
    # Cohorts: 1 of 4 by month 3 and 1 of 4 by month 4, 0.25 each: -0.05 against 0.3, no cohort reaches 0.3.
    # All together by month 10: 4 of 8 = 0.5, improvement 0.2.
    arms = _arms(treated_job=[1, 5, -1, -1, 2, 8, -1, -1], treated_self=[-1] * 8, entry=[0] * 4 + [1] * 4)
    terms = dict(threshold=0.3, payment=100_000, cohorts=((0, 0), (1, 1)), measure_months=(3, 4),
                 baseline=sr.Baseline("fixed", rate=0.3), fallback_month=10, fallback_payment=150_000)
    assert _pay([sr.Threshold("job", **terms)], arms).sum() == 0  # 0.2 is below the cohorts' 0.3
    pay = _pay([sr.Threshold("job", **terms, fallback_threshold=0.15)], arms)
    assert pay[10] == 150_000 and pay.sum() == 150_000
    # Cohort 0 with jobs in months 1, 2, 3, 5: 3 of 4 by month 3, improvement 0.45, pays 100,000 at month 3.
    # All together by month 10: 6 of 8 = 0.75, improvement 0.45 >= 0.15.
    arms = _arms(treated_job=[1, 2, 3, 5, 2, 8, -1, -1], treated_self=[-1] * 8, entry=[0] * 4 + [1] * 4)
    exclusive = _pay([sr.Threshold("job", **terms, fallback_threshold=0.15)], arms)
    assert exclusive[3] == 100_000 and exclusive.sum() == 100_000
    in_addition = _pay([sr.Threshold("job", **terms, fallback_threshold=0.15, fallback_exclusive=False)], arms)
    assert in_addition[3] == 100_000 and in_addition[10] == 150_000 and in_addition.sum() == 250_000


def test_a_fallback_without_its_own_threshold_follows_the_cohorts():
    # A design term that moves the cohorts' threshold moves the fallback's too, unless it has its own.
    m = sr.Threshold("job", threshold=0.3, payment=1, cohorts=((0, 0),), measure_months=(3,), fallback_month=10)
    assert dataclasses.replace(m, threshold=0.2).pooled_threshold == 0.2
    assert dataclasses.replace(m, fallback_threshold=0.1, threshold=0.2).pooled_threshold == 0.1


def test_threshold_where_lower_is_better_in_points():
    # Events (say re-admissions) in calendar months: cohort 0 (enrolled month 0) 1 of 4 by month 3: rate 0.25;
    # cohort 1 (enrolled month 1) at months 1, 2, 3, 3 of 4 by month 4: rate 0.75. Fixed baseline 0.5.
    arms = _arms(treated_job=[1, -1, -1, -1, 0, 1, 2, -1], treated_self=[-1] * 8, entry=[0] * 4 + [1] * 4)
    terms = dict(threshold=0.2, payment=100_000, cohorts=((0, 0), (1, 1)), measure_months=(3, 4),
                 baseline=sr.Baseline("fixed", rate=0.5))
    lower = _pay([sr.Threshold("job", direction="lower", **terms)], arms)
    assert lower[3] == 100_000 and lower.sum() == 100_000  # cohort 0: 0.5 - 0.25 = 0.25 >= 0.2
    higher = _pay([sr.Threshold("job", **terms)], arms)
    assert higher[4] == 100_000 and higher.sum() == 100_000  # cohort 1: 0.75 - 0.5 = 0.25 >= 0.2


def test_threshold_on_a_relative_reduction_against_the_control_group():
    # Treated: events at months 1, 2 of 4 people by month 5: 0.5. Control: months 0, 1, 2 of 4: 0.75.
    # Relative reduction (0.75 - 0.5) / 0.75 = 1/3 (in points only 0.25).
    arms = _arms(treated_job=[1, 2, -1, -1], treated_self=[-1] * 4, entry=[0] * 4,
                 base_job=[0, 1, 2, -1], base_entry=[0] * 4)
    terms = dict(payment=90_000, cohorts=((0, 0),), measure_months=(5,), baseline=sr.Baseline("control_group"),
                 direction="lower", basis="relative")
    assert _pay([sr.Threshold("job", threshold=0.30, **terms)], arms).sum() == 90_000
    assert _pay([sr.Threshold("job", threshold=0.34, **terms)], arms).sum() == 0
    assert _pay([sr.Threshold("job", threshold=0.30, **{**terms, "basis": "points"})], arms).sum() == 0
    # Pro rata from 0.2 to 0.4: (1/3 - 0.2) / 0.2 = 2/3 of 90,000.
    pay = _pay([sr.Threshold("job", threshold=0.2, mode="proportional", full_at=0.4, **terms)], arms)
    assert pay.sum() == pytest.approx(60_000)
    # A relative change against a comparison group without events cannot be measured: nothing is paid.
    arms = _arms(treated_job=[1, 2, -1, -1], treated_self=[-1] * 4, entry=[0] * 4,
                 base_job=[-1] * 4, base_entry=[0] * 4)
    assert _pay([sr.Threshold("job", threshold=-1.0, **{**terms, "direction": "higher"})], arms).sum() == 0


@given(treated=st.lists(st.integers(-1, 11), min_size=8, max_size=8),
       threshold=st.floats(-0.5, 0.5), fallback_threshold=st.floats(-0.5, 0.5))
def test_an_exclusive_fallback_pays_what_the_other_pays_less_the_fallback_where_a_cohort_paid(
        treated, threshold, fallback_threshold):
    arms = _arms(treated_job=treated, treated_self=[-1] * 8, entry=[0] * 4 + [1] * 4)
    terms = dict(threshold=threshold, payment=100_000, cohorts=((0, 0), (1, 1)), measure_months=(3, 4),
                 baseline=sr.Baseline("fixed", rate=0.3), fallback_month=10, fallback_payment=150_000,
                 fallback_threshold=fallback_threshold)
    exclusive = _pay([sr.Threshold("job", **terms)], arms)
    in_addition = _pay([sr.Threshold("job", **terms, fallback_exclusive=False)], arms)
    cohorts_paid = in_addition[:10].sum() > 0
    np.testing.assert_array_equal(exclusive[:10], in_addition[:10])
    assert exclusive[10] == (0.0 if cohorts_paid else in_addition[10])


def test_threshold_against_counterfactual_and_control_group():
    # Treated: 3 of 4 by month 5; counterfactual: 1 of 4 -> improvement 0.5. Control: 2 of 2 -> -0.25.
    treated = dict(treated_job=[1, 2, 3, -1], treated_self=[-1] * 4, entry=[0] * 4)
    m = dict(threshold=0.2, payment=10_000, cohorts=((0, 0),), measure_months=(5,))
    arms = _arms(**treated, base_job=[2, -1, -1, -1])
    assert _pay([sr.Threshold("job", baseline=sr.Baseline("counterfactual"), **m)], arms).sum() == 10_000
    arms = _arms(**treated, base_job=[0, 1], base_entry=[0, 0])
    assert _pay([sr.Threshold("job", baseline=sr.Baseline("control_group"), **m)], arms).sum() == 0


def test_gain_share_pays_its_share_of_the_cumulative_saving_per_period():
    arms = _arms(treated_job=[-1], treated_self=[-1], entry=[0])
    saving = np.zeros((1, 12))
    saving[0, :4] = 1_000    # months 0-3
    saving[0, 4:8] = -500    # months 4-7: the saving shrinks
    saving[0, 8:] = 2_000    # months 8-11
    m = sr.GainShare(0.5, holder="municipality", pay_every_months=4, lag_months=0)
    pay = _pay([m], arms, savings={("counterfactual", "municipality"): saving})
    # Month 3: 0.5 x 4,000 = 2,000. Month 7: 0.5 x 2,000 = 1,000 < paid: 0. Month 11: 0.5 x 10,000 - 2,000 = 3,000.
    expected = np.zeros(12)
    expected[3], expected[11] = 2_000, 3_000
    np.testing.assert_allclose(pay, expected)


def test_fixed_fees_and_the_contract_cap():
    arms = _arms(treated_job=[2, -1, 4], treated_self=[-1] * 3, entry=[0, 1, 1])
    fees = [sr.FixedFee(1_000, lag_months=1), sr.FixedFee(5_000, outcome="job")]
    pay = _pay(fees, arms)
    # Enrolment fees: 1,000 at month 1, 2,000 at month 2. Completion fees: 5,000 at month 2 and at month 5.
    expected = np.zeros(12)
    expected[1], expected[2], expected[5] = 1_000, 7_000, 5_000
    np.testing.assert_allclose(pay, expected)
    pay = _pay(fees, arms, cap=9_000)  # 1,000 + 7,000 fit, then 1,000 of 5,000
    expected[5] = 1_000
    np.testing.assert_allclose(pay, expected)


def test_payments_past_the_horizon_are_not_made():
    arms = _arms(treated_job=[10], treated_self=[-1], entry=[0])
    assert _pay([sr.RateCard({"job": 1_000}, lag_months=2)], arms).sum() == 0


@given(payments=st.lists(st.floats(0, 1e6), min_size=1, max_size=30), cap=st.floats(0, 5e6))
def test_capped_streams_never_exceed_their_cap(payments, cap):
    out = capped(np.array([payments]), cap)
    assert np.all(out >= -1e-9) and out.sum() <= cap * (1 + 1e-12) + 1e-9
    np.testing.assert_allclose(out.sum(), min(sum(payments), cap), rtol=1e-9, atol=1e-6)



@given(data=st.data(), draws=st.integers(1, 4), k=st.integers(1, 6), horizon=st.integers(1, 15),
       scaled=st.booleans(), cap=st.one_of(st.none(), st.floats(0, 5e6)))
def test_payment_stream_is_numpy_shift_scale_and_cap(data, draws, k, horizon, scaled, cap):
    amounts = np.array(data.draw(st.lists(st.lists(st.floats(-1e6, 1e6), min_size=k, max_size=k),
                                          min_size=draws, max_size=draws)))
    pay_at = np.array(data.draw(st.lists(st.integers(0, horizon + 3), min_size=k, max_size=k)))
    scale = np.array(data.draw(st.lists(st.floats(0, 3), min_size=draws, max_size=draws))) if scaled else np.ones(draws)
    expected = np.zeros((draws, horizon))
    for j, t in enumerate(pay_at):  # due in the same month: added in order; past the horizon: dropped
        if t < horizon:
            expected[:, t] += amounts[:, j]
    expected = capped(expected * scale[:, None], cap)
    out = np.empty((draws, horizon))
    payment_stream(pay_at, amounts, scale, -1.0 if cap is None else cap, out)
    np.testing.assert_array_equal(out, expected)  # the same operations in the same order: the same numbers


@given(months=st.lists(st.lists(st.integers(-1, 15), min_size=3, max_size=3), min_size=1, max_size=5),
       prices=st.lists(st.floats(0, 1e5), min_size=3, max_size=3), person_cap=st.floats(0, 2e5))
def test_rate_card_person_cap_holds_for_every_person(months, prices, person_cap):
    for person in months:
        out = np.zeros((1, 12))
        rate_card(np.array([[person]]), np.array([prices]), person_cap, 0, out)
        due = sum(p for m, p in zip(person, prices) if 0 <= m < 12)
        assert out.sum() <= person_cap * (1 + 1e-12) + 1e-9
        assert out.sum() <= due + 1e-6


@given(people=st.lists(st.lists(st.tuples(st.integers(-1, 20), st.integers(-1, 30)), max_size=8), min_size=1, max_size=4),
       first=st.integers(0, 10), span=st.integers(0, 10), by_month=st.integers(-1, 30))
def test_achieved_share_counts_members_and_achievers(people, first, span, by_month):
    N = max(len(p) for p in people)
    entry, achieved = np.full((len(people), N), -1, dtype=np.int16), np.full((len(people), N), -1)
    for d, p in enumerate(people):
        for i, (e, a) in enumerate(p):
            entry[d, i], achieved[d, i] = e, a
    share, members = np.empty(len(people)), np.empty(len(people), dtype=np.int64)
    achieved_share(achieved, entry, first, first + span, by_month, share, members)
    for d, p in enumerate(people):
        enrolled = [a for e, a in p if first <= e <= first + span]
        assert members[d] == len(enrolled)
        hits = sum(0 <= a <= by_month for a in enrolled)
        if enrolled:
            assert share[d] == hits / len(enrolled)
        else:
            assert np.isnan(share[d])


def test_a_rate_card_scale_scales_prices_before_the_person_cap():
    arms = _arms(treated_job=[2, -1, -1], treated_self=[3, 3, -1], entry=[0, 1, 1])
    contract = sr.Contract([JOB, SELF], [sr.RateCard({"job": 40_000, "self": 25_000}, person_cap=30_000, lag_months=1)])
    pay = contract_payments(contract, P, arms, {}, scales={0: np.array([0.5])})[0]
    # Prices 20,000 and 12,500; person 0: 20,000 then 10,000 of 12,500 (cap 30,000); person 1: 12,500.
    expected = np.zeros(12)
    expected[3], expected[4], expected[5] = 20_000, 10_000, 12_500
    np.testing.assert_allclose(pay, expected)


def test_threshold_and_fee_scales_are_linear():
    arms = _arms(treated_job=[1, 3, 5, -1], treated_self=[-1] * 4, entry=[0] * 4)
    m = sr.Threshold("job", threshold=0.1, payment=100_000, cohorts=((0, 0),), measure_months=(3,),
                     baseline=sr.Baseline("fixed", rate=0.3))
    contract = sr.Contract([JOB, SELF], [m, sr.FixedFee(1_000)])
    pay = contract_payments(contract, P, arms, {}, scales={0: np.array([1.5]), 1: np.array([2.0])})[0]
    assert pay[3] == 150_000 and pay[0] == 8_000 and pay.sum() == 158_000


def _programme_costs_by_hand(entry, per_enrolment, per_month, service_months, fixed, fixed_months, T):
    """The costs of each month counted person by person: enrolment fee, months in service, fixed costs."""
    out = np.zeros((len(entry), T))
    for d, people in enumerate(entry):
        for t in range(T):
            out[d, t] = fixed if t < fixed_months else 0.0
            for e in people:
                if e < 0:
                    continue
                out[d, t] += per_enrolment * (t == e) + per_month * (e <= t < e + service_months)
    return out


@given(entry=st.lists(st.lists(st.integers(-1, 14), min_size=0, max_size=6), min_size=1, max_size=4),
       per_enrolment=st.floats(0, 1e4), per_month=st.floats(0, 1e4), service=st.integers(1, 20),
       fixed=st.floats(0, 1e5), fixed_months=st.integers(0, 20))
def test_programme_costs_count_enrolments_months_in_service_and_fixed_costs(entry, per_enrolment, per_month,
                                                                             service, fixed, fixed_months):
    from sirisk.money.kernels import programme_costs
    T, N = 15, max(1, max(len(p) for p in entry))
    months = np.full((len(entry), N), -1, dtype=np.int16)
    for d, people in enumerate(entry):
        months[d, :len(people)] = people
    out = np.empty((len(entry), T))
    programme_costs(months, per_enrolment, per_month, service, fixed, fixed_months, out)
    expected = _programme_costs_by_hand(months, per_enrolment, per_month, service, fixed, fixed_months, T)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-6)
