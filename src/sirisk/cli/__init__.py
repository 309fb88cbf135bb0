"""The ``sirisk`` command line.

``sirisk run`` is the main job: it runs the built-in DSI 2021 portfolio
(or another built-in scenario, or a scenario file), prints a risk summary
a contract designer can read at a glance, and writes ``results.nc`` and
figures; with ``--simulation PATH`` it keeps the simulated paths in PATH,
or settles the ones already there when only design terms changed.
``sirisk calibrate`` solves design terms for targets (flags, or the
scenario file's ``[calibrate]`` table) and writes the calibrated scenario.
``sirisk describe`` prints a scenario with the source of every number;
``sirisk validate FILE`` runs every check ``sirisk run FILE`` would run
before simulating; ``sirisk export dsi2021 FILE`` writes the built-in
scenario as a file to start from.

What reaches the user:

* bad input: one line on stderr naming the field, the value and the rule,
  exit status 2, before anything is simulated or written;
* Ctrl-C: one line saying what was written and what from before is kept,
  exit status 130; files are written whole or not at all, and the
  temporaries of killed runs are removed by the next run in that folder;
* a calibration whose targets cannot be met: exit status 1 (the best
  design is still written, with the reason);
* anything else is a bug in sirisk: one line saying so, exit status 1; the
  traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from .. import _memory
from ..errors import SpecError
from ..scenarios import SCENARIOS
from .commands import COMMANDS, DEFAULT_RUN
from .outputs import Outputs
from .table import summary_table

__all__ = ["main", "summary_table", "DEFAULT_RUN"]


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


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"is {text!r}; must be a number in (0, 1)") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"is {value:g}; must be a number in (0, 1)")
    return value


_positive = _whole(1, "must be a whole number of at least 1")
_seed = _whole(0, "must be a non-negative whole number")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2
        self.exit(2, f"sirisk: error: {message}\n")


def _add(sub, name: str, summary: str, description: str, examples: str):
    p = sub.add_parser(name, help=summary, description=description, epilog="examples:\n" + examples,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="show the traceback of an internal error")
    return p


def _scenario_argument(p):
    p.add_argument("scenario", nargs="?", default="dsi2021",
                   help=f"a built-in scenario ({', '.join(SCENARIOS)}) or a scenario file (.toml); default dsi2021")


def _run_options(p):
    p.add_argument("--draws", type=_positive, default=None, help="parameter draws (default: the file's, or 10000)")
    p.add_argument("--seed", type=_seed, default=None, help="random seed (default: the file's, or 2021)")
    p.add_argument("--threads", type=_positive, default=None, help="threads (default: all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(prog="sirisk", description="Monte Carlo risk simulation of social investment programmes.",
                     epilog="`sirisk COMMAND --help` shows each command's options and an example.")
    parser.add_argument("--version", action="version", version=f"sirisk {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = _add(sub, "run", "simulate a scenario, print a risk summary, write results.nc and figures",
               "Simulate a scenario's draws, settle its contracts, print the risk summary, and write\n"
               "results.nc and four figures into --out.",
               "  sirisk run                                   # the built-in dsi2021, 10,000 draws\n"
               "  sirisk run my.toml --draws 50000 --out my_results\n"
               "  sirisk run --format csv,xlsx                 # the tables for a spreadsheet too\n"
               "  sirisk run my.toml --simulation sim.nc       # keep the paths; later runs of the same\n"
               "                                               # scenario with other terms settle them\n")
    _scenario_argument(run)
    _run_options(run)
    run.add_argument("--out", default="results", help="output folder (default ./results)")
    run.add_argument("--format", default=None, metavar="csv,xlsx",
                     help="also write the summary, the per-draw metrics and the budget by year as CSV files and/or "
                          "an Excel workbook (xlsx needs the excel extra: pip install 'sirisk[excel]')")
    run.add_argument("--simulation", default=None,
                     help="a simulation file: settled if it exists (only design terms may differ from what was "
                          "simulated), else the paths are simulated and saved there")

    cal = _add(sub, "calibrate", "solve design terms for targets on one simulation, write the scenario",
               "Solve design terms (prices, thresholds, caps, ...) so that metrics meet their targets, on\n"
               "common random numbers, and write the calibrated scenario file. Exit status 1: the targets\n"
               "cannot be met (the best design found is written, and the report says why). A scenario file's\n"
               "[calibrate] table can hold vary, target, subject_to and tolerance instead of the flags.",
               "  sirisk calibrate dsi2021 --simulation sim.nc \\\n"
               "      --vary 'holbaek/contract.mechanisms[0].scale=0:8' \\\n"
               "      --target 'holbaek/investor_irr=mean:0.05' \\\n"
               "      --subject-to 'holbaek/municipality_overpaid=probability<=0.12'\n"
               "  sirisk run dsi2021.calibrated.toml --simulation sim.nc   # the same paths, the new terms\n")
    _scenario_argument(cal)
    cal.add_argument("--vary", action="append", default=[], metavar="TERM=LOW:HIGH",
                     help="a design term and its bounds (repeat for several)")
    cal.add_argument("--target", action="append", default=[], metavar="METRIC=STATISTIC:VALUE",
                     help="e.g. holbaek/investor_irr=mean:0.05; statistics mean, median, quantile(q), probability")
    cal.add_argument("--subject-to", action="append", default=[], metavar="METRIC=STATISTIC<=VALUE",
                     help="a constraint, with <= or >=, e.g. holbaek/municipality_overpaid=probability<=0.12")
    cal.add_argument("--tolerance", type=_fraction, default=None,
                     help="relative tolerance on the terms (default 1e-4)")
    _run_options(cal)
    cal.add_argument("--simulation", default=None,
                     help="a simulation file to settle on (simulated and saved there if it does not exist)")
    cal.add_argument("--out", default=None, help="the calibrated scenario file (default: SCENARIO.calibrated.toml here)")

    describe = _add(sub, "describe", "print a scenario with its sources and assumptions",
                    "Print a scenario: its programmes, and where every number comes from (a source, or an\n"
                    "assumption with its range).",
                    "  sirisk describe dsi2021\n  sirisk describe my.toml\n")
    describe.add_argument("scenario", help=f"a built-in scenario ({', '.join(SCENARIOS)}) or a scenario file")

    validate = _add(sub, "validate", "check a scenario file; exit 2 with one line if it is bad",
                    "Run every check that `sirisk run FILE` runs before it simulates: the file's format, every\n"
                    "spec, uncertain parameters and shock targets against the portfolio, distributions against\n"
                    "their parameters' domains, the run settings, and the memory the run needs. 'valid' means\n"
                    "the run starts.",
                    "  sirisk export dsi2021 my.toml && sirisk validate my.toml\n")
    validate.add_argument("file")

    export = _add(sub, "export", "write a built-in scenario as a scenario file",
                  "Write a built-in scenario as a scenario file (TOML) to edit.",
                  "  sirisk export dsi2021 my.toml\n")
    export.add_argument("scenario", choices=SCENARIOS)
    export.add_argument("file")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sirisk`` command: the exit status.

    Examples
    --------
    >>> main(["describe", "dsi2021"])  # doctest: +ELLIPSIS
    dsi2021: 3 programmes, investment limit 15,000,000 DKK; outcomes paid by municipality
    ...
    0
    """
    args = _parser().parse_args(argv)
    outputs = Outputs()
    _memory.tune_allocator(True)  # the command's process is its own: keep the batches' freed memory
    try:
        return COMMANDS[args.command](args, outputs)
    except SpecError as err:
        print(f"sirisk: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sirisk: {outputs.interrupted()}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. head: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # noqa: BLE001 - the last line of defence: a bug, said in one line
        if args.debug:
            traceback.print_exc()
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        print(f"sirisk: internal error (a bug in sirisk; please report it with the command that caused it): "
              f"{type(err).__name__}: {first[:300]}" + ("" if args.debug else "; --debug shows the traceback"),
              file=sys.stderr)
        return 1
