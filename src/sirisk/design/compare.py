"""Compare designs and sweep terms on one simulation: every design settled on the same paths.

:func:`compare` settles named designs and reports each one's statistics
and their differences from a reference design with *paired* Monte Carlo
errors (on common random numbers the draws of two designs move together,
so a difference is known far more precisely than either estimate; the
unpaired error is given beside it). :func:`sweep` settles a grid of term
values and reports the statistics over the grid, for trade-off figures
(:func:`sirisk.plot.tradeoff`).

The statistics, per programme and for the portfolio (where it has the
variable), are :data:`DESIGN_STATISTICS` unless others are given: a
mapping of a name to ``(variable, statistic)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import xarray as xr

from ..analysis.engine_stage import as_portfolio
from ..analysis.schema import PER_DRAW, PORTFOLIO_VARIABLES
from ..analysis.summary import paired_difference
from ..errors import SpecError
from .evaluator import DesignEvaluator
from .metrics import parse_metric, parse_statistic
from .terms import is_integer_term, parse_term, with_terms

__all__ = ["compare", "sweep", "DESIGN_STATISTICS", "term_dim"]

DESIGN_STATISTICS = {
    "municipal_net_pv_mean": ("municipal_net_pv", "mean"),
    "p_municipality_overpaid": ("municipality_overpaid", "probability"),
    "p_programme_harm": ("programme_harm", "probability"),
    "saving_paid_share_median": ("saving_paid_share", "median"),
    "outcome_payments_pv_mean": ("outcome_payments_pv", "mean"),
    "investor_irr_mean": ("investor_irr", "mean"),
    "investor_irr_median": ("investor_irr", "median"),
    "investor_irr_q5": ("investor_irr", "quantile(0.05)"),
    "p_investor_loss": ("investor_loss", "probability"),
    "investor_npv_mean": ("investor_npv", "mean"),
    "guarantee_draw_mean": ("guarantee_draw", "mean"),
    "p_guarantee_drawn": ("guarantee_drawn", "probability"),
}
_ON_PORTFOLIO = {name[len("portfolio_"):]: name for name in PORTFOLIO_VARIABLES}  # investor_irr -> portfolio_...


def term_dim(path: str) -> str:
    """The dimension name of a swept term: its path with ':' for '/' (netCDF names cannot hold '/')."""
    return path.replace("/", ":")


def _statistics(statistics, portfolio):
    statistics = DESIGN_STATISTICS if statistics is None else statistics
    if not isinstance(statistics, Mapping) or not statistics:
        raise SpecError("statistics must map names to (variable, statistic), e.g. "
                        "{'irr_mean': ('investor_irr', 'mean')}")
    out = {}
    probe = portfolio.deals[0].name
    for name, spec in statistics.items():
        if not isinstance(spec, (tuple, list)) or len(spec) != 2:
            raise SpecError(f"statistics[{name!r}]: is {spec!r}; give (variable, statistic)")
        variable, stat = spec
        if variable not in PER_DRAW:
            raise SpecError(f"statistics[{name!r}]: variable is {variable!r}; must be one of {', '.join(PER_DRAW)}")
        out[name] = (variable, parse_statistic(stat, parse_metric(f"{probe}/{variable}", portfolio)))
    return out


def _metrics(portfolio, statistics):
    """The metric paths the statistics need: each variable per programme, and the portfolio's where it has one."""
    metrics = {}
    for variable, _ in statistics.values():
        for d in portfolio.deals:
            metrics[(d.name, variable)] = parse_metric(f"{d.name}/{variable}", portfolio)
        if variable in _ON_PORTFOLIO:
            metrics[("portfolio", variable)] = parse_metric(f"portfolio/{variable}", portfolio)
    return metrics


def _table(values, statistics, rows):
    """estimate and mc_se [row, statistic] from per-draw values {(row, variable): array}."""
    est = np.full((len(rows), len(statistics)), np.nan)
    se = np.full_like(est, np.nan)
    for j, (variable, stat) in enumerate(statistics.values()):
        for i, row in enumerate(rows):
            if (row, variable) in values:
                est[i, j], se[i, j] = stat.estimate(values[(row, variable)])
    return est, se


