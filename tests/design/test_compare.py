"""compare, sweep and break_even on common random numbers: paired errors, grids, and the deal zone in closed form."""

import numpy as np
import pytest
from checks import assert_spec_error
from models import fee_deal

import sirisk as sr
from sirisk.analysis.summary import paired_difference
from sirisk.scenarios import load


@pytest.fixture(scope="module")
def dsi():
    portfolio, uncertainty, _ = load("dsi2021")
    return portfolio, sr.simulate_portfolio(portfolio, draws=600, rng=21, uncertainty=uncertainty)


def test_paired_errors_of_differences_are_smaller_than_unpaired_ones(dsi):
    portfolio, sim = dsi
    dearer = sr.with_terms(portfolio, {"*/contract.mechanisms[0].scale": 1.3})
    table = sr.compare({"as is": portfolio, "dearer": dearer}, sim)
    d = table.sel(design="dearer")
    for programme in ("holbaek", "svendborg", "guldborgsund"):
        for stat in ("investor_irr_mean", "outcome_payments_pv_mean", "municipal_net_pv_mean", "guarantee_draw_mean"):
            cell = d.sel(programme=programme, statistic=stat)
            # (Guldborgsund's IRR is 0 in every draw under either price: both errors are then exactly 0.)
            assert float(cell.difference_mc_se) <= 0.5 * float(cell.difference_mc_se_unpaired), (programme, stat)
    assert float(d.sel(programme="holbaek", statistic="investor_irr_mean").difference_mc_se_unpaired) > 0
    # The difference is the difference of the estimates (the IRR's leave out the draws where either design
    # has none, so they are compared on the same draws); the reference differs from itself by nothing.
    stats = [s for s in table.statistic.values if not s.startswith("investor_irr")]
    np.testing.assert_allclose(d.difference.sel(statistic=stats),
                               (d.estimate - table.sel(design="as is").estimate).sel(statistic=stats), rtol=1e-9, atol=1e-9)
    assert float(np.nanmax(np.abs(table.sel(design="as is").difference))) == 0.0


def test_compare_agrees_with_settle_and_with_the_paired_formula(dsi):
    portfolio, sim = dsi
    dearer = sr.with_terms(portfolio, {"holbaek/contract.mechanisms[0].scale": 2.0})
    table = sr.compare({"a": portfolio, "b": dearer}, sim)
    a = sr.settle(portfolio, sim, monthly=False).investor_irr.sel(programme="holbaek").values
    b = sr.settle(dearer, sim, monthly=False).investor_irr.sel(programme="holbaek").values
    cell = table.sel(design="b", programme="holbaek", statistic="investor_irr_mean")
    ok = np.isfinite(a) & np.isfinite(b)
    assert float(cell.difference) == pytest.approx(np.mean(b[ok]) - np.mean(a[ok]), rel=1e-9)
    assert float(cell.difference_mc_se) == pytest.approx(np.std(b[ok] - a[ok], ddof=1) / np.sqrt(ok.sum()), rel=1e-9)


def test_the_paired_error_of_a_quantile_difference_covers_the_spread_of_repeated_samples():
    # Pairs (x, x + e) with e small: a difference of medians known far better than either median.
    rng = np.random.default_rng(5)
    diffs, errors = [], []
    for _ in range(300):
        x = rng.normal(size=2000)
        y = x + 0.3 + 0.1 * rng.normal(size=2000)
        d, paired, unpaired = paired_difference(x, y, "quantile", 0.5)
        diffs.append(d)
        errors.append(paired)
        assert paired < 0.6 * unpaired
    assert np.std(diffs) == pytest.approx(np.mean(errors), rel=0.25)  # the reported error is the real spread


