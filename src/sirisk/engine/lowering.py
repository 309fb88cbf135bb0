"""Lowering: validated specs and per-draw parameter values to flat arrays.

Nothing here is random and nothing here runs in numba. The kernel receives
only what this module produces.

Rates, not probabilities
------------------------
A transition table gives monthly probabilities ``p_k(d)`` of the competing
moves out of a state. The engine works with cause-specific monthly rates,
``lambda_k = -log(1 - p_total) * p_k / p_total``, so that a hazard ratio
``m_k`` (intervention effect, scale factor) gives the probabilities
``p'_total = 1 - exp(-sum_k m_k lambda_k)`` and
``p'_k = p'_total * m_k lambda_k / sum_j m_j lambda_j``. With all ``m_k = 1``
these are the table's probabilities. A certain exit (``p_total = 1``) is
represented by a total rate of ``CERTAIN_EXIT_RATE`` (``exp(-700)`` is below
the smallest double, so the exit stays certain).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import SpecError
from ..model.programme import MAX_PEOPLE, Programme
from .layout import (EFFECT_FIELDS, EFFECT_SLOTS, ENTRIES_INTO, FULL_EFFECT_MONTHS, HAZARD_RATIO, IN_STATES_AT,
                     LOCK_IN_HAZARD_RATIO, MONTHS_IN, SUSTAINED)

__all__ = ["LoweredModel", "DrawInputs", "lower_model", "lower_draws", "duration_segments",
           "CERTAIN_EXIT_RATE", "MAX_COHORT", "SEGMENT_END"]

CERTAIN_EXIT_RATE = 700.0
MAX_COHORT = MAX_PEOPLE
SEGMENT_END = 1 << 40  # start of the segment after the last: a duration never reached


@dataclass(frozen=True)
class LoweredModel:
    """Draw-independent arrays of one programme (see the kernel for their use)."""

    n_exits: np.ndarray        # [S] int64
    exit_dest: np.ndarray      # [S, K] int64
    base_rate: np.ndarray      # [G, S, K, Dd] float64, cause-specific monthly rates by duration
    rule_after: np.ndarray     # [S] int64, -1: no rule
    rule_dest: np.ndarray      # [S] int64
    is_benefit: np.ndarray     # [S] bool
    clock_edges: np.ndarray    # [B-1] int64
    clock_reset: int
    entry_state: np.ndarray    # [G] int64
    entry_duration: np.ndarray  # [G] int64
    entry_clock: np.ndarray    # [G] int64
    intake_cdf: np.ndarray     # [M] float64, cumulative share of intake by month
    effect_of: np.ndarray      # [S, K] int64, effect index or -1
    segment_start: np.ndarray  # [G, S, J+1] int64: durations where the rates change; padded with SEGMENT_END
    measure_kind: np.ndarray   # [Q] int64
    measure_mask: np.ndarray   # [Q] uint64, bit s set if state s counts
    measure_months: np.ndarray  # [Q] int64: run length / month / window
    measure_window: np.ndarray  # [Q] int64: start window of a run (-1: none)
    horizon: int

    @property
    def n_states(self) -> int:
        return len(self.n_exits)

    @property
    def max_exits(self) -> int:
        return self.exit_dest.shape[1]


@dataclass(frozen=True)
class DrawInputs:
    """Per-draw arrays; axis 0 is the draw."""

    n_participants: np.ndarray  # [D] int64
    rate_scale: np.ndarray      # [D, S, K] float64
    effect_params: np.ndarray   # [D, E, EFFECT_SLOTS] float64: the slots of engine.layout
    effect_profile: np.ndarray  # [E, W] float64: explicit weights, padded
    profile_len: np.ndarray     # [E] int64: 0 if the effect has no explicit profile
    values: dict                # path -> [D] array actually used (for the results)


def _rates(probabilities: np.ndarray, axis: int) -> np.ndarray:
    """Cause-specific rates from competing monthly probabilities (exits along ``axis``)."""
    total = probabilities.sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        total_rate = np.where(total >= 1.0, CERTAIN_EXIT_RATE, -np.log1p(-np.minimum(total, 1.0)))
        return np.where(total > 0, total_rate * probabilities / total, 0.0)


def duration_segments(base_rate: np.ndarray) -> np.ndarray:
    """Start durations of the runs of durations over which every exit rate is constant.

    ``out[g, s, j]`` is the first duration of segment ``j`` of state ``s``
    (subgroup ``g``); unused places, and the one after the last segment,
    hold ``SEGMENT_END``. Tables give rates over a few duration bands, so a
    spell's exit month is found segment by segment rather than month by month.

    Examples
    --------
    >>> rate = np.zeros((1, 2, 1, 6))
    >>> rate[0, 0, 0] = [0.1, 0.1, 0.3, 0.3, 0.3, 0.2]
    >>> duration_segments(rate)[0].tolist() == [[0, 2, 5, SEGMENT_END], [0, SEGMENT_END, SEGMENT_END, SEGMENT_END]]
    True
    """
    G, S, _, Dd = base_rate.shape
    change = np.zeros((G, S, Dd), dtype=bool)
    change[..., 0] = True
    change[..., 1:] = (base_rate[..., 1:] != base_rate[..., :-1]).any(axis=2)
    J = int(change.sum(axis=2).max())
    out = np.full((G, S, J + 1), SEGMENT_END, dtype=np.int64)
    for g in range(G):
        for s in range(S):
            starts = np.flatnonzero(change[g, s])
            out[g, s, :len(starts)] = starts
    return out


def _measure_months(measure) -> int:
    """The measure's month parameter: run length, month of observation, or window."""
    return getattr(measure, {SUSTAINED: "months", IN_STATES_AT: "month", MONTHS_IN: "within_months",
                             ENTRIES_INTO: "within_months"}[measure.kind])


