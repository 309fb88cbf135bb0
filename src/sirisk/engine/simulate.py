"""Public entry point of the engine: :func:`simulate`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import xarray as xr

from .. import _versions
from ..errors import SpecError
from ..model.programme import Programme
from .arguments import Outputs, draw_arguments, model_arguments
from .kernel import kernel_scratch, simulate_draws
from .lowering import DrawInputs, LoweredModel, lower_draws, lower_model
from .._seeding import seed_sequence
from .._threads import using
from .random import stream_keys

__all__ = ["simulate", "simulate_arrays", "ARMS"]

ARMS = ("treated", "counterfactual", "control")


def _draw_ids(draws) -> np.ndarray:
    if isinstance(draws, range):
        if draws.step != 1 or draws.start < 0 or len(draws) == 0:
            raise SpecError(f"draws is {draws!r}; a range of draws must be non-empty, start at >= 0 and step by 1")
        return np.arange(draws.start, draws.stop, dtype=np.int64)
    if isinstance(draws, (int, np.integer)) and not isinstance(draws, bool) and draws >= 1:
        return np.arange(int(draws), dtype=np.int64)
    raise SpecError(f"draws is {draws!r}; give a positive number of draws or a range of draw indices")


def _arms(programme: Programme, arms) -> tuple[str, ...]:
    if isinstance(arms, str):
        arms = (arms,)
    arms = tuple(arms)
    for a in arms:
        if a not in ARMS:
            raise SpecError(f"arms contains {a!r}; each arm must be one of {ARMS}")
    if not arms or len(set(arms)) != len(arms):
        raise SpecError(f"arms is {arms!r}; name each arm at most once, at least one")
    return tuple(a for a in ARMS if a in arms)


def _occupancy_weights(weights, programme: Programme, n_draws: int) -> tuple[np.ndarray, list]:
    """Weights as float64 [draw or 1, state, clock_band, weight], and the weights' labels."""
    S, B = len(programme.states), programme.benefit_clock.n_bands
    if isinstance(weights, xr.DataArray):
        dims = ("draw", "state", "clock_band", "weight") if "draw" in weights.dims else ("state", "clock_band", "weight")
        if set(weights.dims) != set(dims):
            raise SpecError(f"occupancy_weights has dims {weights.dims}; must be (state, clock_band, weight), "
                            "optionally with draw")
        if "state" in weights.coords and list(weights.state.values) != list(programme.state_names):
            raise SpecError(f"occupancy_weights has states {list(weights.state.values)}; must be the programme's "
                            f"states in order {list(programme.state_names)}")
        labels = list(weights["weight"].values) if "weight" in weights.coords else list(range(weights.sizes["weight"]))
        weights = weights.transpose(*dims).values
    else:
        weights = np.asarray(weights)
        labels = list(range(weights.shape[-1])) if weights.ndim else []
    if weights.ndim == 3:
        weights = weights[None]
    if (weights.ndim != 4 or weights.shape[1:3] != (S, B) or weights.shape[0] not in (1, n_draws)
            or weights.shape[3] < 1):
        raise SpecError(f"occupancy_weights has shape {weights.shape}; must be (state, clock_band, weight) = "
                        f"({S}, {B}, W) or (draw, state, clock_band, weight) = ({n_draws}, {S}, {B}, W), W >= 1")
    if not np.issubdtype(weights.dtype, np.number) or np.issubdtype(weights.dtype, np.complexfloating):
        raise SpecError(f"occupancy_weights has dtype {weights.dtype}; must be real numbers")
    if not np.isfinite(weights).all():
        raise SpecError("occupancy_weights has a value that is not finite; every weight must be a finite number")
    return np.ascontiguousarray(weights, dtype=np.float64), labels


_SHARE = 2  # a slice is the draws left / (threads x _SHARE): big slices first, small ones at the end
_MIN_TASK = 16  # draws


