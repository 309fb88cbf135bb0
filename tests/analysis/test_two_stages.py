"""Simulate once, settle many: settle(simulate_portfolio()) is evaluate(), bit for bit, and refuses changed paths."""

import dataclasses

import numpy as np
import pytest
import xarray as xr
from checks import assert_spec_error
from models import rich_deal

import sirisk as sr
from sirisk.scenarios import load


@pytest.fixture(scope="module")
def dsi():
    portfolio, uncertainty, _ = load("dsi2021")
    return portfolio, uncertainty


@pytest.fixture(scope="module")
def simulation(dsi):
    portfolio, uncertainty = dsi
    return sr.simulate_portfolio(portfolio, draws=300, rng=11, uncertainty=uncertainty, batch_size=128)


def test_settle_of_a_simulation_is_evaluate_bit_for_bit(dsi, simulation):
    portfolio, uncertainty = dsi
    evaluated = sr.evaluate(portfolio, draws=300, rng=11, uncertainty=uncertainty, batch_size=77)
    xr.testing.assert_identical(sr.settle(portfolio, simulation, batch_size=50), evaluated)


def test_with_a_control_group_and_monthly_arm_budgets_too():
    deal = rich_deal()
    evaluated = sr.evaluate(deal, draws=120, rng=4, monthly_arm_budgets=True, threads=1)
    simulation = sr.simulate_portfolio(deal, draws=120, rng=4, monthly_arm_budgets=True, batch_size=50)
    xr.testing.assert_identical(sr.settle(deal, simulation), evaluated)
    assert "budget_cost" in evaluated and "control" in simulation.deals["rich"].arms


def test_saving_and_loading_a_simulation_changes_nothing(dsi, simulation, tmp_path):
    portfolio, _ = dsi
    path = tmp_path / "simulation.nc"
    simulation.to_netcdf(path)
    back = sr.open_simulation(path)
    assert back.specs == simulation.specs and back.attrs == simulation.attrs
    for name, records in simulation.deals.items():
        other = back.deals[name]
        for arm in records.arm_names:
            np.testing.assert_array_equal(other.arms[arm].entry_month, records.arms[arm].entry_month)
            np.testing.assert_array_equal(other.arms[arm].measures, records.arms[arm].measures)
        for field in ("saving", "saving_pv", "cost_pv"):
            np.testing.assert_array_equal(getattr(other, field), getattr(records, field))
    xr.testing.assert_identical(sr.settle(portfolio, back), sr.settle(portfolio, simulation))
    assert not list(tmp_path.glob(".*tmp*"))  # written whole, no temporary left


def test_ranges_of_draws_are_independent_units_of_work(dsi, simulation):
    portfolio, uncertainty = dsi
    parts = [sr.simulate_portfolio(portfolio, draws=300, rng=11, uncertainty=uncertainty, draw_range=r, threads=1)
             for r in (range(200, 300), range(0, 90), range(90, 200))]
    joined = sr.Simulation.concat(parts)
    xr.testing.assert_identical(sr.settle(portfolio, joined), sr.settle(portfolio, simulation))
    part = sr.settle(portfolio, parts[0])
    assert part.draw.values.tolist() == list(range(200, 300))
    xr.testing.assert_identical(part, sr.settle(portfolio, simulation).sel(draw=slice(200, 299)))


def test_design_terms_change_between_settles_without_simulating_again(dsi, simulation):
    portfolio, _ = dsi
    base = sr.settle(portfolio, simulation)
    dearer = sr.with_terms(portfolio, {"holbaek/contract.mechanisms[0].scale": 2.0,   # twice the payments
                                       "holbaek/investor.return_cap_per_year": 0.2,
                                       "svendborg/guarantee.cap": 1e6})
    changed = sr.settle(dearer, simulation)
    h0, h1 = base.sel(programme="holbaek"), changed.sel(programme="holbaek")
    # Payments due double (no mechanism cap); what is paid moves with the return cap.
    np.testing.assert_allclose(h1.outcome_payment_due, 2 * h0.outcome_payment_due, rtol=1e-6)
    assert (h1.outcome_payments_pv != h0.outcome_payments_pv).any()
    np.testing.assert_array_equal(h1.municipal_saving_pv, h0.municipal_saving_pv)  # the same paths
    assert float(changed.guarantee_draw.sel(programme="svendborg").max()) <= 1e6
    untouched = [v for v in base.data_vars if "programme" in base[v].dims]
    xr.testing.assert_equal(changed[untouched].sel(programme="guldborgsund"),
                                base[untouched].sel(programme="guldborgsund"))


