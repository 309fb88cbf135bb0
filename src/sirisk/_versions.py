"""Library versions recorded with every result (numpy and numba streams may change between versions)."""

from __future__ import annotations

import functools
import platform
from importlib import metadata


def versions() -> dict[str, str]:
    """Versions of sirisk, Python and the numeric libraries, as result attrs (a new dict each call).

    Examples
    --------
    >>> sorted(versions())[:3]
    ['numba_version', 'numpy_version', 'python_version']
    """
    return dict(_installed())


@functools.lru_cache(maxsize=1)
def _installed() -> tuple[tuple[str, str], ...]:
    # Reading package metadata parses files; the versions cannot change within a process.
    out = {"python_version": platform.python_version()}
    for pkg in ("sirisk", "numpy", "numba", "scipy", "xarray"):
        try:
            out[f"{pkg}_version"] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # running from a source tree
            out[f"{pkg}_version"] = "unknown"
    return tuple(out.items())
