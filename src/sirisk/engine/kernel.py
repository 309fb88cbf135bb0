"""The numba kernel: participants x months, three arms, per-draw aggregates.

Algorithm (one participant, one arm)
-----------------------------------
A person's path is a sequence of spells. At the start of a spell the kernel
draws a standard exponential threshold ``E`` (ziggurat, see
:mod:`~sirisk.engine.exponential`) and a uniform ``u2`` that picks the
destination from the person's stream. The spell ends in
the first month whose cumulative exit rate since the spell began reaches
``E`` (inverse-transform sampling of the discrete-time survival curve,
``P(stay a month) = exp(-rate)``), or when a rule transition or the horizon
ends it first. The destination is chosen in proportion to the cause-specific
rates in the exit month.

Tables give rates over a few duration bands, so the rates of a state are
constant over runs of durations (segments, found when the model is lowered).
Per draw and arm the kernel computes each segment's total rate; within a
segment the exit month is the first ``n`` with ``total * n >= E``, found by
one multiplication with ``1 / total`` and settled by comparing the products
(the same test a month-by-month walk makes), so a spell costs O(segments crossed), not
O(length). Only while the treated arm's effect multiplier still changes with
months since enrolment (lock-in, ramp-up, fade-out) does the kernel add
rates month by month.

Because the numbers a spell consumes depend only on the stream, never on the
rates, the treated and the counterfactual arm, which share a stream, use the
same numbers for the same spell: common random numbers. With an effect of
exactly 1 both arms are bit-identical. The kernel therefore walks a person's
two arms side by side, drawing each spell's numbers once for both. The
control group has streams of its own.

Nothing is kept per month of a trajectory: what a spell leaves behind
(occupancy, person-level measures) is tallied by :mod:`~sirisk.engine.tally`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .exponential import next_exponential
from .layout import (COUNTS_FROM, FADE_OUT_MONTHS, FULL_EFFECT_MONTHS, HAZARD_RATIO, LOCK_IN_HAZARD_RATIO,
                     LOCK_IN_MONTHS, RAMP_UP_MONTHS)
from .random import next_uniform, stream_start
from .tally import _u, emit, record_spell, update_measures

__all__ = ["simulate_draws", "kernel_scratch", "effect_multipliers"]

_NEVER = np.int64(1) << np.int64(40)


@njit(cache=True, inline="always")
def _entry_months(n, cdf, out):
    """Enrolment month of participants 0..n-1 under the intake shape ``cdf``."""
    m = 0
    for i in range(n):
        while m < cdf.shape[0] - 1 and np.floor(n * cdf[m] + 0.5) <= i:
            m += 1
        out[i] = m


@njit(cache=True, inline="always")
def effect_multipliers(params, profile, profile_len, mult):
    """Fill mult[effect, tau] from one draw's effect parameters; return the month they stop changing.

    ``params[e]`` holds hazard ratio, lock-in hazard ratio, lock-in months,
    ramp-up months, full-effect months (< 0: for ever) and fade-out months;
    ``profile[e, :profile_len[e]]`` explicit weights (length 0: none). The
    formula is documented at :class:`sirisk.Effect`, whose numpy version the
    tests compare with this one.
    """
    E, T = mult.shape
    for e in range(E):
        log_hr = np.log(params[e, HAZARD_RATIO])
        lock = np.int64(params[e, LOCK_IN_MONTHS])
        ramp = np.int64(params[e, RAMP_UP_MONTHS])
        full = np.int64(params[e, FULL_EFFECT_MONTHS])
        fade = np.int64(params[e, FADE_OUT_MONTHS])
        w_before = np.nan
        m_before = 1.0
        for tau in range(T):
            u = tau - lock
            if u < 0:
                mult[e, tau] = params[e, LOCK_IN_HAZARD_RATIO]
                continue
            if profile_len[e] > 0:
                w = profile[e, min(u, profile_len[e] - 1)]
            elif full >= 0 and u - ramp - full >= 0:
                w = min(max((fade - (u - ramp - full)) / (fade + 1.0), 0.0), 1.0)
            else:
                w = min((u + 1.0) / (ramp + 1.0), 1.0)
            if w != w_before:  # exp only where the weight changes: one a month was 12 % of a draw's fixed cost
                m_before = np.exp(log_hr * w)
                w_before = w
            mult[e, tau] = m_before
    const_from = T - 1
    while const_from > 0:
        same = True
        for e in range(E):
            if mult[e, const_from - 1] != mult[e, T - 1]:
                same = False
        if not same:
            break
        const_from -= 1
    return const_from


@njit(cache=True, inline="always")
def _rate(base_rate, scale, g, s, k, d, use_effect, effect_of, mult, tau):
    """Monthly rate of exit k from state s at duration d (and months since enrolment tau)."""
    r = base_rate[g, s, k, d] * scale[s, k]
    if use_effect and effect_of[s, k] >= 0:
        r *= mult[effect_of[s, k], tau]
    return r


@njit(cache=True)
def _segment_rates(base_rate, scale, segment_start, effect_of, use_effect, mult, tau, seg_cum):
    """seg_cum[g, s, j, k] = rate of exits 0..k together in duration segment j, at months since enrolment tau.

    The extra last slot, ``seg_cum[g, s, j, K]``, holds 1 / (total rate), or
    infinity for a segment without exits.

    Only the month from which the effect stays constant is tabulated: months
    before it are walked month by month, so a long ramp or fade costs only
    the months people actually spend in it.
    """
    G, S, K, _ = base_rate.shape
    for g in range(G):
        for s in range(S):
            for j in range(seg_cum.shape[2]):
                d = segment_start[g, s, j]
                if d >= base_rate.shape[3]:
                    break
                acc = 0.0
                for k in range(K):
                    acc += _rate(base_rate, scale, g, s, k, d, use_effect, effect_of, mult, tau)
                    seg_cum[g, s, j, k] = acc
                seg_cum[g, s, j, K] = 1.0 / acc if acc > 0.0 else np.inf


@njit(cache=True, inline="always")
def _months_to_exit(E, total, inverse, avail):
    """Smallest n in 1..avail with ``total * n >= E``; the caller ensures ``total * avail >= E``.

    ``E * inverse`` (``inverse`` = 1 / ``total``, tabulated per draw: a
    multiplication is off the critical path where a division is not) gives n
    to within one; the products decide, so the answer is the same as the
    reference's month-by-month test of ``total * n >= E``.
    """
    # n is kept as a float (whole numbers, exact) so that no int -> float conversion sits on the
    # spell's critical path.
    n = min(max(np.ceil(E * inverse), 1.0), np.float64(avail))
    while n > 1.0 and total * (n - 1.0) >= E:
        n -= 1.0
    while total * n < E:
        n += 1.0
    return np.int64(n)


@njit(cache=True, inline="always")
def _destination(u2, s, seg, j, walked, n_exits, exit_dest, base_rate, scale, g, d, use_effect, effect_of, mult, tau):
    """Destination of an exit: exit k with probability (rate of k) / (total rate).

    ``seg[g, s, j, k]`` holds the rates of exits 0..k of segment j once the
    effect is constant (indexed in place: a row slice per spell cost about
    6 %); an exit in a month that was ``walked`` (effect still changing) adds
    that month's rates instead.
    """
    n = n_exits[_u(s)]
    if walked:
        total = 0.0
        for k in range(n):
            total += _rate(base_rate, scale, g, s, k, d, use_effect, effect_of, mult, tau)
        pick = u2 * total
        acc = 0.0
        for k in range(n):
            acc += _rate(base_rate, scale, g, s, k, d, use_effect, effect_of, mult, tau)
            if pick < acc:
                return exit_dest[s, k]
    else:
        K = seg.shape[3] - 1
        pick = u2 * seg[_u(g), _u(s), _u(j), _u(K - 1)]
        # The first k with pick < (rate of exits 0..k) is the number of k with pick >= it, as the
        # sums only grow. Counting over all K slots (padding slots hold the total, which pick reaches
        # only by rounding) gives every state the same trip count and no early exit: no branch to
        # mispredict on the destination, which is random.
        count = 0
        for k in range(K):
            count += pick >= seg[_u(g), _u(s), _u(j), k]
        if count < n:
            return exit_dest[_u(s), _u(count)]
    # pick rounded up to the total: the last exit with a positive rate.
    for k in range(n - 1, -1, -1):
        if _rate(base_rate, scale, g, s, k, d, use_effect, effect_of, mult, tau) > 0.0:
            return exit_dest[s, k]
    return -1


@njit(cache=True, inline="always")
def _start_person(g, cohort, segment_start, kind, run_start, rec):
    """Reset a person's measures; return (state, duration, duration segment, benefit clock) at enrolment."""
    for q in range(kind.shape[0]):
        rec[q] = 0 if kind[q] >= COUNTS_FROM else -1  # counts start at 0, months at -1 (not reached)
        run_start[q] = -1
    s = cohort.entry_state[_u(g)]
    d = cohort.entry_duration[_u(g)]
    j = 0  # duration segment of d
    while segment_start[_u(g), _u(s), _u(j + 1)] <= d:
        j += 1
    return s, d, j, cohort.entry_clock[_u(g)]


