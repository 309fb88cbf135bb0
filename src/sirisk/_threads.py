"""One thread policy for the engine and the money kernels.

``threads`` (of :func:`sirisk.evaluate`, :func:`sirisk.simulate_portfolio`,
:func:`sirisk.settle` and the design tools) is how many cores sirisk's work
may use, everywhere: the engine's pool runs its slices of draws in that
many threads, and the money kernels' parallel loops run on that many numba
threads. ``None`` leaves numba's setting as it is (``NUMBA_NUM_THREADS``,
by default every core). Results never depend on it: every draw is computed
by itself, wherever it runs.

Examples
--------
>>> import numba
>>> with using(1):
...     numba.get_num_threads()
1
"""

from __future__ import annotations

from contextlib import contextmanager

import numba
import numpy as np

from .errors import SpecError

__all__ = ["check_threads", "using"]


def check_threads(threads) -> None:
    """Refuse a thread count outside 1 .. the threads available (None is allowed: the default)."""
    top = numba.config.NUMBA_NUM_THREADS
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, (int, np.integer))
                                or not 1 <= threads <= top):
        raise SpecError(f"threads is {threads!r}; must be an integer from 1 to {top} (the threads available)")


@contextmanager
def using(threads):
    """Inside the block the engine and numba's parallel loops use ``threads`` threads (None: as they are)."""
    check_threads(threads)
    if threads is None:
        yield
        return
    before = numba.get_num_threads()
    numba.set_num_threads(int(threads))
    try:
        yield
    finally:
        numba.set_num_threads(before)
