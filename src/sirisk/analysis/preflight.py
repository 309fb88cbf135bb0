"""Everything a run checks before it starts: inputs against the portfolio, distributions against domains, memory.

:func:`check_inputs` and :func:`check_memory` are what ``evaluate``,
``simulate_portfolio`` and ``settle`` run before their first draw, and what
``sirisk validate`` runs on a file, so that "valid" means the run starts:

* every uncertain parameter names a programme of the portfolio and one of
  its parameter paths; every shock target is a hazard scale of a move the
  programme has;
* every distribution stays inside its parameter's domain (a hazard scale or
  a money scale factor is >= 0, a hazard ratio > 0, a cohort size within
  [0, 1,000,000], months >= 0, a scaled gain share <= 1): one that can
  leave it is refused with the probability that it does, unless truncated
  explicitly (:class:`sirisk.uncertainty.Truncated`);
* the memory a run needs, estimated from its draws, people, months and what
  it keeps, fits in the memory available, or the run is refused with the
  estimate and the option that would make it fit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import SpecError
from ..model.programme import MAX_PEOPLE
from ..money.contract import GainShare
from ..money.deal import Portfolio

__all__ = ["Domain", "domain_of", "check_inputs", "MemoryNeed", "memory_need", "check_memory", "available_memory"]


@dataclass(frozen=True)
class Domain:
    """The values a parameter may take: [low, high] (``low_open``: low itself excluded)."""

    low: float
    high: float = math.inf
    low_open: bool = False
    rule: str = ""

    def leaving(self, distribution) -> float:
        """The probability that ``distribution`` draws a value outside the domain."""
        below = distribution.mass_below(self.low, inclusive=self.low_open)
        above = distribution.mass_above(self.high) if math.isfinite(self.high) else 0.0
        return below + above

    def text(self) -> str:
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}{']' if math.isfinite(self.high) else ')'}"


_MONTHS = ("lock_in_months", "ramp_up_months", "full_effect_months", "fade_out_months")


def domain_of(deal, path: str) -> Domain:
    """The domain of one of a deal's parameter paths (engine or money)."""
    if path == "cohort.size":
        return Domain(0.0, float(MAX_PEOPLE), rule="a cohort size lies in [0, 1,000,000]")
    if path.endswith("hazard_ratio"):
        return Domain(0.0, low_open=True, rule="a hazard ratio must be > 0")
    if path.endswith(_MONTHS):
        return Domain(0.0, rule="months must be >= 0")
    if path.startswith("contract.mechanisms["):
        k = int(path[len("contract.mechanisms["):path.index("]")])
        m = deal.contract.mechanisms[k]
        if isinstance(m, GainShare) and m.share > 0:
            return Domain(0.0, 1.0 / m.share, rule=f"the scaled gain share ({m.share:g} x scale) must stay in [0, 1]")
    return Domain(0.0, rule="a scale factor must be >= 0")


def _programme_path(deals, name: str, where: str):
    if "/" not in name:
        raise SpecError(f"{where}: parameter is {name!r}; name it 'programme/path'")
    programme, path = name.split("/", 1)
    if programme not in deals:
        raise SpecError(f"{where}: parameter is {name!r}; {programme!r} is not a programme of the portfolio "
                        f"{tuple(deals)}")
    deal = deals[programme]
    known = deal.programme.parameter_paths + deal.money_paths
    if path not in known:
        raise SpecError(f"{where}: parameter is {name!r}; the path {path!r} must be one of {programme}'s "
                        f"{', '.join(known)}")
    return deal, path


def check_inputs(portfolio: Portfolio, uncertainty=None, parameters=None) -> None:
    """Uncertain and given parameters checked against the portfolio and their domains, before anything is sampled."""
    from ..uncertainty.sampling import Uncertainty

    deals = {d.name: d for d in portfolio.deals}
    if parameters is not None:
        if not isinstance(parameters, Mapping):
            raise SpecError(f"parameters is {type(parameters).__name__}; must map programme names to "
                            "{parameter path: values per draw}")
        for name, values in parameters.items():
            if name not in deals:
                raise SpecError(f"parameters key is {name!r}; must be a programme of the portfolio {tuple(deals)}")
            if not isinstance(values, Mapping):
                raise SpecError(f"parameters[{name!r}] is {type(values).__name__}; must map parameter paths to values")
            for path in values:
                _programme_path(deals, f"{name}/{path}", f"parameters[{name!r}]")
    if uncertainty is None:
        return
    if not isinstance(uncertainty, Uncertainty):
        raise SpecError(f"uncertainty is {type(uncertainty).__name__}; must be a sirisk Uncertainty or None")
    given = {f"{n}/{p}" for n, v in (parameters or {}).items() for p in v}
    for name, distribution in uncertainty.parameters.items():
        deal, path = _programme_path(deals, name, "uncertainty")
        if name in given:
            raise SpecError(f"uncertainty: parameter is {name!r}; it is also given in parameters, give it once")
        domain = domain_of(deal, path)
        p = domain.leaving(distribution)
        if p > 0:
            raise SpecError(f"uncertainty: parameters[{name!r}] is {distribution!r}; it leaves the parameter's domain "
                            f"{domain.text()} with probability {p:.3g} ({domain.rule}): choose a distribution inside "
                            f"it, or truncate it explicitly, e.g. Truncated({distribution!r}, low={domain.low:g})")
    for shock in uncertainty.shocks:
        for target in shock.targets:
            deal, path = _programme_path(deals, target, f"shock {shock.name!r}: target")
            if not path.startswith("hazards."):  # pragma: no cover - SharedShock refuses other targets
                raise SpecError(f"shock {shock.name!r}: target is {target!r}; a shock scales hazards")
        p = Domain(0.0).leaving(shock.distribution)
        if p > 0:
            raise SpecError(f"shock {shock.name!r}: distribution is {shock.distribution!r}; it multiplies hazard "
                            f"scales and leaves [0, inf) with probability {p:.3g}: choose one inside it, or truncate "
                            "it explicitly (Truncated(..., low=0))")


