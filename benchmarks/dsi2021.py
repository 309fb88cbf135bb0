"""End to end: the dsi2021 portfolio with its uncertainty, 100,000 draws, after JIT warm-up.

Prints one JSON object: wall time of sirisk.evaluate (engine, money, the
rest), best and median of ``--repeat`` runs, and the process's peak memory.
On a shared machine identical runs differ by 20-30 % (and at times by
50 %): noise only ever adds time, so the best run is the estimate of what
the code needs, and the median says how the machine was doing. The target
is checked on both.

Usage::

    python benchmarks/dsi2021.py            # 100,000 draws, best of 3
    python benchmarks/dsi2021.py --repeat 1 # one run
    python benchmarks/dsi2021.py --quick    # 2,000 draws, for CI
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time

import numba

import sirisk as sr
from sirisk.scenarios import load
from _record import record


def _run(portfolio, uncertainty, draws, batch_size):
    timings = {}
    start = time.perf_counter()
    ds = sr.evaluate(portfolio, draws=draws, rng=2021, uncertainty=uncertainty, batch_size=batch_size,
                     timings=timings)
    wall = time.perf_counter() - start
    run = {"wall_s": round(wall, 2), "engine_s": round(timings["engine"], 2), "money_s": round(timings["money"], 2),
           "other_s": round(wall - timings["engine"] - timings["money"], 2)}
    return run, round(ds.nbytes / 2**20, 1)


def main(argv=None):
    sr.tune_allocator(True)  # measured as the sirisk command runs
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=None, help="runs (default 3; 1 with --quick)")
    args = ap.parse_args(argv)
    draws = args.draws or (2_000 if args.quick else 100_000)
    repeat = args.repeat or (1 if args.quick else 3)
    portfolio, uncertainty, _ = load("dsi2021")
    sr.evaluate(portfolio, draws=16, rng=0, uncertainty=uncertainty)  # JIT compile or cache load
    runs = []
    for _ in range(repeat):
        run, results_mb = _run(portfolio, uncertainty, draws, args.batch_size)
        runs.append(run)
        gc.collect()  # the last run's results are freed before the next: peak memory is one run's
    walls = [r["wall_s"] for r in runs]
    best = min(runs, key=lambda r: r["wall_s"])
    result = {
        "scenario": f"dsi2021, {draws} draws, batch {args.batch_size}, {numba.get_num_threads()} threads",
        "wall_s": best["wall_s"],
        "median_wall_s": round(statistics.median(walls), 2),
        "walls_s": walls,
        **{k: v for k, v in best.items() if k != "wall_s"},  # the best run's split
        "results_mb": results_mb,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    # The targets of issue 5 are for 100,000 draws; a smaller run says nothing about them.
    at_target_size = draws == 100_000
    result["target_wall_at_most_10_s"] = result["wall_s"] <= 10.0 if at_target_size else None
    result["median_at_most_10_s"] = result["median_wall_s"] <= 10.0 if at_target_size else None
    result["target_peak_under_2gb"] = result["peak_rss_mb"] < 2048 if at_target_size else None
    record("dsi2021", result, quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