@njit(cache=True, inline="always")
def _spell(threshold, u2, s, d, j, clock, off, t, g, entry, T, use_effect, rates, rules, benefit, scale, seg, top,
           mult, measures, run_start, diff, rec):
    """One spell of a person in one arm, from its exponential threshold and its destination uniform.

    The person is in state ``s`` for ``d`` months (duration segment ``j``),
    with benefit clock ``clock``, ``off`` months off benefit, in month ``t``.
    Records the spell in ``diff`` and the measures in ``rec``; returns the
    person after the spell and whether the path goes on.

    ``seg[g, s, j, k]`` (k < K) holds the rates of exits 0..k in duration segment j
    from ``top`` months since enrolment on, when the effect multipliers
    (``mult``) stop changing; ``top`` is 0 in arms without the effect.
    ``rates``, ``rules``, ``benefit`` and ``measures`` are the model's groups
    (:mod:`sirisk.engine.arguments`).
    """
    n_exits, exit_dest, base_rate = rates.n_exits, rates.exit_dest, rates.base_rate
    effect_of, segment_start = rates.effect_of, rates.segment_start
    rule_after, rule_dest = rules.after, rules.dest
    is_benefit, clock_edges, clock_reset = benefit.is_benefit, benefit.edges, benefit.reset
    K = seg.shape[3] - 1  # the last slot holds 1 / total
    room = T - t
    after = rule_after[_u(s)]
    rule_len = after - d if after >= 0 else _NEVER
    lim = min(room, rule_len)
    length = lim
    exited = False
    if n_exits[_u(s)] > 0:
        acc = 0.0
        i = 0
        tau0 = t - entry
        # Rates still changing with months since enrolment: month by month.
        while i < lim and tau0 + i < top:
            tot = 0.0
            for k in range(n_exits[_u(s)]):
                tot += _rate(base_rate, scale, g, s, k, d + i, True, effect_of, mult, tau0 + i)
            acc += tot
            if acc >= threshold:
                exited = True
                length = i + 1
                break
            i += 1
        # Constant rates: segment by segment, the exit month by division.
        if not exited and i < lim:
            remaining = threshold - acc
            dcur = d + i
            left = lim - i
            while True:
                while segment_start[_u(g), _u(s), _u(j + 1)] <= dcur:
                    j += 1
                total = seg[_u(g), _u(s), _u(j), _u(K - 1)]
                avail = min(segment_start[_u(g), _u(s), _u(j + 1)] - dcur, left)
                if total * avail >= remaining:
                    exited = True
                    length = dcur - d + _months_to_exit(remaining, total, seg[_u(g), _u(s), _u(j), _u(K)], avail)
                    break
                left -= avail
                if left == 0:
                    break
                remaining -= total * avail
                dcur += avail
    dest = -1
    if exited:
        dest = _destination(u2, s, seg, j, t - entry + length - 1 < top, n_exits, exit_dest, base_rate,
                            scale, g, d + length - 1, use_effect, effect_of, mult, t - entry + length - 1)
    elif rule_len <= room:
        dest = rule_dest[_u(s)]
    if is_benefit[_u(s)]:
        if off >= clock_reset:
            clock = 0
        off = 0
    record_spell(s, t, length, clock, is_benefit, clock_edges, diff)
    update_measures(s, t, length, entry, measures.kind, measures.mask, measures.months, measures.window, run_start, rec)
    if is_benefit[_u(s)]:
        clock += length
    else:
        off += length
    t += length
    if dest < 0:
        return s, d, j, clock, off, t, False
    return dest, 0, 0, clock, off, t, t < T


