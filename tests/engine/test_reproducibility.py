"""Same seed, same numbers: on any number of threads, for any split of the draws, for any seed type."""

import numba
import numpy as np
import pytest
import xarray as xr
from models import rich_programme

import sirisk as sr

PARAMS = {"effects.work.hazard_ratio": np.linspace(0.5, 2.0, 60), "cohort.size": np.arange(60) % 7 + 35}


def _slice(params, lo, hi):
    return {k: v[lo:hi] for k, v in params.items()}


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_one_and_two_threads_are_bit_identical():
    p = rich_programme()
    one = sr.simulate(p, draws=60, rng=99, parameters=PARAMS, threads=1)
    two = sr.simulate(p, draws=60, rng=99, parameters=PARAMS, threads=2)
    xr.testing.assert_identical(one, two)


def test_any_split_into_batches_is_bit_identical():
    p = rich_programme()
    whole = sr.simulate(p, draws=60, rng=99, parameters=PARAMS)
    parts = [sr.simulate(p, draws=range(lo, hi), rng=99, parameters=_slice(PARAMS, lo, hi))
             for lo, hi in [(0, 1), (1, 25), (25, 26), (26, 60)]]
    for part in parts:
        expect = whole.sel(draw=part.draw)
        for var in ("occupancy", "enrolled"):
            np.testing.assert_array_equal(part[var].values, expect[var].values)
        # The participant axis is as long as the largest cohort in the call; the rest is empty.
        m = min(part.sizes["participant"], expect.sizes["participant"])
        for var in ("entry_month", "person_measure"):
            np.testing.assert_array_equal(part[var].isel(participant=slice(0, m)).values,
                                          expect[var].isel(participant=slice(0, m)).values)
        for longer in (part, expect):
            assert (longer.entry_month.isel(participant=slice(m, None)) == -1).all()


def test_seed_types():
    p = rich_programme(horizon_months=12)
    a = sr.simulate(p, draws=5, rng=123)
    b = sr.simulate(p, draws=5, rng=np.random.SeedSequence(123))
    xr.testing.assert_identical(a, b)
    c = sr.simulate(p, draws=5, rng=np.random.default_rng(5))
    d = sr.simulate(p, draws=5, rng=np.random.default_rng(5))
    xr.testing.assert_identical(c, d)
    e = sr.simulate(p, draws=5, rng=124)
    assert not np.array_equal(a.occupancy.values, e.occupancy.values)


def test_fresh_entropy_is_recorded_so_the_run_can_be_repeated():
    p = rich_programme(horizon_months=12)
    first = sr.simulate(p, draws=5)
    again = sr.simulate(p, draws=5, rng=np.random.SeedSequence(int(first.attrs["seed_entropy"])))
    np.testing.assert_array_equal(first.occupancy.values, again.occupancy.values)


def test_versions_and_units_are_recorded():
    ds = sr.simulate(rich_programme(horizon_months=12), draws=2, rng=1)
    for key in ("seed_entropy", "numpy_version", "numba_version", "sirisk_version", "python_version"):
        assert ds.attrs[key]
    assert ds.occupancy.attrs["units"] == "persons"
    assert ds.month.attrs["long_name"].startswith("months since")


def test_engine_results_survive_a_netcdf_round_trip(tmp_path):
    ds = sr.simulate(rich_programme(horizon_months=12), draws=4, rng=1, parameters={"cohort.size": [40, 3, 0, 12]})
    ds.to_netcdf(tmp_path / "engine.nc")
    with xr.open_dataset(tmp_path / "engine.nc") as back:
        xr.testing.assert_identical(ds, back.load())
