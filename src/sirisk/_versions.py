"""Library versions recorded with every result (numpy and numba streams may change between versions)."""

from __future__ import annotations

import platform
from importlib import metadata


def versions() -> dict[str, str]:
    """Versions of sirisk, Python and the numeric libraries, as result attrs.

    Examples
    --------
    >>> sorted(versions())[:3]
    ['numba_version', 'numpy_version', 'python_version']
    """
    out = {"python_version": platform.python_version()}
    for pkg in ("sirisk", "numpy", "numba", "scipy", "xarray"):
        try:
            out[f"{pkg}_version"] = metadata.version(pkg)
        except metadata.PackageNotFoundError:  # running from a source tree
            out[f"{pkg}_version"] = "unknown"
    return out
