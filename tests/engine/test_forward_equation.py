"""Mean occupancy agrees with the exact forward equation of the chain.

Occupancy in a cell is a sum of independent indicators (one per person), so
its exact variance is known; the Monte Carlo standard error of the mean over
D draws is sqrt(variance / D). Each cell must lie within 4 standard errors.
Where many cells are checked at once (hypothesis models), the bound is
raised by a Bonferroni correction so that the chance of a false alarm over
all cells of one model stays below 1 in 10,000; with fixed seeds and
derandomised hypothesis nothing is flaky either way.
"""

import numpy as np
import pytest
from forward import exact_entries, exact_occupancy
from hypothesis import given, settings
from hypothesis import strategies as st
from models import rich_programme
from scipy.stats import norm
from strategies import random_programmes

import sirisk as sr


def _check(programme, ds, arm, z_max):
    mean, var = exact_occupancy(programme, arm)
    D = ds.sizes["draw"]
    observed = ds.occupancy.sel(arm=arm).mean("draw").values
    se = np.sqrt(var / D)
    exact_cells = se == 0
    np.testing.assert_allclose(observed[exact_cells], mean[exact_cells], atol=1e-12)
    z = np.abs(observed - mean)[~exact_cells] / se[~exact_cells]
    assert z.size == 0 or z.max() <= z_max, (arm, float(z.max()), int(np.argmax(z)))
    return z


@pytest.mark.parametrize("arm", ["treated", "counterfactual", "control"])
def test_rich_model_matches_forward_equation(arm):
    p = rich_programme(horizon_months=24, size=40, control_size=30)
    ds = sr.simulate(p, draws=4000, rng=20211, arms=[arm])
    z = _check(p, ds, arm, z_max=4.0)
    assert z.size > 100  # many non-trivial cells were compared


def test_counterfactual_per_state_totals_are_tight():
    # Summed over clock bands and months, errors average out: a sharper check on the hazard semantics.
    p = rich_programme(horizon_months=24)
    ds = sr.simulate(p, draws=4000, rng=5, arms=["counterfactual"])
    mean, var = exact_occupancy(p, "counterfactual")
    got = ds.occupancy.sel(arm="counterfactual").sum(["month", "clock_band"]).values
    exact = mean.sum(axis=(0, 2))
    se = got.std(axis=0, ddof=1) / np.sqrt(got.shape[0])
    assert np.all(np.abs(got.mean(axis=0) - exact) <= 4 * se)


@pytest.mark.slow
@settings(max_examples=30)
@given(programme=random_programmes(), seed=st.integers(0, 2**32))
def test_random_models_match_forward_equation(programme, seed):
    ds = sr.simulate(programme, draws=1500, rng=seed)
    n_cells = 3 * ds.occupancy.isel(draw=0, arm=0).size
    z_max = max(4.0, float(norm.isf(1e-4 / (2 * n_cells))))
    for arm in ("treated", "counterfactual", "control"):
        if arm == "control" and programme.control_size == 0:
            assert (ds.occupancy.sel(arm="control") == 0).all()
            continue
        _check(programme, ds, arm, z_max=z_max)


@pytest.mark.parametrize("arm", ["treated", "counterfactual", "control"])
def test_entries_into_states_match_the_forward_equation(arm):
    # The expected number of entries is the chance of moving into the set, summed over the window's months and
    # the people; the engine's mean count per draw lies within 4 of its standard errors (estimated from the
    # draws: a count is not a Bernoulli indicator).
    p = rich_programme(horizon_months=24, size=40, control_size=30)
    measures = [m for m in p.measures if isinstance(m, sr.EntriesInto)]
    ds = sr.simulate(p, draws=4000, rng=20211, arms=[arm])
    exact = exact_entries(p, arm, measures)
    enrolled = ds.entry_month.sel(arm=arm) >= 0
    for m, expected in zip(measures, exact):
        counts = ds.person_measure.sel(arm=arm, measure=m.name).where(enrolled, 0).sum("participant").values
        se = counts.std() / np.sqrt(len(counts))
        assert expected > 3 and abs(counts.mean() - expected) <= 4 * se, (m.name, counts.mean(), expected, se)
