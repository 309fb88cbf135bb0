"""The random streams: numba and Python twins agree; numbers look uniform and independent."""

import numpy as np
from numba import njit
from scipy import stats

from sirisk.engine.random import next_uniform, py_next_uniform, py_stream_start, stream_start


@njit
def _uniforms(key, draw, person, n):
    s = stream_start(key, draw, person)
    out = np.empty(n)
    for i in range(n):
        s, out[i] = next_uniform(s)
    return out


def _py_uniforms(key, draw, person, n):
    s = py_stream_start(key, draw, person)
    out = []
    for _ in range(n):
        s, u = py_next_uniform(s)
        out.append(u)
    return np.array(out)


def test_numba_and_python_streams_agree_bit_for_bit():
    for key, draw, person in [(0, 0, 0), (2**64 - 1, 12345, 299), (987654321, 99999, 0)]:
        np.testing.assert_array_equal(_uniforms(np.uint64(key), draw, person, 50), _py_uniforms(key, draw, person, 50))


def test_uniforms_are_uniform_on_the_open_interval():
    u = _uniforms(np.uint64(42), 0, 0, 200_000)
    assert 0.0 < u.min() and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-4


def test_neighbouring_streams_are_uncorrelated():
    n = 20_000
    base = _uniforms(np.uint64(7), 10, 10, n)
    for other in (_uniforms(np.uint64(7), 10, 11, n), _uniforms(np.uint64(7), 11, 10, n),
                  _uniforms(np.uint64(8), 10, 10, n)):
        r = np.corrcoef(base, other)[0, 1]
        assert abs(r) < 4 / np.sqrt(n)
    first = np.array([_uniforms(np.uint64(7), d, 0, 1)[0] for d in range(n)])
    assert stats.kstest(first, "uniform").pvalue > 1e-4