def test_a_sweep_is_settle_on_each_point_of_the_grid(dsi):
    portfolio, sim = dsi
    scales, thresholds = [0.5, 1.0, 2.0], [0.0, 0.05]
    grid = sr.sweep(portfolio, sim, {"holbaek/contract.mechanisms[0].scale": scales,
                                     "holbaek/contract.mechanisms[0].threshold": thresholds})
    assert grid.estimate.dims == ("holbaek:contract.mechanisms[0].scale", "holbaek:contract.mechanisms[0].threshold",
                                  "programme", "statistic")
    design = sr.with_terms(portfolio, {"holbaek/contract.mechanisms[0].scale": 2.0,
                                       "holbaek/contract.mechanisms[0].threshold": 0.0})
    settled = sr.settle(design, sim, monthly=False).sel(programme="holbaek")
    cell = grid.estimate.sel(programme="holbaek")[2, 0]
    ok = np.isfinite(settled.investor_irr.values)
    assert float(cell.sel(statistic="investor_irr_mean")) == pytest.approx(settled.investor_irr.values[ok].mean(), rel=1e-12)
    assert float(cell.sel(statistic="p_municipality_overpaid")) == float(settled.municipality_overpaid.mean())
    assert grid.attrs["settle_calls"] == 6
    from sirisk import plot

    fig = plot.tradeoff(grid, programme="holbaek")
    assert len(fig.axes[0].lines) >= 2


def test_the_deal_zone_in_closed_form():
    # Per person: 100,000 in month 0, a fee 12 months later; the treated leave benefit at once and the
    # counterfactual never does, so the municipality saves 10,000 for each of 35 months per person.
    deal = fee_deal(effect=True)
    sim = sr.simulate_portfolio(deal, draws=30, rng=1)
    zone = sr.break_even(deal, sim, term="contract.mechanisms[0].amount", bounds=(0.0, 500_000.0), points=6)
    t = zone.table.sel(programme="fees")
    assert float(t.investor) == pytest.approx(100_000 * 1.05, rel=1e-4)   # NPV at a 5 % hurdle: 0
    assert float(t.municipality) == pytest.approx(350_000, rel=1e-4)      # saving 35 x 10,000 = the fee
    assert bool(t.has_zone) and float(t.zone_low) == float(t.investor) and float(t.zone_high) == float(t.municipality)
    fig = zone.plot()
    assert fig.axes


def test_no_zone_when_the_investor_needs_more_than_the_municipality_accepts():
    deal = fee_deal()  # nothing is saved: the municipality accepts only paying nothing
    sim = sr.simulate_portfolio(deal, draws=20, rng=1)
    zone = sr.break_even(deal, sim, term="contract.mechanisms[0].amount", bounds=(0.0, 500_000.0), points=3,
                         overpay_limit=0.1)
    t = zone.table.sel(programme="fees")
    assert not bool(t.has_zone) and float(t.municipality_accepts) == pytest.approx(0.0, abs=1e-6)
    assert "none" in zone.report()


def test_bad_input_to_the_design_tools(dsi):
    portfolio, sim = dsi
    assert_spec_error(lambda: sr.compare({}, sim), ["designs must map names"])
    assert_spec_error(lambda: sr.compare({"a": portfolio}, sim, reference="b"), ["reference is 'b'"])
    assert_spec_error(lambda: sr.compare({"a": portfolio}, sim, statistics={"x": ("irr", "mean")}),
                      ["variable is 'irr'"])
    assert_spec_error(lambda: sr.sweep(portfolio, sim, {"holbaek/programme.horizon_months": [1, 2]}),
                      ["programme is fixed by the simulation"])
    assert_spec_error(lambda: sr.sweep(portfolio, sim, {"holbaek/contract.mechanisms[0].scale": []}),
                      ["non-empty sequence of finite values"])
    assert_spec_error(lambda: sr.break_even(portfolio, sim, term="holbaek/contract.mechanisms[0].scale"),
                      ["a path within a deal"])
    assert_spec_error(lambda: sr.break_even(portfolio, sim, overpay_limit=2.0), ["overpay_limit is 2.0"])
    other = sr.simulate_portfolio(fee_deal(), draws=10, rng=1)
    assert_spec_error(lambda: sr.compare({"a": portfolio}, other), ["programme 'holbaek' is not in the simulation"])


def test_designs_must_have_the_same_programmes(dsi):
    portfolio, sim = dsi
    assert_spec_error(lambda: sr.compare({"a": portfolio, "b": portfolio.deals[0]}, sim),
                      ["the designs compared must have the programmes"])
