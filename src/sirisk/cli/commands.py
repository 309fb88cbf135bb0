"""What each command does: run, calibrate, describe, validate, export.

Every command checks all it is given (scenario, options, output paths,
the memory the run needs) before it simulates anything; see
:mod:`sirisk.cli` for how errors and interrupts reach the user.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..errors import SpecError
from ..scenarios import SCENARIOS
from .outputs import Outputs, file_for_writing, folder_for_writing
from .table import summary_table, yearly_table

__all__ = ["COMMANDS", "DEFAULT_RUN"]

DEFAULT_RUN = {"draws": 10_000, "seed": 2021}


def _scenario(name: str, with_calibration: bool = False):
    """``(portfolio, uncertainty, description, run settings[, calibrate spec])`` of a built-in scenario or a file."""
    from .. import io
    from ..scenarios import load

    if name in SCENARIOS:
        portfolio, uncertainty, text = load(name)
        found = portfolio, uncertainty, text, {}, None
    elif name.endswith(".toml") or Path(name).exists():
        s = io.read(name)
        text = (s.provenance.describe() if s.provenance is not None
                else f"  (scenario file {name} has no [[provenance]] tables: nothing says where its numbers come from)")
        found = s.portfolio, s.uncertainty, text, s.run, s.calibrate
    else:
        raise SpecError(f"scenario is {name!r}; must be a built-in scenario ({', '.join(SCENARIOS)}) or a .toml file")
    return found if with_calibration else found[:4]


def _settings(args, run: dict) -> dict:
    """The run's settings: defaults, then the file's [run] table, then the options (checked)."""
    from .._threads import check_threads

    settings = {**DEFAULT_RUN, "batch_size": 2000, **run,
                **{k: getattr(args, k) for k in ("draws", "seed", "threads") if getattr(args, k, None) is not None}}
    check_threads(settings.get("threads"))
    return settings


def _check_run(portfolio, uncertainty, settings: dict, kind: str | tuple[str, ...]) -> None:
    """What the run would refuse, refused now: inputs against the portfolio, and the memory it needs
    (for a run that simulates and then settles, ``("simulate", "settle")``: both are held at once)."""
    from ..analysis import preflight

    preflight.check_inputs(portfolio, uncertainty)
    parts = {}
    for k in (kind,) if isinstance(kind, str) else kind:
        for name, size in preflight.memory_need(portfolio, settings["draws"], batch_size=settings["batch_size"],
                                                kind=k, uncertainty=uncertainty).parts.items():
            parts[name] = max(parts.get(name, 0), size)  # working memory is reused, not added
    need = preflight.MemoryNeed(dict(sorted(parts.items(), key=lambda kv: -kv[1])))
    preflight.check_memory(need, what=f"a run of {settings['draws']:,} draws", draws_option="--draws",
                           batch_option="batch_size in the file's [run] table")


def _saved_simulation(path: Path, portfolio, uncertainty, args):
    """The simulation saved in ``path``, checked against the scenario and the options."""
    from ..analysis import open_simulation
    from ..io.scenario_file import plain

    if path.is_dir():
        raise SpecError(f"--simulation is {str(path)!r}; must be a file (it is a folder)")
    sim = open_simulation(path)
    for key, have in (("draws", sim.total_draws), ("seed", sim.attrs.get("seed_entropy"))):
        given = getattr(args, key, None)
        if given is not None and str(given) != str(have):
            raise SpecError(f"--{key} is {given}; the simulation in {path} has {key} {have}; leave it out "
                            "or simulate again")
    sim.records_for(portfolio)  # another portfolio, or a changed programme or budget, is refused by name
    wanted = None if uncertainty is None else json.dumps(plain(uncertainty), sort_keys=True)
    if wanted != sim.uncertainty:
        raise SpecError(f"uncertainty: the scenario's differs from the one the simulation in {path} sampled; "
                        "uncertain inputs are fixed by a simulation: simulate again (a new --simulation file)")
    return sim


def _simulate(portfolio, uncertainty, settings: dict, args, what: str):
    from tqdm import tqdm

    from ..analysis import simulate_portfolio

    with tqdm(total=settings["draws"], unit="draw", delay=1.0, disable=args.quiet, file=sys.stderr,
              desc=f"sirisk {what} {portfolio.name}: simulating") as bar:
        return simulate_portfolio(portfolio, settings["draws"], rng=settings["seed"], uncertainty=uncertainty,
                                  threads=settings.get("threads"), progress=bar.update,
                                  batch_size=settings["batch_size"])


def _simulation_option(args, portfolio, uncertainty, settings, kind):
    """``(saved simulation or None, path to save a new one in or None)``, all checked before anything runs."""
    if args.simulation is None:
        _check_run(portfolio, uncertainty, settings, kind)
        return None, None
    path = Path(args.simulation) if str(args.simulation).strip() else None
    if path is not None and path.exists():
        return _saved_simulation(path, portfolio, uncertainty, args), None
    path = file_for_writing(args.simulation, "--simulation")
    _check_run(portfolio, uncertainty, settings, kind)
    return None, path


OVERPAY_LIMIT = 0.12  # the deal zone's limit on P(municipality overpaid): the dsi2021 target
RUN_MEMORY = ("simulate", "settle")  # run keeps the simulation (for the deal zone) beside the results


def _run(args, outputs: Outputs) -> int:
    from .. import plot
    from ..analysis import risk_summary, settle
    from ..analysis.summary import budget_by_year
    from ..design import break_even

    from .tables_out import parse_formats, write_tables

    portfolio, uncertainty, _, run = _scenario(args.scenario)
    settings = _settings(args, run)
    formats = parse_formats(args.format)
    sim, save_to = _simulation_option(args, portfolio, uncertainty, settings, RUN_MEMORY)
    for warning in portfolio.warnings:
        print(f"sirisk: warning: {warning}", file=sys.stderr)
    out = folder_for_writing(args.out, "--out")  # checked and created last: nothing is left by bad input
    figures = {"investor_irr.png": plot.investor_irr, "municipal_net_fan.png": plot.municipal_net_fan,
               "guarantee_draws.png": plot.guarantee_draws, "tornado.png": plot.tornado}
    outputs.expect(out / "results.nc", *(out / name for name in figures), out / "deal_zone.png",
                   *([save_to] if save_to else []),
                   *(out / f"{t}.csv" for t in ("summary", "per_draw", "budget_by_year") if "csv" in formats),
                   *([out / "results.xlsx"] if "xlsx" in formats else []))
    start = time.perf_counter()
    if sim is None:  # simulated once: settled for the results, and again for the deal zone
        sim = _simulate(portfolio, uncertainty, settings, args, "run")
        if save_to is not None:
            outputs.write(save_to, sim.to_netcdf)
    settings["draws"], settings["seed"] = sim.total_draws, sim.attrs.get("seed_entropy")
    results = settle(portfolio, sim)
    seconds = time.perf_counter() - start
    inputs = f"{uncertainty.method} sampling of {len(uncertainty.names)} uncertain inputs" if uncertainty else "no uncertain inputs"
    title = (f"sirisk {results.attrs['sirisk_version']}: {portfolio.name}, {settings['draws']:,} draws, "
             f"seed {settings['seed']}, {seconds:.1f} s ({inputs})")
    summary, yearly = risk_summary(results), budget_by_year(results)
    payers = [str(p) for p in results.payer.values]
    print(summary_table(summary, title, currency=portfolio.currency, payers=payers))
    print()
    print(yearly_table(yearly, payers=payers))
    zone = break_even(portfolio, sim, overpay_limit=OVERPAY_LIMIT)
    print()
    print(zone.report())
    compress = {name: {"zlib": True, "complevel": 4} for name in results.data_vars}
    outputs.write(out / "results.nc", lambda p: results.to_netcdf(p, engine="netcdf4", encoding=compress))
    figures["deal_zone.png"] = lambda _: zone.plot()
    for name, make in figures.items():
        fig = make(results)
        outputs.write(out / name, lambda p, fig=fig: fig.savefig(p, format="png", dpi=110))
    tables = write_tables(out, formats, results, summary, yearly, outputs)
    print(f"\nwrote {out / 'results.nc'} and {len(figures)} figures"
          + (f", and {', '.join(p.name for p in tables)}" if tables else "") + f" in {out}/")
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
    from ..design.calibrate import CalibrationSpec

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


def _calibrate(args, outputs: Outputs) -> int:
    from tqdm import tqdm

    from .. import io

    portfolio, uncertainty, _, run, spec = _scenario(args.scenario, with_calibration=True)
    settings = _settings(args, run)
    spec = _calibration_flags(args, spec).check(portfolio)
    sim, save_to = _simulation_option(args, portfolio, uncertainty, settings, "simulate")
    out = file_for_writing(args.out or f"{Path(args.scenario).stem}.calibrated.toml", "--out")
    outputs.expect(out, *([save_to] if save_to else []))
    start = time.perf_counter()
    if sim is None:
        sim = _simulate(portfolio, uncertainty, settings, args, "calibrate")
        if save_to is not None:
            outputs.write(save_to, sim.to_netcdf)
    with tqdm(unit="settle", delay=1.0, disable=args.quiet, file=sys.stderr,
              desc=f"sirisk calibrate {portfolio.name}: settling") as bar:
        result = spec.run(portfolio, sim, progress=lambda calls: bar.update(calls - bar.n))
    seconds = time.perf_counter() - start
    run_settings = {**run, "draws": sim.total_draws, "seed": int(sim.attrs["seed_entropy"])}
    from ..scenarios import provenance_of

    provenance = (provenance_of(args.scenario) if args.scenario in SCENARIOS
                  else io.read(args.scenario).provenance)
    outputs.write(out, lambda p: io.dump(p, result.portfolio, uncertainty, run_settings, spec, provenance))
    print(f"sirisk calibrate: {portfolio.name}, {sim.n_draws:,} draws, seed {sim.attrs['seed_entropy']}, "
          f"{seconds:.1f} s\n")
    print(result.report())
    print(f"\nwrote {out}" + ("" if result.feasible else " (the best design found: the targets are not met)"))
    return 0 if result.feasible else 1


def _stack(deal) -> str:
    """The deal's capital stack in words: tranches senior first, and its guarantee."""
    layers = deal.investor.tranches or ()
    tranches = (" in tranches " + ", ".join(f"{t.name} {100 * t.share:g} %" for t in layers)) if layers else ""
    guarantee = "" if deal.guarantee is None else f", guarantee up to {deal.guarantee.cap:,.0f}"
    return tranches + guarantee


