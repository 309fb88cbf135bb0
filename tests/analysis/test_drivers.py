"""What drives a result, and the paths the fan chart draws: checked against mathematics, not the code's own output."""

import numpy as np
import pytest
import xarray as xr

import sirisk as sr
from sirisk import plot
from sirisk.analysis.cumulative import cumulative_municipal_net
from sirisk.analysis.drivers import input_effects
from sirisk.scenarios import load


def _constructed(n=40_000, seed=5):
    # y = 3 x1 + noise, x1 and x2 uniform on (0, 1) and independent. In x1's low tenth E[x1] = 0.05, overall
    # 0.5: the low effect is 3 (0.05 - 0.5) = -1.35 and the high +1.35; x2 moves nothing.
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 2))
    y = 3 * x[:, 0] + rng.normal(0, 0.5, n)
    return xr.Dataset({"y": (("draw", "programme"), y[:, None], {"units": "DKK"}),
                       "input_value": (("draw", "input"), x)},
                      coords={"programme": ["a"], "input": ["a/x1", "b/x2"],
                              "input_label": ("input", ["first", "second"])})


def test_input_effects_are_the_tail_means_less_the_mean():
    e = input_effects(_constructed(), "y").sel(programme="a")
    for side, expected in (("low", -1.35), ("high", 1.35)):
        got, se = float(e[side].sel(input="a/x1")), float(e[f"{side}_se"].sel(input="a/x1"))
        assert abs(got - expected) < 4 * se + 0.01, (side, got, se)  # + the tail's quantile, estimated
        got, se = float(e[side].sel(input="b/x2")), float(e[f"{side}_se"].sel(input="b/x2"))
        assert abs(got) < 4 * np.hypot(se, 0.005)
    assert float(e.swing.sel(input="a/x1")) == pytest.approx(2.7, abs=0.05)


def test_input_effects_leave_out_draws_without_a_value():
    ds = _constructed()
    y = ds.y.values.copy()
    y[::2] = np.nan
    e = input_effects(ds.assign(y=(("draw", "programme"), y)), "y").sel(programme="a")
    assert np.isfinite(e.low.values).all() and abs(float(e.low.sel(input="a/x1")) + 1.35) < 0.05


def test_the_fan_chart_ends_at_the_tables_present_value():
    portfolio, uncertainty, _ = load("dsi2021")
    results = sr.evaluate(portfolio, draws=200, rng=3, uncertainty=uncertainty)
    end = cumulative_municipal_net(results).isel(month=-1)
    scale = float(abs(results.municipal_net_pv).max())
    np.testing.assert_allclose(end.values, results.municipal_net_pv.values, atol=1e-5 * scale)
    nominal = cumulative_municipal_net(results, present_value=False).isel(month=-1)
    by_hand = (results.budget_effect.sel(holder="municipality").astype(float)
               - results.outcome_payment.astype(float)).sum("month")
    np.testing.assert_allclose(nominal.values, by_hand.values, rtol=1e-12)
    fig = plot.municipal_net_fan(results)
    assert "present value" in fig._suptitle.get_text()


def test_point_masses_are_marked_on_the_investor_figure():
    assert plot.point_masses([0.0] * 30 + list(np.linspace(0.01, 0.2, 70))) == [(0.0, 0.3)]
    assert plot.point_masses([np.nan, 1.0, 1.0, 2.0], share=0.5) == [(1.0, 2 / 3)]  # of the finite draws
    results = xr.Dataset({"investor_irr": (("draw", "programme"), np.r_[np.zeros(40), np.linspace(-0.1, 0.2, 60)][:, None]),
                          "investor_hurdle": ("programme", [0.05])}, coords={"programme": ["a"]})
    fig = plot.investor_irr(results)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["40% at 0.0 %"]


def test_the_tornado_labels_come_from_the_provenance():
    fig = plot.tornado(_constructed(), outputs=("y",), top=2)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1] == "first" and "b: second" in labels  # another programme's input says whose it is
    assert fig.axes[0].get_xlabel() == "mio. kr."
