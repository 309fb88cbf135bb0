"""Benchmark figures as JSON, with the machine, versions and commit they were measured on.

Every benchmark prints its figures and writes them to ``benchmarks/results/<name>.json``
(``<name>.quick.json`` in quick mode, which CI runs and git ignores), so that a figure quoted in
docs/performance.md can be traced to a file that says where, when and on what it was measured.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _commit() -> str:
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def provenance() -> dict:
    """Where and on what the figures were measured."""
    import numba
    import numpy
    import scipy
    import xarray

    import sirisk

    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {"cpu": _cpu(), "cores": os.cpu_count(), "memory_gib": _memory_gib(),
                    "system": f"{platform.system()} {platform.release()}"},
        "versions": {"python": platform.python_version(), "sirisk": sirisk.__version__, "numpy": numpy.__version__,
                     "numba": numba.__version__, "scipy": scipy.__version__, "xarray": xarray.__version__},
        "command": " ".join([Path(sys.argv[0]).name] + sys.argv[1:]),
    }


def record(name: str, figures: dict, *, quick: bool) -> dict:
    """Print ``figures`` as JSON and write them, with their provenance, to the results folder."""
    result = {"benchmark": name, **figures, "measured_on": provenance()}
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}{'.quick' if quick else ''}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result
