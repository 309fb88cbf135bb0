"""Run a portfolio end to end: engine, budgets, contracts, capital stack, in batches of draws."""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
import xarray as xr

from .. import _memory, _versions
from ..engine.lowering import lower_model
from ..engine.random import seed_sequence, stream_keys
from ..engine.simulate import check_threads, simulate_arrays
from ..errors import SpecError
from ..money.deal import Deal, Portfolio
from ..money.flows import budget_weights, deal_flows
from ..money.kernels import IRR_REASONS, irr_all

__all__ = ["evaluate"]

_WHOLE = ("cohort.size", "_months")
_MONTHLY = ("programme_cost", "outcome_payment_due", "outcome_payment", "investor_cash_flow")
_PER_DRAW = ("municipal_saving_pv", "outcome_payments_pv", "municipal_net_pv", "investor_principal",
             "investor_receipts", "investor_irr", "investor_irr_reason", "investor_moic", "investor_npv",
             "investor_loss", "guarantee_draw", "guarantee_full_cap", "guarantor_surplus")
_ATTRS = {
    "budget_effect": ("DKK", "budget saving of the programme (counterfactual cost - treated cost), nominal"),
    "budget_effect_pv": ("DKK", "budget saving discounted to the contract start"),
    "budget_cost": ("DKK", "cost to each holder in each arm (benefits paid net of refund, minus tax), nominal"),
    "budget_cost_pv": ("DKK", "cost to each holder in each arm, present value"),
    "programme_cost": ("DKK", "programme costs, funded by the investor"),
    "outcome_payment_due": ("DKK", "outcome payments due under the contract, before the investor's return cap"),
    "outcome_payment": ("DKK", "outcome payments made by the municipality to the investor"),
    "investor_cash_flow": ("DKK", "investor's net cash flow, including guarantee and surplus share at maturity"),
    "municipal_saving_pv": ("DKK", "municipality's budget saving, present value"),
    "outcome_payments_pv": ("DKK", "outcome payments, present value"),
    "municipal_net_pv": ("DKK", "municipality's saving minus outcome payments, present value"),
    "investor_principal": ("DKK", "capital drawn"),
    "investor_receipts": ("DKK", "outcome payments + guarantee - surplus share, nominal"),
    "investor_irr": ("1/year", "investor's internal rate of return; NaN where none exists (see the reason)"),
    "investor_irr_reason": ("", "; ".join(f"{k}: {r}" for k, r in enumerate(IRR_REASONS))),
    "investor_moic": ("1", "multiple on invested capital: receipts / principal"),
    "investor_npv": ("DKK", "investor's NPV at the hurdle rate"),
    "investor_loss": ("", "investor got back less than the principal"),
    "guarantee_draw": ("DKK", "amount drawn on the guarantee"),
    "guarantee_full_cap": ("", "the whole guarantee cap was drawn"),
    "guarantor_surplus": ("DKK", "guarantor's share of the investor's surplus"),
    "outcome_rate": ("1", "share of enrolled people achieving the outcome by the horizon"),
}


def _parameters(portfolio: Portfolio, parameters) -> dict[str, dict]:
    parameters = dict(parameters or {})
    names = [d.name for d in portfolio.deals]
    for key, value in parameters.items():
        if key not in names:
            raise SpecError(f"parameters key is {key!r}; must be a programme of the portfolio {tuple(names)}")
        if not isinstance(value, Mapping):
            raise SpecError(f"parameters[{key!r}] is {type(value).__name__}; must map parameter paths to values")
    return {name: dict(parameters.get(name, {})) for name in names}


def _slice(values: Mapping, lo: int, hi: int, n: int) -> dict:
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

    # A child stream of its own, distinct from every programme's engine stream.
    inputs = sample(uncertainty, int(draws),
                    rng=np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (1 << 30,)))
    for name, values in inputs.items():
        if "/" not in name:
            continue  # a shock: recorded, already applied to its targets
        programme, path = name.split("/", 1)
        if programme not in params:
            raise SpecError(f"uncertainty: parameter is {name!r}; {programme!r} is not a programme of the "
                            f"portfolio {tuple(params)}")
        if path in params[programme]:
            raise SpecError(f"uncertainty: parameter is {name!r}; it is also given in parameters, give it once")
        # Counts and months are whole numbers: continuous draws are rounded to the nearest.
        params[programme][path] = np.rint(values) if path.endswith(_WHOLE) else values
    return inputs


