"""The engine's thread pool: every draw is simulated exactly once, and a worker's error reaches the caller."""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sirisk.engine.simulate import _in_threads


@given(n=st.integers(1, 2000), threads=st.integers(1, 4))
def test_slices_cover_every_draw_once(n, threads):
    seen, lock = [], threading.Lock()

    def run(lo, hi):
        with lock:
            seen.append((lo, hi))

    _in_threads(run, n, threads)
    seen.sort()
    assert seen[0][0] == 0 and seen[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(seen, seen[1:]))  # consecutive, no gap, no overlap
    assert all(lo < hi for lo, hi in seen)


def test_slices_run_in_several_threads():
    names, lock, started = set(), threading.Lock(), threading.Barrier(2, timeout=10)

    def run(lo, hi):
        with lock:
            names.add(threading.current_thread().name)
        if lo < 64:  # the first two slices (32 draws each) wait for each other: they can only meet in two threads
            started.wait()

    _in_threads(run, 500, 2)
    assert len(names) == 2


def test_a_workers_error_reaches_the_caller():
    def run(lo, hi):
        if lo > 0:
            raise ValueError(f"slice {lo}:{hi}")

    with pytest.raises(ValueError, match="slice"):
        _in_threads(run, 500, 2)
