"""Random streams keyed by the unit of work.

Every participant in every draw has its own stream, derived from the run's
seed key, the *global* draw index and the participant index. Nothing depends
on the thread that runs the draw or on how the draws are split into batches,
so the same seed gives bit-identical results on any number of threads and for
any split of the draws.

The generator is SplitMix64 (Steele, Lea & Flood 2014; the seeding generator
of xoshiro): 64-bit state, one add and a 64-bit finaliser per number. A
stream's start is the finaliser applied to (key, draw, participant); streams
are used for a few hundred numbers each, so overlaps between streams within
the 2^64 period are negligible. The plain-Python twins below (the same
source, run by Python: :func:`sirisk._twins.plain`) are used by the reference
implementation and the tests.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._twins import plain

__all__ = ["stream_keys", "stream_start", "next_uniform"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_DRAW_MUL = np.uint64(0xD1B54A32D192ED03)
_PERSON_MUL = np.uint64(0xAEF17502108EF2D9)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def _mix(z):
    # SplitMix64 finaliser (variant 13 of Stafford's mixers).
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def stream_start(key, draw, person):
    """State of the stream of ``person`` in global draw ``draw``."""
    z = _mix(key ^ (np.uint64(draw) * _DRAW_MUL))
    return _mix(z ^ (np.uint64(person) * _PERSON_MUL + _GOLDEN))


@njit(cache=True, inline="always")
def next_uniform(state):
    """Advance a stream; return ``(new_state, u)`` with ``u`` uniform on the open interval (0, 1)."""
    state = state + _GOLDEN
    return state, (np.float64(_mix(state) >> np.uint64(11)) + 0.5) * _TO_UNIT


def py_stream_start(key, draw: int, person: int) -> np.uint64:
    """Plain-Python twin of :func:`stream_start`: the same source, run by Python on numpy scalars."""
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps, as compiled
        return plain(stream_start)(np.uint64(key), draw, person)


def py_next_uniform(state) -> tuple[np.uint64, float]:
    """Plain-Python twin of :func:`next_uniform`."""
    with np.errstate(over="ignore"):
        state, u = plain(next_uniform)(np.uint64(state))
    return state, float(u)


def stream_keys(seq: np.random.SeedSequence) -> np.ndarray:
    """Two 64-bit keys: one for the programme's participants (both arms), one for the control group."""
    return seq.generate_state(2, dtype=np.uint64)