def _in_threads(run: Callable[[int, int], None], n: int, threads: int) -> None:
    """Call ``run(lo, hi)`` on consecutive slices covering ``range(n)``, in up to ``threads`` threads.

    Each thread takes its next slice when it is free, sized by what is left
    (guided scheduling): slices shrink from draws / (2 x threads) to 16, so
    a slow core (on a shared machine) takes fewer draws and the threads
    finish within a few draws of each other. Fixed slices, eight per thread,
    had left a core idle for 1 of 19 core-seconds of dsi2021's 100,000-draw
    run. The kernel releases the GIL, so the threads run in parallel. Which
    thread runs a slice never changes a result: every draw has its own
    random stream and scratch is rewritten for every draw.

    On an error in a slice, or Ctrl-C, no further slice is started; slices
    under way finish, and the error is raised here.
    """
    if threads <= 1 or n <= _MIN_TASK:
        run(0, n)
        return
    lock, stop = threading.Lock(), threading.Event()
    taken = 0

    def next_slice():
        nonlocal taken
        with lock:
            if stop.is_set() or taken >= n:
                return None
            lo = taken
            taken = min(n, lo + max(_MIN_TASK, (n - lo) // (threads * _SHARE)))
            return lo, taken

    def work():
        try:
            while (piece := next_slice()) is not None:
                run(*piece)
        except BaseException:
            stop.set()
            raise

    workers = min(threads, -(-n // _MIN_TASK))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sirisk-engine") as pool:
        try:
            for done in [pool.submit(work) for _ in range(workers)]:
                done.result()  # re-raises a worker's error here
        except BaseException:  # including Ctrl-C in this thread: the workers stop after their slice
            stop.set()
            raise


def run_kernel(programme: Programme, model: LoweredModel, inputs: DrawInputs, keys: np.ndarray,
               draw_ids: np.ndarray, arms: Sequence[str], weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Allocate outputs and run the kernel; return the raw arrays.

    With ``weights`` [D or 1, S, B, W] the result has ``weighted_occupancy``
    [D, A, T, W] instead of ``occupancy`` [D, A, T, S, B].
    """
    D, T = len(draw_ids), model.horizon
    S, B, Q = model.n_states, len(model.clock_edges) + 1, len(model.measure_kind)
    A = len(arms)
    n_control = programme.control_size if "control" in arms else 0
    N = int(max(inputs.n_participants.max(initial=0), n_control, 1))
    arm_slot = np.array([arms.index(a) if a in arms else -1 for a in ARMS], dtype=np.int64)
    static = model_arguments(model, programme, participant_slots=N, control="control" in arms)
    if weights is None:
        weights = np.zeros((1, S, B, 0))
        out = np.empty((D, A, T, S, B), dtype=np.int32)  # every cell is written
    else:
        out = np.empty((D, A, T, weights.shape[3]))
    records = np.empty((D, A, N, Q), dtype=np.int16)
    entry_month = np.empty((D, A, N), dtype=np.int16)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    per_draw = weights.shape[0] > 1

    def run(lo: int, hi: int) -> None:
        # Slices of the per-draw arrays are views: the kernel writes straight into the outputs.
        outputs = Outputs(weights[lo:hi] if per_draw else weights, out[lo:hi], records[lo:hi], entry_month[lo:hi])
        simulate_draws(keys, arm_slot, static.rates, static.rules, static.clock, static.cohort, static.measures,
                       draw_arguments(inputs, draw_ids, lo, hi), outputs,
                       kernel_scratch(model, inputs, N, weights.shape[3]))

    _in_threads(run, D, numba.get_num_threads())
    return {"occupancy" if out.ndim == 5 else "weighted_occupancy": out, "records": records,
            "entry_month": entry_month}


def simulate(programme: Programme, draws: int | range = 1000, *, rng=None,
             parameters: Mapping[str, object] | None = None, arms: Sequence[str] = ARMS,
             threads: int | None = None, occupancy_weights=None) -> xr.Dataset:
    """Simulate the participants' monthly paths for many parameter draws.

    Parameters
    ----------
    programme : Programme
    draws : int or range
        Number of draws, or a range of global draw indices. Draw ``k`` gives
        the same result whether it is simulated alone, in a batch or in one
        call with all others.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the run (keyword only). ``None`` takes fresh entropy, which is
        recorded in the result's attrs so that the run can be repeated.
    parameters : mapping of str to array_like, optional
        Values per draw for any of ``programme.parameter_paths`` (one value
        per draw, or a scalar), e.g. sampled by the uncertainty layer.
    arms : sequence of {"treated", "counterfactual", "control"}
        Arms to simulate. Treated and counterfactual share random numbers;
        the control group (``programme.control_size`` people) has its own.
    threads : int, optional
        Threads for this call (default: numba's current setting). Results do
        not depend on it.
    occupancy_weights : array_like or xarray.DataArray, optional
        Weights per person-month by state and clock band, ``(state,
        clock_band, weight)`` or per draw ``(draw, state, clock_band,
        weight)`` (a DataArray may name its dims in any order). If given, the
        result has ``weighted_occupancy(draw, arm, month, weight)``, the sum
        over states and bands of occupancy times weight, *instead of*
        ``occupancy``: the month x state x band cube is then never stored,
        which saves memory and time when only costs per month are wanted
        (:func:`sirisk.evaluate` passes each holder's cost per person-month).

    Returns
    -------
    xarray.Dataset
        ``occupancy(draw, arm, month, state, clock_band)``: people in each
        state per month, benefit states split by benefit-clock band (other
        states in the first band); ``person_measure(draw, arm,
        participant, measure)``: person-level measures (see :mod:`sirisk.model.measures`);
        ``entry_month(draw, arm, participant)``: -1 if not enrolled in the
        draw; ``enrolled(draw, arm)``; ``parameter_value(draw, parameter)``: the
        per-draw values used. Seed and library versions are in ``attrs``.
        With ``occupancy_weights``, ``weighted_occupancy(draw, arm, month,
        weight)`` replaces ``occupancy``.

    Examples
    --------
    >>> from sirisk.scenarios.reference_model import reference_programme
    >>> ds = simulate(reference_programme(participants=50, horizon_months=24), draws=20, rng=1)
    >>> ds.occupancy.dims
    ('draw', 'arm', 'month', 'state', 'clock_band')
    >>> bool((ds.occupancy.sum(["state", "clock_band"]).isel(month=-1) == ds.enrolled).all())
    True

    Only people per month, counted by weighing every state and band with 1:

    >>> p = reference_programme(participants=50, horizon_months=24)
    >>> ones = np.ones((len(p.states), p.benefit_clock.n_bands, 1))
    >>> people = simulate(p, draws=20, rng=1, occupancy_weights=ones).weighted_occupancy
    >>> bool((people.isel(month=-1, weight=0) == ds.enrolled).all())
    True
    """
    if not isinstance(programme, Programme):
        raise SpecError(f"programme is {type(programme).__name__}; must be a sirisk.Programme")
    draw_ids = _draw_ids(draws)
    arms = _arms(programme, arms)
    seq = seed_sequence(rng)
    keys = stream_keys(seq)
    weights = labels = None
    if occupancy_weights is not None:
        weights, labels = _occupancy_weights(occupancy_weights, programme, len(draw_ids))
    raw, inputs = simulate_arrays(programme, draw_ids, keys, arms, parameters, threads, weights)
    return _dataset(programme, raw, inputs, draw_ids, arms, seq, labels)


def simulate_arrays(programme: Programme, draw_ids: np.ndarray, keys: np.ndarray, arms: Sequence[str],
                    parameters: Mapping[str, object] | None = None, threads: int | None = None,
                    weights: np.ndarray | None = None, *,
                    model: LoweredModel | None = None) -> tuple[dict[str, np.ndarray], DrawInputs]:
    """:func:`simulate` without the checks of its arguments and without the Dataset: raw arrays.

    For callers inside sirisk that run many batches and need only the
    arrays (:func:`sirisk.evaluate`): building the Dataset is a cost per
    call. ``arms`` in the order of ``ARMS``; ``weights`` as checked by
    ``simulate``; ``model``, if given, is ``lower_model(programme)``, lowered
    once for all batches (lowering runs while both cores wait). Returns the
    kernel's arrays (see :func:`run_kernel`) and the per-draw inputs.
    """
    model = lower_model(programme) if model is None else model
    inputs = lower_draws(programme, model, len(draw_ids), parameters)
    with using(threads):
        raw = run_kernel(programme, model, inputs, keys, draw_ids, arms, weights)
    return raw, inputs


def _dataset(programme, raw, inputs, draw_ids, arms, seq, weight_labels=None) -> xr.Dataset:
    entry = raw["entry_month"]
    D, A, N = entry.shape
    paths = sorted(inputs.values)
    if "occupancy" in raw:
        cube = {"occupancy": (("draw", "arm", "month", "state", "clock_band"), raw["occupancy"],
                              {"units": "persons", "long_name": "people in state during month",
                               "description": "benefit states split by public-benefit clock band; "
                                              "other states are counted in the first band"})}
        extra = {}
    else:
        cube = {"weighted_occupancy": (("draw", "arm", "month", "weight"), raw["weighted_occupancy"],
                                       {"long_name": "people in state during month, weighted",
                                        "description": "sum over states and clock bands of occupancy x "
                                                       "occupancy_weights"})}
        extra = {"weight": weight_labels}
    ds = xr.Dataset(
        data_vars={
            **cube,
            "person_measure": (("draw", "arm", "participant", "measure"), raw["records"],
                        {"units": "month", "long_name": "months since enrolment (a count of months for MonthsIn)",
                         "description": "person-level measure; -1: not reached within the horizon "
                                        "or not enrolled"}),
            "entry_month": (("draw", "arm", "participant"), entry,
                            {"units": "programme month", "description": "-1: not enrolled in this draw"}),
            "enrolled": (("draw", "arm"), (entry >= 0).sum(axis=2).astype(np.int32), {"units": "persons"}),
            "parameter_value": (("draw", "parameter"),
                          np.stack([inputs.values[p] for p in paths], axis=1) if paths else np.empty((D, 0)),
                          {"description": "per-draw parameter values given to the engine"}),
        },
        coords={
            "draw": draw_ids,
            "arm": list(arms),
            "month": np.arange(programme.horizon_months),
            "state": list(programme.state_names),
            "benefit": ("state", np.array([s.benefit for s in programme.states])),
            "clock_band": list(programme.benefit_clock.band_labels),
            "participant": np.arange(N),
            "measure": [m.name for m in programme.measures],
            "measure_kind": ("measure", [type(m).__name__ for m in programme.measures]),
            "parameter": paths,
            **extra,
        },
        attrs={
            "programme": programme.name,
            "horizon_months": programme.horizon_months,
            "benefit_clock_reset_after_months_off": programme.benefit_clock.reset_after_months_off,
            "seed_entropy": str(seq.entropy),
            "seed_spawn_key": str(tuple(seq.spawn_key)),
            **_versions.versions(),
        },
    )
    ds["month"].attrs.update(units="month", long_name="months since the start of intake")
    ds["clock_band"].attrs["units"] = "months on public benefit in the current period"
    return ds
