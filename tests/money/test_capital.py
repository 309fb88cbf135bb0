"""Capital stack, floors, guarantee, surplus share and IRR: by hand, and as properties."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.optimize import brentq

import sirisk as sr
from sirisk.money.kernels import _npv_and_slope, irr_monthly, waterfall


def _run(cost, due, cap_year=None, maturity=None, floor=0.0, guarantee_cap=0.0, surplus_share=0.0, coupons=None,
         by_month=False):
    cost, due = np.atleast_2d(np.asarray(cost, float)), np.atleast_2d(np.asarray(due, float))
    D, T = cost.shape
    paid, inv, g = np.empty((D, T)), np.empty((D, T)), np.empty((D, T))
    s, p = np.empty(D), np.empty(D)
    cap = -1.0 if cap_year is None else (1 + cap_year) ** (1 / 12) - 1
    coupons = np.zeros(T) if coupons is None else np.asarray(coupons, float)
    paid, inv, g = paid[None], inv[None], g[None]
    s, p = s[None], p[None]
    waterfall(cost[None], due[None], np.array([cap]), np.array([T - 1 if maturity is None else maturity]),
              np.full((1, D), float(floor)), coupons[None], np.array([float(guarantee_cap)]),
              np.array([float(surplus_share)]), np.inf, False, paid, inv, g, s, p)
    return paid[0, 0], inv[0, 0], (g[0, 0] if by_month else g[0, 0].sum()), s[0, 0], p[0, 0]


def _annual(cf):
    r, reason = irr_monthly(np.asarray(cf, float))
    return (1 + r) ** 12 - 1, reason


def test_return_cap_limits_what_the_municipality_pays():
    # 100 drawn in month 0; 50 due at month 6 and 80 at month 12; claim grows at 10 % a year.
    cost, due = np.zeros(13), np.zeros(13)
    cost[0], due[6], due[12] = 100, 50, 80
    paid, inv, g, s, principal = _run(cost, due, cap_year=0.10)
    # Month 6: claim 100 x 1.1^0.5 = 104.881; pay 50. Month 12: (104.881 - 50) x 1.1^0.5 = 57.559; pay that.
    assert paid[6] == pytest.approx(50)
    assert paid[12] == pytest.approx((100 * 1.1 ** 0.5 - 50) * 1.1 ** 0.5)
    irr, reason = _annual(inv)
    assert reason == 0 and irr == pytest.approx(0.10, abs=1e-12)  # the cap is exactly the investor's return


def test_no_cap_pays_everything_due_until_maturity():
    paid, inv, *_ = _run([100, 0, 0, 0], [0, 60, 60, 60], maturity=2)
    np.testing.assert_allclose(paid, [0, 60, 60, 0])  # due after maturity is not paid


def test_principal_floor_is_covered_by_the_guarantee_up_to_its_cap():
    # 100 drawn, 20 received; floor 50 % -> shortfall 30.
    paid, inv, g, s, p = _run([100, 0, 0], [0, 20, 0], floor=0.5, guarantee_cap=50)
    assert g == 30 and inv[-1] == 30 and inv.sum() == pytest.approx(-50)
    paid, inv, g, s, p = _run([100, 0, 0], [0, 20, 0], floor=0.5, guarantee_cap=10)
    assert g == 10 and inv.sum() == pytest.approx(-70)


def test_yearly_coupons_are_topped_up_on_their_dates():
    # 100 drawn in month 0; a 5 % coupon at months 11 and 23, all the principal back at maturity (35).
    # 3 received in month 5. Month 11: entitled to 5, has 3: 2 topped up. Month 23: entitled to 10, has
    # 3 + 2: 5 more. Month 35: entitled to 100 + 10, has 3 + 7: 100 more. 107 in all.
    coupons = np.zeros(36)
    coupons[[11, 23]] = 0.05
    due = np.zeros(36)
    due[5] = 3
    paid, inv, g, s, p = _run(np.eye(1, 36, 0)[0] * 100, due, floor=1.0, guarantee_cap=1e6, coupons=coupons,
                              by_month=True)
    expected = np.zeros(36)
    expected[11], expected[23], expected[35] = 2, 5, 100
    np.testing.assert_allclose(g, expected)
    assert inv[0] == -100 and inv[5] == 3 and inv[11] == 2 and inv[23] == 5 and inv[35] == 100
    # Outcome payments that already cover the coupons leave nothing to top up until maturity.
    due[5] = 20
    paid, inv, g, s, p = _run(np.eye(1, 36, 0)[0] * 100, due, floor=1.0, guarantee_cap=1e6, coupons=coupons,
                              by_month=True)
    assert g[11] == 0 and g[23] == 0 and g[35] == 90
    # A cap of 4 in all: 2 at month 11, the last 2 at month 23, nothing at maturity.
    due[5] = 3
    paid, inv, g, s, p = _run(np.eye(1, 36, 0)[0] * 100, due, floor=1.0, guarantee_cap=4, coupons=coupons,
                              by_month=True)
    assert g[11] == 2 and g[23] == 2 and g[35] == 0


def test_interest_floor_for_a_period():
    terms = sr.InvestorTerms(commitment=100, principal_floor_share=1.0, interest_floor_per_year=0.05,
                             interest_floor_years=3)
    # At least the principal plus 5 % a year for 3 years: 100 x 1.05^3 = 115.7625.
    assert terms.floor(100) == pytest.approx(115.7625)
    paid, inv, g, s, p = _run([100, 0, 0], [0, 100, 0], floor=terms.floor(1.0), guarantee_cap=5e6)
    assert g == pytest.approx(15.7625)


def test_surplus_share_goes_to_the_guarantor_as_received():
    # 100 drawn; 80 then 70 received: cumulative 150, profit 50 above principal, 20 % share = 10.
    paid, inv, g, s, p = _run([100, 0, 0], [0, 80, 70], surplus_share=0.2)
    assert s == pytest.approx(10)
    np.testing.assert_allclose(inv, [-100, 80, 60])


def test_irr_special_cases():
    assert _annual([-100, 0, 0]) == (-1.0, 1)           # total loss: -100 %
    r, reason = _annual([100, 50, 0])
    assert np.isnan(r) and reason == 2                  # no investment: no IRR
    r, reason = _annual([-100, 230, -132])              # roots at 10 % and 20 % a month
    assert np.isnan(r) and reason == 3
    r, reason = _annual([0, 0, 0])
    assert np.isnan(r) and reason == 4
    # Two sign changes in the flows, but the running totals change sign once: one root (about 8 %).
    r, reason = _annual([-100, 60, -10, 60])
    assert reason == 0 and r == pytest.approx((1 + brentq(lambda x: -100 + 60 / (1 + x) - 10 / (1 + x) ** 2
                                                          + 60 / (1 + x) ** 3, 0, 1)) ** 12 - 1)
    # Repaid, then a surplus share paid out at the end: two real roots, one each side of 0. Receipts
    # exceed outlays (105 for 100), so the return is the root above 0; the other is near -100 %.
    flows = [-100] + [0] * 5 + [120] + [0] * 5 + [-15]
    r, reason = _annual(flows)
    npv = lambda x: sum(c / (1 + x) ** t for t, c in enumerate(flows))  # noqa: E731
    assert npv(-0.5) < 0 < npv(0.0) and npv(1.0) < 0                   # the two roots, by hand
    assert reason == 5 and r == pytest.approx((1 + brentq(npv, 0.0, 1.0)) ** 12 - 1)
    # Two roots above 0 although the flows lose money: no side of 0 to choose, so no IRR.
    r, reason = _annual([-100, 230, -132])
    assert np.isnan(r) and reason == 3
    assert _annual([-100] + [0] * 11 + [110]) == (pytest.approx(0.10, abs=1e-12), 0)


@given(cost=st.lists(st.floats(0, 1e6), min_size=1, max_size=8),
       receipts=st.lists(st.floats(0, 1e6), min_size=1, max_size=30))
@example(cost=[1.0], receipts=[1.0, 6.695900177968543e-156])  # root ~1e-155: 1 + r == 1 (was 2.5 %)
def test_irr_solves_npv_and_agrees_with_brentq(cost, receipts):
    cf = np.zeros(len(cost) + len(receipts))
    cf[:len(cost)] -= cost
    cf[len(cost):] += receipts
    r, reason = irr_monthly(cf)
    if reason != 0:
        return
    npv = lambda x: sum(c / (1 + x) ** t for t, c in enumerate(cf))  # noqa: E731
    scale = np.abs(cf).sum()
    assert abs(npv(r)) <= 1e-9 * scale
    lo, hi = -0.99, 10.0
    if npv(lo) * npv(hi) < 0:
        assert r == pytest.approx(brentq(npv, lo, hi, xtol=1e-14), abs=1e-9)


@given(cf=st.lists(st.floats(-1e3, 1e3).map(lambda x: round(x)), min_size=3, max_size=14))
def test_irr_on_the_money_multiples_side_is_the_only_root_there(cf):
    # Where the flows have roots on both sides of 0, the IRR is the one on the side the flows' total
    # puts it (above 0 when receipts exceed outlays), and it must be the only root on that side.
    cf = np.array(cf, dtype=float)
    r, reason = irr_monthly(cf)
    if reason != 5:
        return
    total = cf.sum()
    assert total != 0 and np.sign(r) == np.sign(total)
    npv = lambda x: sum(c / (1 + x) ** t for t, c in enumerate(cf))  # noqa: E731
    assert abs(npv(r)) <= 1e-8 * np.abs(cf).sum() / min(1.0, (1 + r) ** len(cf))
    # The only root on that side: the NPV changes sign once on a fine grid there.
    grid = np.linspace(1e-9, 20.0, 40_001) if total > 0 else -np.linspace(1e-9, 0.999, 40_001)
    signs = np.sign([npv(x) for x in grid])
    signs = signs[signs != 0]
    assert np.count_nonzero(signs[1:] != signs[:-1]) == 1


@given(cf=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40), rate=st.floats(-0.95, 3.0))
def test_npv_slope_is_the_derivative_of_the_sign_form(cf, rate):
    # The IRR's Newton steps need the derivative of the very form whose root they seek: by hand, per form.
    T = len(cf)
    if rate >= 0:  # present value
        value = sum(c * (1 + rate) ** -t for t, c in enumerate(cf))
        slope = sum(-t * c * (1 + rate) ** (-t - 1) for t, c in enumerate(cf))
    else:  # value at the last month
        value = sum(c * (1 + rate) ** (T - 1 - t) for t, c in enumerate(cf))
        slope = sum((T - 1 - t) * c * (1 + rate) ** (T - 2 - t) for t, c in enumerate(cf))
    v, s = _npv_and_slope(np.array(cf), rate)
    size = sum(abs(c) for c in cf) * (T + 1) / min(1.0, 1.0 + rate)
    assert v == pytest.approx(value, rel=1e-9, abs=1e-12 * size)
    assert s == pytest.approx(slope, rel=1e-9, abs=1e-12 * size)


@given(cost=st.lists(st.floats(0, 1e6), min_size=24, max_size=24),
       due=st.lists(st.floats(0, 1e6), min_size=24, max_size=24),
       cap_year=st.none() | st.floats(0, 0.3), floor=st.floats(0, 1.2), guarantee_cap=st.floats(0, 5e6),
       surplus=st.floats(0, 1), maturity=st.integers(1, 23), coupon=st.floats(0, 0.1))
def test_waterfall_conserves_money_and_respects_caps(cost, due, cap_year, floor, guarantee_cap, surplus, maturity,
                                                     coupon):
    coupons = np.zeros(24)
    coupons[[11, 23]] = coupon  # yearly coupons; one after maturity is not paid
    paid, inv, by_month, s, principal = _run(cost, due, cap_year, maturity, floor, guarantee_cap, surplus, coupons,
                                             by_month=True)
    g = by_month.sum()
    assert np.all(by_month >= 0) and np.all(by_month[maturity + 1:] == 0)
    # The floor holds where the cap allows: the investor has at least its coupons and floor, or the whole cap.
    kept = paid.sum() - s + g
    drawn = np.cumsum(cost)  # floors and coupons are on the capital drawn by their dates
    entitled = floor * drawn[maturity] + coupon * drawn[11] * (maturity >= 11)
    assert kept >= min(entitled, paid.sum() - s + guarantee_cap) * (1 - 1e-9) - 1e-6
    assert 0 <= g <= guarantee_cap * (1 + 1e-12)
    assert np.all(paid >= 0) and np.all(paid <= np.array(due) + 1e-9)
    assert np.all(paid[maturity + 1:] == 0)
    # Investor receipts = outcome payments + guarantee draws - surplus share, and nothing else.
    assert inv.sum() + principal == pytest.approx(paid.sum() + g - s, rel=1e-9, abs=1e-3)
    assert principal == pytest.approx(sum(cost))
