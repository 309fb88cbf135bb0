"""Result arrays mapped in at once (sirisk._memory) behave as numpy's own."""

import gc
import weakref

import numpy as np
import pytest

from sirisk import _memory

BIG = (3, 1024, 1024 * 2)  # 24 MB of float32: above the threshold for a mapping of its own


@pytest.mark.parametrize("shape", [BIG, (4, 5), 7])
def test_zeros_are_zero_writable_and_shaped(shape):
    a = _memory.zeros(shape, dtype=np.float32)
    assert a.shape == np.zeros(shape).shape and a.dtype == np.float32
    assert a.flags.writeable and a.flags.c_contiguous
    assert not a.any()
    a[..., -1] = 2.5
    assert a.sum() == 2.5 * a[..., -1].size


def test_full_fills_every_cell():
    a = _memory.full(BIG, np.nan, dtype=np.float32)
    assert np.isnan(a).all()


def test_big_array_memory_is_released_with_the_array():
    a = _memory.zeros(BIG, dtype=np.float32)
    owner = a.base
    while getattr(owner, "base", None) is not None:  # the chain ends at the buffer that holds the memory
        owner = owner.base
    gone = weakref.ref(owner.obj if isinstance(owner, memoryview) else owner)
    del a, owner
    gc.collect()
    assert gone() is None


def _faults(work):
    import resource
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    work()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


class _RecordingLibc:
    """Stands in for glibc: records the allocator calls instead of making them."""

    def __init__(self):
        self.calls = []

    def mallopt(self, *args):
        self.calls.append(("mallopt",) + args)
        return 1

    def malloc_trim(self, *args):
        self.calls.append(("malloc_trim",) + args)
        return 1


def test_the_allocator_is_left_alone_unless_the_process_opted_in(monkeypatch):
    libc = _RecordingLibc()
    monkeypatch.setattr(_memory, "_glibc", lambda: libc)
    monkeypatch.setitem(_memory._TUNING, "on", False)
    with _memory.keep_freed_memory():
        pass
    assert libc.calls == []
    assert _memory.tune_allocator(True) is False
    with _memory.keep_freed_memory():
        assert libc.calls == [("mallopt", -3, 1 << 30), ("mallopt", -1, (1 << 31) - 1)]
    assert libc.calls[-1] == ("malloc_trim", 0)


def test_the_command_opts_its_process_in(monkeypatch):
    from sirisk.cli import main

    monkeypatch.setitem(_memory._TUNING, "on", False)
    assert main(["describe", "dsi2021"]) == 0
    assert _memory._TUNING["on"]


@pytest.mark.skipif(_memory._glibc() is None, reason="keep_freed_memory acts only with glibc")
def test_freed_memory_is_reused_inside_the_block_and_returned_after(monkeypatch):
    monkeypatch.setitem(_memory._TUNING, "on", True)
    def churn():  # a 64 MB working array, allocated, written and freed again and again
        for _ in range(5):
            work = np.empty(8 * 2**20)
            work.fill(1.0)
            del work

    churn()
    # Page faults, not MB: with transparent huge pages one fault may map 2 MB.
    outside = _faults(churn)
    with _memory.keep_freed_memory():
        churn()  # the first allocation faults its pages in; later ones reuse them
        inside = _faults(churn)
    after = _faults(churn)
    assert outside >= 5 * 32  # without: every allocation faults its 64 MB in again (>= 32 faults of 2 MB)
    assert inside < outside / 20
    assert after > outside / 2  # and the process gives its memory back afterwards, as before



_FEW = 24 * 2**20 // 4096 // 20  # page faults; written page by page, BIG (24 MB) faults 6,144 times


def _skip_unless_pages_fault_one_by_one():
    control = _memory.zeros(BIG, dtype=np.float32, populate=False)
    if _faults(lambda: control.fill(1.0)) < _FEW:  # e.g. transparent huge pages for all memory
        pytest.skip("this system maps memory in 2 MB at a time: too few page faults to tell")


def test_arrays_mapped_in_background_are_zero_and_fault_no_more():
    _skip_unless_pages_fault_one_by_one()
    arrays = [_memory.zeros(BIG, dtype=np.float32, populate=False), _memory.zeros((7, 3), populate=False)]
    with _memory.mapped_in_background(arrays):
        pass
    assert all(not a.any() for a in arrays)
    assert _faults(lambda: [a.fill(1.0) for a in arrays]) < _FEW


def test_mapping_in_without_the_os_call_writes_a_byte_of_every_page(monkeypatch):
    _skip_unless_pages_fault_one_by_one()
    monkeypatch.setattr(_memory, "_glibc", lambda: None)  # as on a system without glibc
    a = _memory.zeros(BIG, dtype=np.float32, populate=False)
    with _memory.mapped_in_background([a]):
        pass
    assert not a.any()
    assert _faults(lambda: a.fill(1.0)) < _FEW
