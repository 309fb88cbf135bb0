"""Numba kernels of the money layer: arrays in, arrays out, parallel over draws.

Each is checked against hand-computed examples (and the IRR against scipy),
and against its plain-Python twin, the same source run by Python
(:func:`sirisk._twins.plain`), on hypothesis inputs (tests/money/test_kernels.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["achievement", "achieved_share", "budget_costs", "programme_costs", "rate_card", "payment_stream", "waterfall", "tranche_split",
           "irr_monthly", "irr_all", "IRR_REASONS"]

# Why an IRR is what it is. 0: a root was found; 1: total loss (-100 %); 2: no sign change in the
# cash flows (no root: NaN); 3: several roots possible (NaN, never a wrong number); 4: no cash flows;
# 5: the one root on the side of 0 where the money multiple puts the return (another lies beyond 0).
IRR_REASONS = ("ok", "total loss", "no sign change", "several roots", "no cash flows",
               "root on the money multiple's side of 0")


@njit(cache=True, parallel=True)
def achievement(values, entry, counts_months, at_least, by_month, window_end, horizon, out):
    """Calendar month each person achieved an outcome (-1: not), from a measure column [D, N].

    Event measures (``counts_months`` False) fire at ``entry + value`` if
    ``value >= 0`` and, when ``by_month >= 0``, ``value <= by_month``. Month
    counts achieve with ``value >= at_least`` at the end of their window
    (``entry + window_end``), or at the horizon's last month if sooner.
    """
    D, N = values.shape
    for d in prange(D):
        for i in range(N):
            e = np.int64(entry[d, i])
            v = np.int64(values[d, i])
            month = -1
            if e >= 0:
                if counts_months:
                    if v >= at_least:
                        month = min(e + window_end, horizon - 1)
                elif v >= 0 and (by_month < 0 or v <= by_month):
                    month = e + v
            out[d, i] = month


@njit(cache=True, parallel=True)
def achieved_share(achieved, entry, first, last, by_month, share, members):
    """Share of the people enrolled in months [first, last] who achieved by calendar month ``by_month``.

    ``achieved`` and ``entry`` are [D, N] months (-1: not achieved, not
    enrolled). Writes ``members[d]``, the people enrolled in those months,
    and ``share[d]`` = achievers / members, NaN where nobody enrolled. One
    pass over the people (numpy's boolean masks took five). The tests are
    counted, not branched on (whether a person counts is random, so
    branches mispredict), and the compiler vectorises the pass when the
    arrays are contiguous (keep the entry months contiguous).
    """
    D, N = achieved.shape
    for d in prange(D):
        n = 0
        hits = 0
        for i in range(N):
            e = entry[d, i]
            a = achieved[d, i]
            member = (first <= e) & (e <= last)
            n += member
            hits += member & (0 <= a) & (a <= by_month)
        members[d] = n
        share[d] = hits / n if n > 0 else np.nan


@njit(cache=True, parallel=True)
def mean_count(counts, entry, first, last, mean, members):
    """Mean count per person among the people enrolled in months [first, last].

    ``counts`` and ``entry`` are [D, N] (a count per person; entry month, -1
    for a slot nobody filled). Writes ``members[d]`` and ``mean[d]``, NaN
    where nobody enrolled. The counted form of :func:`achieved_share`.
    """
    D, N = counts.shape
    for d in prange(D):
        n = 0
        total = 0
        for i in range(N):
            e = entry[d, i]
            member = (first <= e) & (e <= last)
            n += member
            total += member * counts[d, i]
        members[d] = n
        mean[d] = total / n if n > 0 else np.nan


@njit(cache=True, parallel=True)
def budget_costs(weighted, index, discount, treated, counterfactual, out, pv, effect):
    """Costs per holder indexed to each month, their present values, and the saving.

    ``out[d, a, t, h] = weighted[d, a, t, h] x index[t]`` (``weighted``: cost
    per holder at base-year prices, from occupancy weighed by the budget),
    ``pv[d, h, a] = sum over t of out[d, a, t, h] x discount[t]`` and
    ``effect[d, t, h] = out[d, counterfactual, t, h] - out[d, treated, t, h]``.
    An ``out`` with no months (shape ``[D, A, 0, H]``) is not written: the
    costs per arm and month are then only computed, not kept (a 100,000-draw
    run would write 2.9 GB it does not need). One parallel pass over the
    draws: numpy took three, on one core.
    """
    D, A, T, H = weighted.shape
    keep = out.shape[2] == T
    for d in prange(D):
        for a in range(A):
            # Each present value in a local sum, not in pv itself (which the compiler must assume
            # may alias weighted, so re-reads).
            for h in range(H):
                acc = 0.0
                for t in range(T):
                    acc += weighted[d, a, t, h] * index[t] * discount[t]
                pv[d, h, a] = acc
            if keep:
                for t in range(T):
                    for h in range(H):
                        out[d, a, t, h] = weighted[d, a, t, h] * index[t]
        for t in range(T):
            for h in range(H):
                effect[d, t, h] = (weighted[d, counterfactual, t, h] * index[t]
                                   - weighted[d, treated, t, h] * index[t])


@njit(cache=True, parallel=True)
def programme_costs(entry_month, per_enrolment, per_participant_month, service_months, fixed_per_month,
                    fixed_months, out):
    """out[d, t] = cost in month t: enrolments, people in service, fixed costs."""
    D, T = out.shape
    N = entry_month.shape[1]
    for d in prange(D):
        in_service = np.zeros(T + 1)
        for t in range(T):
            out[d, t] = fixed_per_month if t < fixed_months else 0.0
        for i in range(N):
            e = entry_month[d, i]
            if e < 0:
                continue
            out[d, e] += per_enrolment
            in_service[e] += 1.0
            in_service[min(e + service_months, T)] -= 1.0
        running = 0.0
        for t in range(T):
            running += in_service[t]
            out[d, t] += per_participant_month * running


@njit(cache=True, parallel=True)
def rate_card(achieved_month, prices, person_cap, lag, out):
    """Rate-card payments out[d, t] from achievement months [d, person, outcome] (-1: not achieved), prices [d, outcome].

    A person's outcomes are paid in time order (ties in outcome order) until
    the sum of their prices reaches ``person_cap`` (< 0: no cap); payment
    falls ``lag`` months after achievement and is dropped past the horizon.
    """
    D, N, O = achieved_month.shape
    T = out.shape[1]
    for d in prange(D):
        for t in range(T):
            out[d, t] = 0.0
        done = np.zeros(O, dtype=np.bool_)
        for i in range(N):
            paid = 0.0
            for o in range(O):
                done[o] = achieved_month[d, i, o] < 0
            while True:  # next outcome in time order
                best = -1
                for o in range(O):
                    if not done[o] and (best < 0 or achieved_month[d, i, o] < achieved_month[d, i, best]):
                        best = o
                if best < 0:
                    break
                done[best] = True
                price = prices[d, best]
                if person_cap >= 0.0:
                    price = min(price, person_cap - paid)
                paid += price
                t = achieved_month[d, i, best] + lag
                if t < T and price > 0.0:
                    out[d, t] += price


@njit(cache=True, parallel=True)
def payment_stream(pay_at, amounts, scale, cap, out):
    """Payments by month out[d, t]: amounts[d, k] due in month pay_at[k], times scale[d], capped in total.

    Amounts due in the same month are added in the order of k; those due at
    or past the horizon are dropped. Each month's sum is multiplied by
    ``scale[d]``; then, if ``cap >= 0``, the stream is cut so that its
    running total never exceeds ``cap`` (month t pays min(total to t, cap)
    - min(total to t - 1, cap)). The same numbers as building the stream,
    scaling and capping it in numpy (:func:`~sirisk.money.payments.capped`),
    in one pass over the draws instead of five over [D, T] arrays.
    """
    D, T = out.shape
    for d in prange(D):
        for t in range(T):
            out[d, t] = 0.0
        for k in range(pay_at.shape[0]):
            if pay_at[k] < T:
                out[d, pay_at[k]] += amounts[d, k]
        running = 0.0
        paid_before = 0.0  # min(running total to the month before, cap)
        for t in range(T):
            pay = out[d, t] * scale[d]
            if cap >= 0.0:
                running += pay
                paid_to_now = min(running, cap)
                pay = paid_to_now - paid_before
                paid_before = paid_to_now
            out[d, t] = pay


@njit(cache=True)
def _waterfall_month(state, cost, due, cap_rate_month, t, maturity, floor_per_principal, coupon_rate,
                     guarantee_cap, surplus_share):
    """One deal's month before its funder pays: (state, paid, investor's flow, top-up asked for).

    ``state`` is (claim, drawn, received, shared, coupons, topped): the
    investor's capped claim, capital drawn, outcome payments received,
    surplus passed to the guarantor, interest floor due and top-ups paid so far.
    """
    claim, drawn, received, shared, coupons, topped = state
    drawn += cost
    if cap_rate_month >= 0.0:
        claim = claim * (1.0 + cap_rate_month) + cost
    pay = due if t <= maturity else 0.0
    if cap_rate_month >= 0.0:
        pay = min(pay, max(claim, 0.0))
        claim -= pay
    received += pay
    share = max(surplus_share * max(received - drawn, 0.0) - shared, 0.0)
    shared += share
    coupons += coupon_rate * drawn
    entitled = coupons + (floor_per_principal * drawn if t == maturity else 0.0)
    asked = 0.0
    if t <= maturity and (coupon_rate > 0.0 or t == maturity):
        asked = min(max(entitled - (received - shared + topped), 0.0), guarantee_cap - topped)
    return (claim, drawn, received, shared, coupons, topped), pay, pay - share - cost, asked


@njit(cache=True, parallel=True)
def waterfall(cost, due, cap_rate_month, maturity, floor_per_principal, coupon_rate, guarantee_cap, surplus_share,
              pool_cap, pool_in_order, paid, investor, support, surplus, principal):
    """Investor capital, capped repayment, surplus share, floors covered by their funder: deals settled together.

    Each deal ``k`` runs its own waterfall; they meet only in a guarantee
    pool: its draws, summed over the deals, never exceed ``pool_cap``. In a
    month whose requests exceed what is left of the pool, each is cut in
    proportion, or (``pool_in_order``) the deals are served in their order
    until the pool is empty; what a deal did not get, it asks for again on a
    later coupon date or at maturity, like any shortfall.

    Parameters
    ----------
    cost, due : [K, D, T]
        Programme costs (capital drawn) and outcome payments due, per deal.
    cap_rate_month : [K]
        Monthly growth of the investor's claim (< 0: no return cap).
    maturity : [K] int
        Settlement month; payments due after it are not made.
    floor_per_principal : [K, D]
        Amount the investor is entitled to at maturity per unit of principal,
        coupons aside (per draw: a floor can step with an outcome).
    coupon_rate : [K, T]
        Interest floor due in each month per unit of capital drawn by then (0
        but on coupon dates). By each coupon date the investor is entitled to
        the coupons due so far, and at maturity to them and its floor.
    guarantee_cap : [K]
        The most the funder pays a deal in all (inf: a payer that tops up in full).
    surplus_share : [K]
        Share of every receipt that lifts the investor's cumulative receipts
        above the capital drawn so far, paid to the guarantor as received.
    pool_cap : float
        The most all the deals' funders pay in all (inf: no pool).
    pool_in_order : bool
        A month the pool cannot cover serves the deals in order (False: in proportion).

    Outputs: ``paid`` [K, D, T] (payer -> investor), ``investor`` [K, D, T]
    (investor's net cash flow), ``support`` [K, D, T] (the funder's top-ups
    to the floor, by month), ``surplus``, ``principal`` [K, D].
    """
    K, D, T = cost.shape
    if K == 1 and pool_cap == np.inf:  # one deal on its own: its state stays in registers
        for d in prange(D):
            state = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            for t in range(T):
                state, pay, flow, g = _waterfall_month(state, cost[0, d, t], due[0, d, t], cap_rate_month[0], t,
                                                       maturity[0], floor_per_principal[0, d], coupon_rate[0, t],
                                                       guarantee_cap[0], surplus_share[0])
                claim, drawn, received, shared, coupons, topped = state
                state = (claim, drawn, received, shared, coupons, topped + g)
                paid[0, d, t] = pay
                investor[0, d, t] = flow + g
                support[0, d, t] = g
            surplus[0, d] = state[3]
            principal[0, d] = state[1]
        return
    states = np.zeros((D, K, 6))  # per draw and deal: the state of _waterfall_month
    asked = np.zeros((D, K))
    for d in prange(D):
        pooled = 0.0  # drawn on the pool so far
        for t in range(T):
            requested = 0.0
            for k in range(K):
                s = states[d, k]
                state, pay, flow, g = _waterfall_month((s[0], s[1], s[2], s[3], s[4], s[5]), cost[k, d, t],
                                                       due[k, d, t], cap_rate_month[k], t, maturity[k],
                                                       floor_per_principal[k, d], coupon_rate[k, t],
                                                       guarantee_cap[k], surplus_share[k])
                for q in range(6):
                    s[q] = state[q]
                paid[k, d, t] = pay
                investor[k, d, t] = flow
                asked[d, k] = g
                requested += g
            room = max(pool_cap - pooled, 0.0)
            cut = requested > room  # the pool cannot pay all that is asked this month
            scale = room / requested if cut else 1.0
            for k in range(K):
                g = asked[d, k]
                if cut and pool_in_order:
                    g = min(g, room)
                    room -= g
                elif cut:
                    g *= scale
                states[d, k, 5] += g
                pooled += g
                investor[k, d, t] += g
                support[k, d, t] = g
        for k in range(K):
            surplus[k, d] = states[d, k, 3]
            principal[k, d] = states[d, k, 1]


@njit(cache=True, parallel=True)
def tranche_split(capital, investor, share, cap_rate_month, flows):
    """The investor's cash flow split into tranches repaid in order of seniority.

    Parameters
    ----------
    capital, investor : [D, T]
        Capital drawn (negative: unspent capital returned) and the investor's
        net cash flow; their sum is what the investor received each month.
    share : [J]
        Each tranche's share of every capital call, senior first.
    cap_rate_month : [J]
        Monthly growth of each tranche's claim; the last tranche's is not
        read (it takes what the others' claims leave).

    Output: ``flows`` [J, D, T], each tranche's net cash flow (summing to ``investor``).
    """
    J = share.shape[0]
    D, T = capital.shape
    for d in prange(D):
        claim = np.zeros(J)
        for t in range(T):
            left = investor[d, t] + capital[d, t]  # received this month
            for j in range(J - 1):
                call = share[j] * capital[d, t]
                claim[j] = claim[j] * (1.0 + cap_rate_month[j]) + call
                pay = min(left, max(claim[j], 0.0))
                claim[j] -= pay
                left -= pay
                flows[j, d, t] = pay - call
            flows[J - 1, d, t] = left - share[J - 1] * capital[d, t]


@njit(cache=True, inline="always")
def _power_sums(cf, x, backwards):
    """(sum of c[u] x^u, sum of u c[u] x^u) over u = 0..T-1, with c = cf, or cf from the last month back.

    In four interleaved chains (u mod 4, each stepping by x^4): one chain of
    multiplications, a month at a time, was what set the pace; four
    independent chains overlap in the processor.
    """
    T = cf.shape[0]
    f0 = 1.0
    f1 = x
    f2 = x * x
    f3 = f2 * x
    x4 = f2 * f2
    v0 = v1 = v2 = v3 = 0.0
    s0 = s1 = s2 = s3 = 0.0
    whole = T - T % 4
    step = -1 if backwards else 1  # from one month of a group of four to the next
    for u in range(0, whole, 4):
        k = T - 1 - u if backwards else u
        a = cf[k] * f0
        b = cf[k + step] * f1
        c = cf[k + 2 * step] * f2
        d = cf[k + 3 * step] * f3
        v0 += a
        v1 += b
        v2 += c
        v3 += d
        s0 += u * a
        s1 += (u + 1) * b
        s2 += (u + 2) * c
        s3 += (u + 3) * d
        f0 *= x4
        f1 *= x4
        f2 *= x4
        f3 *= x4
    for u in range(whole, T):  # at most three: f0..f2 hold x^whole..x^(whole + 2)
        term = cf[T - 1 - u if backwards else u] * (f0 if u == whole else f1 if u == whole + 1 else f2)
        v0 += term
        s0 += u * term
    return (v0 + v1) + (v2 + v3), (s0 + s1) + (s2 + s3)


@njit(cache=True)
def _npv_and_slope(cf, rate):
    """NPV up to a positive factor, and its derivative in ``rate``: (value, slope).

    The present value for rate >= 0, the value at the last month for
    rate < 0. Both forms have the sign of the NPV and never multiply by a
    factor above 1, so nothing overflows however long the series. Each form's
    slope is its own derivative, so Newton steps on one form are exact.
    """
    if rate >= 0.0:
        step = 1.0 / (1.0 + rate)  # one division, not one a month: the chain of divisions set the pace
        v, moment = _power_sums(cf, step, False)
        return v, -moment * step  # d/dr of sum cf[t] (1 + r)^-t
    w = 1.0 + rate
    v, moment = _power_sums(cf, w, True)
    return v, moment / w  # d/dr of sum cf[t] (1 + r)^(T - 1 - t)


@njit(cache=True)
def _npv_sign_form(cf, rate):
    """The NPV's sign form of :func:`_npv_and_slope`, without the slope."""
    return _npv_and_slope(cf, rate)[0]


@njit(cache=True)
def _root(cf, lo, hi, f_lo, f_hi):
    """Root in a sign-changing bracket: Newton steps, bisecting whenever one leaves the bracket or converges slowly.

    Newton converges in a handful of steps from the false-position point
    (about 9 NPV evaluations per IRR on dsi2021, against 25-40 for false
    position alone); the bisection safeguard (``rtsafe`` of Numerical
    Recipes) guarantees convergence even where the NPV is flat to machine
    precision (a root within 1e-16 of 0, where 1 + r == 1).
    """
    x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
    if not (lo < x < hi):
        x = 0.5 * (lo + hi)
    dx = dx_before = hi - lo
    f, slope = _npv_and_slope(cf, x)
    for _ in range(400):
        if f == 0.0:
            return x
        if (f > 0) == (f_hi > 0):  # only f_hi's sign is needed from here on
            hi = x
        else:
            lo = x
        newton = x - f / slope if slope != 0.0 else np.nan
        # Newton only inside the bracket, and only while it at least halves the step of two steps ago.
        if lo < newton < hi and abs(2.0 * f) <= abs(dx_before * slope):
            x_new = newton
        else:
            x_new = 0.5 * (lo + hi)
        dx_before, dx = dx, x_new - x
        tolerance = 4e-16 * max(1.0, abs(x_new))
        if abs(dx) <= tolerance or hi - lo <= tolerance:
            return x_new
        x = x_new
        f, slope = _npv_and_slope(cf, x)
    return x


@njit(cache=True)
def _running_total_changes(cf, forward):
    """Sign changes of the running totals of the flows, from the first month (forward) or the last."""
    T = cf.shape[0]
    changes = 0
    running = 0.0
    last = 0.0
    for k in range(T):
        running += cf[k] if forward else cf[T - 1 - k]
        if running != 0.0:
            if last != 0.0 and (running > 0) != (last > 0):
                changes += 1
            last = running
    return changes


@njit(cache=True)
def _at_most_one_root(cf):
    """A sufficient test that NPV(r) has at most one root for r > -1.

    Roots with r > 0 are at most the sign changes of the running totals of
    the flows (Norstrom 1972: Descartes' rule for NPV / (1 - v), v = 1/(1+r));
    roots with -1 < r < 0 at most those of the running totals from the last
    month backwards (the same rule for the value at the last month); r = 0
    is a root only if the flows sum to 0.
    """
    changes = _running_total_changes(cf, True) + _running_total_changes(cf, False)
    total = 0.0
    for k in range(cf.shape[0]):
        total += cf[k]
    return changes + (1 if total == 0.0 else 0) <= 1


@njit(cache=True)
def irr_monthly(cf):
    """Monthly internal rate of return of one cash-flow series, and a reason code (see IRR_REASONS)."""
    pos = 0.0
    neg = 0.0
    changes = 0
    last = 0.0
    for t in range(cf.shape[0]):
        if cf[t] > 0:
            pos += cf[t]
        elif cf[t] < 0:
            neg -= cf[t]
        if cf[t] != 0.0:
            if last != 0.0 and (cf[t] > 0) != (last > 0):
                changes += 1
            last = cf[t]
    if pos == 0.0 and neg == 0.0:
        return np.nan, 4
    if pos == 0.0:
        return -1.0, 1
    if neg == 0.0:
        return np.nan, 2
    lo, hi = -0.99, 0.0
    f_lo, f_zero = _npv_sign_form(cf, lo), _npv_sign_form(cf, 0.0)
    if changes > 1 and not _at_most_one_root(cf):
        # Descartes: one sign change in the flows means one root; so does the running-total test.
        # Failing both, accept a root only if the NPV changes sign exactly once on a grid from
        # -99 % to +1,000 % a month (denser near 0); otherwise there may be several: NaN.
        signs = 0
        prev = f_lo
        for k in range(1, 61):
            cur = _npv_sign_form(cf, -0.99 + (k / 60.0) ** 3 * 10.99)
            if cur != 0.0 and prev != 0.0 and (cur > 0) != (prev > 0):
                signs += 1
            if cur != 0.0:
                prev = cur
        if signs != 1:
            # Several roots. Receipts above outlays (a money multiple above 1) put the return above 0;
            # if exactly one root lies there (Norstrom's bound: the running totals change sign once),
            # it is the IRR, and a root below 0 (often near -100 %) is no return anyone earned. The
            # same holds below 0 for receipts short of the outlays, with the totals from the end.
            total = 0.0
            for t in range(cf.shape[0]):
                total += cf[t]
            if total > 0.0 and _running_total_changes(cf, True) == 1:
                rate = _positive_root(cf, f_zero)
                return rate, (3 if np.isnan(rate) else 5)
            if total < 0.0 and _running_total_changes(cf, False) == 1 and (f_lo > 0) != (f_zero > 0):
                return _root(cf, lo, 0.0, f_lo, f_zero), 5
            return np.nan, 3
    if f_zero == 0.0:
        return 0.0, 0
    if (f_lo > 0) != (f_zero > 0):
        return _root(cf, lo, 0.0, f_lo, f_zero), 0
    if (f_lo > 0) == (f_zero > 0) and f_zero < 0 and f_lo < 0:
        return -1.0, 1  # receipts are negligible: below -99 % a month
    rate = _positive_root(cf, f_zero)
    return rate, (2 if np.isnan(rate) else 0)


@njit(cache=True)
def _positive_root(cf, f_zero):
    """The root above 0 by bracketing outwards from 5 % a month (NaN if the NPV keeps its sign)."""
    hi = 0.05
    f_hi = _npv_sign_form(cf, hi)
    while (f_hi > 0) == (f_zero > 0) and hi < 1e6:
        hi *= 4.0
        f_hi = _npv_sign_form(cf, hi)
    if (f_hi > 0) == (f_zero > 0):
        return np.nan
    return _root(cf, 0.0, hi, f_zero, f_hi)


@njit(cache=True, parallel=True)
def irr_all(cf, rate, reason):
    """Monthly IRR and reason code for every row of cf [D, T]."""
    for d in prange(cf.shape[0]):
        rate[d], reason[d] = irr_monthly(cf[d])