def lower_model(programme: Programme) -> LoweredModel:
    """Arrays that describe ``programme``'s trajectory model.

    Examples
    --------
    >>> from sirisk.scenarios.reference_model import reference_programme
    >>> m = lower_model(reference_programme(participants=300, horizon_months=60))
    >>> m.n_exits.tolist(), m.exit_dest[0].tolist()
    ([2, 1, 0], [1, 2])
    """
    p = programme
    S, T = len(p.states), p.horizon_months
    groups = p.cohort.subgroups
    G = len(groups)
    names = p.state_names
    # Exits per state: every target that any subgroup's table names.
    exits = [[] for _ in range(S)]
    for t in p.transitions:
        s, dst = names.index(t.source), names.index(t.target)
        if dst not in exits[s]:
            exits[s].append(dst)
    for s in range(S):
        exits[s].sort()
    K = max(1, max(len(e) for e in exits))
    n_exits = np.array([len(e) for e in exits], dtype=np.int64)
    exit_dest = np.full((S, K), -1, dtype=np.int64)
    for s, e in enumerate(exits):
        exit_dest[s, :len(e)] = e
    # Durations reachable: entry duration + months in the horizon.
    Dd = int(max(g.entry_duration_months for g in groups)) + T + 1
    prob = np.zeros((G, S, K, Dd))
    durations = np.arange(Dd)
    for gi, g in enumerate(groups):
        for s in range(S):
            for table in p.tables_from(names[s], g.name):
                k = exits[s].index(names.index(table.target))
                band = np.searchsorted(np.array(table.band_starts), durations, side="right") - 1
                prob[gi, s, k] = np.array(table.probabilities)[band]
    base_rate = _rates(prob, axis=2)

    rule_after = np.full(S, -1, dtype=np.int64)
    rule_dest = np.full(S, -1, dtype=np.int64)
    for r in p.rules:
        rule_after[names.index(r.source)] = r.after_months
        rule_dest[names.index(r.source)] = names.index(r.target)

    effect_of = np.full((S, K), -1, dtype=np.int64)
    for ei, e in enumerate(p.effects):
        for src, dst in e.transitions:
            s = names.index(src)
            effect_of[s, exits[s].index(names.index(dst))] = ei

    cum = np.cumsum(p.cohort.intake)
    intake_cdf = cum / cum[-1]

    Q = len(p.measures)
    measure_mask = np.zeros(Q, dtype=np.uint64)
    for q, m in enumerate(p.measures):
        bits = np.flatnonzero(p.measure_mask(m)).astype(np.uint64)
        measure_mask[q] = np.bitwise_or.reduce(np.left_shift(np.uint64(1), bits)) if len(bits) else np.uint64(0)
    return LoweredModel(
        n_exits=n_exits, exit_dest=exit_dest, base_rate=base_rate,
        rule_after=rule_after, rule_dest=rule_dest,
        is_benefit=np.array([s.benefit for s in p.states], dtype=np.bool_),
        clock_edges=np.array(p.benefit_clock.band_edges_months, dtype=np.int64),
        clock_reset=int(p.benefit_clock.reset_after_months_off),
        entry_state=np.array([names.index(g.entry_state) for g in groups], dtype=np.int64),
        entry_duration=np.array([g.entry_duration_months for g in groups], dtype=np.int64),
        entry_clock=np.array([p.entry_clock_months(g) for g in groups], dtype=np.int64),
        intake_cdf=intake_cdf.astype(np.float64),
        effect_of=effect_of,
        segment_start=duration_segments(base_rate),
        measure_kind=np.array([m.kind for m in p.measures], dtype=np.int64),
        measure_mask=measure_mask,
        measure_months=np.array([_measure_months(m) for m in p.measures], dtype=np.int64),
        measure_window=np.array([m.window if m.kind == SUSTAINED else -1 for m in p.measures], dtype=np.int64),
        horizon=T,
    )


