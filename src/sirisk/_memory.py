"""Large result arrays, with their memory mapped in before they are filled.

A results array of a big run is hundreds of MB that are written once. On
Linux the first write to each page traps into the kernel; on a virtual
machine each such fault may also reach the host. Asking the kernel to map
the whole range at once (``MAP_POPULATE``) is much cheaper (docs/performance.md
has the figures). Elsewhere this is plain :func:`numpy.zeros`.

The batches of a run allocate and free the same working arrays again and
again (tens of MB each). By default glibc hands large freed blocks back to
the kernel, and the next batch faults them in again, a cost per MB on
every batch. :func:`keep_freed_memory` keeps them in the process
for the length of a run, once the process has opted in with
:func:`tune_allocator` (the ``sirisk`` command does; a library called in
someone else's process does not change its allocator unasked).

Mapping memory in takes a core for a while on a large run.
:func:`mapped_in_background` does it in another thread while
the caller does work of its own, such as sampling the uncertain inputs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import mmap
import threading

import numpy as np

__all__ = ["zeros", "full", "keep_freed_memory", "mapped_in_background", "tune_allocator"]

_POPULATE_FROM = 16 * 2**20  # bytes; below this, page faults cost little and numpy's allocator is as good
_FLAGS = getattr(mmap, "MAP_PRIVATE", 0) | getattr(mmap, "MAP_ANONYMOUS", 0)
_MADV_POPULATE_WRITE = 23  # Linux >= 5.14: map pages in as if written, without writing them


def zeros(shape, dtype=np.float64, *, populate: bool = True) -> np.ndarray:
    """Like :func:`numpy.zeros`; a large array's memory is mapped in at once where the OS allows it.

    With ``populate`` False the memory is mapped in later: by
    :func:`mapped_in_background`, or page by page as it is first written.
    The array owns its memory (through its ``base``) and frees it when it is
    garbage collected, as any numpy array.

    Examples
    --------
    >>> a = zeros((1000, 3000, 3), dtype=np.float32)
    >>> a.shape, a.dtype, float(a.sum())
    ((1000, 3000, 3), dtype('float32'), 0.0)
    >>> zeros(3, dtype=np.int8)
    array([0, 0, 0], dtype=int8)
    """
    dtype = np.dtype(dtype)
    shape = tuple(int(n) for n in np.atleast_1d(shape))  # an int or a sequence of ints, as numpy takes
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if nbytes < _POPULATE_FROM or not hasattr(mmap, "MAP_POPULATE"):
        return np.zeros(shape, dtype=dtype)
    try:
        flags = _FLAGS | (mmap.MAP_POPULATE if populate else 0)
        buffer = mmap.mmap(-1, nbytes, flags=flags)  # anonymous memory is zero-filled
    except OSError:  # no room for a mapping of its own: numpy's allocator may still manage
        return np.zeros(shape, dtype=dtype)
    return np.frombuffer(buffer, dtype=dtype).reshape(shape)


def full(shape, fill_value, dtype=np.float64) -> np.ndarray:
    """Like :func:`numpy.full`, mapped in at once as :func:`zeros` is.

    Examples
    --------
    >>> full((2, 2), np.nan)
    array([[nan, nan],
           [nan, nan]])
    """
    out = zeros(shape, dtype)
    out.fill(fill_value)
    return out


def _map_in(a: np.ndarray, libc) -> None:
    """Map in the pages of a C-contiguous array; the GIL is released while the kernel works."""
    if a.nbytes == 0:
        return
    if libc is not None and a.base is not None:
        address = ctypes.c_void_p(a.ctypes.data)
        if libc.madvise(address, ctypes.c_size_t(a.nbytes), _MADV_POPULATE_WRITE) == 0:  # ctypes drops the GIL
            return
    # An older kernel, or memory not page-aligned: write one byte of every page (numpy drops the GIL too).
    # The arrays are zeros, so writing zeros changes nothing.
    a.reshape(-1).view(np.uint8)[::mmap.PAGESIZE] = 0


@contextlib.contextmanager
def mapped_in_background(arrays):
    """Map in the memory of ``arrays`` (from :func:`zeros` with ``populate=False``) in another thread.

    The block runs meanwhile, on its own core; on leaving, the thread is
    waited for. Use it to overlap work that needs no arrays of its own
    with mapping in the results: in :func:`sirisk.evaluate`, sampling the
    inputs (0.26 s) while 960 MB are mapped in (0.5 s). Do not write the
    arrays inside the block. The arrays must be zeros: where the OS cannot
    map pages in on request, a byte of every page is written with 0.

    Examples
    --------
    >>> results = [zeros((4_000_000,), populate=False), zeros((3, 2_000_000), np.float32, populate=False)]
    >>> with mapped_in_background(results):
    ...     work = sum(range(1000))  # the caller's own work
    >>> [float(a.sum()) for a in results]
    [0.0, 0.0]
    """
    libc = _glibc()

    def run():
        for a in arrays:
            try:
                _map_in(a, libc)
            except Exception:  # pragma: no cover - nothing is lost: the pages fault in when first written
                pass

    thread = threading.Thread(target=run, name="sirisk-map-in", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def _glibc():
    """glibc's C library with ``mallopt`` and ``malloc_trim``, or None (musl, macOS, Windows)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim, libc.gnu_get_libc_version  # glibc only
    except (OSError, AttributeError, TypeError):
        return None
    return libc


