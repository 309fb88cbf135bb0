"""Every money kernel against its plain-Python twin (the same source, run by Python) on hypothesis inputs.

The twins come from :func:`sirisk._twins.plain`: what the kernel was compiled from. The formulas themselves
are checked by hand elsewhere (test_payments, test_capital, test_budget, test_tranches, test_guarantee_pool);
here the compiled loops must do exactly what their source says, for any shapes and values.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sirisk._twins import plain
from sirisk.money import kernels as k

MONTHS = st.integers(1, 30)
SETTINGS = settings(max_examples=40, deadline=None)


def _same(kernel, *args, outputs, exact=True):
    """Run ``kernel`` and its twin on the same inputs; ``outputs`` are the indices of the arrays it writes."""
    ours = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    theirs = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    kernel(*ours)
    plain(kernel)(*theirs)
    for j in outputs:
        if exact:
            np.testing.assert_array_equal(ours[j], theirs[j])
        else:
            np.testing.assert_allclose(ours[j], theirs[j], rtol=1e-12, atol=1e-12)


def _months(draw, shape, low=-1, high=29):
    return draw(hnp.arrays(np.int16, shape, elements=st.integers(low, high)))


def _money(draw, shape, high=1e6):
    return draw(hnp.arrays(np.float64, shape, elements=st.floats(0, high)))


@SETTINGS
@given(data=st.data(), D=st.integers(1, 3), N=st.integers(1, 8), counts_months=st.booleans(),
       by_month=st.integers(-1, 20), at_least=st.integers(1, 6))
def test_achievement(data, D, N, counts_months, by_month, at_least):
    values, entry = _months(data.draw, (D, N)), _months(data.draw, (D, N))
    _same(k.achievement, values, entry, counts_months, at_least, by_month, 6, 30, np.empty((D, N), np.int64),
          outputs=[7])


@SETTINGS
@given(data=st.data(), D=st.integers(1, 3), N=st.integers(1, 8), first=st.integers(-1, 10), span=st.integers(0, 10),
       by_month=st.integers(0, 29))
def test_achieved_share_and_mean_count(data, D, N, first, span, by_month):
    achieved, entry = _months(data.draw, (D, N)), _months(data.draw, (D, N))
    _same(k.achieved_share, achieved, entry, first, first + span, by_month, np.empty(D), np.empty(D, np.int64),
          outputs=[5, 6])
    counts = data.draw(hnp.arrays(np.int16, (D, N), elements=st.integers(0, 9)))
    _same(k.mean_count, counts, entry, first, first + span, np.empty(D), np.empty(D, np.int64), outputs=[4, 5])


@SETTINGS
@given(data=st.data(), D=st.integers(1, 3), T=MONTHS, H=st.integers(1, 3), keep=st.booleans())
def test_budget_costs(data, D, T, H, keep):
    A = 3
    weighted = _money(data.draw, (D, A, T, H))
    index, discount = _money(data.draw, (T,), 2.0), _money(data.draw, (T,), 1.0)
    _same(k.budget_costs, weighted, index, discount, 0, 1, np.empty((D, A, T if keep else 0, H)),
          np.empty((D, H, A)), np.empty((D, T, H)), outputs=[5, 6, 7])


@SETTINGS
@given(data=st.data(), D=st.integers(1, 3), N=st.integers(1, 8), T=MONTHS, service=st.integers(0, 40),
       fixed_months=st.integers(0, 40))
def test_programme_costs(data, D, N, T, service, fixed_months):
    entry = _months(data.draw, (D, N), high=T - 1)
    _same(k.programme_costs, entry, 1000.0, 37.5, service, 250.0, fixed_months, np.empty((D, T)), outputs=[6])


@SETTINGS
@given(data=st.data(), D=st.integers(1, 3), N=st.integers(1, 6), O=st.integers(1, 3), T=MONTHS,
       cap=st.sampled_from([-1.0, 0.0, 500.0, 1e9]), lag=st.integers(0, 5))
def test_rate_card(data, D, N, O, T, cap, lag):
    achieved = data.draw(hnp.arrays(np.int64, (D, N, O), elements=st.integers(-1, 29)))
    prices = _money(data.draw, (D, O), 1000.0)
    _same(k.rate_card, achieved, prices, cap, lag, np.empty((D, T)), outputs=[4])


@SETTINGS
@given(data=st.data(), D=st.integers(1, 3), K=st.integers(0, 6), T=MONTHS, cap=st.sampled_from([-1.0, 0.0, 2e5]))
def test_payment_stream(data, D, K, T, cap):
    pay_at = data.draw(hnp.arrays(np.int64, (K,), elements=st.integers(0, 35)))
    _same(k.payment_stream, pay_at, _money(data.draw, (D, K)), _money(data.draw, (D,), 2.0), cap,
          np.empty((D, T)), outputs=[4])


@SETTINGS
@given(data=st.data(), K=st.integers(1, 3), D=st.integers(1, 3), T=MONTHS, pooled=st.booleans(),
       in_order=st.booleans())
def test_waterfall(data, K, D, T, pooled, in_order):
    cost, due = _money(data.draw, (K, D, T)), _money(data.draw, (K, D, T))
    rates = data.draw(hnp.arrays(np.float64, (K,), elements=st.sampled_from([-1.0, 0.0, 0.01])))
    maturity = data.draw(hnp.arrays(np.int64, (K,), elements=st.integers(0, T - 1)))
    floor = data.draw(hnp.arrays(np.float64, (K, D), elements=st.floats(0, 1.2)))
    coupons = data.draw(hnp.arrays(np.float64, (K, T), elements=st.sampled_from([0.0, 0.0, 0.05])))
    caps = data.draw(hnp.arrays(np.float64, (K,), elements=st.sampled_from([0.0, 1e5, np.inf])))
    shares = data.draw(hnp.arrays(np.float64, (K,), elements=st.sampled_from([0.0, 0.2])))
    pool = data.draw(st.floats(0, 1e6)) if pooled else np.inf
    _same(k.waterfall, cost, due, rates, maturity, floor, coupons, caps, shares, pool, in_order, np.empty((K, D, T)),
          np.empty((K, D, T)), np.empty((K, D, T)), np.empty((K, D)), np.empty((K, D)), outputs=[10, 11, 12, 13, 14])


@SETTINGS
@given(data=st.data(), J=st.integers(2, 4), D=st.integers(1, 3), T=MONTHS)
def test_tranche_split(data, J, D, T):
    capital, received = _money(data.draw, (D, T)), _money(data.draw, (D, T))
    weights = data.draw(hnp.arrays(np.float64, (J,), elements=st.floats(0.1, 1.0)))
    rates = data.draw(hnp.arrays(np.float64, (J,), elements=st.sampled_from([0.0, 0.004, 0.01])))
    _same(k.tranche_split, capital, received - capital, weights / weights.sum(), rates, np.empty((J, D, T)),
          outputs=[4])


@SETTINGS
@given(data=st.data(), D=st.integers(1, 3), T=st.integers(2, 60))
def test_irr(data, D, T):
    flows = data.draw(hnp.arrays(np.float64, (D, T), elements=st.floats(-1e6, 1e6) | st.just(0.0)))
    flows[:, 0] = -np.abs(flows[:, 0]) - 1.0  # an investment first, as the investor's flows start
    _same(k.irr_all, flows, np.empty(D), np.empty(D, np.int64), outputs=[1, 2], exact=False)
