"""Standard exponential numbers from a stream, by the ziggurat method.

Every spell needs an exponential threshold ``E``. ``-log(u)`` costs a
logarithm, on the kernel's critical path.
The ziggurat of Marsaglia & Tsang (2000), in the 256-layer form
numpy's ``Generator.standard_exponential`` uses, needs one 64-bit number, a
table lookup and a multiplication 98.9 % of the time; the rest falls to an
exact wedge or tail test.

The tables are computed here, once per process, with the recurrence of
Marsaglia & Tsang; the kernel and its plain-Python twin are one source
(:func:`sirisk._twins.plain`), so they agree bit for bit. How many numbers one exponential consumes depends only on the
stream, never on rates: spell ``k`` of a person still uses the same numbers
in the treated and the counterfactual arm.

Examples
--------
>>> from sirisk.engine.random import py_stream_start
>>> state, e = py_next_exponential(py_stream_start(1, 0, 0))
>>> e > 0.0
True
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .._twins import plain
from .random import _GOLDEN, _TO_UNIT, _mix

__all__ = ["next_exponential", "py_next_exponential"]

_LAYERS = 256
_R = 7.6971174701310497140446280481  # right edge of the base layer (Marsaglia & Tsang 2000, 256 layers)
_V = 3.9496598225815571993e-3  # area of each layer


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Acceptance bounds ``k`` (53-bit integers), widths ``w`` and densities ``f`` of the layers."""
    scale = 2.0**53
    k = np.zeros(_LAYERS, dtype=np.uint64)
    w = np.zeros(_LAYERS)
    f = np.zeros(_LAYERS)
    x = outer = _R
    q = _V / math.exp(-x)
    k[0] = np.uint64((x / q) * scale)
    w[0] = q / scale
    w[-1] = x / scale
    f[0], f[-1] = 1.0, math.exp(-x)
    for i in range(_LAYERS - 2, 0, -1):
        x = -math.log(_V / x + math.exp(-x))
        k[i + 1] = np.uint64((x / outer) * scale)
        outer = x
        f[i] = math.exp(-x)
        w[i] = x / scale
    return k, w, f


_K, _W, _F = _tables()


@njit(cache=True, inline="always")
def next_exponential(state):
    """Advance a stream; return ``(new_state, e)`` with ``e`` standard exponential and > 0.

    One SplitMix64 number gives the layer (its low 8 bits) and a position in
    it (its high 53 bits); a position half a step off zero keeps ``e``
    strictly positive. Numbers outside a layer's rectangle go to the wedge
    test, or in the base layer to the tail ``R - log(u)``; a rejection draws
    again.
    """
    while True:
        state = state + _GOLDEN
        bits = _mix(state)
        layer = np.int64(bits & np.uint64(0xFF))
        position = bits >> np.uint64(11)
        e = (np.float64(position) + 0.5) * _W[layer]
        if position < _K[layer]:
            return state, e
        state = state + _GOLDEN
        u = (np.float64(_mix(state) >> np.uint64(11)) + 0.5) * _TO_UNIT
        if layer == 0:
            return state, _R - math.log(u)  # math, not np: the twin then calls the same libm
        if (_F[layer - 1] - _F[layer]) * u + _F[layer] < math.exp(-e):
            return state, e


def py_next_exponential(state) -> tuple[np.uint64, float]:
    """Plain-Python twin of :func:`next_exponential`: the same source, run by Python on numpy scalars."""
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps, as compiled
        state, e = plain(next_exponential)(np.uint64(state))
    return state, float(e)
