"""The kernel's arguments, in named groups built in one place from the lowered model.

:func:`~sirisk.engine.kernel.simulate_draws` takes a handful of named tuples
instead of thirty-odd positional arrays: the model's rate tables, its rules,
the benefit clock, the cohort, the measures, one slice of draws, and the
outputs. Numba compiles attribute access on a named tuple to the field
itself, so names cost nothing, and a field added or moved is found by name
rather than by its place in a call. :func:`model_arguments` and
:func:`draw_arguments` are the only places that fill them.

Examples
--------
>>> from sirisk.scenarios.reference_model import reference_programme
>>> from sirisk.engine.lowering import lower_model
>>> p = reference_programme()
>>> static = model_arguments(lower_model(p), p, participant_slots=300, control=True)
>>> static.measures.kind.shape == (len(p.measures),), int(static.cohort.n_control) == p.control_size
(True, True)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .lowering import DrawInputs, LoweredModel

__all__ = ["RateTables", "Rules", "Clock", "CohortTables", "MeasureTables", "DrawSlice", "Outputs", "ModelArguments",
           "model_arguments", "draw_arguments"]


class RateTables(NamedTuple):
    """Exits and their rates: ``n_exits`` [S], ``exit_dest`` [S, K], ``base_rate`` [G, S, K, Dd], ``effect_of``
    [S, K] (effect index or -1), ``segment_start`` [G, S, J+1] (durations where the rates change)."""

    n_exits: np.ndarray
    exit_dest: np.ndarray
    base_rate: np.ndarray
    effect_of: np.ndarray
    segment_start: np.ndarray


class Rules(NamedTuple):
    """Deterministic moves: after ``rule_after[s]`` months (-1: never) to ``rule_dest[s]``."""

    after: np.ndarray
    dest: np.ndarray


class Clock(NamedTuple):
    """The public-benefit clock: ``is_benefit`` [S], band ``edges`` [B-1], ``reset`` months off that end a period."""

    is_benefit: np.ndarray
    edges: np.ndarray
    reset: np.int64


class CohortTables(NamedTuple):
    """Who enrols when and where: subgroup of each participant slot, each subgroup's entry state, duration and
    clock, the intake's cumulative shares by month, and the control group's size (0: not simulated)."""

    group_of: np.ndarray
    entry_state: np.ndarray
    entry_duration: np.ndarray
    entry_clock: np.ndarray
    intake_cdf: np.ndarray
    n_control: np.int64


class MeasureTables(NamedTuple):
    """Person measures: ``kind`` (:mod:`sirisk.engine.layout`), state ``mask`` (bit s), ``months`` (run length,
    month or window) and ``window`` (start window of a run, -1: none), each [Q]."""

    kind: np.ndarray
    mask: np.ndarray
    months: np.ndarray
    window: np.ndarray


class DrawSlice(NamedTuple):
    """One slice of draws: global ``draw_ids`` (streams are keyed by them) and the per-draw inputs
    (:class:`~sirisk.engine.lowering.DrawInputs`)."""

    draw_ids: np.ndarray
    n_participants: np.ndarray
    rate_scale: np.ndarray
    effect_params: np.ndarray
    effect_profile: np.ndarray
    profile_len: np.ndarray


class Outputs(NamedTuple):
    """What the kernel writes for a slice of draws, and the weights it writes occupancy with (see
    :func:`~sirisk.engine.kernel.simulate_draws`)."""

    weights: np.ndarray
    out: np.ndarray
    records: np.ndarray
    entry_month: np.ndarray


class ModelArguments(NamedTuple):
    """Everything of one call that no draw changes."""

    rates: RateTables
    rules: Rules
    clock: Clock
    cohort: CohortTables
    measures: MeasureTables


def model_arguments(model: LoweredModel, programme, *, participant_slots: int, control: bool) -> ModelArguments:
    """The draw-independent groups of a call, from the lowered model.

    ``participant_slots`` is the length of the participant axis (the largest
    cohort of the call); ``control`` says whether the control group is simulated.
    """
    n_control = programme.control_size if control else 0
    return ModelArguments(
        rates=RateTables(model.n_exits, model.exit_dest, model.base_rate, model.effect_of, model.segment_start),
        rules=Rules(model.rule_after, model.rule_dest),
        clock=Clock(model.is_benefit, model.clock_edges, np.int64(model.clock_reset)),
        cohort=CohortTables(programme.cohort.subgroup_of_participants(participant_slots), model.entry_state, model.entry_duration, model.entry_clock, model.intake_cdf,
                            np.int64(n_control)),
        measures=MeasureTables(model.measure_kind, model.measure_mask, model.measure_months, model.measure_window),
    )


def draw_arguments(inputs: DrawInputs, draw_ids: np.ndarray, lo: int, hi: int) -> DrawSlice:
    """Draws ``lo:hi`` of a call: views of the per-draw inputs."""
    return DrawSlice(draw_ids[lo:hi], inputs.n_participants[lo:hi], inputs.rate_scale[lo:hi],
                     inputs.effect_params[lo:hi], inputs.effect_profile, inputs.profile_len)
