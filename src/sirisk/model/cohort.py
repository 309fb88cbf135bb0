"""Who enters the programme, when, and in which state."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks

__all__ = ["Subgroup", "Cohort"]


@dataclass(frozen=True)
class Subgroup:
    """A part of the cohort with its own entry state and, optionally, own hazards.

    Parameters
    ----------
    name : str
        Identifier; transitions with ``subgroup=name`` apply to it.
    share : float
        Fraction of the cohort, in (0, 1]; the shares of a cohort sum to 1.
    entry_state : str
        State occupied in the month of enrolment.
    entry_duration_months : int
        Whole months already spent in ``entry_state`` at enrolment (people are
        referred some weeks into their sick-pay spell).
    entry_benefit_clock_months : int, optional
        Months already on public benefit at enrolment. Default: equal to
        ``entry_duration_months`` if the entry state is a benefit state, else 0
        (resolved by :class:`~sirisk.Programme`).

    Examples
    --------
    >>> Subgroup("all", share=1.0, entry_state="sick_pay", entry_duration_months=2)
    Subgroup(name='all', share=1.0, entry_state='sick_pay', entry_duration_months=2, entry_benefit_clock_months=None)
    """

    name: str
    share: float
    entry_state: str
    entry_duration_months: int = 0
    entry_benefit_clock_months: int | None = None

    def __post_init__(self):
        _checks.name("subgroup", "name", self.name)
        where = f"subgroup {self.name!r}"
        object.__setattr__(self, "share", _checks.real(where, "share", self.share, low=0.0, high=1.0, low_open=True))
        _checks.name(where, "entry_state", self.entry_state)
        _checks.integer(where, "entry_duration_months", self.entry_duration_months, minimum=0)
        if self.entry_benefit_clock_months is not None:
            _checks.integer(where, "entry_benefit_clock_months", self.entry_benefit_clock_months, minimum=0)


@dataclass(frozen=True)
class Cohort:
    """Intake schedule and composition of the treated cohort.

    Parameters
    ----------
    intake : sequence of int
        Number of people enrolled in each programme month, starting at month 0.
        Its sum is the cohort size. When the size is uncertain (parameter
        ``cohort.size``), the schedule keeps its shape: participant ``i`` of
        ``n`` enters in the month where the cumulative intake, scaled to ``n``
        and rounded, first exceeds ``i``.
    subgroups : sequence of Subgroup
        Composition; the shares must sum to 1. Participants are assigned to
        subgroups deterministically in enrolment order so that every prefix of
        the cohort matches the shares as closely as whole people allow (no
        sampling noise from the composition).

    Examples
    --------
    >>> c = Cohort(intake=[10, 10, 5], subgroups=[Subgroup("all", 1.0, "sick_pay")])
    >>> c.size
    25
    >>> Cohort.from_entry_months([0, 0, 2], subgroups=[Subgroup("all", 1.0, "sick_pay")]).intake
    (2, 0, 1)
    """

    intake: tuple[int, ...]
    subgroups: tuple[Subgroup, ...]

    def __post_init__(self):
        where = "cohort"
        intake = _checks.as_tuple(where, "intake", self.intake)
        intake = tuple(_checks.integer(where, f"intake[{m}]", v, minimum=0) for m, v in enumerate(intake))
        if sum(intake) < 1:
            raise _checks.fail(where, "intake", intake, "at least one person must enrol")
        subgroups = _checks.items(where, "subgroups", self.subgroups, Subgroup, non_empty="give at least one subgroup")
        _checks.unique_names(where, "subgroup name", (g.name for g in subgroups))
        total = sum(g.share for g in subgroups)
        if abs(total - 1.0) > 1e-9:
            raise _checks.fail(where, "sum of subgroup shares", round(total, 12), "shares must sum to 1")
        object.__setattr__(self, "intake", intake)
        object.__setattr__(self, "subgroups", subgroups)

    @classmethod
    def from_entry_months(cls, entry_months, subgroups) -> "Cohort":
        """Build the schedule from an explicit enrolment month per participant."""
        months = _checks.as_tuple("cohort", "entry_months", entry_months)
        months = [_checks.integer("cohort", f"entry_months[{i}]", m, minimum=0) for i, m in enumerate(months)]
        if not months:
            raise _checks.fail("cohort", "entry_months", (), "at least one person must enrol")
        return cls(intake=tuple(int(v) for v in np.bincount(months)), subgroups=subgroups)

    @property
    def size(self) -> int:
        """Number of people enrolled under the base schedule."""
        return sum(self.intake)

    @property
    def intake_months(self) -> int:
        """Number of months over which people enrol."""
        return len(self.intake)

    def subgroup_of_participants(self, n: int) -> np.ndarray:
        """Subgroup index of participants ``0..n-1`` (enrolment order).

        Participant ``i`` joins the subgroup furthest below its share of the
        first ``i + 1`` people (ties go to the first subgroup).

        Examples
        --------
        >>> c = Cohort(intake=[4], subgroups=[Subgroup("a", 0.75, "s"), Subgroup("b", 0.25, "s")])
        >>> c.subgroup_of_participants(4).tolist()
        [0, 0, 1, 0]
        """
        shares = [g.share for g in self.subgroups]
        if len(shares) == 1:
            return np.zeros(n, dtype=np.int64)
        # Plain floats, not numpy: a numpy argmax per person was a cost in every batch of the engine.
        counts = [0] * len(shares)
        out = np.empty(n, dtype=np.int64)
        for i in range(n):
            best, best_gap = 0, shares[0] * (i + 1) - counts[0]
            for g in range(1, len(shares)):
                gap = shares[g] * (i + 1) - counts[g]
                if gap > best_gap:  # strictly: the first subgroup on ties
                    best, best_gap = g, gap
            out[i] = best
            counts[best] += 1
        return out
