"""End to end: evaluate() is reproducible, conserves money, survives netCDF, and makes sense."""

import dataclasses

import numpy as np
import pytest
import xarray as xr
from models import rich_deal, rich_programme

import sirisk as sr
from sirisk.scenarios import load


@pytest.fixture(scope="module")
def results():
    return sr.evaluate(rich_deal(), draws=300, rng=5, batch_size=128)


def test_batches_and_threads_do_not_change_results(results):
    again = sr.evaluate(rich_deal(), draws=300, rng=5, batch_size=300, threads=1)
    xr.testing.assert_identical(results, again)


def test_money_is_conserved(results):
    r = results.sel(programme="rich")
    receipts = r.outcome_payment.sum("month") + r.guarantee_draw - r.guarantor_surplus
    np.testing.assert_allclose(r.investor_receipts, receipts, rtol=1e-6)
    np.testing.assert_allclose(r.investor_cash_flow.sum("month") + r.investor_principal, r.investor_receipts,
                               rtol=1e-5, atol=1.0)  # monthly series are float32
    assert (r.outcome_payment.sum("month") <= 3e6 * (1 + 1e-6)).all()   # the contract cap
    assert (r.guarantee_draw <= 5e6).all()


def test_netcdf_round_trip(results, tmp_path):
    path = tmp_path / "results.nc"
    results.to_netcdf(path, engine="netcdf4")
    with xr.open_dataset(path, engine="netcdf4") as back:
        xr.testing.assert_identical(results, back.load())


def test_summary_has_estimates_and_errors(results):
    table = sr.risk_summary(results, levels=(0.05, 0.01))
    assert set(table.programme.values) == {"rich", "portfolio"}
    assert {"investor_loss_cvar5", "investor_loss_cvar1", "guarantee_draw_var1"} <= set(table.statistic.values)
    assert np.isfinite(table.estimate.sel(statistic="municipal_net_pv_mean")).all()
    assert (table.mc_se.sel(statistic="municipal_net_pv_mean") > 0).all()


def _threshold_deal(effect_hr):
    """A deal that pays only for improvement over the counterfactual: no effect, no payment."""
    p = dataclasses.replace(rich_programme(effect_hr=effect_hr), effects=(
        sr.Effect("work", ["sick_pay->employed", "jobafklaring->employed", "cash_benefit->employed"],
                  hazard_ratio=effect_hr),))
    mechanisms = [sr.Threshold("job", threshold=0.0, payment=1e6, cohorts=((0, 5),), measure_months=(24,),
                               baseline=sr.Baseline("counterfactual"), mode="proportional", full_at=0.2)]
    return rich_deal(programme=p, mechanisms=mechanisms, principal_floor_share=1.0, guarantee_cap=1e6)


def test_no_effect_means_the_investor_loses_and_the_guarantee_is_drawn():
    r = sr.evaluate(_threshold_deal(1.0), draws=200, rng=1).sel(programme="rich")
    # With a hazard ratio of exactly 1 treated equals counterfactual: the improvement is 0, nothing is paid.
    assert (r.outcome_payment.sum("month") == 0).all()
    assert r.investor_loss.all()
    # The principal (1,160,000) is guaranteed in full but the guarantee is capped at 1,000,000.
    assert np.allclose(r.guarantee_draw, 1e6) and r.guarantee_full_cap.all()
    assert np.allclose(r.municipal_net_pv, 0.0)


def test_a_strong_effect_pays_and_saves():
    r = sr.evaluate(_threshold_deal(3.0), draws=200, rng=1).sel(programme="rich")
    assert (r.municipal_saving_pv > 0).mean() > 0.9
    assert (r.outcome_payment.sum("month") > 0).mean() > 0.9


def test_budgets_per_arm_are_consistent_with_the_effect():
    r = sr.evaluate(rich_deal(), draws=20, rng=3, monthly_arm_budgets=True).sel(programme="rich")
    effect = r.budget_cost.sel(arm="counterfactual") - r.budget_cost.sel(arm="treated")
    np.testing.assert_allclose(effect, r.budget_effect, rtol=1e-5, atol=1.0)
    pv = r.budget_cost_pv.sel(arm="counterfactual") - r.budget_cost_pv.sel(arm="treated")
    np.testing.assert_allclose(pv, r.budget_effect_pv, rtol=1e-9)
    assert np.isfinite(r.budget_cost_pv.sel(arm="control")).all()


@pytest.mark.parametrize("deal", [rich_deal, lambda: load("dsi2021")[0].deals[0]], ids=["control", "no control"])
def test_keeping_budgets_per_arm_changes_nothing_else(deal):
    # Without monthly_arm_budgets the costs per arm and month are computed but not kept: the rest is the same.
    kept = sr.evaluate(deal(), draws=20, rng=3, monthly_arm_budgets=True)
    lean = sr.evaluate(deal(), draws=20, rng=3)
    assert "budget_cost" in kept and "budget_cost" not in lean
    xr.testing.assert_identical(kept.drop_vars("budget_cost"), lean)