def compare(designs: Mapping[str, object], simulation, *, reference: str | None = None, statistics=None,
            progress: Callable[[int], None] | None = None, threads: int | None = None) -> xr.Dataset:
    """Settle several designs on one simulation and compare them, with paired Monte Carlo errors.

    Parameters
    ----------
    designs : mapping of name to Portfolio or Deal
        Designs of the same programmes (only design terms differ).
    simulation : Simulation
    reference : str, optional
        The design the others are compared with (default: the first).
    statistics : mapping of name to (variable, statistic), optional
        Default :data:`DESIGN_STATISTICS`.
    threads : int, optional
        Threads the money kernels may use (default all); results do not depend on it.

    Returns
    -------
    xarray.Dataset
        ``estimate`` and ``mc_se`` ``(design, programme, statistic)``
        (programme ``"portfolio"``: the portfolio's variables, where it has
        them); ``difference`` (design minus reference) with its paired
        error ``difference_mc_se`` and the unpaired one
        ``difference_mc_se_unpaired``. The per-draw results of a design
        are ``sirisk.settle(design, simulation)``.

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> sim = sr.simulate_portfolio(portfolio, draws=400, rng=3, uncertainty=uncertainty)
    >>> dearer = sr.with_terms(portfolio, {"*/contract.mechanisms[0].scale": 1.5})
    >>> table = sr.compare({"as is": portfolio, "x1.5": dearer}, sim)
    >>> d = table.sel(design="x1.5", programme="holbaek", statistic="investor_irr_mean")
    >>> bool(d.difference > 0), bool(d.difference_mc_se < d.difference_mc_se_unpaired)
    (True, True)
    """
    if not isinstance(designs, Mapping) or len(designs) < 1:
        raise SpecError("designs must map names to portfolios, e.g. {'A': portfolio_a, 'B': portfolio_b}")
    names = [str(n) for n in designs]
    portfolios = [as_portfolio(p) for p in designs.values()]
    reference = names[0] if reference is None else reference
    if reference not in names:
        raise SpecError(f"reference is {reference!r}; must be one of the designs {tuple(names)}")
    stats = _statistics(statistics, portfolios[0])
    metrics = _metrics(portfolios[0], stats)
    evaluator = DesignEvaluator(portfolios[0], simulation, list(metrics.values()), progress=progress, threads=threads)
    per_design = []
    for p in portfolios:
        got = evaluator.values(p)
        per_design.append({key: got[m] for key, m in metrics.items()})
    rows = [d.name for d in portfolios[0].deals] + ["portfolio"]
    est = np.empty((len(names), len(rows), len(stats)))
    se = np.empty_like(est)
    for k, values in enumerate(per_design):
        est[k], se[k] = _table(values, stats, rows)
    diff = np.full_like(est, np.nan)
    diff_se = np.full_like(est, np.nan)
    diff_unpaired = np.full_like(est, np.nan)
    r = names.index(reference)
    for k in range(len(names)):
        for j, (variable, stat) in enumerate(stats.values()):
            kind = "quantile" if stat.kind in ("median", "quantile") else stat.kind
            q = 0.5 if stat.kind == "median" else stat.q
            for i, row in enumerate(rows):
                if (row, variable) in per_design[k]:
                    diff[k, i, j], diff_se[k, i, j], diff_unpaired[k, i, j] = paired_difference(
                        per_design[r][(row, variable)], per_design[k][(row, variable)], kind, q)
    dims = ("design", "programme", "statistic")
    ds = xr.Dataset(
        {"estimate": (dims, est), "mc_se": (dims, se), "difference": (dims, diff),
         "difference_mc_se": (dims, diff_se, {"description": "paired Monte Carlo error (common random numbers)"}),
         "difference_mc_se_unpaired": (dims, diff_unpaired,
                                       {"description": "the error the difference would have on independent draws"})},
        coords={"design": names, "programme": rows, "statistic": list(stats)},
        attrs={"reference": reference, "draws": simulation.n_draws, "settle_calls": evaluator.calls,
               "statistics": "; ".join(f"{n}: {v} {s}" for n, (v, s) in stats.items())})
    return ds


