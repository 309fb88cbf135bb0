"""The numba kernel: participants x months, three arms, per-draw aggregates.

Algorithm (one participant, one arm)
-----------------------------------
A person's path is a sequence of spells. At the start of a spell the kernel
draws two uniforms from the person's stream: ``u1`` sets an exponential
threshold ``E = -log(u1)``, ``u2`` picks the destination. The spell ends in
the first month whose cumulative exit rate since the spell began reaches
``E`` (inverse-transform sampling of the discrete-time survival curve,
``P(stay a month) = exp(-rate)``), or when a rule transition or the horizon
ends it first. The destination is chosen in proportion to the cause-specific
rates in the exit month.

Cumulative rate tables per draw and arm turn the walk into a search in one
non-decreasing array (a check of the spell's last possible month, then
bisection), so a spell costs O(log length), not O(length).
Only while the treated arm's effect multiplier still changes with months
since enrolment (lock-in, ramp-up, fade-out) does the kernel add rates month
by month.

Because every spell consumes exactly two uniforms, the treated and the
counterfactual arm, which share a stream, use the same numbers for the same
spell: common random numbers. With an effect of exactly 1 both arms are
bit-identical. The control group has streams of its own.

Nothing is kept per month of a trajectory. Occupancy is accumulated as a
difference array (+1 where a spell starts, -1 where it ends, split at
benefit-clock band edges) and summed over months once per draw; person-level
measures are updated spell by spell.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .random import next_uniform, stream_start

__all__ = ["simulate_draws", "effect_multipliers"]

_NEVER = np.int64(1) << np.int64(40)
_CHUNK = 16  # draws per parallel work item


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
        log_hr = np.log(params[e, 0])
        lock = np.int64(params[e, 2])
        ramp = np.int64(params[e, 3])
        full = np.int64(params[e, 4])
        fade = np.int64(params[e, 5])
        for tau in range(T):
            u = tau - lock
            if u < 0:
                mult[e, tau] = params[e, 1]
                continue
            if profile_len[e] > 0:
                w = profile[e, min(u, profile_len[e] - 1)]
            elif full >= 0 and u - ramp - full >= 0:
                w = min(max((fade - (u - ramp - full)) / (fade + 1.0), 0.0), 1.0)
            else:
                w = min((u + 1.0) / (ramp + 1.0), 1.0)
            mult[e, tau] = np.exp(log_hr * w)
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
def _cumulative_rates(base_rate, scale, mult_now, effect_of, use_effect, cum):
    """cum[g, s, d] = sum of total exit rates over durations < d."""
    G, S, K, Dd = base_rate.shape
    for g in range(G):
        for s in range(S):
            acc = 0.0
            cum[g, s, 0] = 0.0
            for d in range(Dd):
                tot = 0.0
                for k in range(K):
                    r = base_rate[g, s, k, d] * scale[s, k]
                    if use_effect and effect_of[s, k] >= 0:
                        r *= mult_now[effect_of[s, k]]
                    tot += r
                acc += tot
                cum[g, s, d + 1] = acc


@njit(cache=True, inline="always")
def _record_spell(s, t0, length, clock, T, is_benefit, clock_edges, occ):
    """Add a spell to the occupancy difference array occ[month, state, clock band]."""
    if not is_benefit[s]:
        occ[t0, s, 0] += 1
        if t0 + length < T:
            occ[t0 + length, s, 0] -= 1
        return
    B = clock_edges.shape[0] + 1
    for b in range(B):
        lo = 0 if b == 0 else clock_edges[b - 1]
        i0 = max(0, lo - clock)
        i1 = length if b == B - 1 else min(length, clock_edges[b] - clock)
        if i1 > i0:
            occ[t0 + i0, s, b] += 1
            if t0 + i1 < T:
                occ[t0 + i1, s, b] -= 1


@njit(cache=True, inline="always")
def _update_measures(s, t0, length, entry, kind, mask, months, window, run_start, rec):
    for q in range(kind.shape[0]):
        inside = (mask[q] >> np.uint64(s)) & np.uint64(1)
        if kind[q] == 0:  # sustained run
            if inside:
                if run_start[q] < 0:
                    run_start[q] = t0
                if rec[q] < 0 and (window[q] < 0 or run_start[q] - entry < window[q]):
                    done = run_start[q] + months[q] - 1
                    if done < t0 + length:
                        rec[q] = done - entry
            else:
                run_start[q] = -1
        elif kind[q] == 1:  # in states at a month
            at = entry + months[q]
            if inside and t0 <= at < t0 + length:
                rec[q] = months[q]
        else:  # months in states within a window
            if inside:
                lo = max(t0, entry)
                hi = min(t0 + length, entry + months[q])
                if hi > lo:
                    rec[q] += hi - lo


@njit(cache=True, inline="always")
def _simulate_person(state, g, entry, T, use_effect, n_exits, exit_dest, base_rate, scale, rule_after, rule_dest,
                     is_benefit, clock_edges, clock_reset, entry_state, entry_duration, entry_clock, effect_of,
                     mult, const_from, cum, m_kind, m_mask, m_months, m_window, run_start, occ, rec):
    """One participant in one arm; writes occ (difference array) and rec (measures)."""
    for q in range(m_kind.shape[0]):
        rec[q] = 0 if m_kind[q] == 2 else -1
        run_start[q] = -1
    s = entry_state[g]
    d = entry_duration[g]
    clock = entry_clock[g]
    off = 0
    t = entry
    while t < T:
        state, u1 = next_uniform(state)
        state, u2 = next_uniform(state)
        room = T - t
        rule_len = rule_after[s] - d if rule_after[s] >= 0 else _NEVER
        lim = min(room, rule_len)
        length = lim
        exited = False
        if n_exits[s] > 0:
            threshold = -np.log(u1)
            acc = 0.0
            i = 0
            tau0 = t - entry
            if use_effect:
                while i < lim and tau0 + i < const_from:
                    dd = d + i
                    tot = 0.0
                    for k in range(n_exits[s]):
                        tot += _rate(base_rate, scale, g, s, k, dd, True, effect_of, mult, tau0 + i)
                    acc += tot
                    if acc >= threshold:
                        exited = True
                        length = i + 1
                        break
                    i += 1
            if not exited and i < lim:
                # cum is non-decreasing: test the last possible month, then bisect.
                target = threshold - acc + cum[g, s, d + i]
                if cum[g, s, d + lim] >= target:
                    hi = lim - 1
                    while i < hi:
                        mid = (i + hi) >> 1
                        if cum[g, s, d + mid + 1] >= target:
                            hi = mid
                        else:
                            i = mid + 1
                    exited = True
                    length = i + 1
        dest = -1
        if exited:
            dd = d + length - 1
            tau = t - entry + length - 1
            tot = 0.0
            for k in range(n_exits[s]):
                tot += _rate(base_rate, scale, g, s, k, dd, use_effect, effect_of, mult, tau)
            pick = u2 * tot
            acc = 0.0
            for k in range(n_exits[s]):
                r = _rate(base_rate, scale, g, s, k, dd, use_effect, effect_of, mult, tau)
                if r > 0.0:
                    dest = exit_dest[s, k]  # last exit with a positive rate catches rounding
                    acc += r
                    if pick < acc:
                        break
        elif rule_len <= room:
            dest = rule_dest[s]
        if is_benefit[s]:
            if off >= clock_reset:
                clock = 0
            off = 0
        _record_spell(s, t, length, clock, T, is_benefit, clock_edges, occ)
        _update_measures(s, t, length, entry, m_kind, m_mask, m_months, m_window, run_start, rec)
        if is_benefit[s]:
            clock += length
        else:
            off += length
        t += length
        if dest < 0:
            break
        s = dest
        d = 0


@njit(cache=True, parallel=True)
def simulate_draws(keys, draw_ids, arm_slot, n_control, n_exits, exit_dest, base_rate, rule_after, rule_dest,
                   is_benefit, clock_edges, clock_reset, group_of, entry_state, entry_duration, entry_clock,
                   intake_cdf, effect_of, m_kind, m_mask, m_months, m_window,
                   n_participants, rate_scale, effect_params, effect_profile, profile_len,
                   occupancy, records, entry_month):
    """Simulate all draws; fill the output arrays in place.

    Parameters
    ----------
    keys : uint64[2]
        Stream keys: programme participants (treated and counterfactual share
        it), control group.
    draw_ids : int64[D]
        Global draw index of each local draw (streams are keyed by it).
    arm_slot : int64[3]
        Output slot of treated, counterfactual, control; -1 if not simulated.
    occupancy : int32[D, A, T, S, B]   (zeroed on entry)
    records : int16[D, A, N, Q]
    entry_month : int16[D, A, N]       -1 for participant slots not enrolled
    Other arrays: see :class:`~sirisk.engine.lowering.LoweredModel` and
    :class:`~sirisk.engine.lowering.DrawInputs`.
    """
    D = draw_ids.shape[0]
    G, S, K, Dd = base_rate.shape
    T = occupancy.shape[2]
    N = entry_month.shape[2]
    Q = m_kind.shape[0]
    E = effect_params.shape[1]
    n_chunks = (D + _CHUNK - 1) // _CHUNK
    for c in prange(n_chunks):
        # Scratch per chunk of draws, fully rewritten for every draw: results cannot depend on the chunking.
        mult = np.empty((E, T))
        cum_plain = np.empty((G, S, Dd + 1))
        cum_effect = np.empty((G, S, Dd + 1))
        run_start = np.empty(Q, dtype=np.int64)
        entries = np.empty(N, dtype=np.int64)
        for j in range(c * _CHUNK, min(D, (c + 1) * _CHUNK)):
            draw = draw_ids[j]
            scale = rate_scale[j]
            const_from = effect_multipliers(effect_params[j], effect_profile, profile_len, mult)
            _cumulative_rates(base_rate, scale, mult[:, const_from], effect_of, False, cum_plain)
            _cumulative_rates(base_rate, scale, mult[:, const_from], effect_of, True, cum_effect)
            entry_month[j] = -1
            for a in range(arm_slot.shape[0]):
                slot = arm_slot[a]
                if slot < 0:
                    continue
                control = a == 2
                n = n_control if control else n_participants[j]
                _entry_months(n, intake_cdf, entries)
                key = keys[1] if control else keys[0]
                use_effect = a == 0
                cum = cum_effect if use_effect else cum_plain
                occ = occupancy[j, slot]
                for i in range(n):
                    entry_month[j, slot, i] = entries[i]
                    _simulate_person(stream_start(key, draw, i), group_of[i], entries[i], T, use_effect,
                                     n_exits, exit_dest, base_rate, scale, rule_after, rule_dest, is_benefit,
                                     clock_edges, clock_reset, entry_state, entry_duration, entry_clock, effect_of,
                                     mult, const_from, cum, m_kind, m_mask, m_months, m_window, run_start,
                                     occ, records[j, slot, i])
                for i in range(n, N):
                    for q in range(Q):
                        records[j, slot, i, q] = 0 if m_kind[q] == 2 else -1
                # Difference array -> occupancy.
                for t in range(1, T):
                    for s in range(S):
                        for b in range(occ.shape[2]):
                            occ[t, s, b] += occ[t - 1, s, b]
