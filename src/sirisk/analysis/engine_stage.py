"""The engine stage: sample the inputs, simulate every deal's paths, weigh them into budgets, batch by batch.

:class:`EnginePlan` holds what a run of a portfolio needs before the first
path is walked (the inputs sampled for all draws, each holder's cost per
person-month, the random streams, the lowered models); :meth:`EnginePlan.records`
simulates any range of draws and returns each deal's
:class:`~sirisk.money.records.DealRecords`. A range of draws is an
independent unit of work: the same draws give the same records whether
simulated alone, in batches or all at once, on any number of threads.
:func:`sirisk.simulate_portfolio` keeps the records of all draws in a
:class:`~sirisk.analysis.simulation.Simulation`; :func:`sirisk.evaluate`
settles each batch as soon as it is simulated.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from .. import _versions
from ..engine.lowering import lower_model
from .. import _seeding
from ..engine.random import stream_keys
from .._threads import check_threads, using
from ..engine.simulate import simulate_arrays
from ..errors import SpecError
from ..money.deal import Deal, Portfolio
from ..money.flows import budget_weights, deal_records
from ..money.records import ARM_NAMES, ArmRecords, DealRecords
from . import fingerprint, preflight

__all__ = ["EnginePlan", "as_portfolio", "check_draws", "check_flag", "simulate_portfolio"]

_WHOLE = ("cohort.size", "_months")


def as_portfolio(portfolio) -> Portfolio:
    """A Portfolio, or a Deal wrapped in one (with no investment limit)."""
    if isinstance(portfolio, Deal):
        return Portfolio(name=portfolio.name, deals=[portfolio])
    if not isinstance(portfolio, Portfolio):
        raise SpecError(f"portfolio is {type(portfolio).__name__}; must be a sirisk Portfolio or Deal")
    return portfolio


def check_draws(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise SpecError(f"{name} is {value!r}; must be a positive whole number")
    return int(value)


def check_flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise SpecError(f"{name} is {value!r}; must be True or False")
    return bool(value)


def _parameters(portfolio: Portfolio, parameters) -> dict[str, dict]:
    """``{programme: {path: values}}`` for every programme (checked by :func:`preflight.check_inputs`)."""
    parameters = parameters or {}
    return {d.name: dict(parameters.get(d.name, {})) for d in portfolio.deals}


def _rows(values: Mapping, lo: int, hi: int, n: int) -> dict:
    """Rows ``lo:hi`` of per-draw values (scalars stay scalars)."""
    out = {}
    for path, v in values.items():
        arr = np.asarray(v)
        out[path] = arr if arr.ndim == 0 or len(arr) != n else arr[lo:hi]
    return out


def _engine_and_money(values: Mapping, deal: Deal) -> tuple[dict, dict]:
    """A deal's parameter values split into the engine's and the money layer's (``deal.money_paths``)."""
    money = {path: v for path, v in values.items() if path in deal.money_paths}
    return {path: v for path, v in values.items() if path not in money}, money


def _sample_inputs(uncertainty, draws: int, seq: np.random.SeedSequence, params: dict) -> dict[str, np.ndarray]:
    """Sample the uncertain inputs and add them to ``params`` ({programme: {path: values}}); return them all."""
    from ..uncertainty.sampling import sample

    inputs = sample(uncertainty, int(draws),
                    rng=_seeding.child(seq, _seeding.INPUTS))
    for name, values in inputs.items():
        if "/" not in name:
            continue  # a shock: recorded, already applied to its targets
        programme, path = name.split("/", 1)  # paths checked before sampling (preflight.check_inputs)
        # Counts and months are whole numbers: continuous draws are rounded to the nearest.
        params[programme][path] = np.rint(values) if path.endswith(_WHOLE) else values
    return inputs


