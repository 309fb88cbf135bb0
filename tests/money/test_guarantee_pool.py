"""One guarantee pool shared across a portfolio, worked by hand, and its invariants.

Two deals on the programme of docs/measured.md ("pilot" and "other"): each draws 400,000 (months 0 and 1)
and achieves nothing, so each floor of all the principal asks its guarantee for 400,000 at maturity.
"""

import dataclasses

import numpy as np
import pytest
from docs_pilot import docs_pilot
from hypothesis import given, settings
from hypothesis import strategies as st

import sirisk as sr
from sirisk.money.kernels import waterfall

CARD = sr.RateCard({"job": 60_000})
NOBODY = dict(enrolment_months=[0, 0, 1, 1], achieved={"job": [-1] * 4, "off_benefit": [-1] * 4})


@pytest.fixture(scope="module")
def pilot():
    return docs_pilot()


def _pair(pilot, pool, first=None, second=None, rule="pro_rata"):
    a = pilot(CARD, guarantee=sr.Guarantee(cap=400_000), **({"principal_floor_share": 1.0} | (first or {})))
    b = pilot(CARD, guarantee=sr.Guarantee(cap=400_000), **({"principal_floor_share": 1.0} | (second or {})))
    b = dataclasses.replace(b, programme=dataclasses.replace(b.programme, name="other"))
    portfolio = sr.Portfolio("pair", [a, b], guarantee_pool_cap=pool, guarantee_pool_rule=rule)
    return sr.settle(portfolio, [sr.Measured("pilot", **NOBODY), sr.Measured("other", **NOBODY)]).sel(draw=0)


def _draws(r):
    return {p: {t: float(v) for t, v in enumerate(r.investor_cash_flow.sel(programme=p).values) if v > 0}
            for p in ("pilot", "other")}


def test_requests_in_the_same_month_share_what_is_left_in_proportion(pilot):
    r = _pair(pilot, pool=500_000)
    assert r.guarantee_draw.values.tolist() == [250_000, 250_000]
    assert float(r.portfolio_guarantee_draw) == 500_000
    assert r.attrs["guarantee_pool_cap"] == 500_000 and r.attrs["guarantee_exposure_total"] == 500_000


def test_in_order_the_first_deal_is_served_in_full_first(pilot):
    r = _pair(pilot, pool=500_000, rule="in_order")
    assert r.guarantee_draw.values.tolist() == [400_000, 100_000]
    r = _pair(pilot, pool=300_000, rule="in_order")
    assert r.guarantee_draw.values.tolist() == [300_000, 0]
    with pytest.raises(sr.SpecError, match=r"guarantee_pool_rule is 'first'; must be one of \('pro_rata', 'in_order'\)"):
        _pair(pilot, pool=300_000, rule="first")


def test_an_earlier_maturity_draws_first(pilot):
    # "pilot" matures in month 23 and takes 400,000; "other" finds 100,000 left at month 35.
    r = _pair(pilot, pool=500_000, first=dict(maturity_month=23))
    assert _draws(r) == {"pilot": {23: 400_000}, "other": {35: 100_000}}


def test_a_pool_above_the_requests_changes_nothing(pilot):
    pooled, alone = _pair(pilot, pool=10e6), _pair(pilot, pool=None)
    for v in ("investor_cash_flow", "guarantee_draw", "investor_irr", "guarantee_cost_pv"):
        np.testing.assert_array_equal(pooled[v], alone[v])


def test_coupons_draw_on_the_pool_as_they_fall_due(pilot):
    # "pilot" has a yearly 5 % interest floor and no principal floor: 20,000 on 400,000 at months 11, 23, 35.
    # With a pool of 100,000: 20,000 and 20,000, then at maturity 60,000 left for 20,000 + 400,000 asked,
    # cut by 60/420.
    coupons = dict(principal_floor_share=0.0, interest_floor_per_year=0.05, interest_floor_years=3,
                   interest_floor_paid="yearly")
    r = _pair(pilot, pool=100_000, first=coupons)
    assert _draws(r)["pilot"] == pytest.approx({11: 20_000, 23: 20_000, 35: 20_000 * 60 / 420})
    assert _draws(r)["other"] == pytest.approx({35: 400_000 * 60 / 420})
    assert float(r.portfolio_guarantee_draw) == pytest.approx(100_000)


def test_a_payer_funded_floor_is_outside_the_pool(pilot):
    r = _pair(pilot, pool=100_000, second=dict(floor_funded_by="payer"))
    assert r.guarantee_draw.values.tolist() == [100_000, 0]
    assert float(r.floor_payment.sel(programme="other")) == 400_000


def test_a_pool_is_checked_by_name(pilot):
    deal = pilot(CARD)
    with pytest.raises(sr.SpecError, match=r"guarantee_pool_cap is 1000000.0; a pool needs at least one deal whose "
                                           r"floors a guarantee covers"):
        sr.Portfolio("p", [deal], guarantee_pool_cap=1e6)
    with pytest.raises(sr.SpecError, match=r"guarantee_pool_cap is -1.0"):
        sr.Portfolio("p", [pilot(CARD, guarantee=sr.Guarantee(cap=1.0), principal_floor_share=1.0)],
                     guarantee_pool_cap=-1.0)