@njit(cache=True, inline="always")
def _simulate_person(state, g, entry, T, rates, rules, benefit, cohort, scale, mult, measures, use_a, top_a, arm_a,
                     paired, arm_b):
    """One participant in one arm (``arm_a``), or in the treated arm and the counterfactual (``arm_b``) at once.

    An arm is ``(seg, run_start, diff, rec)``: its segment rates, the run
    tracking of its measures, its difference array of occupancy (written)
    and its measures (written). ``use_a`` and ``top_a`` say whether arm a has the effect and
    from which month on it is constant; arm b, if ``paired``, has none.

    Spell k of either arm uses the stream's k-th pair of numbers, so drawing
    them once for both gives the same paths as simulating one arm after the
    other, and the two independent paths give the processor two chains of
    work to overlap. Both
    arms go through the same two inlined spells whether paired or not: every
    inlined copy of the spell costs compile time.
    """
    seg_a, run_start_a, diff_a, rec_a = arm_a
    seg_b, run_start_b, diff_b, rec_b = arm_b
    s_a, d_a, j_a, clock_a = _start_person(g, cohort, rates.segment_start, measures.kind, run_start_a, rec_a)
    s_b, d_b, j_b, clock_b = s_a, d_a, j_a, clock_a  # both arms enrol in the same state
    if paired:
        _start_person(g, cohort, rates.segment_start, measures.kind, run_start_b, rec_b)
    off_a = off_b = 0
    t_a = t_b = entry
    going_a = entry < T
    going_b = paired and going_a
    while going_a or going_b:
        state, threshold = next_exponential(state)
        state, u2 = next_uniform(state)
        if going_a:
            s_a, d_a, j_a, clock_a, off_a, t_a, going_a = _spell(
                threshold, u2, s_a, d_a, j_a, clock_a, off_a, t_a, g, entry, T, use_a, rates, rules, benefit, scale,
                seg_a, top_a, mult, measures, run_start_a, diff_a, rec_a)
        if going_b:
            s_b, d_b, j_b, clock_b, off_b, t_b, going_b = _spell(
                threshold, u2, s_b, d_b, j_b, clock_b, off_b, t_b, g, entry, T, False, rates, rules, benefit, scale,
                seg_b, 0, mult, measures, run_start_b, diff_b, rec_b)


