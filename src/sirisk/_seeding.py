"""Seeds and child streams: one run seed, and an independent stream for each consumer, by a named key.

A run has one seed (``rng``). What draws random numbers from it gets a child
:class:`numpy.random.SeedSequence` whose spawn key extends the run's by a
fixed number, so that each consumer's stream depends on the seed and on
what it is, never on how many others there are or in which order they ran:
programme ``k`` of a portfolio draws its engine streams from child ``k``,
and the sampling of uncertain inputs from :data:`INPUTS`, far from any
programme's index. The engine then keys every person's stream by draw and
participant (:mod:`sirisk.engine.random`).

Examples
--------
>>> run = seed_sequence(2021)
>>> child(run, INPUTS).spawn_key
(1073741824,)
>>> child(run, programme_stream(2)).spawn_key
(2,)
"""

from __future__ import annotations

import numbers

import numpy as np

from .errors import SpecError

__all__ = ["seed_sequence", "child", "programme_stream", "INPUTS"]

INPUTS = 1 << 30  # the uncertain inputs' stream: distinct from every programme's (0, 1, ...)


def programme_stream(k: int) -> int:
    """The child key of the engine streams of programme ``k`` (its position in the portfolio)."""
    if not 0 <= k < INPUTS:
        raise ValueError(f"programme index {k} out of range")
    return int(k)


def child(seq: np.random.SeedSequence, key: int) -> np.random.SeedSequence:
    """The child stream ``key`` of ``seq``: the same entropy, the spawn key extended by ``key``."""
    return np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (int(key),))


def seed_sequence(rng) -> np.random.SeedSequence:
    """Turn ``rng`` (None, int, SeedSequence or Generator) into a SeedSequence.

    A Generator is advanced (one draw of 4 integers), as numpy's own
    functions do when given one.

    Examples
    --------
    >>> seed_sequence(42).entropy
    42
    >>> seed_sequence(-1)
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: rng is -1; a seed must be a non-negative integer, a SeedSequence or a Generator
    """
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and int(rng) >= 0:
        return np.random.SeedSequence(int(rng))
    raise SpecError(f"rng is {rng!r}; a seed must be a non-negative integer, a SeedSequence or a Generator")
