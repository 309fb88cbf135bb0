"""The ``sirisk`` command line.

``sirisk run`` is the main job: it runs the built-in DSI 2021 portfolio
(or another built-in scenario), prints a risk summary a contract designer
can read at a glance, and writes ``results.nc`` and figures; with
``--simulation PATH`` it keeps the simulated paths in PATH, or settles the
ones already there when only design terms changed. ``sirisk calibrate``
solves design terms for targets (flags, or the scenario file's
``[calibrate]`` table) and writes the calibrated scenario.
``sirisk describe dsi2021`` prints the scenario with the source of every
number and every assumption with its range. ``sirisk run FILE`` runs a
scenario file (TOML, see :mod:`sirisk.io.scenario_file`); ``sirisk validate
FILE`` checks one; ``sirisk export dsi2021 FILE`` writes the built-in one.

Bad input ends with one line on stderr and exit status 2, never a traceback;
a calibration whose targets cannot be met exits with status 1 (its best
design is still written, with the reason).
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
    run.add_argument("--simulation", type=Path, default=None,
                     help="a simulation file: settled if it exists (only design terms may differ from what was "
                          "simulated), else the paths are simulated and saved there")
    cal = sub.add_parser(
        "calibrate", help="solve design terms for targets on one simulation, write the scenario",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Solve design terms (prices, thresholds, caps, ...) so that metrics meet their targets, on\n"
                    "common random numbers, and write the calibrated scenario file. Exit status 1: the targets\n"
                    "cannot be met (the best design found is written, and the report says why).",
        epilog="example:\n"
               "  sirisk calibrate dsi2021 --simulation sim.nc \\\n"
               "      --vary 'holbaek/contract.mechanisms[0].scale=0:8' \\\n"
               "      --target 'holbaek/investor_irr=mean:0.05' \\\n"
               "      --subject-to 'holbaek/municipality_overpaid=probability<=0.12'\n"
               "  sirisk run dsi2021.calibrated.toml --simulation sim.nc   # the same paths, the new terms\n\n"
               "A scenario file's [calibrate] table can hold vary, target, subject_to and tolerance instead.")
    cal.add_argument("scenario", nargs="?", default="dsi2021",
                     help=f"a built-in scenario ({', '.join(SCENARIOS)}) or a scenario file (.toml); default dsi2021")
    cal.add_argument("--vary", action="append", default=[], metavar="TERM=LOW:HIGH",
                     help="a design term and its bounds (repeat for several)")
    cal.add_argument("--target", action="append", default=[], metavar="METRIC=STATISTIC:VALUE",
                     help="e.g. holbaek/investor_irr=mean:0.05; statistics mean, median, quantile(q), probability")
    cal.add_argument("--subject-to", action="append", default=[], metavar="METRIC=STATISTIC<=VALUE",
                     help="a constraint, with <= or >=, e.g. holbaek/municipality_overpaid=probability<=0.12")
    cal.add_argument("--tolerance", type=float, default=None, help="relative tolerance on the terms (default 1e-4)")
    cal.add_argument("--draws", type=_positive, default=None, help="parameter draws (default: the file's, or 10000)")
    cal.add_argument("--seed", type=_seed, default=None, help="random seed (default: the file's, or 2021)")
    cal.add_argument("--threads", type=_positive, default=None, help="threads (default: all cores)")
    cal.add_argument("--simulation", type=Path, default=None,
                     help="a simulation file to settle on (simulated and saved there if it does not exist)")
    cal.add_argument("--out", type=Path, default=None,
                     help="the calibrated scenario file (default: SCENARIO.calibrated.toml here)")
    cal.add_argument("--quiet", action="store_true", help="no progress bar")
    describe = sub.add_parser("describe", help="print a scenario with its sources and assumptions")
    describe.add_argument("scenario", help=f"a built-in scenario ({', '.join(SCENARIOS)}) or a scenario file")
    validate = sub.add_parser("validate", help="check a scenario file; exit 2 with one line if it is bad")
    validate.add_argument("file", type=Path)
    export = sub.add_parser("export", help="write a built-in scenario as a scenario file")
    export.add_argument("scenario", choices=SCENARIOS)
    export.add_argument("file", type=Path)
    return parser


DEFAULT_RUN = {"draws": 10_000, "seed": 2021}


def _scenario(name: str, with_calibration: bool = False):
    """``(portfolio, uncertainty, description, run settings[, calibrate spec])`` of a built-in scenario or a file."""
    from . import io
    from .scenarios import load

    if name in SCENARIOS:
        portfolio, uncertainty, text = load(name)
        found = portfolio, uncertainty, text, {}, None
    elif name.endswith(".toml") or Path(name).exists():
        s = io.read(name)
        found = s.portfolio, s.uncertainty, f"scenario file {name}", s.run, s.calibrate
    else:
        raise SpecError(f"scenario is {name!r}; must be a built-in scenario ({', '.join(SCENARIOS)}) or a .toml file")
    return found if with_calibration else found[:4]


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


def _settings(args, run: dict) -> dict:
    from .engine.simulate import check_threads

    settings = {**DEFAULT_RUN, "batch_size": 2000, **run,
                **{k: getattr(args, k) for k in ("draws", "seed", "threads") if getattr(args, k) is not None}}
    check_threads(settings.get("threads"))
    return settings


def _simulation(path: Path, portfolio, uncertainty, settings: dict, args, given: dict, what: str):
    """The simulation in ``path`` if it is one of this scenario, else simulated now and saved there."""
    import json

    from tqdm import tqdm

    from .analysis import open_simulation, simulate_portfolio
    from .io.scenario_file import plain

    if path.exists():
        if path.is_dir():
            raise SpecError(f"--simulation is {str(path)!r}; must be a file (it is a folder)")
        sim = open_simulation(path)
        for key, have in (("draws", sim.total_draws), ("seed", sim.attrs.get("seed_entropy"))):
            if key in given and str(given[key]) != str(have):
                raise SpecError(f"--{key} is {given[key]}; the simulation in {path} has {key} {have}; leave it out "
                                "or simulate again")
        sim.records_for(portfolio)  # another portfolio, or a changed programme or budget, is refused by name
        wanted = None if uncertainty is None else json.dumps(plain(uncertainty), sort_keys=True)
        if wanted != sim.uncertainty:
            raise SpecError(f"uncertainty: the scenario's differs from the one the simulation in {path} sampled; "
                            "uncertain inputs are fixed by a simulation: simulate again (a new --simulation file)")
        return sim
    if not path.parent.exists():
        raise SpecError(f"--simulation is {str(path)!r}; its folder {str(path.parent)!r} does not exist")
    with tqdm(total=settings["draws"], unit="draw", delay=1.0, disable=args.quiet, file=sys.stderr,
              desc=f"sirisk {what} {portfolio.name}: simulating") as bar:
        sim = simulate_portfolio(portfolio, settings["draws"], rng=settings["seed"], uncertainty=uncertainty,
                                 threads=settings.get("threads"), progress=bar.update,
                                 batch_size=settings["batch_size"])
    sim.to_netcdf(path)
    return sim


def _run(args) -> int:
    from tqdm import tqdm

    from . import plot
    from .analysis import evaluate, risk_summary, settle

    portfolio, uncertainty, _, run = _scenario(args.scenario)
    settings = _settings(args, run)
    if args.out.exists() and not args.out.is_dir():
        raise SpecError(f"--out is {str(args.out)!r}; must be a folder (it is a file)")
    start = time.perf_counter()
    if args.simulation is not None:
        given = {k: getattr(args, k) for k in ("draws", "seed") if getattr(args, k) is not None}
        sim = _simulation(args.simulation, portfolio, uncertainty, settings, args, given, "run")
        settings["draws"], settings["seed"] = sim.total_draws, sim.attrs.get("seed_entropy")
        results = settle(portfolio, sim)
    else:
        with tqdm(total=settings["draws"], unit="draw", delay=1.0, disable=args.quiet, file=sys.stderr,
                  desc=f"sirisk run {portfolio.name}") as bar:
            results = evaluate(portfolio, draws=settings["draws"], rng=settings["seed"], uncertainty=uncertainty,
                               threads=settings.get("threads"), progress=bar.update,
                               batch_size=settings["batch_size"])
    draws, seed = settings["draws"], settings["seed"]
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


_EXAMPLES = {"vary": "holbaek/contract.mechanisms[0].scale=0:8", "target": "holbaek/investor_irr=mean:0.05",
             "subject-to": "holbaek/municipality_overpaid=probability<=0.12"}


def _split(flag: str, text: str) -> list[str]:
    """``PATH=REST`` at the first '=' (a constraint's '<=' comes after it)."""
    if "=" not in text:
        raise SpecError(f"--{flag} is {text!r}; write it as PATH=..., e.g. {_EXAMPLES[flag]!r}")
    return text.split("=", 1)


def _number(flag: str, text: str, part: str) -> float:
    try:
        return float(part)
    except ValueError:
        raise SpecError(f"--{flag} is {text!r}; {part!r} is not a number") from None


def _calibration_flags(args, spec):
    """The [calibrate] table's spec with the command line's entries added (a flag wins over the file)."""
    from .design.calibrate import CalibrationSpec

    vary = dict(spec.vary) if spec else {}
    target = dict(spec.target) if spec else {}
    subject_to = dict(spec.subject_to) if spec else {}
    for text in args.vary:
        path, bounds = _split("vary", text)
        if ":" not in bounds:
            raise SpecError(f"--vary is {text!r}; give the bounds as LOW:HIGH, e.g. 0:8")
        low, high = bounds.split(":", 1)
        vary[path] = (_number("vary", text, low), _number("vary", text, high))
    for text in args.target:
        path, rest = _split("target", text)
        stat, sep, value = rest.rpartition(":")
        if not sep:
            raise SpecError(f"--target is {text!r}; write METRIC=STATISTIC:VALUE, e.g. {_EXAMPLES['target']!r}")
        target[path] = (stat, _number("target", text, value))
    for text in args.subject_to:
        path, rest = _split("subject-to", text)
        for relation in ("<=", ">="):
            if relation in rest:
                stat, value = rest.split(relation, 1)
                subject_to[path] = (stat, relation, _number("subject-to", text, value))
                break
        else:
            raise SpecError(f"--subject-to is {text!r}; write METRIC=STATISTIC<=VALUE or >=, e.g. "
                            f"{_EXAMPLES['subject-to']!r}")
    if not vary or not target:
        raise SpecError("calibrate: nothing to solve; give --vary and --target (or a [calibrate] table in the file)")
    return CalibrationSpec(vary, target, subject_to,
                           tolerance=args.tolerance if args.tolerance is not None else (spec.tolerance if spec else 1e-4),
                           max_calls=spec.max_calls if spec else 400)


def _calibrate(args) -> int:
    import tempfile

    from tqdm import tqdm

    from . import io

    portfolio, uncertainty, _, run, spec = _scenario(args.scenario, with_calibration=True)
    settings = _settings(args, run)
    spec = _calibration_flags(args, spec).check(portfolio)
    out = args.out or Path(f"{Path(args.scenario).stem}.calibrated.toml")
    if out.is_dir():
        raise SpecError(f"--out is {str(out)!r}; must be a file name (it is a folder)")
    if not out.parent.exists():
        raise SpecError(f"--out is {str(out)!r}; its folder {str(out.parent)!r} does not exist")
    start = time.perf_counter()
    given = {k: getattr(args, k) for k in ("draws", "seed") if getattr(args, k) is not None}
    if args.simulation is not None:
        sim = _simulation(args.simulation, portfolio, uncertainty, settings, args, given, "calibrate")
    else:
        with tempfile.TemporaryDirectory() as folder:  # not kept: simulated for this calibration only
            sim = _simulation(Path(folder) / "simulation.nc", portfolio, uncertainty, settings, args, given,
                              "calibrate")
    with tqdm(unit="settle", delay=1.0, disable=args.quiet, file=sys.stderr,
              desc=f"sirisk calibrate {portfolio.name}: settling") as bar:
        result = spec.run(portfolio, sim, progress=lambda calls: bar.update(calls - bar.n))
    seconds = time.perf_counter() - start
    run_settings = {**run, "draws": sim.total_draws, "seed": int(sim.attrs["seed_entropy"])}
    _write_atomically(out, lambda p: io.dump(p, result.portfolio, uncertainty, run_settings, spec))
    print(f"sirisk calibrate: {portfolio.name}, {sim.n_draws:,} draws, seed {sim.attrs['seed_entropy']}, "
          f"{seconds:.1f} s\n")
    print(result.report())
    print(f"\nwrote {out}" + ("" if result.feasible else " (the best design found: the targets are not met)"))
    return 0 if result.feasible else 1


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

    s = io.read(args.file)
    portfolio, uncertainty, run = s.portfolio, s.uncertainty, s.run
    print(f"{args.file}: valid: portfolio {portfolio.name!r} with {len(portfolio.deals)} programmes "
          f"({', '.join(d.name for d in portfolio.deals)}), "
          f"{len(uncertainty.names) if uncertainty else 0} uncertain inputs, run settings {run or 'default'}"
          + (f", a calibration of {len(s.calibrate.vary)} terms" if s.calibrate else ""))
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
        return {"run": _run, "calibrate": _calibrate, "describe": _describe, "validate": _validate,
                "export": _export}[args.command](args)
    except SpecError as err:
        print(f"sirisk: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. head: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