class EnginePlan:
    """A portfolio's draws ready to simulate: inputs sampled, budget weights, random streams, lowered models.

    Parameters
    ----------
    portfolio : Portfolio
    draws : int
        Draws of the whole run: the inputs are sampled for all of them (a
        Latin hypercube or Sobol design depends on their number).
    draw_range : range, optional
        The draws to simulate (global indices within ``range(draws)``);
        default all.
    keep_arm_costs : bool
        Keep each arm's cost per holder by month in the records.
    """

    def __init__(self, portfolio: Portfolio, draws: int, *, rng=None, parameters=None, uncertainty=None,
                 draw_range: range | None = None, keep_arm_costs: bool = False):
        self.portfolio = portfolio = as_portfolio(portfolio)
        self.draws = draws = check_draws("draws", draws)
        if draw_range is None:
            draw_range = range(draws)
        if (not isinstance(draw_range, range) or draw_range.step != 1 or len(draw_range) == 0
                or draw_range.start < 0 or draw_range.stop > draws):
            raise SpecError(f"draw_range is {draw_range!r}; must be a non-empty range of draws within "
                            f"range({draws}), stepping by 1")
        self.draw_range = draw_range
        self.keep_arm_costs = bool(keep_arm_costs)
        deals = portfolio.deals
        holders = deals[0].budget.holders
        for d in deals:
            if d.budget.holders != holders:
                raise SpecError(f"deal {d.name!r}: budget.holders is {d.budget.holders}; "
                                f"every deal of a portfolio needs the same holders {holders}")
        preflight.check_inputs(portfolio, uncertainty, parameters)
        params = _parameters(portfolio, parameters)
        self.seq = seq = _seeding.seed_sequence(rng)
        self.uncertainty = uncertainty
        self.inputs = {} if uncertainty is None else _sample_inputs(uncertainty, draws, seq, params)
        lo, hi = draw_range.start, draw_range.stop
        self.params = {d.name: _rows(params[d.name], lo, hi, draws) for d in deals}  # rows of the range
        # Each holder's cost of a person-month, by draw: the engine weighs occupancy with it instead of
        # storing the month x state x band cube (several GB at 100,000 draws).
        self.weights = [budget_weights(d, _engine_and_money(self.params[d.name], d)[1], len(draw_range))
                        for d in deals]
        self.keys = [stream_keys(_seeding.child(seq, _seeding.programme_stream(k))) for k in range(len(deals))]
        self.models = [lower_model(d.programme) for d in deals]

    def arms(self, deal: Deal) -> tuple[str, ...]:
        return ARM_NAMES if deal.programme.control_size > 0 else ARM_NAMES[:2]

    def people(self, deal: Deal) -> int:
        """Person slots per arm in this plan's draws: the largest cohort (or control group), as the kernel lays them out."""
        size = self.params[deal.name].get("cohort.size")
        largest = deal.programme.cohort.size if size is None else int(np.max(size))
        return int(max(largest, deal.programme.control_size, 1))

    def records(self, lo: int, hi: int, threads=None, seconds: dict | None = None) -> dict[str, DealRecords]:
        """Simulate global draws ``lo`` to ``hi - 1`` (within the plan's range) and return each deal's records."""
        first = self.draw_range.start
        out = {}
        for k, deal in enumerate(self.portfolio.deals):
            start = time.perf_counter()
            engine_params, money_params = _engine_and_money(
                _rows(self.params[deal.name], lo - first, hi - first, len(self.draw_range)), deal)
            arms = self.arms(deal)
            raw, _ = simulate_arrays(deal.programme, np.arange(lo, hi, dtype=np.int64), self.keys[k], arms,
                                     engine_params, threads, self.weights[k][lo - first:hi - first],
                                     model=self.models[k])
            out[deal.name] = deal_records(deal, arms, raw["entry_month"], raw["records"], raw["weighted_occupancy"],
                                          money_params, keep_arm_costs=self.keep_arm_costs)
            if seconds is not None:
                seconds["engine"] = seconds.get("engine", 0.0) + time.perf_counter() - start
        return out

    def specs(self) -> dict[str, str]:
        return {d.name: fingerprint.simulated_spec(d) for d in self.portfolio.deals}

    def provenance(self) -> dict[str, str]:
        """Seed and versions, as recorded with a simulation and its results."""
        return {"seed_entropy": str(self.seq.entropy), "seed_spawn_key": str(tuple(self.seq.spawn_key)),
                **_versions.versions()}


def allocate_records(plan: EnginePlan, deal: Deal, n: int, zeros) -> DealRecords:
    """Empty records for ``n`` draws of ``deal``, laid out as the plan's batches will fill them."""
    p = deal.programme
    arms = plan.arms(deal)
    N, Q, T, H = plan.people(deal), len(p.measures), p.horizon_months, len(deal.budget.holders)
    shared = zeros((n, N), np.int16)
    people = {}
    for a in arms:
        entry = shared if a in ("treated", "counterfactual") else zeros((n, N), np.int16)
        people[a] = ArmRecords(entry, zeros((n, N, Q), np.int16))
    keep = plan.keep_arm_costs or "control" in arms
    money = [path for path in deal.money_paths if not path.startswith("budget.")]
    scales = {path: zeros((n,), np.float64) for path in money if path in plan.params[deal.name]}
    return DealRecords(people, tuple(deal.budget.holders), zeros((n, T, H), np.float64), zeros((n, H), np.float64),
                       zeros((n, H, len(arms)), np.float64),
                       zeros((n, len(arms), T, H), np.float64) if keep else None, scales)


def store_records(store: DealRecords, lo: int, batch: DealRecords) -> None:
    """Copy a batch's records into rows ``lo:`` of ``store`` (person slots beyond the batch's stay empty: -1)."""
    hi = lo + batch.n_draws
    if (store.arms["treated"].entry_month is store.arms["counterfactual"].entry_month
            and batch.arms["treated"].entry_month is not batch.arms["counterfactual"].entry_month):
        raise RuntimeError("sirisk bug: treated and counterfactual enrolled different people")
    done = set()
    for name, arm in batch.arms.items():
        target = store.arms[name]
        n = arm.entry_month.shape[1]
        if id(target.entry_month) not in done:
            done.add(id(target.entry_month))
            target.entry_month[lo:hi, :n] = arm.entry_month
            target.entry_month[lo:hi, n:] = -1
        target.measures[lo:hi, :n] = arm.measures
        target.measures[lo:hi, n:] = -1
    for field in ("saving", "saving_pv", "cost_pv", "arm_cost"):
        value = getattr(batch, field)
        if value is not None:
            getattr(store, field)[lo:hi] = value
    for path, values in batch.scales.items():
        store.scales[path][lo:hi] = values


