"""Money layer vs engine, side by side: 100,000 draws x 3 programmes x 120 months.

Runs the synthetic reference portfolio (sirisk.scenarios.reference_model) through
sirisk.evaluate, which simulates each programme (treated, counterfactual and
control arms) and turns the paths into budgets, payments, capital stack and
metrics batch by batch. Prints one JSON object with the seconds spent in the
engine and in the money layer, and the peak memory of the process.

Usage::

    python benchmarks/money.py            # 100,000 draws
    python benchmarks/money.py --quick    # 2,000 draws, for CI
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import sirisk as sr
from sirisk.scenarios.reference_model import reference_portfolio
from _record import record


def main(argv=None):
    sr.tune_allocator(True)  # measured as the sirisk command runs
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=4000)
    args = ap.parse_args(argv)
    draws = args.draws or (2_000 if args.quick else 100_000)
    portfolio = reference_portfolio()
    sr.evaluate(portfolio, draws=8, rng=0)  # JIT compile or cache load
    timings = {}
    start = time.perf_counter()
    ds = sr.evaluate(portfolio, draws=draws, rng=2021, batch_size=args.batch_size, timings=timings)
    total = time.perf_counter() - start
    table = sr.risk_summary(ds)
    result = {
        "model": f"{len(portfolio.deals)} programmes x {portfolio.deals[0].programme.cohort.size} people "
                 f"(+ control group) x {ds.sizes['month']} months, {draws} draws, batch {args.batch_size}",
        "engine_s": round(timings["engine"], 3),
        "money_s": round(timings["money"], 3),
        "money_over_engine": round(timings["money"] / timings["engine"], 3),
        "total_s": round(total, 3),
        "results_mb": round(ds.nbytes / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "p_guarantee_drawn_portfolio": round(float(table.estimate.sel(programme="portfolio",
                                                                       statistic="p_guarantee_drawn")), 4),
    }
    # Targets are reported, not enforced: a benchmark is not a timed test (the machines are noisy).
    result["target_money_faster_than_engine"] = timings["money"] < timings["engine"]
    result["target_peak_under_2gb"] = result["peak_rss_mb"] < 2048
    record("money", result, quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
