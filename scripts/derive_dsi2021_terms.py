"""Derive the payments of the built-in dsi2021 scenarios again, with sirisk's own calibration.

For each reading of the call's guarantee (``dsi2021``: a deficit guarantee; ``dsi2021_investment``: DSI
invests itself), simulate the scenario once and calibrate each programme's payment per cohort at full
improvement (``contract.mechanisms[0].payment``) so that its investor's mean IRR is
``TARGETS["mean_irr"]``, subject to the municipality paying for outcomes that did not happen in at most
``TARGETS["overpaid_at_most"]`` of draws. Where the constraint binds first, the payment is the most the
municipality can pay within it, and the report says what the investor then gets.

Prints the reports and the ``PAYMENTS`` table to ship in ``src/sirisk/scenarios/dsi2021.py`` (rounded to
10,000 kr.). ``--check`` exits 1 if the shipped table differs from the derived one by more than the
rounding; ``--structures`` also prints the comparison of payment structures that docs/scenarios.md quotes.

Usage::

    python scripts/derive_dsi2021_terms.py                 # 20,000 draws, seed 2021
    python scripts/derive_dsi2021_terms.py --check
    python scripts/derive_dsi2021_terms.py --structures --draws 4000
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

import numpy as np

import sirisk as sr
from sirisk.scenarios.dsi2021 import PAYMENTS, READINGS, TARGETS, dsi2021

TERM = "contract.mechanisms[0].payment"


def derive(reading: str, draws: int, seed: int):
    portfolio, uncertainty, _ = dsi2021(reading)
    simulation = sr.simulate_portfolio(portfolio, draws=draws, rng=seed, uncertainty=uncertainty)
    names = [d.name for d in portfolio.deals]
    result = sr.calibrate(portfolio, simulation, vary={f"{n}/{TERM}": (0.0, 80e6) for n in names},
                          target={f"{n}/investor_irr": ("mean", TARGETS["mean_irr"]) for n in names},
                          subject_to={f"{n}/municipality_overpaid": ("probability", "<=", TARGETS["overpaid_at_most"])
                                      for n in names})
    return portfolio, simulation, result


def structures(draws: int, seed: int) -> None:
    """The payment structures compared for the default reading: the mean IRR each allows within the constraint."""
    portfolio, uncertainty, _ = dsi2021("guarantee")
    simulation = sr.simulate_portfolio(portfolio, draws=draws, rng=seed, uncertainty=uncertainty)
    names = [d.name for d in portfolio.deals]
    print(f"\nStructures (default reading, {draws:,} draws): mean IRR at the price where P(overpaid) reaches "
          f"{TARGETS['overpaid_at_most']:.0%} (or the target {TARGETS['mean_irr']:.0%}, if that comes first)")
    for mode, threshold, full_at, cap in [("proportional", 0.05, 0.15, 0.15), ("proportional", 0.08, 0.20, 0.15),
                                          ("proportional", 0.08, 0.20, 0.25), ("proportional", 0.08, 0.20, None),
                                          ("all_or_nothing", 0.10, None, 0.25), ("proportional", 0.04, 0.16, 0.25)]:
        deals = []
        for d in portfolio.deals:
            m = dataclasses.replace(d.contract.mechanisms[0], mode=mode, threshold=threshold, full_at=full_at)
            deals.append(dataclasses.replace(d, contract=dataclasses.replace(d.contract, mechanisms=[m]),
                                             investor=dataclasses.replace(d.investor, return_cap_per_year=cap)))
        design = dataclasses.replace(portfolio, deals=deals)
        r = sr.calibrate(design, simulation, vary={f"{n}/{TERM}": (0.0, 80e6) for n in names},
                         target={f"{n}/investor_irr": ("mean", TARGETS["mean_irr"]) for n in names},
                         subject_to={f"{n}/municipality_overpaid": ("probability", "<=", TARGETS["overpaid_at_most"])
                                     for n in names})
        irr = r.achieved.estimate.values[:3]
        band = f"{threshold:.0%}-{full_at:.0%}" if full_at else f"{threshold:.0%}"
        cap_text = "none" if cap is None else f"{cap:.0%}"
        print(f"  {mode:15} {band:8} return cap {cap_text:>5}: mean IRR "
              + ", ".join(f"{n} {v:6.1%}" for n, v in zip(names, irr)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--check", action="store_true", help="exit 1 if the shipped payments differ from the derived ones")
    ap.add_argument("--structures", action="store_true", help="also compare payment structures")
    args = ap.parse_args(argv)
    derived, differs = {}, False
    for reading in READINGS:
        portfolio, simulation, result = derive(reading, args.draws, args.seed)
        print(f"== reading '{reading}': {READINGS[reading][0]}\n{result.report()}\n")
        derived[reading] = {d.name: float(np.round(result.values[f"{d.name}/{TERM}"], -4)) for d in portfolio.deals}
        for name, value in derived[reading].items():
            shipped = PAYMENTS[reading][name]
            if abs(shipped - value) > 1e4 + 1e-3 * value:
                differs = True
                print(f"   {reading}/{name}: shipped {shipped:,.0f}, derived {value:,.0f}")
    print("PAYMENTS = {")
    for reading, table in derived.items():
        print(f'    "{reading}": {{' + ", ".join(f'"{n}": {v / 1e6:.2f}e6' for n, v in table.items()) + "},")
    print("}")
    if args.structures:
        structures(min(args.draws, 8000), args.seed)
    return 1 if args.check and differs else 0


if __name__ == "__main__":
    sys.exit(main())