def sweep(portfolio, simulation, grid: Mapping[str, Sequence[float]], *, statistics=None,
          progress: Callable[[int], None] | None = None, threads: int | None = None) -> xr.Dataset:
    """Settle a grid of term values on one simulation: the statistics over the grid.

    Parameters
    ----------
    portfolio : Portfolio or Deal
    simulation : Simulation
    grid : mapping of term path to values
        e.g. ``{"holbaek/contract.mechanisms[0].scale": np.linspace(0.5, 3, 6),
        "holbaek/contract.mechanisms[0].threshold": [0.0, 0.05, 0.1]}``.
    statistics : mapping of name to (variable, statistic), optional
        Default :data:`DESIGN_STATISTICS`.
    threads : int, optional
        Threads the money kernels may use (default all); results do not depend on it.

    Returns
    -------
    xarray.Dataset
        ``estimate`` and ``mc_se`` with one dimension per term (named by
        :func:`term_dim`: the path with ':' for '/'), then ``programme``
        (with ``"portfolio"``) and ``statistic``.

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> sim = sr.simulate_portfolio(portfolio, draws=200, rng=4, uncertainty=uncertainty)
    >>> grid = sr.sweep(portfolio, sim, {"holbaek/contract.mechanisms[0].scale": [0.5, 1.0, 2.0]})
    >>> irr = grid.estimate.sel(programme="holbaek", statistic="investor_irr_mean").values
    >>> bool(irr[0] < irr[1] < irr[2])
    True
    """
    portfolio = as_portfolio(portfolio)
    if not isinstance(grid, Mapping) or not grid:
        raise SpecError("grid must map term paths to values, e.g. {'holbaek/contract.mechanisms[0].scale': [1, 2]}")
    terms, axes = [], []
    for path, values in grid.items():
        term = parse_term(path, portfolio)
        raw = np.atleast_1d(np.asarray(values))
        if (raw.ndim != 1 or len(raw) == 0 or not np.issubdtype(raw.dtype, np.number)
                or np.issubdtype(raw.dtype, np.complexfloating) or not np.isfinite(raw.astype(float)).all()):
            raise SpecError(f"grid[{path!r}]: is {values!r}; give a non-empty sequence of finite values")
        values = raw.astype(float)
        if is_integer_term(portfolio, term):
            values = np.unique(np.round(values)).astype(int)
        terms.append(term)
        axes.append(values)
    stats = _statistics(statistics, portfolio)
    metrics = _metrics(portfolio, stats)
    evaluator = DesignEvaluator(portfolio, simulation, list(metrics.values()), progress=progress, threads=threads)
    rows = [d.name for d in portfolio.deals] + ["portfolio"]
    shape = tuple(len(a) for a in axes)
    est = np.full(shape + (len(rows), len(stats)), np.nan)
    se = np.full_like(est, np.nan)
    for index in itertools.product(*(range(n) for n in shape)):
        design = with_terms(portfolio, {t: axes[k][i] for k, (t, i) in enumerate(zip(terms, index))})
        got = evaluator.values(design)
        est[index], se[index] = _table({key: got[m] for key, m in metrics.items()}, stats, rows)
    dims = tuple(term_dim(t.text) for t in terms) + ("programme", "statistic")
    coords = {term_dim(t.text): (term_dim(t.text), a, {"term": t.text}) for t, a in zip(terms, axes)}
    return xr.Dataset({"estimate": (dims, est), "mc_se": (dims, se)},
                      coords={**coords, "programme": rows, "statistic": list(stats)},
                      attrs={"draws": simulation.n_draws, "settle_calls": evaluator.calls,
                             "terms": [t.text for t in terms],
                             "statistics": "; ".join(f"{n}: {v} {s}" for n, (v, s) in stats.items())})