@njit(cache=True, nogil=True, _nrt=False)
def simulate_draws(keys, arm_slot, rates, rules, benefit, cohort, measures, draws, outputs, scratch):
    """Simulate the draws of ``draw_ids``, one after another; fill the output arrays in place.

    Occupancy is tallied per arm in a difference array small enough to stay
    in cache; only what ``out`` asks for goes to memory (writing the tallies
    straight into the large output cost 10-20 % of the kernel's time).

    The kernel is serial and releases the GIL: callers run it on slices of
    the draws in several threads (:func:`~sirisk.engine.simulate.run_kernel`).
    It allocates nothing, so it is compiled without numba's reference
    counting (``_nrt=False``): every scratch array comes in ``scratch``
    (:func:`kernel_scratch`), one set per thread. Reference counting left on
    was the largest single cost: every array handed to an inlined helper was
    counted in and out atomically, per person and per spell. Without numba's
    parfor passes the kernel compiles far faster; the room this made pays
    for walking the treated and counterfactual arms side by side
    (docs/performance.md has the figures).

    Parameters
    ----------
    keys : uint64[2]
        Stream keys: programme participants (treated and counterfactual share
        it), control group.
    arm_slot : int64[3]
        Output slot of treated, counterfactual, control; -1 if not simulated.
    rates, rules, benefit, cohort, measures : named tuples
        The model's groups (:func:`~sirisk.engine.arguments.model_arguments`).
    draws : DrawSlice
        Global draw index of each local draw (streams are keyed by it) and
        the per-draw inputs.
    outputs : Outputs
        The arrays written, and the weights:
    weights : float64[D or 1, S, B, W]
        Weights per person-month, per draw or one set for all draws; read
        only if ``out`` is weighted.
    out : int32[D, A, T, S, B] or float64[D, A, T, W]
        Occupancy (people per month, state and clock band), or occupancy
        weighed: the sum over (state, band) of occupancy x weights.
    records : int16[D, A, N, Q]
    entry_month : int16[D, A, N]       -1 for participant slots not enrolled
    scratch : tuple
        Working arrays from :func:`kernel_scratch`, fully rewritten for
        every draw: results cannot depend on how the draws are split.
    The fields of every group are those of :mod:`sirisk.engine.arguments`.
    """
    draw_ids, n_participants, rate_scale = draws.draw_ids, draws.n_participants, draws.rate_scale
    effect_params, effect_profile, profile_len = draws.effect_params, draws.effect_profile, draws.profile_len
    weights, out, records, entry_month = outputs.weights, outputs.out, outputs.records, outputs.entry_month
    base_rate, effect_of, segment_start = rates.base_rate, rates.effect_of, rates.segment_start
    group_of, intake_cdf, n_control = cohort.group_of, cohort.intake_cdf, cohort.n_control
    is_benefit = benefit.is_benefit
    m_kind = measures.kind
    D = draw_ids.shape[0]
    T = out.shape[2]
    N = entry_month.shape[2]
    Q = m_kind.shape[0]
    mult, seg_plain, seg_effect, run_start, entries, diff, acc, people, run_start_b, diff_b = scratch
    entries_for = -1  # the cohort size `entries` holds the enrolment months of
    # Treated and counterfactual share a stream: one pass over the people for both.
    paired = arm_slot[0] >= 0 and arm_slot[1] >= 0
    for row in range(D):
        draw = draw_ids[row]
        scale = rate_scale[row]
        const_from = effect_multipliers(effect_params[row], effect_profile, profile_len, mult)
        _segment_rates(base_rate, scale, segment_start, effect_of, False, mult, 0, seg_plain)
        _segment_rates(base_rate, scale, segment_start, effect_of, True, mult, const_from, seg_effect)
        entry_month[row] = -1
        wrow = weights[row if weights.shape[0] > 1 else 0]
        for a in range(arm_slot.shape[0]):
            slot = arm_slot[a]
            if slot < 0 or (paired and a == 1):
                continue
            pair = paired and a == 0
            slot_b = arm_slot[1] if pair else slot
            control = a == 2
            n = n_control if control else n_participants[row]
            if n != entries_for:  # the same for every draw of the same cohort size
                _entry_months(n, intake_cdf, entries)
                entries_for = n
            key = keys[1] if control else keys[0]
            use_effect = a == 0
            seg = seg_effect if use_effect else seg_plain
            top = const_from if use_effect else 0
            diff[:] = 0
            if pair:
                diff_b[:] = 0
            for i in range(n):
                entry_month[row, _u(slot), i] = entries[i]
                entry_month[row, _u(slot_b), i] = entries[i]  # the same cell when not paired
                _simulate_person(stream_start(key, draw, i), group_of[i], entries[i], T, rates, rules, benefit, cohort,
                                 scale, mult, measures, use_effect, top,
                                 (seg, run_start, diff, records[row, _u(slot), i]), pair,
                                 (seg_plain, run_start_b, diff_b, records[row, _u(slot_b), i]))
            for i in range(n, N):
                for q in range(Q):
                    records[row, _u(slot), i, q] = records[row, _u(slot_b), i, q] = (0 if m_kind[q] >= COUNTS_FROM
                                                                                     else -1)
            emit(diff, wrow, is_benefit, out[row, _u(slot)], acc, people)
            if pair:
                emit(diff_b, wrow, is_benefit, out[row, _u(slot_b)], acc, people)


def kernel_scratch(model, inputs, n_participants: int, n_weights: int) -> tuple:
    """Working arrays for one thread of :func:`simulate_draws` (a few kB, rewritten for every draw).

    ``model`` and ``inputs`` come from :func:`~sirisk.engine.lowering.lower_model`
    and :func:`~sirisk.engine.lowering.lower_draws`; ``n_participants`` is the
    length of the participant axis and ``n_weights`` that of the weights.
    """
    G, S, K, _ = model.base_rate.shape
    J = model.segment_start.shape[2] - 1
    T = model.horizon
    B = len(model.clock_edges) + 1
    E = inputs.effect_params.shape[1]
    return (np.empty((E, T)), np.empty((G, S, J, K + 1)), np.empty((G, S, J, K + 1)),
            np.empty(len(model.measure_kind), dtype=np.int64), np.empty(n_participants, dtype=np.int64),
            np.empty((T + 1, S, B), dtype=np.int32),  # one arm's occupancy, months 0..T (T: the sink)
            np.empty((n_weights, T)), np.empty(T),
            np.empty(len(model.measure_kind), dtype=np.int64),  # the counterfactual's, when paired with the treated
            np.empty((T + 1, S, B), dtype=np.int32))
