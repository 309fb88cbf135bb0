"""Plain-Python twins of numba kernels, from the kernels' own source.

A kernel and its reference in the tests should be one source, so that the
reference cannot drift from what is compiled (arch keeps its recursions
this way). :func:`plain` returns the function a jitted kernel was compiled
from, with every jitted function it calls replaced by its plain twin too and
``prange`` by ``range``: the same statements, run by the Python interpreter
on numpy scalars and arrays. Comparing the two on random inputs checks the
compilation (types, overflow, loop order), not the formula: the formula is
checked by hand-computed examples.

Integer arithmetic on ``numpy.uint64`` wraps in both (numpy warns about the
overflow; run twins under ``numpy.errstate(over="ignore")``).

Examples
--------
>>> import numpy as np
>>> from sirisk.money.kernels import payment_stream
>>> twin = plain(payment_stream)
>>> twin is plain(payment_stream), twin.__module__
(True, 'sirisk.money.kernels')
"""

from __future__ import annotations

import types

from numba.core.registry import CPUDispatcher

__all__ = ["plain"]

_TWINS: dict = {}


def plain(kernel):
    """The plain-Python function ``kernel`` (a numba dispatcher) is compiled from, calling plain twins."""
    if not isinstance(kernel, CPUDispatcher):
        return kernel
    if kernel in _TWINS:
        return _TWINS[kernel]
    source = kernel.py_func
    scope = dict(source.__globals__)
    twin = types.FunctionType(source.__code__, scope, source.__name__, source.__defaults__, source.__closure__)
    twin.__module__, twin.__doc__, twin.__qualname__ = source.__module__, source.__doc__, source.__qualname__
    _TWINS[kernel] = twin  # before the callees: a kernel that calls itself finds its twin
    for name, value in source.__globals__.items():
        if isinstance(value, CPUDispatcher):
            scope[name] = plain(value)
    scope["prange"] = range
    return twin
