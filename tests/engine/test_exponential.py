"""The ziggurat exponential: numba and Python twins agree; the numbers are standard exponential."""

import math

import numpy as np
from numba import njit
from scipy import stats

from sirisk.engine import exponential
from sirisk.engine.exponential import next_exponential, py_next_exponential
from sirisk.engine.random import py_stream_start, stream_start


@njit
def _exponentials(key, draw, person, n):
    s = stream_start(key, draw, person)
    out = np.empty(n)
    for i in range(n):
        s, out[i] = next_exponential(s)
    return out, s


def _py_exponentials(key, draw, person, n):
    s = py_stream_start(key, draw, person)
    out = []
    for _ in range(n):
        s, e = py_next_exponential(s)
        out.append(e)
    return np.array(out), s


def test_numba_and_python_twins_agree_bit_for_bit_including_wedge_and_tail():
    numba_values, numba_state = _exponentials(np.uint64(3), 5, 7, 30_000)
    py_values, py_state = _py_exponentials(3, 5, 7, 30_000)
    np.testing.assert_array_equal(numba_values, py_values)
    assert int(numba_state) == py_state  # the same numbers were consumed
    # Values beyond R come only from the tail branch; 30,000 draws pass it about 14 times.
    assert (py_values > exponential._R).sum() >= 3


def test_exponentials_are_standard_exponential_and_positive():
    e, _ = _exponentials(np.uint64(11), 0, 0, 400_000)
    assert e.min() > 0.0
    assert stats.kstest(e, "expon").pvalue > 1e-4
    n = e.size
    assert abs(e.mean() - 1.0) < 4 / math.sqrt(n)  # sd of an exponential is 1
    for x in (0.01, 1.0, 5.0, exponential._R):
        p = math.exp(-x)
        assert abs((e > x).mean() - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_tables_follow_the_ziggurat_identities():
    R, V = exponential._R, exponential._V
    # Every layer has area V; the base layer is the rectangle R * f(R) plus the tail's area exp(-R).
    assert math.isclose(V, (R + 1.0) * math.exp(-R), rel_tol=1e-14)
    widths = exponential._W[1:] * 2.0**53  # right edges x_1 < ... < x_255 = R
    assert np.all(np.diff(widths) > 0) and math.isclose(widths[-1], R)
    densities = exponential._F
    assert np.all(np.diff(densities) < 0) and densities[0] == 1.0
    np.testing.assert_allclose(densities[1:], np.exp(-widths), rtol=1e-15)
    # Layer i spans [0, x_i] at heights f(x_i) .. f(x_{i-1}): area x_i * (f(x_{i-1}) - f(x_i)) = V.
    np.testing.assert_allclose(widths[1:] * (densities[1:-1] - densities[2:]), V, rtol=1e-10)
