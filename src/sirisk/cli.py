"""The ``sirisk`` command line.

``sirisk run`` is the main job. Until the built-in DSI 2021 portfolio and the
money layer exist, it runs the engine on the fixed reference model of the
design notes (section 7) and prints what the engine can already say: the
effect of the intervention on employment and on months on benefit, with
Monte Carlo errors. Its command line stays the same when ``dsi2021`` arrives.

Bad input ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from .errors import SpecError

__all__ = ["main"]

SCENARIOS = ("reference",)


def _whole(minimum: int, rule: str):
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"is {text!r}; {rule}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"is {value}; {rule}")
        return value
    return parse


_positive = _whole(1, "must be a whole number of at least 1")
_seed = _whole(0, "must be a non-negative whole number")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2
        self.exit(2, f"sirisk: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sirisk", description="Monte Carlo risk simulation of social investment programmes.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="simulate a scenario and print a risk summary")
    run.add_argument("scenario", nargs="?", default="reference", choices=SCENARIOS,
                     help="built-in scenario (default: reference; dsi2021 arrives with the money layer)")
    run.add_argument("--draws", type=_positive, default=10_000, help="parameter draws (default 10000)")
    run.add_argument("--seed", type=_seed, default=2021, help="random seed (default 2021)")
    run.add_argument("--threads", type=_positive, default=None, help="threads (default: all cores)")
    run.add_argument("--quiet", action="store_true", help="print the summary only")
    return parser


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")


def _summary(ds, seconds: float) -> str:
    per_person = ds.occupancy.sum(["month", "clock_band"]) / ds.enrolled
    employed = per_person.sel(state="employed")
    benefit = per_person.sel(state=ds.benefit).sum("state")
    gain_emp = (employed.sel(arm="treated") - employed.sel(arm="counterfactual")).values
    gain_ben = (benefit.sel(arm="counterfactual") - benefit.sel(arm="treated")).values
    lines = [
        f"sirisk {ds.attrs['sirisk_version']}: scenario {ds.attrs['programme']!r}, "
        f"{ds.sizes['draw']:,} draws, seed {ds.attrs['seed_entropy']}, {seconds:.1f} s",
        "(the engine's reference model; the DSI 2021 portfolio and its money arrive in later releases)",
        "",
        "per participant over the horizon        mean     (MC s.e.)",
    ]
    for arm in ("treated", "counterfactual"):
        m, se = _mean_se(employed.sel(arm=arm).values)
        lines.append(f"  months employed, {arm:<15}     {m:7.2f}   ({se:.3f})")
    m, se = _mean_se(gain_emp)
    lines.append(f"  extra months employed (effect)        {m:7.2f}   ({se:.3f})")
    m, se = _mean_se(gain_ben)
    lines.append(f"  months on benefit saved               {m:7.2f}   ({se:.3f})")
    harm = float((gain_emp < 0).mean())
    lines.append(f"  probability the effect is harmful     {harm:7.3f}   "
                 f"({np.sqrt(harm * (1 - harm) / len(gain_emp)):.3f})")
    return "\n".join(lines)


def _run(args) -> int:
    from .engine import simulate
    from .engine.simulate import check_threads
    from .scenarios.reference_model import reference_parameters, reference_programme

    check_threads(args.threads)
    programme = reference_programme()
    params = reference_parameters(args.draws, rng=args.seed)
    if not args.quiet:
        print(f"simulating {args.draws:,} draws of {programme.name!r} "
              f"({programme.cohort.size} participants, {programme.horizon_months} months) ...", file=sys.stderr)
    start = time.perf_counter()
    ds = simulate(programme, draws=args.draws, rng=args.seed, parameters=params,
                  arms=("treated", "counterfactual"), threads=args.threads)
    print(_summary(ds, time.perf_counter() - start))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sirisk`` command.

    Examples
    --------
    >>> main(["run", "--draws", "50", "--quiet"])  # doctest: +ELLIPSIS
    sirisk ...: scenario 'reference', 50 draws, seed 2021, ...
    0
    """
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SpecError as err:
        print(f"sirisk: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
