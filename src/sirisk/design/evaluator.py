"""Settle many designs of one portfolio on one simulation, computing only the metrics asked for.

Every design tool (calibrate, compare, sweep, break-even) asks the same
question many times: given these terms, what are these per-draw metrics?
:class:`DesignEvaluator` answers it with the money stage of
:func:`sirisk.settle`, restricted to what the question needs: only the
programmes whose metrics are asked for (all of them for a portfolio
metric), no monthly series, and what depends on the paths alone (who
achieved what and when, cohort rates, programme costs) worked out once per
batch of draws and kept. A deal whose terms did not change since the last
call is not settled again. The numbers are those of :func:`sirisk.settle`,
bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .. import _memory
from .._threads import check_threads, using
from ..analysis.engine_stage import as_portfolio
from ..analysis.schema import VARIABLES
from ..analysis.settle import DEFAULT_BATCH
from ..analysis.simulation import Simulation
from ..errors import SpecError
from ..money.deal import Portfolio
from ..money.flows import irr_per_year, portfolio_flows
from .metrics import MetricPath

__all__ = ["DesignEvaluator"]

_PORTFOLIO_SOURCES = {"portfolio_guarantee_draw": "guarantee_draw", "portfolio_municipal_net_pv": "municipal_net_pv"}


class DesignEvaluator:
    """Per-draw metrics of design variants of ``portfolio``, settled on ``simulation``.

    Parameters
    ----------
    portfolio : Portfolio
        The base design; every variant must have the same programmes (only
        design terms may differ).
    simulation : Simulation
    metrics : sequence of MetricPath
    batch_size : int
    progress : callable, optional
        Called with the number of settle calls so far after each call.
    threads : int, optional
        Threads the money kernels may use (default all); the values do not depend on it.

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> from sirisk.design.metrics import parse_metric
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> sim = sr.simulate_portfolio(portfolio, draws=30, rng=2, uncertainty=uncertainty)
    >>> irr = parse_metric("holbaek/investor_irr", portfolio)
    >>> evaluator = DesignEvaluator(portfolio, sim, [irr])
    >>> values = evaluator.values(portfolio)
    >>> import numpy as np
    >>> np.array_equal(values[irr], sr.settle(portfolio, sim).investor_irr.sel(programme="holbaek").values, equal_nan=True)
    True
    """

    def __init__(self, portfolio: Portfolio, simulation: Simulation, metrics: Sequence[MetricPath], *,
                 batch_size: int = DEFAULT_BATCH, progress: Callable[[int], None] | None = None,
                 threads: int | None = None):
        if not isinstance(simulation, Simulation):
            raise SpecError(f"simulation is {type(simulation).__name__}; give a sirisk.Simulation "
                            "(sirisk.simulate_portfolio)")
        self.portfolio = as_portfolio(portfolio)
        self.simulation = simulation
        self.names = [d.name for d in self.portfolio.deals]
        self.records = dict(zip(self.names, simulation.records_for(self.portfolio)))
        self.metrics = list(dict.fromkeys(metrics))
        portfolio_wide = any(m.programme is None for m in self.metrics)
        self.needed = self.names if portfolio_wide else [n for n in self.names
                                                         if any(m.programme == n for m in self.metrics)]
        # What to read of each deal's flows: (variable, tranche or None).
        self.variables = {n: sorted({(m.variable, m.tranche or "") for m in self.metrics if m.programme == n})
                          for n in self.needed}
        wanted = {m.variable for m in self.metrics if m.programme is None}
        for n in self.needed:  # the parts of each deal a portfolio metric sums
            extra = {(_PORTFOLIO_SOURCES[v], "") for v in wanted if v in _PORTFOLIO_SOURCES}
            self.variables[n] = sorted(set(self.variables[n]) | extra)
        self.portfolio_irr = "portfolio_investor_irr" in wanted
        self.batch_size = int(batch_size)
        check_threads(threads)
        self.threads = threads
        self.progress = progress
        self.calls = 0
        self._memo: dict = {}
        self._settled: dict = {}  # programmes settled together -> ((deals, pool), {programme: (values, flows)})
        self._checked: dict = {}  # programme -> the deal last checked against the simulation

    @property
    def n_draws(self) -> int:
        return self.simulation.n_draws

    def _check(self, portfolio: Portfolio) -> Portfolio:
        portfolio = as_portfolio(portfolio)
        if [d.name for d in portfolio.deals] != self.names:
            raise SpecError(f"design has programmes {[d.name for d in portfolio.deals]}; the designs compared must "
                            f"have the programmes {self.names}")
        return portfolio

    def _units(self, portfolio: Portfolio) -> list[tuple]:
        """The deals settled together: each needed deal alone, or the deals sharing a guarantee pool as one."""
        needed = [d for d in portfolio.deals if d.name in self.needed]
        if portfolio.guarantee_pool_cap is None:
            return [(d,) for d in needed]
        pooled = portfolio.pooled_deals
        alone = [(d,) for d in needed if d not in pooled]
        return alone + ([pooled] if any(d.name in self.needed for d in pooled) else [])

    def _settle_unit(self, deals: tuple, pool_cap: float | None, pool_rule: str) -> dict:
        """The variables of deals settled together for all draws (and their investor flows per batch, for the
        portfolio IRR): {programme: (values by variable, flows per batch or None)}."""
        names = tuple(d.name for d in deals)
        if not any(d.guarantee_covers_floors for d in deals):
            pool_cap = None  # a deal outside the pool
        cached = self._settled.get(names)
        if cached is not None and cached[0] == (deals, pool_cap, pool_rule):
            return cached[1]
        for d in deals:
            before = self._checked.get(d.name)
            if before is None or before.programme != d.programme or before.budget != d.budget:
                self.simulation.records_for(as_portfolio(d))  # the same check as settle: refused by name
                self._checked[d.name] = d
        unit = Portfolio(name="unit", deals=deals, guarantee_pool_cap=pool_cap, guarantee_pool_rule=pool_rule)
        n = self.n_draws
        result = {}
        for d in deals:
            out = {key: np.empty(n, dtype=VARIABLES[key[0]].dtype) for key in self.variables.get(d.name, ())}
            result[d.name] = (out, [] if self.portfolio_irr else None)
        with using(self.threads), _memory.keep_freed_memory():
            for lo in range(0, n, self.batch_size):
                hi = min(n, lo + self.batch_size)
                flows = portfolio_flows(unit, [self.records[m].rows(lo, hi) for m in names],
                                        [self._memo.setdefault((m, lo), {}) for m in names])
                for d, f in zip(deals, flows):
                    out, kept = result[d.name]
                    for (v, tranche), a in out.items():
                        value = getattr(f, v)
                        a[lo:hi] = value[:, f.tranches.index(tranche)] if tranche else value
                    if kept is not None:
                        kept.append(f.investor_cash_flow)
        self._settled[names] = ((deals, pool_cap, pool_rule), result)
        return result

    def values(self, portfolio: Portfolio) -> dict[MetricPath, np.ndarray]:
        """Per-draw values of every metric under ``portfolio`` (one settle call)."""
        portfolio = self._check(portfolio)
        per_deal = {}
        for unit in self._units(portfolio):
            per_deal.update(self._settle_unit(unit, portfolio.guarantee_pool_cap, portfolio.guarantee_pool_rule))
        result = {}
        for m in self.metrics:
            if m.programme is not None:
                result[m] = per_deal[m.programme][0][(m.variable, m.tranche or "")]
            elif m.variable in _PORTFOLIO_SOURCES:
                source = _PORTFOLIO_SOURCES[m.variable]
                total = np.zeros(self.n_draws)
                for n in self.needed:
                    total = total + per_deal[n][0][(source, "")]
                result[m] = total
            else:
                result[m] = self._portfolio_irr(portfolio, per_deal)
        self.calls += 1
        if self.progress is not None:
            self.progress(self.calls)
        return result

    def _portfolio_irr(self, portfolio, per_deal) -> np.ndarray:
        T = max(d.programme.horizon_months for d in portfolio.deals)
        n = self.n_draws
        irr = np.empty(n)
        for b, lo in enumerate(range(0, n, self.batch_size)):
            hi = min(n, lo + self.batch_size)
            summed = np.zeros((hi - lo, T))
            for d in portfolio.deals:
                summed[:, :d.programme.horizon_months] += per_deal[d.name][1][b]
            with using(self.threads):
                irr[lo:hi] = irr_per_year(summed)[0]
        return irr