def simulate_portfolio(portfolio: Portfolio | Deal, draws: int = 1000, *, rng=None, uncertainty=None,
                       parameters=None, draw_range: range | None = None, batch_size: int = 2000,
                       threads: int | None = None, progress=None, monthly_arm_budgets: bool = False):
    """Sample the inputs and simulate every deal's paths once: the expensive half of a run.

    The result settles under any contract terms (:func:`sirisk.settle`),
    as often as wanted, without simulating again: prices, thresholds, caps,
    floors and the rest change no one's path.

    Parameters
    ----------
    portfolio : Portfolio or Deal
    draws : int
        Draws of the run (the inputs are sampled for all of them).
    rng : None, int, SeedSequence or Generator
        Seed (keyword only). Each programme gets its own child stream, so
        results depend neither on ``batch_size`` nor on threads.
    uncertainty : Uncertainty, optional
        Distributions, copula and shocks of uncertain parameters
        (``"programme/path"``), sampled once for all draws.
    parameters : mapping, optional
        ``{programme name: {parameter path: values per draw}}``: engine paths
        (``programme.parameter_paths``) or money scale factors (``deal.money_paths``).
    draw_range : range, optional
        Simulate only these draws of the run (an independent unit of work:
        parts of one run join with :meth:`Simulation.concat` into what one
        call gives).
    batch_size : int
        Draws simulated at once (bounds the engine's working memory).
    threads : int, optional
        Engine threads (default all); results do not depend on it.
    progress : callable, optional
        Called with the number of draws finished after each batch.
    monthly_arm_budgets : bool
        Also keep each arm's cost per holder by month (``budget_cost`` in the settled results).

    Returns
    -------
    Simulation

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> whole = sr.simulate_portfolio(portfolio, draws=60, rng=5, uncertainty=uncertainty)
    >>> parts = [sr.simulate_portfolio(portfolio, draws=60, rng=5, uncertainty=uncertainty, draw_range=r)
    ...          for r in (range(0, 25), range(25, 60))]
    >>> sr.settle(portfolio, sr.Simulation.concat(parts)).identical(sr.settle(portfolio, whole))
    True
    """
    from .. import _memory
    from ..io.scenario_file import plain
    from .simulation import Simulation
    import json

    batch_size = check_draws("batch_size", batch_size)
    check_threads(threads)
    check_flag("monthly_arm_budgets", monthly_arm_budgets)
    if progress is not None and not callable(progress):
        raise SpecError(f"progress is {progress!r}; must be a callable taking the draws done, or None")
    portfolio = as_portfolio(portfolio)
    n = len(draw_range) if isinstance(draw_range, range) else check_draws("draws", draws)
    preflight.check_inputs(portfolio, uncertainty, parameters)
    preflight.check_memory(preflight.memory_need(portfolio, n, batch_size=batch_size, kind="simulate",
                                                 uncertainty=uncertainty, parameters=parameters,
                                                 monthly_arm_budgets=monthly_arm_budgets),
                           what=f"simulate_portfolio of {n:,} draws")
    plan = EnginePlan(portfolio, draws, rng=rng, parameters=parameters, uncertainty=uncertainty,
                      draw_range=draw_range, keep_arm_costs=monthly_arm_budgets)
    first, stop = plan.draw_range.start, plan.draw_range.stop
    n = stop - first

    def zeros(shape, dtype):
        return _memory.zeros(shape, dtype=dtype)  # mapped in at once: faster than page by page as written

    stores = {d.name: allocate_records(plan, d, n, zeros) for d in plan.portfolio.deals}
    with using(threads), _memory.keep_freed_memory():  # one thread policy: engine and money kernels
        for lo in range(first, stop, batch_size):
            hi = min(stop, lo + batch_size)
            for name, batch in plan.records(lo, hi, threads).items():
                store_records(stores[name], lo - first, batch)
            if progress is not None:
                progress(hi - lo)
    return Simulation(
        portfolio=plan.portfolio.name, draw=np.arange(first, stop, dtype=np.int64), total_draws=plan.draws,
        deals=stores, specs=plan.specs(), inputs={k: np.asarray(v, dtype=np.float64)[first:stop]
                                                  for k, v in plan.inputs.items()},
        sampling_method=None if uncertainty is None else uncertainty.method,
        uncertainty=None if uncertainty is None else json.dumps(plain(uncertainty), sort_keys=True),
        attrs=plan.provenance(), monthly_arm_budgets=bool(monthly_arm_budgets),
        input_labels={} if uncertainty is None else {n: uncertainty.label(n) for n in uncertainty.names})
