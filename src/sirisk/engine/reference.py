"""Plain-Python reference implementation of the kernel, for tests only.

It consumes the same random numbers as the kernel (an exponential threshold
and a uniform per spell, from the same streams) and makes the same exit decisions, but is written the
straightforward way: it walks month by month, stores each person's whole
path, and derives occupancy and person-level measures from that path by
brute force. The kernel's spell-level bookkeeping (difference arrays,
clock-band splits, run tracking) is therefore checked against independent
code. It is slow: use a few draws and people.
"""

from __future__ import annotations

import math

import numpy as np

from .kernel import effect_multipliers
from .layout import COUNTING, IN_STATES_AT, MONTHS_IN, SUSTAINED
from .lowering import lower_draws, lower_model
from .exponential import py_next_exponential
from .random import py_next_uniform, py_stream_start
from .simulate import ARMS

__all__ = ["reference_simulate", "reference_paths"]


def _entry_months(n: int, intake_cdf: np.ndarray) -> list[int]:
    cum_counts = [math.floor(n * c + 0.5) for c in intake_cdf]
    return [next(m for m, c in enumerate(cum_counts) if c > i) for i in range(n)]


def _rates_now(model, g, s, d, tau, scale, mult, use_effect):
    out = []
    for k in range(model.n_exits[s]):
        r = model.base_rate[g, s, k, d] * scale[s, k]
        if use_effect and model.effect_of[s, k] >= 0:
            r *= mult[model.effect_of[s, k], tau]
        out.append(r)
    return out


def _rates_change(model, g, s, d):
    """Whether any exit rate of state s differs between durations d and d + 1."""
    rates = model.base_rate[g, s]
    return d + 1 < rates.shape[1] and bool((rates[:, d + 1] != rates[:, d]).any())


def _path(model, stream, g, entry, scale, mult, const_from, use_effect):
    """List of (state, clock) for calendar months entry .. T-1."""
    T = model.horizon
    s, d = int(model.entry_state[g]), int(model.entry_duration[g])
    clock, off = int(model.entry_clock[g]), 0
    path = []
    t = entry
    new_spell = True
    while t < T:
        if new_spell:
            stream, threshold = py_next_exponential(stream)
            stream, u2 = py_next_uniform(stream)
            acc, remaining = 0.0, None
            new_spell = False
        if model.is_benefit[s]:
            if off >= model.clock_reset:
                clock = 0
            path.append((s, clock))
            clock, off = clock + 1, 0
        else:
            path.append((s, clock))
            off += 1
        tau = t - entry
        exited = False
        if model.n_exits[s] > 0:
            total = sum(_rates_now(model, g, s, d, tau, scale, mult, use_effect))
            if use_effect and tau < const_from:
                acc += total
                exited = acc >= threshold
            else:
                # Constant rates: the spell exits in month n of a run of equal rates once total * n reaches
                # what is left of the threshold; a run that ends without an exit uses up total * months.
                if remaining is None:
                    remaining, run = threshold - acc, 0
                run += 1
                exited = total * run >= remaining
                if not exited and _rates_change(model, g, s, d):
                    remaining, run = remaining - total * run, 0
        t += 1
        if exited:
            rates = _rates_now(model, g, s, d, tau, scale, mult, use_effect)
            pick, acc2 = u2 * sum(rates), 0.0
            for k, r in enumerate(rates):
                if r > 0.0:
                    dest = model.exit_dest[s, k]
                    acc2 += r
                    if pick < acc2:
                        break
            s, d, new_spell = int(dest), 0, True
        elif model.rule_after[s] >= 0 and d + 1 == model.rule_after[s]:
            s, d, new_spell = int(model.rule_dest[s]), 0, True
        else:
            d += 1
    return path