def _run(cost, due, floor, caps, maturity, pool, coupons, in_order=False):
    K, D, T = cost.shape
    paid, inv, sup = np.empty((K, D, T)), np.empty((K, D, T)), np.empty((K, D, T))
    surplus, principal = np.empty((K, D)), np.empty((K, D))
    waterfall(cost, due, np.full(K, -1.0), maturity, floor, coupons, caps, np.full(K, 0.2), pool, in_order,
              paid, inv, sup, surplus, principal)
    return paid, inv, sup, surplus


@settings(max_examples=60, deadline=None)
@given(data=st.data(), K=st.integers(1, 4), T=st.integers(2, 24))
def test_pooled_draws_stay_within_every_cap_and_conserve_cash(data, K, T):
    D = 2
    money = st.floats(0, 1e6)
    cost = np.array(data.draw(st.lists(money, min_size=K * D * T, max_size=K * D * T))).reshape(K, D, T)
    due = np.array(data.draw(st.lists(money, min_size=K * D * T, max_size=K * D * T))).reshape(K, D, T)
    due *= np.array(data.draw(st.lists(st.booleans(), min_size=K * D * T, max_size=K * D * T))).reshape(K, D, T)
    floor = np.array(data.draw(st.lists(st.floats(0, 1.2), min_size=K * D, max_size=K * D))).reshape(K, D)
    caps = np.array(data.draw(st.lists(money, min_size=K, max_size=K)))
    maturity = np.array(data.draw(st.lists(st.integers(0, T - 1), min_size=K, max_size=K)), dtype=np.int64)
    coupons = np.zeros((K, T))
    if T > 12:
        coupons[:, 11] = data.draw(st.floats(0, 0.1))
    pool, in_order = data.draw(money), data.draw(st.booleans())
    paid, inv, sup, surplus = _run(cost, due, floor, caps, maturity, pool, coupons, in_order)
    _, _, alone, _ = _run(cost, due, floor, caps, maturity, np.inf, coupons)
    drawn = sup.sum(axis=2)
    assert np.all(sup >= 0)
    assert np.all(drawn.sum(axis=0) <= pool * (1 + 1e-12) + 1e-6)  # the pool holds
    assert np.all(drawn <= caps[:, None] * (1 + 1e-12) + 1e-6)      # and every deal's own cap
    assert np.all(drawn <= alone.sum(axis=2) * (1 + 1e-12) + 1e-6)  # a pool never adds to a deal's draw
    # Each deal's cash: what the investor nets is the payments and draws less the surplus share and capital.
    np.testing.assert_allclose(inv.sum(axis=2), paid.sum(axis=2) + drawn - surplus - cost.sum(axis=2),
                               rtol=1e-9, atol=1e-3)
    if alone.sum() <= pool:  # a pool that is never short changes nothing
        np.testing.assert_array_equal(sup, alone)


def test_the_design_evaluator_settles_a_pool_together():
    from sirisk.design.evaluator import DesignEvaluator
    from sirisk.design.metrics import parse_metric
    from sirisk.scenarios import load

    portfolio, uncertainty, _ = load("dsi2021")
    portfolio = dataclasses.replace(portfolio, guarantee_pool_cap=6e6)
    sim = sr.simulate_portfolio(portfolio, draws=40, rng=5, uncertainty=uncertainty)
    metrics = [parse_metric(f"{d.name}/guarantee_draw", portfolio) for d in portfolio.deals]
    evaluator = DesignEvaluator(portfolio, sim, metrics[:1])  # asks for one deal: the pool settles all
    lower = sr.with_terms(portfolio, {"svendborg/guarantee.cap": 1e6})
    got = [evaluator.values(design)[metrics[0]] for design in (portfolio, lower, portfolio)]
    for design, values in zip((portfolio, lower, portfolio), got):
        np.testing.assert_array_equal(values, sr.settle(design, sim).guarantee_draw.isel(programme=0).values)
    assert not np.array_equal(got[0], got[1])  # the pool binds: another deal's cap moves this deal's draw
    assert sr.settle(portfolio, sim).portfolio_guarantee_draw.max() <= 6e6 * (1 + 1e-12)


def test_a_pool_that_cannot_bind_is_warned_about(pilot):
    def pair(pool):
        a = pilot(CARD, guarantee=sr.Guarantee(cap=400_000), principal_floor_share=1.0)
        b = dataclasses.replace(a, programme=dataclasses.replace(a.programme, name="other"))
        return sr.Portfolio("pair", [a, b], guarantee_pool_cap=pool)

    assert pair(500_000).warnings == ()
    assert pair(800_000).warnings == ("portfolio 'pair': guarantee_pool_cap is 800,000; the pooled guarantees' caps "
                                      "sum to 800,000, so the pool never binds",)
