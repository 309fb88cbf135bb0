"""The simulation engine: lowering, random streams, numba kernel, public simulate()."""

from .simulate import ARMS, simulate

__all__ = ["ARMS", "simulate"]
