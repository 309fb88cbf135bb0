"""Run a portfolio end to end: the engine stage and the money stage, batch by batch."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import _memory
from .._threads import check_threads, using
from ..errors import SpecError
from ..money.deal import Deal, Portfolio
from . import preflight
from .engine_stage import EnginePlan, as_portfolio, check_draws, check_flag
from .settle import ResultsWriter, settle_rows

__all__ = ["evaluate"]


def evaluate(portfolio: Portfolio | Deal, draws: int = 1000, *, rng=None, parameters=None, uncertainty=None,
             batch_size: int = 2000, threads: int | None = None, progress=None,
             monthly_arm_budgets: bool = False, timings: dict | None = None) -> xr.Dataset:
    """Simulate every deal of a portfolio and turn the paths into money and risk metrics per draw.

    The same as ``settle(portfolio, simulate_portfolio(portfolio, draws, ...))``,
    bit for bit, but each batch of draws is settled as soon as it is
    simulated, so the paths of all draws are never held at once. To settle
    several designs on the same paths, simulate once and settle each.

    Parameters
    ----------
    portfolio : Portfolio or Deal
    draws : int
    rng : None, int, SeedSequence or Generator
        Seed (keyword only). Each programme gets its own child stream, so
        results do not depend on ``batch_size`` or threads.
    parameters : mapping, optional
        ``{programme name: {parameter path: values per draw}}``: engine paths
        (``programme.parameter_paths``) or money scale factors (``deal.money_paths``).
    uncertainty : Uncertainty, optional
        Distributions, copula and shocks of uncertain parameters
        (``"programme/path"``), sampled once for all draws before the
        batches (so results do not depend on ``batch_size``). The sampled
        values are kept: ``input_value(draw, input)``.
    batch_size : int
        Draws simulated at once (bounds memory).
    progress : callable, optional
        Called with the number of draws finished after each batch.
    monthly_arm_budgets : bool
        Also keep each arm's cost per holder by month, ``budget_cost(draw,
        programme, month, holder, arm)`` (large: 864 MB at 100,000 draws x
        3 programmes x 120 months). Present values per arm are always kept.
    timings : dict, optional
        If given, filled with the seconds spent in the engine stage (paths
        and budgets) and in the money stage (contracts, capital stack, metrics).

    Returns
    -------
    xarray.Dataset
        The results schema (:mod:`sirisk.analysis.schema`): monthly series
        ``(draw, programme, month[, holder])`` nominal in the currency of the deals, present values
        and metrics ``(draw, programme)``, portfolio totals ``(draw)``,
        outcome rates ``(draw, programme, arm, outcome)``; seed and versions
        in attrs. Monthly series are stored as float32 (7 significant
        digits) to halve memory; per-draw totals are float64.
    """
    portfolio = as_portfolio(portfolio)
    draws = check_draws("draws", draws)
    batch_size = check_draws("batch_size", batch_size)
    check_threads(threads)
    if progress is not None and not callable(progress):
        raise SpecError(f"progress is {progress!r}; must be a callable taking the draws done, or None")
    check_flag("monthly_arm_budgets", monthly_arm_budgets)
    if timings is not None and not isinstance(timings, dict):
        raise SpecError(f"timings is {type(timings).__name__}; give a dict to fill with the seconds spent, or None")
    preflight.check_inputs(portfolio, uncertainty, parameters)
    preflight.check_memory(preflight.memory_need(portfolio, draws, batch_size=batch_size, kind="evaluate",
                                                 uncertainty=uncertainty, parameters=parameters,
                                                 monthly_arm_budgets=monthly_arm_budgets),
                           what=f"evaluate of {draws:,} draws")
    writer = ResultsWriter(portfolio, draws, arm_costs=monthly_arm_budgets, populate=False)
    # Mapping the results in takes a core for a while at 100,000 draws; sampling needs only the other.
    with _memory.mapped_in_background(writer.big):
        plan = EnginePlan(portfolio, draws, rng=rng, parameters=parameters, uncertainty=uncertainty,
                          keep_arm_costs=monthly_arm_budgets)
    seconds = {"engine": 0.0, "money": 0.0}
    # Every batch allocates and frees the same working arrays: keep their pages in the process.
    with using(threads), _memory.keep_freed_memory():  # one thread policy: engine and money kernels
        for lo in range(0, draws, batch_size):
            hi = min(draws, lo + batch_size)
            records = plan.records(lo, hi, threads, seconds)
            settle_rows(portfolio, [records[d.name] for d in portfolio.deals], writer, lo, seconds)
            if progress is not None:
                progress(hi - lo)
    if timings is not None:
        timings.update(seconds)
    return writer.dataset(np.arange(draws), plan.provenance(), plan.inputs,
                          None if uncertainty is None else uncertainty.method,
                          None if uncertainty is None else {n: uncertainty.label(n) for n in uncertainty.names})
