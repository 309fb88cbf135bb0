"""One thread policy: ``threads`` governs the engine and every money kernel, and results do not depend on it."""

import time

import numba
import numpy as np
import pytest
from numba.core.registry import CPUDispatcher

import sirisk as sr
from sirisk import _threads
from sirisk.analysis import settle as settle_module
from sirisk.design import evaluator as evaluator_module
from sirisk.money import flows, payments
from sirisk.scenarios import load

MODULES = (flows, payments, settle_module, evaluator_module)


@pytest.fixture(scope="module")
def dsi():
    portfolio, uncertainty, _ = load("dsi2021")
    return portfolio, uncertainty


@pytest.fixture
def kernel_threads(monkeypatch):
    """Every money kernel call, as the numba thread count it ran with."""
    seen = []
    for module in MODULES:
        for name, value in vars(module).copy().items():
            if isinstance(value, CPUDispatcher):
                def recording(*args, _kernel=value, **kwargs):
                    seen.append(numba.get_num_threads())
                    return _kernel(*args, **kwargs)
                monkeypatch.setattr(module, name, recording)
    return seen


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads to tell one from all")
def test_threads_1_means_one_thread_in_every_money_kernel(dsi, kernel_threads):
    portfolio, uncertainty = dsi
    sr.evaluate(portfolio, draws=60, rng=1, uncertainty=uncertainty, threads=1)
    sim = sr.simulate_portfolio(portfolio, draws=60, rng=1, uncertainty=uncertainty, threads=1)
    sr.settle(portfolio, sim, threads=1)
    sr.calibrate(portfolio, sim, vary={"holbaek/contract.mechanisms[0].scale": (0.0, 8.0)},
                 target={"portfolio/investor_irr": ("mean", 0.03)}, threads=1)
    assert len(kernel_threads) > 50 and set(kernel_threads) == {1}
    kernel_threads.clear()
    sr.settle(portfolio, sim)  # without threads: numba's own setting, as before the call
    assert set(kernel_threads) == {numba.get_num_threads()}


def test_threads_1_runs_on_one_core_and_changes_nothing(dsi):
    portfolio, uncertainty = dsi
    sr.evaluate(portfolio, draws=20, rng=1, uncertainty=uncertainty, threads=1)  # compiled, or loaded from cache
    wall, cpu = time.perf_counter(), time.process_time()
    one = sr.evaluate(portfolio, draws=1500, rng=4, uncertainty=uncertainty, threads=1)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert cpu <= 1.15 * wall + 0.1  # one core's worth of time, whatever numba's pool holds
    every = sr.evaluate(portfolio, draws=1500, rng=4, uncertainty=uncertainty)
    assert one.identical(every) or all(np.array_equal(one[v].values, every[v].values, equal_nan=True)
                                       for v in one.data_vars)


def test_the_policy_restores_what_it_found():
    before = numba.get_num_threads()
    with _threads.using(1):
        assert numba.get_num_threads() == 1
    assert numba.get_num_threads() == before
    with pytest.raises(sr.SpecError, match=r"threads is 0; must be an integer from 1 to"):
        sr.settle(load("dsi2021")[0], None, threads=0)
