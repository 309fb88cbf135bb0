"""Monthly transitions between states: hazard tables and rule transitions.

The model is semi-Markov with clock reset: the probability of leaving a state
in a month depends on the whole months already spent in the current spell
(``duration``, 0 in the first month of a spell) and resets on every move.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import _checks

__all__ = ["Transition", "Rule"]


@dataclass(frozen=True)
class Transition:
    """Monthly probability of moving from one state to another, by spell duration.

    The table is piecewise constant over duration bands: ``probabilities[j]``
    applies for durations ``band_starts[j] <= d < band_starts[j + 1]``; the
    last band extends to infinity. One band per month (``band_starts=range(n)``)
    expresses any curve.

    Parameters
    ----------
    source, target : str
        State names (``source != target``).
    probabilities : sequence of float
        Monthly probability of the move in each band, each in [0, 1]. The
        probabilities of all moves out of one state must not sum above 1 at
        any duration (checked by :class:`~sirisk.Programme`).
    band_starts : sequence of int, optional
        First duration (months) of each band: strictly increasing, starting
        at 0. Default ``(0,)``: a constant probability.
    subgroup : str, optional
        If given, the table applies to that subgroup only and overrides the
        table without a subgroup for the same move.

    Notes
    -----
    An intervention or a scale factor multiplies the cause-specific monthly
    *rate* of a move, ``-log(1 - p_total) * p / p_total``; see
    ``docs/engine.md``. This keeps all probabilities in [0, 1] for any
    hazard ratio.

    Examples
    --------
    >>> t = Transition("sick_pay", "employed", probabilities=(0.10, 0.06, 0.03), band_starts=(0, 3, 12))
    >>> t.probability_at(0), t.probability_at(5), t.probability_at(40)
    (0.1, 0.06, 0.03)
    >>> Transition("sick_pay", "employed", probabilities=(1.2,))
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: transition sick_pay->employed: probabilities[0] is 1.2; a monthly probability must lie in [0, 1]
    """

    source: str
    target: str
    probabilities: tuple[float, ...]
    band_starts: tuple[int, ...] = (0,)
    subgroup: str | None = None

    def __post_init__(self):
        where = "transition"
        _checks.name(where, "source", self.source)
        _checks.name(where, "target", self.target)
        where = f"transition {self.label}"
        if self.source == self.target:
            raise _checks.fail(where, "target", self.target, "a transition must lead to another state")
        if self.subgroup is not None:
            _checks.name(where, "subgroup", self.subgroup)
        probs = _checks.as_tuple(where, "probabilities", self.probabilities)
        starts = _checks.as_tuple(where, "band_starts", self.band_starts)
        if len(probs) == 0:
            raise _checks.fail(where, "probabilities", probs, "give at least one band")
        if len(starts) != len(probs):
            raise _checks.fail(where, "band_starts", starts,
                               f"needs one start per probability ({len(probs)} probabilities)")
        probs = tuple(_checks.probability(where, f"probabilities[{j}]", p) for j, p in enumerate(probs))
        starts = tuple(_checks.integer(where, f"band_starts[{j}]", s, minimum=0) for j, s in enumerate(starts))
        if starts[0] != 0:
            raise _checks.fail(where, "band_starts[0]", starts[0], "the first band must start at duration 0")
        for j in range(1, len(starts)):
            if starts[j] <= starts[j - 1]:
                raise _checks.fail(where, f"band_starts[{j}]", starts[j], "band starts must be strictly increasing")
        object.__setattr__(self, "probabilities", probs)
        object.__setattr__(self, "band_starts", starts)

    @property
    def label(self) -> str:
        """``"source->target"``, with the subgroup in brackets if any."""
        base = f"{self.source}->{self.target}"
        return base if self.subgroup is None else f"{base} [{self.subgroup}]"

    def probability_at(self, duration: int) -> float:
        """Monthly probability of the move after ``duration`` whole months in the spell."""
        j = 0
        while j + 1 < len(self.band_starts) and self.band_starts[j + 1] <= duration:
            j += 1
        return self.probabilities[j]


@dataclass(frozen=True)
class Rule:
    """A deterministic move when a spell reaches a fixed duration.

    Whoever is still in ``source`` after ``after_months`` whole months moves
    to ``target`` at the start of the next month, e.g. sick pay is reassessed
    after 22 weeks and the person moves to jobafklaring. Hazard exits in the
    months before take precedence, so at most ``after_months`` months are
    spent in ``source`` per spell.

    Examples
    --------
    >>> Rule("sick_pay", "jobafklaring", after_months=5)
    Rule(source='sick_pay', target='jobafklaring', after_months=5)
    >>> Rule("sick_pay", "jobafklaring", after_months=0)
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: rule sick_pay->jobafklaring: after_months is 0; must be at least 1
    """

    source: str
    target: str
    after_months: int

    def __post_init__(self):
        _checks.name("rule", "source", self.source)
        _checks.name("rule", "target", self.target)
        where = f"rule {self.source}->{self.target}"
        if self.source == self.target:
            raise _checks.fail(where, "target", self.target, "a rule must lead to another state")
        _checks.integer(where, "after_months", self.after_months, minimum=1)
