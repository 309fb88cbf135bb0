"""What a spell leaves behind: occupancy and person-level measures, tallied for the kernel.

Nothing is kept per month of a trajectory. Occupancy is accumulated as a
difference array (+1 where a spell starts, -1 where it ends, split at
benefit-clock band edges) and summed over months once per draw and arm, into
occupancy or straight into a weighted sum (costs per month, say);
person-level measures are updated spell by spell. Numba only: the
:mod:`~sirisk.engine.kernel` inlines these.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import overload

from .layout import IN_STATES_AT, MONTHS_IN, SUSTAINED

__all__ = ["record_spell", "update_measures", "emit"]


@njit(cache=True, inline="always")
def _u(i):
    """``i`` as an unsigned index, for indices numba cannot prove non-negative (states, months, bands).

    Numba wraps negative signed indices around (``a[-1]``): a compare, a
    select and the axis length per axis of every index. Unsigned indices
    skip that, on the kernel's hottest loads. Every index passed
    through here is non-negative by construction.
    """
    return np.uint64(i)


@njit(cache=True, inline="always")
def record_spell(s, t0, length, clock, is_benefit, clock_edges, diff):
    """Add a spell to the difference array diff[month, state, clock band]; month T is a sink for spells that reach the horizon."""
    end = t0 + length
    b = 0
    if is_benefit[_u(s)]:
        n_edges = clock_edges.shape[0]
        while b < n_edges and clock >= clock_edges[_u(b)]:
            b += 1
        diff[_u(t0), _u(s), _u(b)] += 1
        while b < n_edges:
            cross = clock_edges[_u(b)] - clock  # months into the spell at which the clock reaches the next band
            if cross >= length:
                break
            diff[_u(t0 + cross), _u(s), _u(b)] -= 1
            b += 1
            diff[_u(t0 + cross), _u(s), _u(b)] += 1
    else:
        diff[_u(t0), _u(s), 0] += 1
    diff[_u(end), _u(s), _u(b)] -= 1


@njit(cache=True, inline="always")
def update_measures(s, t0, length, entry, kind, mask, months, window, run_start, rec):
    """Update the person-level measures with a spell.

    Kinds (:mod:`sirisk.engine.layout`): a sustained run, in states at a
    month, months in states, entries into states (a spell inside after one
    outside, starting within the window; ``run_start`` tells whether the
    spell before was inside).
    """
    for q in range(kind.shape[0]):
        inside = (mask[q] >> np.uint64(s)) & np.uint64(1)
        if kind[q] == SUSTAINED:
            if inside:
                if run_start[q] < 0:
                    run_start[q] = t0
                if rec[q] < 0 and (window[q] < 0 or run_start[q] - entry < window[q]):
                    done = run_start[q] + months[q] - 1
                    if done < t0 + length:
                        rec[q] = done - entry
            else:
                run_start[q] = -1
        elif kind[q] == IN_STATES_AT:
            at = entry + months[q]
            if inside and t0 <= at < t0 + length:
                rec[q] = months[q]
        elif kind[q] == MONTHS_IN:  # within a window
            if inside:
                lo = max(t0, entry)
                hi = min(t0 + length, entry + months[q])
                if hi > lo:
                    rec[q] += hi - lo
        else:  # ENTRIES_INTO, within a window
            if inside:
                if run_start[q] < 0:
                    run_start[q] = t0
                    if entry < t0 < entry + months[q]:
                        rec[q] += 1
            else:
                run_start[q] = -1


def emit(diff, weights, is_benefit, out, acc, people):
    """One arm's difference array diff[month, state, band] -> out: occupancy [T, S, B] or weighted [T, W].

    ``acc`` [W, T] and ``people`` [T] are scratch for the weighted form.

    Numba only: the implementation is chosen by the type of ``out`` (below),
    so the kernel is compiled once per kind of output, each without the
    other's work.
    """


@overload(emit)  # not inlined: a call per draw and arm costs nothing, and numba trips inlining two sites
def _emit_for(diff, weights, is_benefit, out, acc, people):
    if out.ndim == 3:  # occupancy[month, state, band]
        def counts(diff, weights, is_benefit, out, acc, people):
            T, S, B = out.shape
            for s in range(S):
                for b in range(B):
                    out[0, s, b] = diff[0, s, b]
            for t in range(1, T):
                for s in range(S):
                    for b in range(B):
                        out[t, s, b] = out[t - 1, s, b] + diff[t, s, b]
        return counts

    def weighted(diff, weights, is_benefit, out, acc, people):  # sum over (state, band) of occupancy x weights[s, b, w]
        T, H = out.shape
        S, B = diff.shape[1], diff.shape[2]
        # People per month first, then the weighing as a separate loop over months, which the compiler
        # vectorises; each out[t, h] still adds its terms in (state, band) order.
        acc[:] = 0.0
        for s in range(S):
            for b in range(B if is_benefit[s] else 1):  # other states are all in band 0
                weighs = False
                for h in range(H):
                    weighs |= weights[s, b, h] != 0.0
                if not weighs:  # adds nothing (outside, say, costs nobody anything): skipped
                    continue
                running = 0
                for t in range(T):
                    running += diff[t, s, b]
                    people[t] = running
                for h in range(H):
                    w = weights[s, b, h]
                    for t in range(T):
                        acc[h, t] += people[t] * w
        for t in range(T):
            for h in range(H):
                out[t, h] = acc[h, t]
    return weighted
