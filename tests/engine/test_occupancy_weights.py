"""Weighted occupancy: the engine's sum over states and bands equals occupancy weighed by numpy."""

import numpy as np
import pytest
import xarray as xr
from models import rich_programme

import sirisk as sr

PARAMETERS = {"cohort.size": [40, 12, 55, 0], "effects.work.hazard_ratio": [0.5, 1.0, 2.0, 1.3]}


def _weights(programme, draws, n_weights, seed=3):
    rng = np.random.default_rng(seed)
    shape = (len(programme.states), programme.benefit_clock.n_bands, n_weights)
    return rng.normal(size=shape if draws is None else (draws, *shape)) * 1000


@pytest.mark.parametrize("per_draw", [True, False])
def test_weighted_occupancy_is_occupancy_times_weights(per_draw):
    p = rich_programme()
    weights = _weights(p, 4 if per_draw else None, 3)
    plain = sr.simulate(p, draws=4, rng=11, parameters=PARAMETERS)
    weighted = sr.simulate(p, draws=4, rng=11, parameters=PARAMETERS, occupancy_weights=weights)
    expected = np.einsum("datsb,dsbw->datw" if per_draw else "datsb,sbw->datw", plain.occupancy.values, weights)
    assert weighted.weighted_occupancy.dims == ("draw", "arm", "month", "weight")
    np.testing.assert_allclose(weighted.weighted_occupancy.values, expected, rtol=1e-12, atol=1e-6)
    assert "occupancy" not in weighted
    # The rest of the result does not depend on what is done with occupancy.
    for name in ("person_measure", "entry_month", "enrolled", "parameter_value"):
        xr.testing.assert_identical(weighted[name], plain[name])
    assert (np.abs(expected) > 0).mean() > 0.5  # not vacuous: most cells are weighed non-zero


def test_a_dataarray_in_any_dim_order_names_the_weights():
    p = rich_programme(horizon_months=12)
    values = _weights(p, 2, 2)
    weights = xr.DataArray(values, dims=("draw", "state", "clock_band", "weight"),
                           coords={"state": list(p.state_names), "weight": ["municipality", "state"]})
    ds = sr.simulate(p, draws=2, rng=5, occupancy_weights=weights.transpose("weight", "clock_band", "draw", "state"))
    assert ds.weight.values.tolist() == ["municipality", "state"]
    plain = sr.simulate(p, draws=2, rng=5)
    np.testing.assert_allclose(ds.weighted_occupancy.values,
                               np.einsum("datsb,dsbw->datw", plain.occupancy.values, values), rtol=1e-12, atol=1e-6)


def test_unit_weights_count_the_people_enrolled():
    p = rich_programme(horizon_months=15)
    ds = sr.simulate(p, draws=3, rng=2, occupancy_weights=np.ones((len(p.states), p.benefit_clock.n_bands, 1)))
    np.testing.assert_array_equal(ds.weighted_occupancy.isel(month=-1, weight=0).values, ds.enrolled.values)


@pytest.mark.parametrize("make, rule", [
    (lambda p, S, B: np.ones((S, B)), "must be (state, clock_band, weight)"),
    (lambda p, S, B: np.ones((S + 1, B, 2)), "must be (state, clock_band, weight)"),
    (lambda p, S, B: np.ones((3, S, B, 2)), "(draw, state, clock_band, weight) = (2,"),
    (lambda p, S, B: np.ones((S, B, 0)), "W >= 1"),
    (lambda p, S, B: np.full((S, B, 1), np.nan), "not finite"),
    (lambda p, S, B: np.full((S, B, 1), "x"), "must be real numbers"),
    (lambda p, S, B: xr.DataArray(np.ones((S, B, 1)), dims=("state", "band", "weight")), "has dims"),
    (lambda p, S, B: xr.DataArray(np.ones((S, B, 1)), dims=("state", "clock_band", "weight"),
                                  coords={"state": list(reversed(p.state_names))}), "in order"),
])
def test_bad_weights_are_refused_with_the_rule(make, rule):
    p = rich_programme(horizon_months=6)
    with pytest.raises(sr.SpecError, match="occupancy_weights") as err:
        sr.simulate(p, draws=2, rng=1, occupancy_weights=make(p, len(p.states), p.benefit_clock.n_bands))
    assert rule in str(err.value)
