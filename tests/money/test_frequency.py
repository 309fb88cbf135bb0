"""Thresholds on the frequency of events: cohort means of a count per person, worked by hand."""

import numpy as np
import pytest
from fake_engine import tiny_programme

import sirisk as sr
from sirisk.money.kernels import mean_count
from sirisk.money.payments import contract_payments

# Returns to benefit within 4 months of enrolment: a count per person, final at month 3 after enrolment.
P = tiny_programme(horizon=12, measures=[sr.Sustained("job", "work"),
                                         sr.EntriesInto("returns", "benefit", within_months=4)])
OUTCOMES = [sr.Outcome("job", "job"), sr.Outcome("returns", "returns")]
ENTRY = [0] * 4 + [1] * 4  # cohort 0 enrols in month 0, cohort 1 in month 1: counts final at months 3 and 4


def _arms(treated, base=None):
    """Person records [draw=1, person, measure] with no jobs and the given counts of returns."""
    def rec(counts):
        return np.stack([np.full(len(counts), -1), np.array(counts)], axis=-1)[None].astype(np.int16)
    base = treated if base is None else base
    arms = {"treated": (rec(treated), np.array(ENTRY)[None])}
    for arm in ("counterfactual", "control"):
        arms[arm] = (rec(base), np.array(ENTRY)[None])
    return arms


def _pay(mechanism, arms):
    return contract_payments(sr.Contract(OUTCOMES, [mechanism]), P, arms, {})[0]


def _threshold(**terms):
    rule = dict(outcome="returns", payment=100_000, cohorts=((0, 0), (1, 1)), measure_months=(3, 4),
                statistic="frequency")
    return sr.Threshold(**(rule | terms))


def test_a_relative_reduction_in_events_per_person_against_a_fixed_rate():
    # Cohort 0: 0 + 1 + 2 + 1 = 4 returns for 4 people, 1.0 per person; cohort 1: 3 + 2 + 1 + 2 = 2.0.
    # Against 1.5 a person (a rate above 1 is fine for a frequency): cohort 0 is (1.5 - 1) / 1.5 = 1/3 lower,
    # cohort 1 is 1/3 higher.
    arms = _arms([0, 1, 2, 1, 3, 2, 1, 2])
    base = sr.Baseline("fixed", rate=1.5)
    pay = _pay(_threshold(threshold=0.25, baseline=base, direction="lower", basis="relative"), arms)
    assert pay[3] == 100_000 and pay.sum() == 100_000
    assert _pay(_threshold(threshold=0.34, baseline=base, direction="lower", basis="relative"), arms).sum() == 0
    # In events per person: 0.5 fewer in cohort 0 reaches 0.4 (not 0.6); 0.5 more in cohort 1 where more is better.
    assert _pay(_threshold(threshold=0.4, baseline=base, direction="lower"), arms)[3] == 100_000
    assert _pay(_threshold(threshold=0.6, baseline=base, direction="lower"), arms).sum() == 0
    higher = _pay(_threshold(threshold=0.4, baseline=base), arms)
    assert higher[4] == 100_000 and higher.sum() == 100_000


def test_cohorts_at_ten_per_cent_fewer_events_than_the_comparison_or_seven_and_a_half_over_all():
    # The shape of the Peterborough bond's terms. Returns per cohort (sums over four people):
    #   treated 10 and 11, comparison 11 and 12: reductions 1/11 = 0.091 and 1/12 = 0.083, both below 0.1;
    #   over both cohorts 21 against 23 a person: 2/23 = 0.087, above 0.075: the fallback pays, at month 6.
    arms = _arms(treated=[2, 3, 2, 3, 3, 3, 2, 3], base=[3, 3, 2, 3, 3, 3, 3, 3])
    rule = dict(threshold=0.10, baseline=sr.Baseline("control_group"), direction="lower", basis="relative",
                fallback_month=6, fallback_payment=150_000)
    assert _pay(_threshold(**rule), arms).sum() == 0  # by the cohorts' own 10 %
    pay = _pay(_threshold(**rule, fallback_threshold=0.075), arms)
    assert pay[6] == 150_000 and pay.sum() == 150_000
    # One more return in the comparison's cohort 1 (13): 2/13 = 0.154 pays that cohort, so the fallback does not.
    arms = _arms(treated=[2, 3, 2, 3, 3, 3, 2, 3], base=[3, 3, 2, 3, 4, 3, 3, 3])
    pay = _pay(_threshold(**rule, fallback_threshold=0.075), arms)
    assert pay[4] == 100_000 and pay.sum() == 100_000


def test_mean_count_kernel_against_numpy():
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 5, size=(6, 50)).astype(np.int16)
    entry = rng.integers(-1, 10, size=(6, 50)).astype(np.int16)
    mean, members = np.empty(6), np.empty(6, dtype=np.int64)
    mean_count(counts, entry, 2, 6, mean, members)
    inside = (entry >= 2) & (entry <= 6)
    np.testing.assert_array_equal(members, inside.sum(axis=1))
    np.testing.assert_allclose(mean, (counts * inside).sum(axis=1) / inside.sum(axis=1))
    mean_count(counts, entry, 20, 30, mean, members)  # nobody enrolled then
    assert np.isnan(mean).all() and (members == 0).all()


B = sr.Budget([sr.StateFlow("benefit", "municipality", 1000, refundable=True)])