def _describe(args, outputs: Outputs) -> int:
    portfolio, uncertainty, text, _ = _scenario(args.scenario)
    limit = ("no investment limit" if portfolio.investment_limit is None
             else f"investment limit {portfolio.investment_limit:,.0f} {portfolio.currency}")
    pool = ("" if portfolio.guarantee_pool_cap is None
            else f"; guarantees pooled up to {portfolio.guarantee_pool_cap:,.0f} {portfolio.currency}")
    print(f"{portfolio.name}: {len(portfolio.deals)} programmes, {limit}; outcomes paid by "
          f"{', '.join(sorted({d.payer for d in portfolio.deals}))}{pool}")
    for d in portfolio.deals:
        p = d.programme
        print(f"  {p.name}: {p.cohort.size} people over {p.cohort.intake_months} months, states "
              f"{', '.join(p.state_names)}; investment {d.investor.commitment:,.0f} {d.currency}{_stack(d)}")
    varied = len(uncertainty.names) if uncertainty else 0
    print(f"\nWhere every number comes from ({varied} inputs varied by the uncertainty layer):")
    print(text)
    return 0


def _validate(args, outputs: Outputs) -> int:
    """Everything ``sirisk run FILE`` checks before it simulates: valid means the run starts."""
    from .. import io

    s = io.read(args.file)
    portfolio, uncertainty, run = s.portfolio, s.uncertainty, s.run
    settings = _settings(args, run)
    _check_run(portfolio, uncertainty, settings, RUN_MEMORY)
    for warning in portfolio.warnings:
        print(f"warning: {warning}")
    print(f"{args.file}: valid: portfolio {portfolio.name!r} with {len(portfolio.deals)} programmes "
          f"({', '.join(d.name for d in portfolio.deals)}), "
          f"{len(uncertainty.names) if uncertainty else 0} uncertain inputs, run settings {run or 'default'}"
          + (f", a calibration of {len(s.calibrate.vary)} terms" if s.calibrate else ""))
    return 0


def _export(args, outputs: Outputs) -> int:
    from .. import io
    from ..scenarios import load

    from ..scenarios import provenance_of

    path = file_for_writing(args.file, "FILE")
    outputs.expect(path)
    portfolio, uncertainty, _ = load(args.scenario)
    outputs.write(path, lambda p: io.dump(p, portfolio, uncertainty, DEFAULT_RUN,
                                          provenance=provenance_of(args.scenario)))
    print(f"wrote {path}")
    return 0


COMMANDS = {"run": _run, "calibrate": _calibrate, "describe": _describe, "validate": _validate, "export": _export}