def test_per_draw_results_do_not_depend_on_keeping_the_monthly_series(dsi, simulation):
    portfolio, _ = dsi
    full, lean = sr.settle(portfolio, simulation), sr.settle(portfolio, simulation, monthly=False)
    assert "investor_cash_flow" in full and "investor_cash_flow" not in lean
    xr.testing.assert_identical(full.drop_vars([v for v in full.data_vars if "month" in full[v].dims]).drop_vars("month"),
                                lean)


def test_a_subset_of_the_deals_settles_alone(dsi, simulation):
    portfolio, _ = dsi
    alone = sr.settle(portfolio.deals[1], simulation, monthly=False)
    together = sr.settle(portfolio, simulation, monthly=False)
    np.testing.assert_array_equal(alone.investor_irr.sel(programme="svendborg"),
                                  together.investor_irr.sel(programme="svendborg"))


@pytest.mark.parametrize("change, field", [
    (lambda d: dataclasses.replace(d, programme=dataclasses.replace(d.programme, horizon_months=130)),
     "holbaek/programme.horizon_months is 130; the simulation was run with 120"),
    (lambda d: dataclasses.replace(d, programme=dataclasses.replace(d.programme, transitions=(
        dataclasses.replace(d.programme.transitions[0], probabilities=(0.2,)),) + d.programme.transitions[1:])),
     "holbaek/programme.transitions[0].probabilities[0] is 0.2; the simulation was run with 0.1"),
    (lambda d: dataclasses.replace(d, budget=dataclasses.replace(d.budget, discount_rate_per_year=0.05)),
     "holbaek/budget.discount_rate_per_year is 0.05; the simulation was run with 0.035"),
])
def test_a_changed_programme_or_budget_is_refused_naming_the_field(dsi, simulation, change, field):
    portfolio, _ = dsi
    changed = dataclasses.replace(portfolio, deals=(change(portfolio.deals[0]),) + portfolio.deals[1:])
    assert_spec_error(lambda: sr.settle(changed, simulation), [field, "simulate again"])


def test_a_simulation_of_another_portfolio_is_refused(simulation):
    assert_spec_error(lambda: sr.settle(rich_deal(), simulation),
                      ["programme 'rich' is not in the simulation", "holbaek, svendborg, guldborgsund"])


def test_a_file_that_is_not_a_simulation_is_refused(tmp_path):
    path = tmp_path / "results.nc"
    xr.Dataset({"x": ("a", [1.0])}).to_netcdf(path)
    assert_spec_error(lambda: sr.open_simulation(path), ["not a sirisk simulation file"])
    assert_spec_error(lambda: sr.open_simulation(tmp_path / "none.nc"), ["cannot read a simulation"])


def test_a_simulation_holds_what_it_says(simulation):
    assert simulation.n_draws == 300 and simulation.total_draws == 300
    assert set(simulation.inputs) >= {"holbaek/effects.effect.hazard_ratio", "labour_market"}
    assert simulation.attrs["seed_entropy"] == "11" and simulation.attrs["numba_version"]
    assert "3 programmes" in repr(simulation)
    # Treated and counterfactual arms hold the same people: one array, not two.
    r = simulation.deals["holbaek"]
    assert r.arms["treated"].entry_month is r.arms["counterfactual"].entry_month


def test_what_depends_on_the_simulation_alone_is_written_once_and_shared_read_only(dsi):
    portfolio, uncertainty = dsi
    simulation = sr.simulate_portfolio(portfolio, draws=50, rng=2, uncertainty=uncertainty)
    first, second = sr.settle(portfolio, simulation), sr.settle(portfolio, simulation)
    xr.testing.assert_identical(first, second)
    assert np.shares_memory(first.budget_effect.values, second.budget_effect.values)
    assert not first.budget_effect.values.flags.writeable and not first.programme_cost.values.flags.writeable
    assert first.outcome_payment.values.flags.writeable  # design-dependent series are each settle's own
    # Other cost terms: other programme costs, not the shared ones.
    cheaper = sr.with_terms(portfolio, {"holbaek/costs.per_participant_month": 1_000.0})
    third = sr.settle(cheaper, simulation)
    assert not np.shares_memory(third.programme_cost.values, first.programme_cost.values)
    assert float(third.programme_cost.sel(programme="holbaek").sum()) < float(first.programme_cost.sel(programme="holbaek").sum())
    evaluated = sr.evaluate(portfolio, draws=50, rng=2, uncertainty=uncertainty)
    xr.testing.assert_identical(evaluated, first)
    assert evaluated.budget_effect.values.flags.writeable
