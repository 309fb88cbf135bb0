"""Throughput of the engine on the reference model (design notes, section 7).

Runs the reference model (P = 300 participants, T = 60 months, D = 20,000
draws, treated arm only) through the public engine, and in the same run a
straightforward numpy implementation of the same model vectorised over
participants x draws. Prints one JSON object.

Throughput is participant-months per second per core: P * T * D / seconds /
cores used. The numpy baseline is single-threaded; the engine figure is
measured on one thread, and ``speedup_2_threads`` compares one with two.

Timings are the best of ``--repeat`` interleaved runs (default 5; the
machines are noisy, and the best run is the one least disturbed).

Usage::

    python benchmarks/throughput.py            # full size, about two minutes
    python benchmarks/throughput.py --quick    # seconds, for CI
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np

import sirisk as sr
from sirisk.engine.lowering import CERTAIN_EXIT_RATE
from sirisk.scenarios.reference_model import reference_parameters, reference_programme
from _record import record


def numpy_reference_model(P, T, effect, rng):
    """The reference model in plain numpy, vectorised over draws x participants.

    Same semantics as the engine: the effect multiplies the monthly rate of
    sick pay -> employed; competing exits share one uniform per month.
    Returns per draw the participant-months in each state and the number
    employed in the last month.
    """
    D = len(effect)
    d_max = T + 1
    d = np.arange(d_max)
    p_emp, p_oth = 0.08 * np.exp(-0.03 * d), 0.02 + 0.002 * d
    p_tot = p_emp + p_oth
    rate_tot = np.where(p_tot >= 1, CERTAIN_EXIT_RATE, -np.log1p(-np.minimum(p_tot, 1)))
    rate_emp, rate_oth = rate_tot * p_emp / p_tot, rate_tot * p_oth / p_tot
    relapse = 0.01
    entry = np.arange(P) % 24
    state = np.zeros((D, P), dtype=np.int8)
    duration = np.zeros((D, P), dtype=np.int64)
    months_in = np.zeros((D, 3), dtype=np.int64)
    for t in range(T):
        active = (entry <= t)[None, :]
        for s in range(3):
            months_in[:, s] += ((state == s) & active).sum(axis=1)
        if t == T - 1:
            break
        u = rng.random((D, P))
        lam_e = rate_emp[duration] * effect[:, None]
        lam_o = rate_oth[duration]
        lam = lam_e + lam_o
        p_exit = -np.expm1(-lam)
        sick = (state == 0) & active
        leave = sick & (u < p_exit)
        to_emp = leave & (u < p_exit * lam_e / lam)
        to_oth = leave & ~to_emp
        relapsed = (state == 1) & active & (u < relapse)
        moved = leave | relapsed
        state[to_emp] = 1
        state[to_oth] = 2
        state[relapsed] = 0
        duration = np.where(moved, 0, duration + active)
    employed_at_end = ((state == 1) & (entry <= T - 1)[None, :]).sum(axis=1)
    return months_in, employed_at_end


def _engine(programme, D, params, seed, threads, draws=None):
    return sr.simulate(programme, draws=draws if draws is not None else D, rng=seed, arms=["treated"],
                       parameters=params, threads=threads)


def _cold_and_warm():
    """Import + first call in a fresh process: with an empty JIT cache, then with it filled."""
    code = ("import time; t = time.perf_counter(); import sirisk; "
            "from sirisk.scenarios.reference_model import reference_programme; "
            "sirisk.simulate(reference_programme(participants=10, horizon_months=12), draws=2, rng=0); "
            "print(time.perf_counter() - t)")
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold", "warm"):
            res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            out[f"import_first_call_{label}_s"] = round(float(res.stdout.strip()), 3)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small run (seconds), for CI")
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=None, help="timings are the best of this many runs (default 5; 2 with --quick)")
    args = ap.parse_args(argv)
    P, T = 300, 60
    D = args.draws or (400 if args.quick else 20_000)
    args.repeat = args.repeat or (2 if args.quick else 5)
    seed = 2021
    programme = reference_programme(participants=P, horizon_months=T)
    params = reference_parameters(D, rng=seed)
    pm = P * T * D

    _engine(programme, 2, {k: v[:2] for k, v in params.items()}, seed, 1)  # JIT compile or cache load
    threads = min(2, numba.config.NUMBA_NUM_THREADS)
    t_one = t_two = t_numpy = float("inf")
    effect = params["effects.effect.hazard_ratio"]
    for _ in range(args.repeat):  # interleaved, best of each: the machine is noisy
        t = time.perf_counter()
        one = _engine(programme, D, params, seed, threads=1)
        t_one = min(t_one, time.perf_counter() - t)
        t = time.perf_counter()
        two = _engine(programme, D, params, seed, threads=threads)
        t_two = min(t_two, time.perf_counter() - t)
        t = time.perf_counter()
        np_months, np_employed = numpy_reference_model(P, T, effect, np.random.default_rng(seed))
        t_numpy = min(t_numpy, time.perf_counter() - t)
    identical_threads = bool(np.array_equal(one.occupancy.values, two.occupancy.values))
    cuts = [0, D // 3, D // 3 + 1, D]
    batches = [_engine(programme, D, {k: v[a:b] for k, v in params.items()}, seed, threads, draws=range(a, b))
               for a, b in zip(cuts[:-1], cuts[1:])]
    identical_batched = bool(np.array_equal(np.concatenate([b.occupancy.values for b in batches]),
                                            one.occupancy.values))

    # Same model? Employed participant-months per draw, engine vs numpy (independent random numbers).
    eng_months = one.occupancy.sum(["clock_band", "month", "arm"]).values
    a, b = eng_months[:, 1].astype(float), np_months[:, 1].astype(float)
    z = (a.mean() - b.mean()) / np.sqrt(a.var(ddof=1) / D + b.var(ddof=1) / D)

    engine_rate = pm / t_one
    numpy_rate = pm / t_numpy
    result = {
        "model": f"design section 7: P={P}, T={T}, D={D}, treated arm only",
        "timing": f"best of {args.repeat} interleaved runs",
        "engine_s_1_thread": round(t_one, 3),
        f"engine_s_{threads}_threads": round(t_two, 3),
        "numpy_s": round(t_numpy, 3),
        "engine_pm_per_s_per_core": round(engine_rate),
        "numpy_pm_per_s_per_core": round(numpy_rate),
        "ratio": round(engine_rate / numpy_rate, 2),
        "speedup_2_threads": round(t_one / t_two, 2),
        "bit_identical_1_vs_2_threads": identical_threads,
        "bit_identical_batched": identical_batched,
        "employed_months_per_draw_engine_vs_numpy_z": round(float(z), 2),
        "employed_at_end_engine_vs_numpy": [
            round(float(one.occupancy.sel(state="employed").isel(month=-1).sum(["clock_band", "arm"]).mean()), 2),
            round(float(np_employed.mean()), 2)],
        **_cold_and_warm(),
        "cores": os.cpu_count(),
        "numba": numba.__version__,
        "numpy": np.__version__,
    }
    record("throughput", result, quick=args.quick)
    ok = identical_threads and identical_batched and abs(z) < 5
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
