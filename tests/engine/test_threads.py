"""The engine's thread pool: every draw is simulated exactly once, and a worker's error reaches the caller."""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sirisk.engine.simulate import _MIN_TASK, _in_threads


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


@given(n=st.integers(1000, 100_000), threads=st.integers(2, 4))
def test_slices_shrink_to_the_smallest_at_the_end(n, threads):
    # Guided scheduling: the threads finish within a few draws of each other.
    sizes = []
    _in_threads(lambda lo, hi: sizes.append(hi - lo), n, threads)
    assert max(sizes) <= n // (2 * threads) + 1
    assert min(sizes[-threads:]) <= _MIN_TASK
    assert sum(size < _MIN_TASK for size in sizes) <= 1  # only the remainder


def test_slices_run_in_several_threads():
    names, lock, started = set(), threading.Lock(), threading.Barrier(2, timeout=10)
    calls = []

    def run(lo, hi):
        with lock:
            names.add(threading.current_thread().name)
            calls.append(lo)
            first_two = len(calls) <= 2
        if first_two:  # the first two slices wait for each other: they can only meet in two threads
            started.wait()

    _in_threads(run, 500, 2)
    assert len(names) == 2


def test_a_workers_error_reaches_the_caller():
    def run(lo, hi):
        if lo > 0:
            raise ValueError(f"slice {lo}:{hi}")

    with pytest.raises(ValueError, match="slice"):
        _in_threads(run, 500, 2)


def test_no_slice_starts_after_an_error():
    started = []

    def run(lo, hi):
        started.append(lo)
        raise ValueError("fails at once")

    with pytest.raises(ValueError, match="at once"):
        _in_threads(run, 100_000, 2)
    assert len(started) <= 2  # one per thread at most, of thousands of draws