def _deal(mechanism, programme=P):
    return sr.Deal(programme, B, sr.ProgrammeCosts(), sr.Contract(OUTCOMES, [mechanism]),
                   sr.InvestorTerms(commitment=1e6))


def test_a_frequency_is_measured_only_once_the_counts_are_final():
    with pytest.raises(sr.SpecError, match=r"measure_months\[1\] is 3; must be at least 4: the counts of people "
                                           r"enrolled in month 1 are final 3 months later"):
        _deal(_threshold(threshold=0.1, measure_months=(3, 3)))
    with pytest.raises(sr.SpecError, match=r"fallback_month is 4; must be at least 5"):
        _deal(_threshold(threshold=0.1, cohorts=((0, 0), (1, 2)), measure_months=(3, 5), fallback_month=4))
    with pytest.raises(sr.SpecError, match=r"statistic is 'frequency'; needs a count measure \(EntriesInto or "
                                           r"MonthsIn\); 'job' is a Sustained"):
        _deal(_threshold(threshold=0.1, outcome="job"))
    with pytest.raises(sr.SpecError, match=r"baseline.rate is 1.5; a share is at most 1"):
        sr.Threshold("returns", 0.1, 1, ((0, 0),), (3,), baseline=sr.Baseline("fixed", rate=1.5))


def test_a_simulated_deal_pays_on_the_engines_counts():
    # Settled on a simulation, a cohort pays exactly where its mean count, computed here from the engine's
    # person records, is 10 % above the counterfactual's (and the counterfactual has any events).
    programme = tiny_programme(horizon=24, intake=(30, 30), control_size=0, measures=[
        sr.Sustained("job", "work"), sr.EntriesInto("returns", "benefit", within_months=12)])
    programme = sr.Programme(**{**programme.__dict__, "effects": (
        sr.Effect("work", ["benefit->work"], hazard_ratio=1.6),)})
    threshold = _threshold(threshold=0.10, baseline=sr.Baseline("counterfactual"), direction="higher",
                           basis="relative", measure_months=(11, 12))
    deal = _deal(threshold, programme)
    portfolio = sr.Portfolio("p", [deal])
    sim = sr.simulate_portfolio(portfolio, draws=300, rng=11)
    paid = sr.settle(portfolio, sim).outcome_payment.sel(programme="tiny").values
    records = sim.deals["tiny"].arms
    q = [m.name for m in programme.measures].index("returns")
    expected = np.zeros_like(paid)
    for cohort, month in ((0, 11), (1, 12)):
        def mean(arm):
            entry = records[arm].entry_month
            inside = entry == cohort
            return (records[arm].measures[..., q] * inside).sum(axis=1) / inside.sum(axis=1)
        t, c = mean("treated"), mean("counterfactual")
        with np.errstate(divide="ignore", invalid="ignore"):  # against no events at all nothing is measured
            expected[:, month] += np.where((c > 0) & ((t - c) / c >= 0.10), 100_000, 0.0)
    np.testing.assert_array_equal(paid, expected)
    assert 0 < (expected > 0).mean() < 1  # some draws pay and some do not


def test_measured_counts_are_checked_by_name():
    from checks import assert_spec_error
    deal = _deal(_threshold(threshold=0.1, baseline=sr.Baseline("fixed", rate=1.0)))
    people = dict(enrolment_months=[0, 1], achieved={"job": [-1, -1]})
    assert_spec_error(lambda: sr.settle(deal, sr.Measured("tiny", **people)),
                      ["events is []", "a threshold on the frequency of 'returns' needs its count per person"])
    assert_spec_error(lambda: sr.Measured("tiny", **people, events={"returns": [1]}),
                      ["events['returns'] is '1 counts'", "one count per enrolled person (2)"])
    assert_spec_error(lambda: sr.Measured("tiny", **people, events={"returns": [1, -1]}),
                      ["events['returns'][1] is -1", "at least 0"])
    assert_spec_error(lambda: sr.Measured("tiny", **people, comparison_events={"returns": [1, 1]}),
                      ["comparison_events", "needs comparison_enrolment_months"])
    assert_spec_error(lambda: sr.settle(deal, sr.Measured("tiny", **people, events={"returns": [1, 0], "job": [0, 0]})),
                      ["events outcome is 'job'", "on a count measure ('returns',)"])
    # Given by its counts alone, the outcome is achieved with at least one, at the end of the 4-month window.
    r = sr.settle(deal, sr.Measured("tiny", **people, events={"returns": [1, 0]}))
    assert r.outcome_rate.sel(programme="tiny", arm="treated", outcome="returns").item() == 0.5


def test_observed_counts_still_reach_a_threshold_after_a_fee():
    # A fee before the threshold in the contract: the counts given as observed must still be the ones read.
    # Cohort 0's observed returns 0 + 0 + 0 + 0 against 1.0 a person pay; the records' own column (all 3) would not.
    arms = _arms([3] * 8)
    observed = {("treated", "returns"): np.array([[0, 0, 0, 0, 3, 3, 3, 3]], dtype=np.int16)}
    contract = sr.Contract(OUTCOMES, [sr.FixedFee(amount=10), _threshold(
        threshold=0.5, baseline=sr.Baseline("fixed", rate=1.0), direction="lower")])
    pay = contract_payments(contract, P, arms, {}, counts=observed)[0]
    assert pay[3] == 100_000 and pay.sum() == 100_000 + 8 * 10
