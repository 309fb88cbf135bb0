"""The ``sirisk`` command line.

``sirisk run`` is the main job: it runs the built-in DSI 2021 portfolio
(or another built-in scenario), prints a risk summary a contract designer
can read at a glance, and writes ``results.nc`` and figures.
``sirisk describe dsi2021`` prints the scenario with the source of every
number and every assumption with its range. ``sirisk run FILE`` runs a
scenario file (TOML, see :mod:`sirisk.io.scenario_file`); ``sirisk validate
FILE`` checks one; ``sirisk export dsi2021 FILE`` writes the built-in one.

Bad input ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import SpecError
from .scenarios import SCENARIOS

__all__ = ["main"]


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
    run = sub.add_parser("run", help="simulate a scenario, print a risk summary, write results.nc and figures")
    run.add_argument("scenario", nargs="?", default="dsi2021",
                     help=f"a built-in scenario ({', '.join(SCENARIOS)}) or a scenario file (.toml); default dsi2021")
    run.add_argument("--draws", type=_positive, default=None, help="parameter draws (default: the file's, or 10000)")
    run.add_argument("--seed", type=_seed, default=None, help="random seed (default: the file's, or 2021)")
    run.add_argument("--threads", type=_positive, default=None, help="threads (default: all cores)")
    run.add_argument("--out", type=Path, default=Path("results"), help="output folder (default ./results)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    describe = sub.add_parser("describe", help="print a scenario with its sources and assumptions")
    describe.add_argument("scenario", help=f"a built-in scenario ({', '.join(SCENARIOS)}) or a scenario file")
    validate = sub.add_parser("validate", help="check a scenario file; exit 2 with one line if it is bad")
    validate.add_argument("file", type=Path)
    export = sub.add_parser("export", help="write a built-in scenario as a scenario file")
    export.add_argument("scenario", choices=SCENARIOS)
    export.add_argument("file", type=Path)
    return parser


DEFAULT_RUN = {"draws": 10_000, "seed": 2021}


def _scenario(name: str):
    """``(portfolio, uncertainty, description, run settings)`` of a built-in scenario or a file."""
    from . import io
    from .scenarios import load

    if name in SCENARIOS:
        portfolio, uncertainty, text = load(name)
        return portfolio, uncertainty, text, {}
    if name.endswith(".toml") or Path(name).exists():
        portfolio, uncertainty, run = io.load(name)
        return portfolio, uncertainty, f"scenario file {name}", run
    raise SpecError(f"scenario is {name!r}; must be a built-in scenario ({', '.join(SCENARIOS)}) or a .toml file")


def _fmt(value, se, scale=1.0, digits=2, percent=False):
    if percent:
        return f"{100 * value:6.1f}% ({100 * se:.1f})"
    return f"{value / scale:7.{digits}f} ({se / scale:.{digits}f})"


def summary_table(table, title: str) -> str:
    """The risk summary as text: estimates with Monte Carlo standard errors in brackets."""
    def get(prog, stat):
        return float(table.estimate.sel(programme=prog, statistic=stat)), float(table.mc_se.sel(programme=prog, statistic=stat))

    head = (f"{'':14}| {'municipal net effect, PV':^33} | {'investor IRR a year':^40} | {'guarantee draw':^47}\n"
            f"{'programme':14}| {'mean mio. DKK':>15} {'P(pays > saves)':>17} | {'median':>13} {'5 % quantile':>13} "
            f"{'P(loss)':>12} | {'mean mio. DKK':>15} {'P(any)':>14} {'P(full cap)':>15}")
    lines = [title, "", head, "-" * len(head.splitlines()[1])]
    for prog in table.programme.values:
        lines.append(
            f"{prog:14}| {_fmt(*get(prog, 'municipal_net_pv_mean'), scale=1e6):>15} "
            f"{_fmt(*get(prog, 'p_municipality_pays_more_than_it_saves'), percent=True):>17} | "
            f"{_fmt(*get(prog, 'investor_irr_median'), percent=True):>13} "
            f"{_fmt(*get(prog, 'investor_irr_q5'), percent=True):>13} "
            f"{_fmt(*get(prog, 'p_investor_loss'), percent=True):>12} | "
            f"{_fmt(*get(prog, 'guarantee_draw_mean'), scale=1e6):>15} "
            f"{_fmt(*get(prog, 'p_guarantee_drawn'), percent=True):>14} "
            f"{_fmt(*get(prog, 'p_guarantee_cap_drawn'), percent=True):>15}")
    lines.append("(Monte Carlo standard errors in brackets; portfolio: totals over programmes, P(full cap): any programme)")
    return "\n".join(lines)


def _write_atomically(path: Path, write) -> None:
    """Write to a temporary file beside ``path``, then rename: an interrupted run leaves no half file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _run(args) -> int:
    from tqdm import tqdm

    from . import plot
    from .analysis import evaluate, risk_summary
    from .engine.simulate import check_threads

    portfolio, uncertainty, _, run = _scenario(args.scenario)
    settings = {**DEFAULT_RUN, "batch_size": 2000, **run,
                **{k: getattr(args, k) for k in ("draws", "seed", "threads") if getattr(args, k) is not None}}
    check_threads(settings.get("threads"))
    if args.out.exists() and not args.out.is_dir():
        raise SpecError(f"--out is {str(args.out)!r}; must be a folder (it is a file)")
    draws, seed = settings["draws"], settings["seed"]
    start = time.perf_counter()
    with tqdm(total=draws, unit="draw", delay=1.0, disable=args.quiet, file=sys.stderr,
              desc=f"sirisk run {portfolio.name}") as bar:
        results = evaluate(portfolio, draws=draws, rng=seed, uncertainty=uncertainty, threads=settings.get("threads"),
                           progress=bar.update, batch_size=settings["batch_size"])
    seconds = time.perf_counter() - start
    inputs = f"{uncertainty.method} sampling of {len(uncertainty.names)} uncertain inputs" if uncertainty else "no uncertain inputs"
    title = (f"sirisk {results.attrs['sirisk_version']}: {portfolio.name}, {draws:,} draws, seed {seed}, "
             f"{seconds:.1f} s ({inputs})")
    print(summary_table(risk_summary(results), title))
    args.out.mkdir(parents=True, exist_ok=True)
    compress = {name: {"zlib": True, "complevel": 4} for name in results.data_vars}
    _write_atomically(args.out / "results.nc", lambda p: results.to_netcdf(p, engine="netcdf4", encoding=compress))
    figures = {"investor_irr.png": plot.investor_irr, "municipal_net_fan.png": plot.municipal_net_fan,
               "guarantee_draws.png": plot.guarantee_draws, "tornado.png": plot.tornado}
    for name, make in figures.items():
        fig = make(results)
        _write_atomically(args.out / name, lambda p, fig=fig: fig.savefig(p, format="png", dpi=110))
    print(f"\nwrote {args.out / 'results.nc'} and {len(figures)} figures in {args.out}/")
    return 0