# -- per-draw values ----------------------------------------------------------

_INTEGER_PARAMS = ("cohort.size", "lock_in_months", "ramp_up_months", "full_effect_months", "fade_out_months")


def _check_values(programme: Programme, path: str, values, n_draws: int) -> np.ndarray:
    where = f"programme {programme.name!r}: parameter {path!r}"
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = np.full(n_draws, arr)
    if arr.shape != (n_draws,):
        raise SpecError(f"{where}: shape is {arr.shape}; needs one value per draw, shape ({n_draws},)")
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise SpecError(f"{where}: dtype is {arr.dtype}; values must be real numbers")
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SpecError(f"{where}: value at draw {i} is {arr[i].item()!r}; values must be finite")
    if path.endswith(_INTEGER_PARAMS):
        frac = arr != np.round(arr)
        if frac.any():
            i = int(np.flatnonzero(frac)[0])
            raise SpecError(f"{where}: value at draw {i} is {arr[i].item()!r}; must be a whole number")
    if path.endswith("hazard_ratio"):
        rule, bad = "a hazard ratio must be > 0", arr <= 0
    elif path == "cohort.size":
        rule, bad = f"a cohort size must lie in [0, {MAX_COHORT}]", (arr < 0) | (arr > MAX_COHORT)
    else:
        rule, bad = "must be >= 0", arr < 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SpecError(f"{where}: value at draw {i} is {arr[i].item()!r}; {rule}")
    return arr


def lower_draws(programme: Programme, model: LoweredModel, n_draws: int,
                parameters: Mapping[str, object] | None = None) -> DrawInputs:
    """Per-draw arrays from a mapping ``parameter path -> values`` (one per draw).

    Parameters not named keep the programme's value in every draw.

    Examples
    --------
    >>> from sirisk.scenarios.reference_model import reference_programme
    >>> p = reference_programme(participants=10, horizon_months=12)
    >>> d = lower_draws(p, lower_model(p), 3, {"effects.effect.hazard_ratio": [1.0, 1.2, 0.9]})
    >>> d.effect_params[:, 0, 0].tolist()
    [1.0, 1.2, 0.9]
    >>> lower_draws(p, lower_model(p), 3, {"effects.effect.hazard_ratio": [1.0, -1.0, 0.9]})
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: programme 'reference': parameter 'effects.effect.hazard_ratio': value at draw 1 is -1.0; a hazard ratio must be > 0
    """
    if parameters is not None and not isinstance(parameters, Mapping):
        raise SpecError(f"programme {programme.name!r}: parameters is {type(parameters).__name__}; must map "
                        "parameter paths to values per draw, e.g. {'effects.ips.hazard_ratio': [1.2, 1.4]}")
    parameters = dict(parameters or {})
    known = programme.parameter_paths
    for path in parameters:
        if path not in known:
            raise SpecError(f"programme {programme.name!r}: parameter path is {path!r}; "
                            f"must be one of {', '.join(known)}")
    values = {path: _check_values(programme, path, v, n_draws) for path, v in parameters.items()}

    D, S, K = n_draws, model.n_states, model.max_exits
    n = values.get("cohort.size", np.full(D, programme.cohort.size)).astype(np.int64)

    rate_scale = np.ones((D, S, K))
    names = programme.state_names
    for path, arr in values.items():
        if path.startswith("hazards."):
            src, dst = path[len("hazards."):-len(".scale")].split("->")
            s = names.index(src)
            k = int(np.flatnonzero(model.exit_dest[s] == names.index(dst))[0])
            rate_scale[:, s, k] = arr

    E = max(1, len(programme.effects))
    effect_params = np.zeros((D, E, EFFECT_SLOTS))
    effect_params[:, :, HAZARD_RATIO] = effect_params[:, :, LOCK_IN_HAZARD_RATIO] = 1.0  # no effect
    effect_params[:, :, FULL_EFFECT_MONTHS] = -1
    width = max([len(e.profile) for e in programme.effects if e.profile is not None] + [1])
    effect_profile = np.zeros((E, width))
    profile_len = np.zeros(E, dtype=np.int64)
    for ei, e in enumerate(programme.effects):
        defaults = (e.hazard_ratio, e.lock_in_hazard_ratio, e.lock_in_months, e.ramp_up_months,
                    -1 if e.full_effect_months is None else e.full_effect_months, e.fade_out_months)
        for f, (field, default) in enumerate(zip(EFFECT_FIELDS, defaults)):
            effect_params[:, ei, f] = values.get(f"effects.{e.name}.{field}", default)
        if e.profile is not None:
            effect_profile[ei, :len(e.profile)] = e.profile
            profile_len[ei] = len(e.profile)
    return DrawInputs(n_participants=n, rate_scale=rate_scale, effect_params=effect_params,
                      effect_profile=effect_profile, profile_len=profile_len, values=values)