# -- memory ---------------------------------------------------------------------------

def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux: MemAvailable), or None where unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not a POSIX system
        return None


def _people(deal, uncertainty, parameters) -> int:
    """Person slots per arm: the largest cohort any draw can have, or the control group."""
    size = deal.programme.cohort.size
    name = f"{deal.name}/cohort.size"
    if uncertainty is not None and name in uncertainty.parameters:
        size = max(size, int(min(MAX_PEOPLE, np.nan_to_num(uncertainty.parameters[name].ppf([1 - 1e-9])[0],
                                                           posinf=MAX_PEOPLE))))
    given = (parameters or {}).get(deal.name, {}).get("cohort.size")
    if given is not None:
        size = max(size, int(np.max(given)))
    return max(size, deal.programme.control_size, 1)


@dataclass(frozen=True)
class MemoryNeed:
    """Bytes a run needs, by part."""

    parts: dict

    @property
    def total(self) -> int:
        return int(sum(self.parts.values()))


def memory_need(portfolio: Portfolio, draws: int, *, batch_size: int, kind: str, uncertainty=None, parameters=None,
                monthly: bool = True, monthly_arm_budgets: bool = False) -> MemoryNeed:
    """Estimate what a run keeps and works with: ``kind`` is "evaluate", "simulate" or "settle"."""
    deals = portfolio.deals
    P, T = len(deals), max(d.programme.horizon_months for d in deals)
    H = len(deals[0].budget.holders)
    O = len({o.name for d in deals for o in d.contract.outcomes})
    batch = min(batch_size, draws)
    parts = {}
    if kind in ("evaluate", "settle"):
        monthly_bytes = (4 * draws * P * T + draws * P * T * H + (3 * draws * P * T * H if monthly_arm_budgets else 0)) * 4
        parts["results, monthly series"] = monthly_bytes if monthly else 0
        parts["results, per draw"] = draws * P * (30 + 4 * H + 3 * O) * 8 + draws * 8 * 4
    working = 0
    kept = 0
    for d in deals:
        p = d.programme
        A = 3 if p.control_size > 0 else 2
        N, Q, S, B = _people(d, uncertainty, parameters), len(p.measures), len(p.states), p.benefit_clock.n_bands
        person = A * N * (Q + 1) * 2                     # person measures and entry months, int16
        budget = (A * T * H + T * H + H * A + H) * 8     # weighted occupancy, saving, costs per arm
        money = 16 * T * 8 + 2 * A * N * 2 * len(d.contract.outcomes)
        working += batch * (person + budget + money)
        if kind in ("evaluate", "simulate"):
            working += draws * S * B * H * 8             # each holder's cost per person-month, all draws
        if kind == "simulate":
            kept += draws * (person + (T * H + H + H * A) * 8
                             + (A * T * H * 8 if monthly_arm_budgets or p.control_size > 0 else 0))
    parts["working memory of a batch"] = working
    if kept:
        parts["the simulation"] = kept
    if kind in ("evaluate", "simulate") and uncertainty is not None:
        parts["sampled inputs"] = draws * len(uncertainty.names) * 8 * 3
    return MemoryNeed(parts)


def _bytes(n: float) -> str:
    for unit, size in (("PiB", 2 ** 50), ("TiB", 2 ** 40), ("GiB", 2 ** 30), ("MiB", 2 ** 20)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n / 2 ** 10:,.0f} KiB"


def check_memory(need: MemoryNeed, *, what: str, draws_option: str = "draws", batch_option: str = "batch_size",
                 available: int | None = None) -> None:
    """Refuse a run that cannot fit, with the estimate, the memory available and the option that would help."""
    available = available_memory() if available is None else available
    if available is None or need.total <= available:
        return
    big = max(need.parts, key=need.parts.get)
    hint = (f"a smaller {batch_option}" if big == "working memory of a batch" and need.parts[big] > need.total / 2
            else f"fewer draws ({draws_option})")
    detail = ", ".join(f"{k} {_bytes(v)}" for k, v in need.parts.items() if v)
    raise SpecError(f"{what} needs about {_bytes(need.total)} of memory ({detail}), and {_bytes(available)} are "
                    f"available; use {hint}")
