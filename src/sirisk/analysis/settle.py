"""The money stage: settle a portfolio's contracts on a simulation, or on what a contract measured.

:func:`settle` applies budgets, contracts, capital stacks and guarantees to
the records of a :class:`~sirisk.analysis.simulation.Simulation` (or of
:class:`~sirisk.money.measured.Measured` results) and returns the results
Dataset (:mod:`sirisk.analysis.schema`). It changes nothing it is given,
so one simulation can be settled under any number of designs; the design
tools (:mod:`sirisk.design`) do exactly that.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from .. import _memory
from .._threads import using
from ..errors import SpecError
from ..money.deal import Deal, Portfolio
from ..money.flows import DealFlows, irr_per_year, portfolio_flows
from ..money.measured import Measured
from ..money.records import ARM_NAMES, DealRecords
from . import preflight
from .engine_stage import as_portfolio, check_flag
from .schema import PORTFOLIO_VARIABLES, SCHEMA_VERSION, VARIABLES
from .simulation import Simulation

__all__ = ["settle", "ResultsWriter", "DEFAULT_BATCH"]

DEFAULT_BATCH = 5000  # draws settled at once: bounds the working memory, keeps each pass in cache


class ResultsWriter:
    """The results arrays of a portfolio for a set of draws, filled deal by deal and batch by batch.

    Parameters
    ----------
    portfolio : Portfolio
    n_draws : int
    monthly : bool
        Keep the monthly series (most of a big run's memory).
    arm_costs : bool
        Keep each arm's cost by month (``budget_cost``).
    populate : bool
        Map the big arrays in at once (False: the caller maps them in, see
        :func:`sirisk._memory.mapped_in_background`).
    filled : mapping of variable name to array, optional
        Variables already known (shared with other results): neither
        allocated nor written.
    """

    def __init__(self, portfolio: Portfolio, n_draws: int, *, monthly: bool = True, arm_costs: bool = False,
                 populate: bool = True, filled: Mapping[str, np.ndarray] | None = None):
        self.portfolio = portfolio
        deals = portfolio.deals
        self.T = max(d.programme.horizon_months for d in deals)
        self.holders = tuple(deals[0].budget.holders)
        self.outcomes = sorted({o.name for d in deals for o in d.contract.outcomes})
        self.tranches = list(dict.fromkeys(n for d in deals for n in d.investor.tranche_names))
        sizes = {"draw": n_draws, "programme": len(deals), "month": self.T, "holder": len(self.holders),
                 "arm": len(ARM_NAMES), "outcome": len(self.outcomes), "tranche": len(self.tranches)}
        self.variables = [v for v in VARIABLES.values()
                          if (monthly or "month" not in v.dims) and (arm_costs or v.name != "budget_cost")
                          and (self.tranches or "tranche" not in v.dims)]
        self.out = {}
        self.big = []
        self.filled = set(filled or {})
        for v in self.variables:
            shape = tuple(sizes[d] for d in v.dims)
            if v.name in self.filled:
                a = filled[v.name]
            elif "tranche" in v.dims:  # a programme without a tranche leaves it NaN (False, reason -1)
                a = np.full(shape, False if v.is_boolean else -1 if v.dtype is np.int8 else np.nan, dtype=v.dtype)
            elif "month" in v.dims:  # float32, mapped in at once or in the background
                if v.name == "budget_cost":
                    a = _memory.full(shape, np.nan, dtype=v.dtype)  # arms not simulated stay NaN
                else:
                    a = _memory.zeros(shape, dtype=v.dtype, populate=populate)
                    self.big.append(a)
            elif "arm" in v.dims:
                a = np.full(shape, np.nan, dtype=v.dtype)
            else:
                a = np.zeros(shape, dtype=v.dtype)
            self.out[v.name] = a
        self.portfolio_irr = np.empty(n_draws)

    def add(self, lo: int, hi: int, k: int, deal: Deal, flows: DealFlows) -> None:
        """Store programme ``k``'s flows for rows ``lo:hi``."""
        Tp = deal.programme.horizon_months
        slots = [ARM_NAMES.index(a) for a in flows.arms]
        for v in self.variables:
            if v.name in self.filled:
                continue
            a = self.out[v.name]
            if "tranche" in v.dims:
                if flows.tranches:
                    self._add_tranches(lo, hi, k, Tp, v, flows)
                continue
            value = getattr(flows, v.name)
            if v.name == "budget_cost":
                if value is not None:
                    a[lo:hi, k, :Tp][..., slots] = value.transpose(0, 2, 3, 1)
            elif v.name == "budget_cost_pv":
                a[lo:hi, k][..., slots] = value
            elif v.name == "outcome_rate":
                for a_idx, arm in enumerate(flows.arms):
                    for o_idx, o in enumerate(flows.outcomes):
                        a[lo:hi, k, ARM_NAMES.index(arm), self.outcomes.index(o)] = value[:, a_idx, o_idx]
            elif "month" in v.dims:
                a[lo:hi, k, :Tp] = value
            else:
                a[lo:hi, k] = value

    def _add_tranches(self, lo, hi, k, Tp, v, flows) -> None:
        a = self.out[v.name]
        slots = [self.tranches.index(n) for n in flows.tranches]
        value = getattr(flows, v.name)
        if "month" in v.dims:
            a[lo:hi, k, :Tp][..., slots] = value.transpose(1, 2, 0)  # [tranche, draw, month] -> [draw, month, tranche]
        else:
            a[lo:hi, k][:, slots] = value

    def add_portfolio(self, lo: int, hi: int, deals: Sequence[Deal], flows: Sequence[DealFlows]) -> None:
        """The portfolio's IRR for rows ``lo:hi``: that of the investor cash flows summed over the deals."""
        summed = np.zeros((hi - lo, self.T))
        for deal, f in zip(deals, flows):
            summed[:, :deal.programme.horizon_months] += f.investor_cash_flow
        self.portfolio_irr[lo:hi] = irr_per_year(summed)[0]

    def dataset(self, draw_ids: np.ndarray, attrs: Mapping, inputs: Mapping[str, np.ndarray] | None = None,
                sampling_method: str | None = None, labels: Mapping[str, str] | None = None) -> xr.Dataset:
        portfolio, deals = self.portfolio, self.portfolio.deals
        currency = portfolio.currency
        data = {v.name: (v.dims, self.out[v.name], {"units": v.units_in(currency), "description": v.description})
                for v in self.variables}
        monthly = any("month" in v.dims for v in self.variables)
        ds = xr.Dataset(data, coords={
            "draw": np.asarray(draw_ids), "programme": [d.name for d in deals],
            **({"month": np.arange(self.T)} if monthly else {}),
            "holder": list(self.holders), "arm": list(ARM_NAMES), "outcome": self.outcomes,
            **({"tranche": self.tranches} if self.tranches else {}),
        })
        ds = ds.assign_coords(payer=("programme", [d.payer for d in deals],
                                     {"description": "the budget holder that pays for the programme's outcomes "
                                                     "(whose saving the municipal_* variables are)"}))
        if inputs:
            names = list(inputs)
            ds["input_value"] = (("draw", "input"), np.stack([inputs[n] for n in names], axis=1),
                                 {"description": "sampled uncertain inputs (programme/path; shocks by name)"})
            labels = labels or {}
            ds = ds.assign_coords(input=names, input_label=("input", [labels.get(n, n) for n in names]))
            if sampling_method:
                ds.attrs["sampling_method"] = sampling_method
        ds["guarantee_cap"] = ("programme", [0.0 if d.guarantee is None else d.guarantee.cap for d in deals],
                               {"units": currency})
        ds["investment"] = ("programme", [d.investor.commitment for d in deals], {"units": currency})
        ds["investor_hurdle"] = ("programme", [d.investor.hurdle_rate_per_year for d in deals],
                                 {"units": "1/year", "description": "the investor's hurdle rate"})
        if monthly:  # what turns a monthly series into present values, as the *_pv variables did
            ds["discount_factor"] = (("programme", "month"), np.stack([d.budget.month_factors(self.T)[1] for d in deals]),
                                     {"units": "1", "description": "the budget's discount factor to the contract start"})
        totals = {"portfolio_guarantee_draw": ds.guarantee_draw.sum("programme"),
                  "portfolio_municipal_net_pv": ds.municipal_net_pv.sum("programme")}
        for name, v in PORTFOLIO_VARIABLES.items():
            values = totals[name].values if name in totals else self.portfolio_irr
            ds[name] = (v.dims, values, {"units": v.units_in(currency), "description": v.description})
        if monthly:
            ds["month"].attrs.update(units="month", long_name="months since the start of intake")
        ds.attrs.update({
            "portfolio": portfolio.name,
            "currency": currency,
            **({} if portfolio.investment_limit is None else {"investment_limit": portfolio.investment_limit}),
            "guarantee_exposure_total": _guarantee_exposure_total(portfolio),
            **({} if portfolio.guarantee_pool_cap is None else {"guarantee_pool_cap": portfolio.guarantee_pool_cap}),
            **dict(attrs),
            "sign_convention": "savings and receipts positive; investor cash flows negative when capital is drawn",
            "results_schema": SCHEMA_VERSION,
        })
        return ds


def _guarantee_exposure_total(portfolio: Portfolio) -> float:
    """The most the guarantees can pay in all: their caps summed, or the pool if that is less."""
    total = float(sum(0.0 if d.guarantee is None else d.guarantee.cap for d in portfolio.deals))
    return total if portfolio.guarantee_pool_cap is None else min(total, portfolio.guarantee_pool_cap)


def settle_batches(portfolio: Portfolio, records: Sequence[DealRecords], writer: ResultsWriter, *,
                   batch_size: int = DEFAULT_BATCH, progress=None, seconds: dict | None = None,
                   offset: int = 0) -> None:
    """Settle every deal on its records batch by batch, into ``writer`` rows ``offset:``."""
    n = records[0].n_draws
    # Every batch allocates and frees the same working arrays: keep their pages in the process.
    with _memory.keep_freed_memory():
        for lo in range(0, n, batch_size):
            hi = min(n, lo + batch_size)
            settle_rows(portfolio, [r.rows(lo, hi) for r in records], writer, offset + lo, seconds)
            if progress is not None:
                progress(hi - lo)


def settle_rows(portfolio: Portfolio, records: Sequence[DealRecords], writer: ResultsWriter, lo: int,
                seconds: dict | None = None) -> None:
    """Settle one batch of rows (all deals) into ``writer`` rows ``lo:``."""
    start = time.perf_counter()
    hi = lo + records[0].n_draws
    flows = portfolio_flows(portfolio, records)
    for k, (deal, f) in enumerate(zip(portfolio.deals, flows)):
        writer.add(lo, hi, k, deal, f)
    writer.add_portfolio(lo, hi, portfolio.deals, flows)
    if seconds is not None:
        seconds["money"] = seconds.get("money", 0.0) + time.perf_counter() - start


def _shared_keys(portfolio: Portfolio) -> dict[str, tuple]:
    """The monthly results that depend on the simulation alone, keyed by what else they depend on."""
    names = tuple(d.name for d in portfolio.deals)
    T = max(d.programme.horizon_months for d in portfolio.deals)
    return {"budget_effect": ("budget_effect", names, T),
            "programme_cost": ("programme_cost", names, T, tuple(d.costs for d in portfolio.deals))}


def _check_batch(batch_size) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise SpecError(f"batch_size is {batch_size!r}; must be a positive whole number")
    return int(batch_size)


def _measured_records(portfolio: Portfolio, measured) -> list[DealRecords]:
    if isinstance(measured, Measured):
        measured = [measured]
    if isinstance(measured, Mapping):
        measured = list(measured.values())
    measured = list(measured)
    for m in measured:
        if not isinstance(m, Measured):
            raise SpecError(f"settle: measured results are {type(m).__name__}; give sirisk.Measured objects")
    by_name = {m.programme: m for m in measured}
    if len(by_name) != len(measured):
        raise SpecError("settle: two measured results name the same programme; give one per programme")
    names = [d.name for d in portfolio.deals]
    for name in by_name:
        if name not in names:
            raise SpecError(f"settle: measured programme is {name!r}; must be a programme of the portfolio "
                            f"{tuple(names)}")
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SpecError(f"settle: programme {missing[0]!r} has no measured results; give one Measured per "
                        "programme, or settle a portfolio of the measured programmes")
    return [by_name[d.name].records(d) for d in portfolio.deals]


def settle(portfolio: Portfolio | Deal, results, *, batch_size: int = DEFAULT_BATCH, monthly: bool = True,
           progress=None, threads: int | None = None) -> xr.Dataset:
    """Apply budgets, contracts, capital stacks and guarantees to simulated or measured results.

    Parameters
    ----------
    portfolio : Portfolio or Deal
        Its deals must be the simulated ones in everything but design
        terms: contract (prices, payments, thresholds, caps, gain shares,
        fees, lags, outcome definitions), investor terms (floors, return
        cap, hurdle, maturity), guarantee (cap, surplus share) and
        programme costs. A changed programme or budget is refused, naming
        the field. It may hold a subset of the simulated deals.
    results : Simulation, Measured, or a sequence of Measured
        A :func:`sirisk.simulate_portfolio` result, or what a contract that
        has run measured (one :class:`sirisk.Measured` per programme).
    batch_size : int
        Draws settled at once (bounds the working memory).
    monthly : bool
        Keep the monthly series (``False``: per-draw results only, a
        fraction of the memory).
    progress : callable, optional
        Called with the number of draws settled after each batch.
    threads : int, optional
        Threads the money kernels may use (default all); results do not
        depend on it.

    Returns
    -------
    xarray.Dataset
        The results schema (:mod:`sirisk.analysis.schema`): monthly series
        ``(draw, programme, month[, holder])`` nominal in the deals' currency, present
        values and metrics ``(draw, programme)``, portfolio totals
        ``(draw)``; seed, versions and the inputs of the simulation.
        Settling a simulation of :func:`sirisk.evaluate`'s draws gives its
        results bit for bit.

    Examples
    --------
    >>> import dataclasses, sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> sim = sr.simulate_portfolio(portfolio, draws=50, rng=1, uncertainty=uncertainty)
    >>> holbaek = portfolio.deals[0]
    >>> cheaper = dataclasses.replace(holbaek.contract, mechanisms=[
    ...     dataclasses.replace(holbaek.contract.mechanisms[0], payment=3e6)])
    >>> a = sr.settle(holbaek, sim)
    >>> b = sr.settle(dataclasses.replace(holbaek, contract=cheaper), sim)   # same paths, other price
    >>> bool((b.outcome_payments_pv <= a.outcome_payments_pv).all())
    True
    """
    portfolio = as_portfolio(portfolio)
    batch_size = _check_batch(batch_size)
    with using(threads):  # checks threads first
        return _settle(portfolio, results, batch_size, monthly, progress)


def _settle(portfolio, results, batch_size, monthly, progress) -> xr.Dataset:
    check_flag("monthly", monthly)
    if progress is not None and not callable(progress):
        raise SpecError(f"progress is {progress!r}; must be a callable taking the draws done, or None")
    if isinstance(results, Simulation):
        records = results.records_for(portfolio)
        preflight.check_memory(preflight.memory_need(portfolio, results.n_draws, batch_size=batch_size, kind="settle",
                                                     monthly=monthly,
                                                     monthly_arm_budgets=results.monthly_arm_budgets),
                               what=f"settle of {results.n_draws:,} draws")
        keys = _shared_keys(portfolio) if monthly else {}
        filled = {name: results.shared[key] for name, key in keys.items() if key in results.shared}
        writer = ResultsWriter(portfolio, results.n_draws, monthly=monthly, arm_costs=results.monthly_arm_budgets,
                               filled=filled)
        settle_batches(portfolio, records, writer, batch_size=batch_size, progress=progress)
        for name, key in keys.items():
            if key not in results.shared:
                writer.out[name].flags.writeable = False  # shared by every results Dataset of this simulation
                results.shared[key] = writer.out[name]
        return writer.dataset(results.draw, results.attrs, results.inputs, results.sampling_method,
                              results.input_labels)
    if isinstance(results, xr.Dataset):
        raise SpecError("settle: results are an xarray Dataset (results already settled?); give a sirisk.Simulation "
                        "(simulate_portfolio) or sirisk.Measured results")
    if isinstance(results, (Measured, Sequence, Mapping)) and not isinstance(results, (str, bytes)):
        records = _measured_records(portfolio, results)
        writer = ResultsWriter(portfolio, 1, monthly=monthly, arm_costs=False)
        settle_batches(portfolio, records, writer, batch_size=1, progress=progress)
        ds = writer.dataset(np.arange(1), {"settled_on": "measured results"})
        return ds
    raise SpecError(f"settle: results are {type(results).__name__}; give a sirisk.Simulation "
                    "(simulate_portfolio) or sirisk.Measured results")