_TUNING = {"on": False}


def tune_allocator(on: bool = True) -> bool:
    """Let sirisk keep the memory its batches free in the process while it runs (glibc); the setting before.

    Off unless asked for. Settling batch after batch then no longer faults
    its working arrays in again on every batch (several times faster money
    kernels inside a long settle). The price is a process-wide change:
    glibc has no way to read its allocator's thresholds back, so after the
    first run they are fixed at glibc's own values (see
    :func:`keep_freed_memory`) instead of being adjusted by glibc as it
    goes, for the rest of the process. The ``sirisk`` command turns it on
    for its process; in a notebook, turn it on when that is welcome.

    Examples
    --------
    >>> before = tune_allocator(True)
    >>> tune_allocator(before)
    True
    """
    before = _TUNING["on"]
    _TUNING["on"] = bool(on)
    return before


@contextlib.contextmanager
def keep_freed_memory():
    """Inside the block, memory freed by the process stays in it, to be reused; it is returned at the end.

    Only if the process opted in (:func:`tune_allocator`); otherwise the
    block changes nothing. With glibc, blocks freed inside the block are kept by the allocator
    instead of being unmapped or trimmed, so a loop that allocates the same
    sizes again does not fault its pages in again. On leaving, free memory
    is returned to the system (``malloc_trim``) and the thresholds are
    fixed at values glibc itself uses: a block of 32 MB or more (its largest
    dynamic threshold) gets a mapping of its own, and free memory above
    128 KB (its default) at the heap's top is returned. glibc no longer
    adjusts the thresholds by itself afterwards. Elsewhere this does
    nothing. The settings are per process: a thread that allocates while
    the block runs keeps its freed memory too.

    Examples
    --------
    >>> before = tune_allocator(True)
    >>> with keep_freed_memory():
    ...     for _ in range(3):
    ...         work = np.ones(4_000_000)  # the second and third time, the first's pages are reused
    >>> float(work.sum())
    4000000.0
    >>> _ = tune_allocator(before)
    """
    libc = _glibc() if _TUNING["on"] else None
    if libc is None:
        yield
        return
    # Blocks up to 1 GiB from the heap, where freed ones are reused (older glibc caps this at 32 MB).
    if not libc.mallopt(_M_MMAP_THRESHOLD, 1 << 30):
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    libc.mallopt(_M_TRIM_THRESHOLD, (1 << 31) - 1)  # and the heap is never trimmed
    try:
        yield
    finally:
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(_M_TRIM_THRESHOLD, 128 << 10)
        libc.malloc_trim(0)