def _measures(model, path):
    """Person-level measures from a whole path (brute force)."""
    out = []
    for q in range(len(model.measure_kind)):
        inside = [bool((int(model.measure_mask[q]) >> s) & 1) for s, _ in path]
        months = int(model.measure_months[q])
        kind = model.measure_kind[q]
        if kind == SUSTAINED:
            value, start = -1, None
            window = int(model.measure_window[q])
            for tau, flag in enumerate(inside + [False]):
                if flag and start is None:
                    start = tau
                elif not flag and start is not None:
                    if tau - start >= months and (window < 0 or start < window):
                        value = start + months - 1
                        break
                    start = None
            out.append(value)
        elif kind == IN_STATES_AT:
            out.append(months if months < len(path) and inside[months] else -1)
        elif kind == MONTHS_IN:
            out.append(sum(inside[:months]))
        else:  # ENTRIES_INTO: inside at month tau (0 < tau < window), outside at tau - 1
            out.append(sum(inside[tau] and not inside[tau - 1] for tau in range(1, min(months, len(path)))))
    return out


def reference_paths(programme, model, inputs, draw_ids, keys, arms=ARMS):
    """Every simulated person's whole path, month by month.

    Yields ``(draw position, arm slot, participant, entry month, path)`` with
    ``path`` a list of ``(state, clock)`` from the entry month to the horizon;
    ``model`` and ``inputs`` come from ``lower_model`` and ``lower_draws``.
    """
    arms = [a for a in ARMS if a in arms]
    n_control = programme.control_size if "control" in arms else 0
    group_of = programme.cohort.subgroup_of_participants(_participant_slots(inputs, n_control))
    for j, draw in enumerate(draw_ids):
        mult = np.empty((inputs.effect_params.shape[1], model.horizon))
        const_from = effect_multipliers(inputs.effect_params[j], inputs.effect_profile, inputs.profile_len, mult)
        for slot, arm in enumerate(arms):
            n = n_control if arm == "control" else int(inputs.n_participants[j])
            key = int(keys[1] if arm == "control" else keys[0])
            for i, entry in enumerate(_entry_months(n, model.intake_cdf)):
                yield j, slot, i, entry, _path(model, py_stream_start(key, int(draw), i), group_of[i], entry,
                                               inputs.rate_scale[j], mult, int(const_from),
                                               use_effect=arm == "treated")


def _participant_slots(inputs, n_control):
    """Length of the participant axis: the largest cohort of the call (at least 1)."""
    return int(max(inputs.n_participants.max(initial=0), n_control, 1))


def reference_simulate(programme, draw_ids, keys, *, parameters=None, arms=ARMS):
    """Same outputs as :func:`~sirisk.engine.simulate.run_kernel`, computed in plain Python."""
    model = lower_model(programme)
    inputs = lower_draws(programme, model, len(draw_ids), parameters)
    arms = [a for a in ARMS if a in arms]
    T, S = model.horizon, model.n_states
    B = len(model.clock_edges) + 1
    N = _participant_slots(inputs, programme.control_size if "control" in arms else 0)
    occupancy = np.zeros((len(draw_ids), len(arms), T, S, B), dtype=np.int32)
    # Slots nobody fills keep the measures' "not reached" values (0 months for MonthsIn, else -1).
    records = np.empty((len(draw_ids), len(arms), N, len(model.measure_kind)), dtype=np.int16)
    records[:] = [0 if k in COUNTING else -1 for k in model.measure_kind]
    entry_month = np.full((len(draw_ids), len(arms), N), -1, dtype=np.int16)
    for j, slot, i, entry, path in reference_paths(programme, model, inputs, draw_ids, keys, arms):
        for tau, (s, clock) in enumerate(path):
            band = sum(clock >= e for e in model.clock_edges) if model.is_benefit[s] else 0
            occupancy[j, slot, entry + tau, s, band] += 1
        entry_month[j, slot, i] = entry
        records[j, slot, i] = _measures(model, path)
    return {"occupancy": occupancy, "records": records, "entry_month": entry_month}
