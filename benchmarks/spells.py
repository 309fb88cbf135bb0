"""What a spell costs: the engine's time per spell on dsi2021, against a stripped-down spell loop.

The engine's cost is per spell (a stay in one state). This prints, per
dsi2021 programme, the spells per person (counted with the plain-Python
reference on a few draws), the kernel's time per spell on one thread, and
the time per spell of the least a spell loop can do: an exponential and a
uniform, the exit month by division, the destination, and two occupancy
writes; no benefit clock, rules, measures or effect. The gap between the two
is what tuning the kernel could still win; the floor times the spells is
what it cannot.

Usage::

    python benchmarks/spells.py            # 3,000 draws per timing
    python benchmarks/spells.py --quick    # 200 draws, for CI
"""

from __future__ import annotations

import argparse
import sys
import time

import numba
import numpy as np
from numba import njit

from sirisk.engine.kernel import _months_to_exit
from sirisk.engine.lowering import lower_draws, lower_model
from sirisk.engine.exponential import next_exponential
from sirisk._seeding import seed_sequence
from sirisk.engine.random import next_uniform, stream_keys, stream_start
from sirisk.engine.reference import reference_paths
from sirisk.engine.simulate import run_kernel
from sirisk.scenarios import load
from _record import record

ARMS = ("treated", "counterfactual")


def spells_per_person(programme, draws: int) -> float:
    """Mean spells per enrolled person and arm, from the reference's month-by-month paths."""
    model = lower_model(programme)
    inputs = lower_draws(programme, model, draws)
    keys = stream_keys(seed_sequence(1))
    spells = people = 0
    for *_, path in reference_paths(programme, model, inputs, range(draws), keys, ARMS):
        # A spell starts in the first month and wherever the state changes (no move returns to its own state).
        spells += 1 + sum(a[0] != b[0] for a, b in zip(path, path[1:]))
        people += 1
    return spells / people


@njit(cache=True)
def _floor(n_draws, n_people, horizon, total, inverse, cum_rates, exit_dest, n_exits, entry_state, occ):
    spells = 0
    for draw in range(n_draws):
        occ[:] = 0
        for i in range(n_people):
            stream = stream_start(np.uint64(7), draw, i)
            s = entry_state
            t = i % 24
            while t < horizon:
                stream, threshold = next_exponential(stream)
                stream, u2 = next_uniform(stream)
                spells += 1
                length = horizon - t
                dest = -1
                if n_exits[s] > 0 and total[s] * length >= threshold:
                    length = _months_to_exit(threshold, total[s], inverse[s], length)
                    pick = u2 * total[s]
                    for k in range(n_exits[s]):
                        if pick < cum_rates[s, k]:
                            dest = exit_dest[s, k]
                            break
                occ[t, s] += 1
                if t + length < horizon:
                    occ[t + length, s] -= 1
                t += length
                if dest < 0:
                    break
                s = dest
    return spells


def floor_ns_per_spell(programme, draws: int) -> float:
    model = lower_model(programme)
    cum_rates = np.cumsum(model.base_rate[0, :, :, 0], axis=1)
    total = np.ascontiguousarray(cum_rates[:, -1])
    occ = np.zeros((model.horizon, model.n_states), dtype=np.int32)
    people = 2 * programme.cohort.size
    with np.errstate(divide="ignore"):
        inverse = 1.0 / total
    args = (total, inverse, cum_rates, model.exit_dest, model.n_exits, int(model.entry_state[0]), occ)
    _floor(2, people, model.horizon, *args)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        n = _floor(draws, people, model.horizon, *args)
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e9


def kernel_seconds(programme, draws: int) -> float:
    model = lower_model(programme)
    keys = stream_keys(seed_sequence(1))
    inputs = lower_draws(programme, model, draws)
    ids = np.arange(draws, dtype=np.int64)
    run_kernel(programme, model, lower_draws(programme, model, 16), keys, ids[:16], ARMS)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        run_kernel(programme, model, inputs, keys, ids, ARMS)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    draws = 200 if args.quick else 3_000
    counted = 2 if args.quick else 10
    portfolio, _, _ = load("dsi2021")
    numba.set_num_threads(1)
    result = {"draws": draws, "threads": 1, "spells_counted_over_draws": counted, "programmes": {}}
    for deal in portfolio.deals:
        p = deal.programme
        per_person = spells_per_person(p, counted)
        seconds = kernel_seconds(p, draws)
        spells = per_person * 2 * p.cohort.size * draws
        result["programmes"][p.name] = {
            "spells_per_person": round(per_person, 2),
            "kernel_ns_per_spell": round(seconds / spells * 1e9, 1),
            "floor_ns_per_spell": round(floor_ns_per_spell(p, draws), 1),
        }
    record("spells", result, quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