def _describe(args) -> int:
    portfolio, uncertainty, text, _ = _scenario(args.scenario)
    print(f"{portfolio.name}: {len(portfolio.deals)} programmes, investment limit "
          f"{portfolio.investment_limit_dkk:,.0f} DKK")
    for d in portfolio.deals:
        p = d.programme
        print(f"  {p.name}: {p.cohort.size} people over {p.cohort.intake_months} months, states "
              f"{', '.join(p.state_names)}; investment {d.investor.commitment_dkk:,.0f} DKK")
    varied = len(uncertainty.names) if uncertainty else 0
    print(f"\nWhere every number comes from ({varied} inputs varied by the uncertainty layer):")
    print(text)
    return 0


def _validate(args) -> int:
    from . import io

    portfolio, uncertainty, run = io.load(args.file)
    print(f"{args.file}: valid: portfolio {portfolio.name!r} with {len(portfolio.deals)} programmes "
          f"({', '.join(d.name for d in portfolio.deals)}), "
          f"{len(uncertainty.names) if uncertainty else 0} uncertain inputs, run settings {run or 'default'}")
    return 0


def _export(args) -> int:
    from . import io
    from .scenarios import load

    portfolio, uncertainty, _ = load(args.scenario)
    _write_atomically(args.file, lambda p: io.dump(p, portfolio, uncertainty, DEFAULT_RUN))
    print(f"wrote {args.file}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sirisk`` command.

    Examples
    --------
    >>> main(["describe", "dsi2021"])  # doctest: +ELLIPSIS
    dsi2021: 3 programmes, investment limit 15,000,000 DKK
    ...
    0
    """
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "describe": _describe, "validate": _validate, "export": _export}[args.command](args)
    except SpecError as err:
        print(f"sirisk: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. head: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