def evaluate(portfolio: Portfolio | Deal, draws: int = 1000, *, rng=None, parameters=None, uncertainty=None,
             batch_size: int = 2000, threads: int | None = None, progress=None,
             monthly_arm_budgets: bool = False, timings: dict | None = None) -> xr.Dataset:
    """Simulate every deal of a portfolio and turn the paths into money and risk metrics per draw.

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
        If given, filled with the seconds spent in the engine and in the money layer.

    Returns
    -------
    xarray.Dataset
        Monthly series ``(draw, programme, month[, holder])`` in nominal DKK,
        present values and metrics ``(draw, programme)``, portfolio totals
        ``(draw)``, outcome rates ``(draw, programme, arm, outcome)``; seed
        and versions in attrs. Monthly series are stored as float32 (7
        significant digits) to halve memory; per-draw totals are float64.
    """
    if isinstance(portfolio, Deal):
        portfolio = Portfolio(name=portfolio.name, deals=[portfolio],
                              investment_limit_dkk=max(15e6, portfolio.investor.commitment_dkk))
    if not isinstance(portfolio, Portfolio):
        raise SpecError(f"portfolio is {type(portfolio).__name__}; must be a sirisk Portfolio or Deal")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise SpecError(f"draws is {draws!r}; must be a positive whole number")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise SpecError(f"batch_size is {batch_size!r}; must be a positive whole number")
    check_threads(threads)
    params = _parameters(portfolio, parameters)
    seq = seed_sequence(rng)
    deals = portfolio.deals
    P = len(deals)
    T = max(d.programme.horizon_months for d in deals)
    holders = deals[0].budget.holders
    for d in deals:
        if d.budget.holders != holders:
            raise SpecError(f"deal {d.name!r}: budget.holders is {d.budget.holders}; "
                            f"every deal of a portfolio needs the same holders {holders}")
    outcomes = sorted({o.name for d in deals for o in d.contract.outcomes})
    arms = ("treated", "counterfactual", "control")

    # The monthly series are most of a big run's memory (864 MB at 100,000 draws), mapped in below.
    out = {name: _memory.zeros((draws, P, T), dtype=np.float32, populate=False) for name in _MONTHLY}
    out["budget_effect"] = _memory.zeros((draws, P, T, len(holders)), dtype=np.float32, populate=False)
    out["budget_effect_pv"] = np.zeros((draws, P, len(holders)))
    out["budget_cost_pv"] = np.full((draws, P, len(holders), len(arms)), np.nan)
    if monthly_arm_budgets:
        out["budget_cost"] = _memory.full((draws, P, T, len(holders), len(arms)), np.nan, dtype=np.float32)
    for name in _PER_DRAW:
        out[name] = np.zeros((draws, P), dtype=bool if name in ("investor_loss", "guarantee_full_cap")
                             else np.int8 if name == "investor_irr_reason" else np.float64)
    out["outcome_rate"] = np.full((draws, P, len(arms), len(outcomes)), np.nan)
    rate, reason = np.empty(draws), np.empty(draws, dtype=np.int64)  # the portfolio's monthly IRR

    # Mapping the results in takes a core for 0.5 s at 100,000 draws; sampling (0.26 s) needs only the other.
    with _memory.mapped_in_background([out[name] for name in (*_MONTHLY, "budget_effect")]):
        inputs = {} if uncertainty is None else _sample_inputs(uncertainty, draws, seq, params)
        for deal in deals:
            known = deal.programme.parameter_paths + deal.money_paths
            for path in params[deal.name]:
                if path not in known:
                    raise SpecError(f"programme {deal.name!r}: parameter path is {path!r}; "
                                    f"must be one of {', '.join(known)}")
        # Each holder's cost of a person-month, by draw: the engine weighs occupancy with it instead of
        # storing the month x state x band cube (several GB at 100,000 draws). Worked out for all draws
        # here, while the other core is still mapping the results in, not batch by batch in the loop.
        weights = [budget_weights(deal, _engine_and_money(params[deal.name], deal)[1], draws) for deal in deals]
    seconds = {"engine": 0.0, "money": 0.0}
    children = [np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (k,)) for k in range(P)]
    keys = [stream_keys(child) for child in children]
    models = [lower_model(deal.programme) for deal in deals]
    # Every batch allocates and frees the same working arrays: keep their pages in the process.
    with _memory.keep_freed_memory():
        for lo in range(0, draws, batch_size):
            hi = min(draws, lo + batch_size)
            portfolio_flows = np.zeros((hi - lo, T))  # the investor's cash flows summed over the deals
            for k, deal in enumerate(deals):
                p = deal.programme
                run_arms = arms if p.control_size > 0 else arms[:2]
                start = time.perf_counter()
                engine_params, money_params = _engine_and_money(_slice(params[deal.name], lo, hi, draws), deal)
                raw, _ = simulate_arrays(p, np.arange(lo, hi, dtype=np.int64), keys[k], run_arms, engine_params,
                                         threads, weights[k][lo:hi], model=models[k])
                engine = {"arm": list(run_arms), "weight": list(deal.budget.holders),
                          "weighted_occupancy": raw["weighted_occupancy"], "entry_month": raw["entry_month"],
                          "person_measure": raw["records"]}
                middle = time.perf_counter()
                money = deal_flows(deal, engine, money_params, arm_costs=monthly_arm_budgets)
                Tp = p.horizon_months
                for name in _MONTHLY:
                    out[name][lo:hi, k, :Tp] = money[name]
                out["budget_effect"][lo:hi, k, :Tp] = money["budget_effect"]
                portfolio_flows[:, :Tp] += money["investor_cash_flow"]
                out["budget_effect_pv"][lo:hi, k] = money["budget_effect_pv"]
                slots = [arms.index(a) for a in run_arms]
                out["budget_cost_pv"][lo:hi, k][..., slots] = money["budget_cost_pv"]
                if monthly_arm_budgets:
                    out["budget_cost"][lo:hi, k, :Tp][..., slots] = money["budget_cost"].transpose(0, 2, 3, 1)
                for name in _PER_DRAW:
                    out[name][lo:hi, k] = money[name]
                names = [o.name for o in deal.contract.outcomes]
                for a_idx, arm in enumerate(run_arms):
                    for o_idx, o in enumerate(names):
                        out["outcome_rate"][lo:hi, k, arms.index(arm), outcomes.index(o)] = \
                            money["outcome_rate"][:, a_idx, o_idx]
                seconds["engine"] += middle - start
                seconds["money"] += time.perf_counter() - middle
            irr_all(portfolio_flows, rate[lo:hi], reason[lo:hi])
            if progress is not None:
                progress(hi - lo)

    dims = {"budget_effect": ("draw", "programme", "month", "holder"),
            "budget_effect_pv": ("draw", "programme", "holder"),
            "budget_cost": ("draw", "programme", "month", "holder", "arm"),
            "budget_cost_pv": ("draw", "programme", "holder", "arm"),
            "outcome_rate": ("draw", "programme", "arm", "outcome")}
    data = {}
    for name, arr in out.items():
        d = dims.get(name, ("draw", "programme", "month") if name in _MONTHLY else ("draw", "programme"))
        units, text = _ATTRS[name]
        data[name] = (d, arr, {"units": units, "description": text})
    ds = xr.Dataset(data, coords={
        "draw": np.arange(draws), "programme": [d.name for d in deals], "month": np.arange(T),
        "holder": list(holders), "arm": list(arms), "outcome": outcomes,
    })
    if inputs:
        names = list(inputs)
        ds["input_value"] = (("draw", "input"), np.stack([inputs[n] for n in names], axis=1),
                             {"description": "sampled uncertain inputs (programme/path; shocks by name)"})
        ds = ds.assign_coords(input=names)
        ds.attrs["sampling_method"] = uncertainty.method
    ds["guarantee_cap"] = ("programme", [0.0 if d.guarantee is None else d.guarantee.cap_dkk for d in deals],
                           {"units": "DKK"})
    ds["investment"] = ("programme", [d.investor.commitment_dkk for d in deals], {"units": "DKK"})
    # Portfolio totals per draw.
    ds["portfolio_guarantee_draw"] = ds.guarantee_draw.sum("programme").assign_attrs(units="DKK")
    ds["portfolio_municipal_net_pv"] = ds.municipal_net_pv.sum("programme").assign_attrs(units="DKK")
    ds["portfolio_investor_irr"] = ("draw", np.where(reason == 1, -1.0, (1 + rate) ** 12 - 1),
                                    {"units": "1/year", "description": "IRR of the summed investor cash flows"})
    ds["month"].attrs.update(units="month", long_name="months since the start of intake")
    if timings is not None:
        timings.update(seconds)
    ds.attrs.update({
        "portfolio": portfolio.name,
        "investment_limit_dkk": portfolio.investment_limit_dkk,
        "guarantee_exposure_dkk": float(sum(0.0 if d.guarantee is None else d.guarantee.cap_dkk for d in deals)),
        "seed_entropy": str(seq.entropy),
        "seed_spawn_key": str(tuple(seq.spawn_key)),
        "sign_convention": "savings and receipts positive; investor cash flows negative when capital is drawn",
        **_versions.versions(),
    })
    return ds
