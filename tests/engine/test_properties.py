"""Invariants of the engine, on hand-written and hypothesis-generated models."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models import rich_programme
from strategies import random_programmes

import sirisk as sr


@settings(max_examples=25)
@given(programme=random_programmes(), sizes=st.lists(st.integers(0, 12), min_size=3, max_size=3),
       seed=st.integers(0, 2**32))
def test_occupancy_sums_to_people_enrolled(programme, sizes, seed):
    ds = sr.simulate(programme, draws=3, rng=seed, parameters={"cohort.size": sizes})
    total = ds.occupancy.sum(["state", "clock_band"])
    months = ds.month.values
    for a, arm in enumerate(ds.arm.values):
        for j in range(3):
            entry = ds.entry_month.values[j, a]
            entry = entry[entry >= 0]
            expected = (entry[None, :] <= months[:, None]).sum(axis=1)
            np.testing.assert_array_equal(total.values[j, a], expected)
    assert ds.enrolled.sel(arm="treated").values.tolist() == sizes
    assert (ds.enrolled.sel(arm="control") == programme.control_size).all()


def test_intake_schedule_is_kept_and_scaled():
    p = rich_programme()  # intake [6, 8, 0, 10, 8, 8]
    ds = sr.simulate(p, draws=2, rng=0, parameters={"cohort.size": [40, 20]}, arms=["treated"])
    first = np.bincount(ds.entry_month.values[0, 0], minlength=6)
    half = np.bincount(ds.entry_month.values[1, 0][:20], minlength=6)
    assert first.tolist() == [6, 8, 0, 10, 8, 8]
    # Cumulative counts scaled to 20 and rounded: 3, 7, 7, 12, 16, 20.
    assert np.cumsum(half).tolist() == [3, 7, 7, 12, 16, 20]


def test_benefit_clock_band_split_is_only_for_benefit_states():
    ds = sr.simulate(rich_programme(), draws=50, rng=3)
    not_benefit = ~ds.benefit
    assert (ds.occupancy.sel(state=not_benefit).isel(clock_band=slice(1, None)) == 0).all()
    # Young people enter cash benefit 9 months into their benefit period: band 6-12 at once.
    assert (ds.occupancy.sel(state="cash_benefit", clock_band="6-12").isel(month=0) > 0).all()


def test_effect_of_exactly_one_gives_identical_arms():
    p = rich_programme()
    ones = {"effects.work.hazard_ratio": 1.0, "effects.work.lock_in_hazard_ratio": 1.0,
            "effects.school.hazard_ratio": 1.0}
    ds = sr.simulate(p, draws=200, rng=11, parameters=ones)
    for var in ("occupancy", "person_measure", "entry_month"):
        np.testing.assert_array_equal(ds[var].sel(arm="treated"), ds[var].sel(arm="counterfactual"))
    # ... and the comparison is not vacuous: with an effect the arms differ.
    ds = sr.simulate(p, draws=200, rng=11)
    assert (ds.occupancy.sel(arm="treated") != ds.occupancy.sel(arm="counterfactual")).any()


def test_control_group_of_size_zero():
    p = rich_programme(control_size=0)
    ds = sr.simulate(p, draws=20, rng=1)
    assert (ds.occupancy.sel(arm="control") == 0).all()
    assert (ds.entry_month.sel(arm="control") == -1).all()
    assert (ds.enrolled.sel(arm="control") == 0).all()


def test_control_group_is_independent_of_the_programme_arms():
    p = rich_programme(control_size=40, size=40)
    ds = sr.simulate(p, draws=2000, rng=4, arms=["counterfactual", "control"])
    emp_cf = ds.occupancy.sel(arm="counterfactual", state="employed").sum(["month", "clock_band"])
    emp_ctl = ds.occupancy.sel(arm="control", state="employed").sum(["month", "clock_band"])
    # Same model and size: same mean, no correlation (the control group has its own streams).
    r = np.corrcoef(emp_cf, emp_ctl)[0, 1]
    assert abs(r) < 4 / np.sqrt(2000)
    diff = (emp_cf - emp_ctl).values
    assert abs(diff.mean()) < 4 * diff.std(ddof=1) / np.sqrt(len(diff))


@st.composite
def sick_pay_models(draw):
    """Sick pay -> employed (duration dependent), -> other (absorbing, non-decreasing hazard); relapse."""
    starts = (0, 3, 6)
    h_emp = draw(st.lists(st.floats(0.0, 0.4), min_size=3, max_size=3))
    h_oth = sorted(draw(st.lists(st.floats(0.0, 0.4), min_size=3, max_size=3)))
    relapse = draw(st.floats(0.0, 0.3))
    return sr.Programme(
        name="sick", horizon_months=24,
        states=[sr.State("sick", benefit=True), sr.State("employed"), sr.State("other", absorbing=True)],
        transitions=[sr.Transition("sick", "employed", tuple(h_emp), band_starts=starts),
                     sr.Transition("sick", "other", tuple(h_oth), band_starts=starts),
                     sr.Transition("employed", "sick", (relapse,))],
        cohort=sr.Cohort([5, 5, 5], [sr.Subgroup("all", 1.0, "sick", entry_duration_months=1)]),
    )


@pytest.mark.slow
@settings(max_examples=15)
@given(programme=sick_pay_models(), factor=st.floats(1.0, 3.0), seed=st.integers(0, 2**32))
def test_larger_exit_hazard_to_employment_never_lowers_employed_months(programme, factor, seed):
    def employed_months(scale):
        ds = sr.simulate(programme, draws=1000, rng=seed, arms=["counterfactual"],
                         parameters={"hazards.sick->employed.scale": scale})
        return ds.occupancy.sel(state="employed").sum(["month", "clock_band", "arm"]).values.astype(float)

    diff = employed_months(factor) - employed_months(1.0)  # paired by common random numbers
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() >= -4 * se - 1e-12
