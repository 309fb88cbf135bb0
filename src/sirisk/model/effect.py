"""The intervention effect: a hazard ratio on chosen moves, over time since enrolment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks

__all__ = ["Effect"]


def _move(where: str, item) -> tuple[str, str]:
    if isinstance(item, str):
        parts = item.split("->")
        if len(parts) != 2:
            raise _checks.fail(where, "transitions", item, "write a move as 'source->target'")
        item = (parts[0].strip(), parts[1].strip())
    item = _checks.as_tuple(where, "transitions", item)
    if len(item) != 2:
        raise _checks.fail(where, "transitions", item, "a move is a (source, target) pair")
    return (_checks.name(where, "transitions source", item[0]), _checks.name(where, "transitions target", item[1]))


@dataclass(frozen=True)
class Effect:
    """A multiplier on the monthly rates of chosen moves, in the treated arm only.

    With ``tau`` the months since enrolment (0 in the month of enrolment), the
    multiplier is

    * ``lock_in_hazard_ratio`` while ``tau < lock_in_months`` (people in the
      programme leave less: the lock-in effect);
    * afterwards ``hazard_ratio ** w(tau)``: the weight ``w`` rises linearly
      over ``ramp_up_months`` (``w = (k + 1) / (ramp_up_months + 1)`` in the
      k-th ramp month), stays 1 for ``full_effect_months`` (``None``: for
      ever), then falls linearly to 0 over ``fade_out_months``;
    * or, if ``profile`` is given, ``hazard_ratio ** profile[tau]`` for
      ``tau >= lock_in_months`` (the last weight continues), which expresses
      any time course.

    A hazard ratio below 1 means harm and is allowed. The multiplier acts on
    the cause-specific monthly rate (see :class:`~sirisk.Transition`).

    Parameters
    ----------
    name : str
        Identifier, used in parameter paths such as ``effects.ips.hazard_ratio``.
    transitions : sequence of "source->target" or (source, target)
        The moves it acts on; each must have a transition table.
    hazard_ratio : float
        Full-effect multiplier, > 0.
    lock_in_months, ramp_up_months, full_effect_months, fade_out_months : int
    lock_in_hazard_ratio : float
    profile : sequence of float, optional
        Explicit weights (>= 0: 0 is no effect, 1 the full effect; above 1
        more than the full effect) by month since the lock-in ends.

    Examples
    --------
    >>> e = Effect("ips", ["sick_pay->employed"], hazard_ratio=1.5, lock_in_months=2,
    ...            lock_in_hazard_ratio=0.5, ramp_up_months=1)
    >>> e.multipliers(5).round(4).tolist()
    [0.5, 0.5, 1.2247, 1.5, 1.5]
    >>> Effect("ips", ["sick_pay->employed"], hazard_ratio=0.0)
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: effect 'ips': hazard_ratio is 0.0; must be > 0
    """

    name: str
    transitions: tuple[tuple[str, str], ...]
    hazard_ratio: float
    lock_in_months: int = 0
    lock_in_hazard_ratio: float = 1.0
    ramp_up_months: int = 0
    full_effect_months: int | None = None
    fade_out_months: int = 0
    profile: tuple[float, ...] | None = None

    def __post_init__(self):
        _checks.name("effect", "name", self.name)
        where = f"effect {self.name!r}"
        moves = tuple(_move(where, t) for t in _checks.as_tuple(where, "transitions", self.transitions))
        if not moves:
            raise _checks.fail(where, "transitions", moves, "name at least one move")
        if len(set(moves)) != len(moves):
            raise _checks.fail(where, "transitions", moves, "each move may appear once")
        object.__setattr__(self, "transitions", moves)
        object.__setattr__(self, "hazard_ratio", _checks.real(where, "hazard_ratio", self.hazard_ratio, low=0.0, low_open=True))
        object.__setattr__(self, "lock_in_hazard_ratio",
                           _checks.real(where, "lock_in_hazard_ratio", self.lock_in_hazard_ratio, low=0.0, low_open=True))
        _checks.integer(where, "lock_in_months", self.lock_in_months, minimum=0)
        _checks.integer(where, "ramp_up_months", self.ramp_up_months, minimum=0)
        _checks.integer(where, "fade_out_months", self.fade_out_months, minimum=0)
        if self.full_effect_months is not None:
            _checks.integer(where, "full_effect_months", self.full_effect_months, minimum=0)
        if self.profile is not None:
            prof = _checks.as_tuple(where, "profile", self.profile)
            if not prof:
                raise _checks.fail(where, "profile", prof, "give at least one weight")
            prof = tuple(_checks.real(where, f"profile[{k}]", w) for k, w in enumerate(prof))
            for k, w in enumerate(prof):
                if w < 0:
                    raise _checks.fail(where, f"profile[{k}]", w, "a weight must be >= 0 (0: no effect, 1: the full "
                                       "effect); a negative weight would turn the effect into its opposite")
            if self.ramp_up_months or self.fade_out_months or self.full_effect_months is not None:
                raise _checks.fail(where, "profile", prof,
                                   "give either an explicit profile or ramp_up/full_effect/fade_out months, not both")
            object.__setattr__(self, "profile", prof)

    @property
    def paths(self) -> tuple[str, ...]:
        """Parameter paths that can take a different value in each draw."""
        p = f"effects.{self.name}."
        return tuple(p + f for f in ("hazard_ratio", "lock_in_hazard_ratio", "lock_in_months",
                                     "ramp_up_months", "full_effect_months", "fade_out_months"))

    def multipliers(self, n_months: int) -> np.ndarray:
        """Multiplier by month since enrolment, for ``tau`` from 0 to ``n_months - 1``."""
        return effect_multipliers(
            n_months,
            hazard_ratio=np.array([self.hazard_ratio]),
            lock_in_hazard_ratio=np.array([self.lock_in_hazard_ratio]),
            lock_in_months=np.array([self.lock_in_months]),
            ramp_up_months=np.array([self.ramp_up_months]),
            full_effect_months=np.array([-1 if self.full_effect_months is None else self.full_effect_months]),
            fade_out_months=np.array([self.fade_out_months]),
            profile=self.profile,
        )[0]


def effect_multipliers(n_months, *, hazard_ratio, lock_in_hazard_ratio, lock_in_months, ramp_up_months,
                       full_effect_months, fade_out_months, profile=None) -> np.ndarray:
    """Multipliers ``[draw, tau]`` for per-draw effect parameters (arrays of length n_draws).

    ``full_effect_months < 0`` means the full effect lasts for ever.
    """
    tau = np.arange(n_months)[None, :]
    lock = np.asarray(lock_in_months)[:, None]
    u = tau - lock  # months since the lock-in ended
    if profile is not None:
        prof = np.asarray(profile, dtype=float)
        weight = prof[np.clip(u, 0, len(prof) - 1)]
    else:
        ramp = np.asarray(ramp_up_months)[:, None]
        full = np.asarray(full_effect_months)[:, None]
        fade = np.asarray(fade_out_months)[:, None]
        rising = np.minimum((u + 1) / (ramp + 1), 1.0)
        after_full = u - ramp - full  # months into the fade-out (if the effect ends)
        falling = np.clip((fade - after_full) / (fade + 1), 0.0, 1.0)
        weight = np.where((full >= 0) & (after_full >= 0), falling, rising)
    hr = np.asarray(hazard_ratio, dtype=float)[:, None]
    mult = np.exp(np.log(hr) * weight)
    return np.where(u < 0, np.asarray(lock_in_hazard_ratio, dtype=float)[:, None], mult)
