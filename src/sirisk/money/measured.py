"""Observed results of a contract that has run: settle it on what was measured, with no simulation.

A contract is settled on the outcomes its evaluation reports: who enrolled
when, which participants achieved each contract outcome and when, the
comparison group's figures where the contract compares with one, and the
budget saving where it was measured. :class:`Measured` holds them for one
programme; :func:`sirisk.settle` turns them into payments, investor flows,
IRR, MOIC and guarantee draw, exactly as it does a simulated draw (the
results have one draw). Person records are exact; :meth:`Measured.from_cohorts`
builds them from the counts per cohort that evaluations often report.

Baselines: a fixed rate is in the contract; a control-group or
counterfactual baseline is the comparison group's (a counterfactual cannot
be observed: the comparison group is its measured stand-in). A gain share
needs the saving (``savings``), taken as the contract measured it.
Achievements are the contract's outcomes as the evaluation applied their
definitions, so an outcome's ``by_month`` and ``at_least`` are not applied
again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..model.measures import WINDOW_COUNTS
from .contract import GainShare, Threshold
from .records import ArmRecords, DealRecords

__all__ = ["Measured", "CohortCount"]


def _months(where, field, values, *, allow_none: bool) -> tuple[int, ...]:
    values = _checks.as_tuple(where, field, values)
    out = []
    for i, v in enumerate(values):
        if allow_none and v is None:
            out.append(-1)
            continue
        out.append(_checks.integer(where, f"{field}[{i}]", v, minimum=-1 if allow_none else 0))
    return tuple(out)


def _people(where, prefix, enrolment, achieved):
    enrolment = _months(where, f"{prefix}enrolment_months", enrolment, allow_none=False)
    if not isinstance(achieved, Mapping):
        raise _checks.fail(where, f"{prefix}achieved", achieved, "must map outcome names to months per person")
    out = {}
    for name, months in achieved.items():
        _checks.name(where, f"{prefix}achieved outcome", name)
        months = _months(where, f"{prefix}achieved[{name!r}]", months, allow_none=True)
        if len(months) != len(enrolment):
            raise _checks.fail(where, f"{prefix}achieved[{name!r}]", f"{len(months)} months",
                               f"needs one month (or -1) per enrolled person ({len(enrolment)})")
        for i, (e, a) in enumerate(zip(enrolment, months)):
            if 0 <= a < e:
                raise _checks.fail(where, f"{prefix}achieved[{name!r}][{i}]", a,
                                   f"an outcome cannot be achieved before enrolment (month {e})")
        out[name] = months
    return enrolment, out


def _events(where, prefix, events, enrolled: int) -> dict[str, tuple[int, ...]]:
    """Counts per person (>= 0) for count outcomes, one per enrolled person."""
    if events is None:
        return {}
    if not isinstance(events, Mapping):
        raise _checks.fail(where, f"{prefix}events", events, "must map outcome names to counts per person")
    out = {}
    for name, counts in events.items():
        _checks.name(where, f"{prefix}events outcome", name)
        counts = _checks.as_tuple(where, f"{prefix}events[{name!r}]", counts)
        if len(counts) != enrolled:
            raise _checks.fail(where, f"{prefix}events[{name!r}]", f"{len(counts)} counts",
                               f"needs one count per enrolled person ({enrolled})")
        out[name] = tuple(_checks.integer(where, f"{prefix}events[{name!r}][{i}]", c, minimum=0, maximum=32767)
                          for i, c in enumerate(counts))
    return out


def _amounts(where, field, values) -> tuple[float, ...]:
    values = _checks.as_tuple(where, field, values)
    return tuple(_checks.real(where, f"{field}[{t}]", v) for t, v in enumerate(values))


@dataclass(frozen=True)
class Measured:
    """What a contract that has run measured, for one programme.

    Parameters
    ----------
    programme : str
        The programme (deal) it settles.
    enrolment_months : sequence of int
        Calendar month (of the programme) each participant enrolled.
    achieved : mapping of outcome name to sequence of int
        For each contract outcome, the month each participant achieved it
        (``-1`` or None: not achieved).
    events : mapping of outcome name to sequence of int, optional
        For outcomes on a count measure (``EntriesInto``, ``MonthsIn``), the
        count per participant in the measure's window: what a threshold on
        a frequency averages. Such an outcome need not be in ``achieved``:
        a person achieved it with at least ``at_least`` counts, at the end
        of their window.
    comparison_enrolment_months, comparison_achieved, comparison_events : optional
        The same for the comparison group, where the contract compares
        with one (a control-group or counterfactual baseline).
    savings : mapping of holder to sequence of float, optional
        The budget saving by month, nominal, as the contract measured
        it (months not given count as 0). Without it the saving, the net
        effect and what depends on them are NaN (``municipality_overpaid``
        and ``programme_harm`` are then False), and a gain share cannot be
        settled.
    programme_cost : sequence of float, optional
        Capital drawn by month (default: the deal's ``ProgrammeCosts`` on
        the enrolments).

    Examples
    --------
    Four people enrol in month 0; two find work, in months 5 and 9:

    >>> m = Measured("demo", enrolment_months=[0, 0, 0, 0], achieved={"job": [5, -1, 9, -1]})
    >>> m.enrolled
    4
    >>> Measured("demo", enrolment_months=[0, 3], achieved={"job": [-1, 2]})
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: measured 'demo': achieved['job'][1] is 2; an outcome cannot be achieved before enrolment (month 3)
    """

    programme: str
    enrolment_months: Sequence[int]
    achieved: Mapping[str, Sequence[int]]
    comparison_enrolment_months: Sequence[int] | None = None
    comparison_achieved: Mapping[str, Sequence[int]] | None = None
    savings: Mapping[str, Sequence[float]] | None = None
    programme_cost: Sequence[float] | None = None
    events: Mapping[str, Sequence[int]] | None = None
    comparison_events: Mapping[str, Sequence[int]] | None = None

    def __post_init__(self):
        _checks.name("measured", "programme", self.programme)
        where = f"measured {self.programme!r}"
        enrolment, achieved = _people(where, "", self.enrolment_months, self.achieved)
        if not enrolment:
            raise _checks.fail(where, "enrolment_months", (), "give at least one enrolled person")
        object.__setattr__(self, "enrolment_months", enrolment)
        object.__setattr__(self, "achieved", achieved)
        if (self.comparison_enrolment_months is None) != (self.comparison_achieved is None):
            raise _checks.fail(where, "comparison_achieved" if self.comparison_achieved is None
                               else "comparison_enrolment_months", None,
                               "give the comparison group's enrolment months and achievements together")
        if self.comparison_enrolment_months is not None:
            c_enrol, c_achieved = _people(where, "comparison_", self.comparison_enrolment_months,
                                          self.comparison_achieved)
            object.__setattr__(self, "comparison_enrolment_months", c_enrol)
            object.__setattr__(self, "comparison_achieved", c_achieved)
            object.__setattr__(self, "comparison_events",
                               _events(where, "comparison_", self.comparison_events, len(c_enrol)))
        elif self.comparison_events is not None:
            raise _checks.fail(where, "comparison_events", "given", "needs comparison_enrolment_months and "
                               "comparison_achieved")
        object.__setattr__(self, "events", _events(where, "", self.events, len(enrolment)))
        if self.savings is not None:
            if not isinstance(self.savings, Mapping):
                raise _checks.fail(where, "savings", self.savings, "must map holders to amounts by month")
            object.__setattr__(self, "savings", {_checks.name(where, "savings holder", h):
                                                     _amounts(where, f"savings[{h!r}]", v)
                                                     for h, v in self.savings.items()})
        if self.programme_cost is not None:
            cost = _amounts(where, "programme_cost", self.programme_cost)
            for t, c in enumerate(cost):
                if c < 0:
                    raise _checks.fail(where, f"programme_cost[{t}]", c, "capital drawn cannot be negative")
            object.__setattr__(self, "programme_cost", cost)

    @property
    def enrolled(self) -> int:
        return len(self.enrolment_months)

    @classmethod
    def from_cohorts(cls, programme: str, cohorts: Sequence[CohortCount], *,
                     savings: Mapping[str, Sequence[float]] | None = None,
                     programme_cost: Sequence[float] | None = None) -> Measured:
        """Person records from counts per cohort, as evaluations report them.

        Counts say how many, not who or exactly when: a cohort's people
        enrol evenly over its enrolment months; each achiever is dated at
        the first month they were counted at; and the same people (the
        first enrolled) are taken as the achievers of every outcome, so a
        rate card's person cap binds as much as the counts allow. Give
        person records where timing or who-achieved-what matters.

        Examples
        --------
        >>> c = CohortCount((0, 11), enrolled=90, achieved={"job": {24: 40, 48: 52}})
        >>> m = Measured.from_cohorts("demo", [c])
        >>> m.enrolled, sum(0 <= a <= 24 for a in m.achieved["job"]), sum(a >= 0 for a in m.achieved["job"])
        (90, 40, 52)
        """
        where = f"measured {programme!r}"
        cohorts = _checks.items(where, "cohorts", cohorts, CohortCount, non_empty="give at least one cohort")
        people, achieved, c_people, c_achieved = [], {}, [], {}
        comparison = [c.comparison_enrolled is not None for c in cohorts]
        if any(comparison) and not all(comparison):
            raise _checks.fail(where, "comparison_enrolled", None, "give comparison counts for every cohort or none")
        outcomes = sorted({o for c in cohorts for o in c.achieved})
        for c in cohorts:
            if set(c.achieved) != set(outcomes):
                raise _checks.fail(where, f"cohort {c.enrolled_months} achieved", sorted(c.achieved),
                                   f"every cohort counts the same outcomes {outcomes}")
            for target_people, target_achieved, n, counts in (
                    (people, achieved, c.enrolled, c.achieved),
                    *(((c_people, c_achieved, c.comparison_enrolled, c.comparison_achieved),) if all(comparison)
                      else ())):
                first, last = c.enrolled_months
                months = [first + (i * (last - first + 1)) // n for i in range(n)] if n else []
                target_people.extend(months)
                for o in outcomes:
                    dated = [-1] * n
                    done = 0
                    for month, total in sorted(counts[o].items()):
                        dated[done:total] = [month] * (total - done)
                        done = total
                    target_achieved.setdefault(o, []).extend(dated)
        return cls(programme, people, achieved, c_people if all(comparison) else None,
                   c_achieved if all(comparison) else None, savings, programme_cost)

    # -- the money layer's view ---------------------------------------------------
    def records(self, deal) -> DealRecords:
        """The records of this history for ``deal`` (one draw), checked against its contract and horizon."""
        where = f"measured {self.programme!r}"
        p = deal.programme
        T = p.horizon_months
        outcomes = [o.name for o in deal.contract.outcomes]
        measures = {m.name: m for m in p.measures}
        counted = {o.name: o for o in deal.contract.outcomes if isinstance(measures[o.measure], WINDOW_COUNTS)}
        frequency = {m.outcome for m in deal.contract.mechanisms
                     if isinstance(m, Threshold) and m.statistic == "frequency"}

        def arm(enrolment, achieved, events, prefix):
            for o in events:
                if o not in counted:
                    raise _checks.fail(where, f"{prefix}events outcome", o,
                                       f"must be one of the contract's outcomes on a count measure {tuple(counted)}")
            achieved = dict(achieved)
            for o in outcomes:
                if o in frequency and o not in events:
                    raise _checks.fail(where, f"{prefix}events", sorted(events),
                                       f"a threshold on the frequency of {o!r} needs its count per person")
                if o not in achieved and o in events:  # achieved at the end of the count's window
                    end = measures[counted[o].measure].within_months - 1
                    achieved[o] = tuple(min(e + end, T - 1) if c >= counted[o].at_least else -1
                                        for e, c in zip(enrolment, events[o]))
                if o not in achieved:
                    raise _checks.fail(where, f"{prefix}achieved", sorted(achieved),
                                       f"needs every outcome of the contract {tuple(outcomes)} (missing {o!r})")
            for i, e in enumerate(enrolment):
                if e >= T:
                    raise _checks.fail(where, f"{prefix}enrolment_months[{i}]", e,
                                       f"must be below the horizon of {T} months")
            for o in outcomes:
                for i, a in enumerate(achieved[o]):
                    if a >= T:
                        raise _checks.fail(where, f"{prefix}achieved[{o!r}][{i}]", a,
                                           f"must be below the horizon of {T} months")
            return ArmRecords(np.array([enrolment], dtype=np.int16),
                              achieved={o: np.array([achieved[o]], dtype=np.int16) for o in outcomes},
                              events={o: np.array([c], dtype=np.int16) for o, c in events.items()} or None)

        arms = {"treated": arm(self.enrolment_months, self.achieved, self.events, "")}
        needs = [m for m in deal.contract.mechanisms
                 if isinstance(m, (Threshold, GainShare)) and m.baseline.kind != "fixed"]
        if self.comparison_enrolment_months is not None:
            comparison = arm(self.comparison_enrolment_months, self.comparison_achieved, self.comparison_events,
                             "comparison_")
            arms["counterfactual"] = arms["control"] = comparison
        elif any(isinstance(m, Threshold) for m in needs):
            kind = next(m for m in needs if isinstance(m, Threshold)).baseline.kind
            raise _checks.fail(where, "comparison_achieved", None,
                               f"the contract's threshold compares with a {kind} baseline: give the comparison "
                               "group's enrolment months and achievements")
        holders = tuple(deal.budget.holders)
        saving = saving_pv = None
        if self.savings is not None:
            saving = np.zeros((1, T, len(holders)))
            for h, values in self.savings.items():
                if h not in holders:
                    raise _checks.fail(where, "savings holder", h, f"must be one of the budget's holders {holders}")
                if len(values) > T:
                    raise _checks.fail(where, f"savings[{h!r}]", f"{len(values)} months",
                                       f"at most the horizon of {T} months")
                saving[0, :len(values), holders.index(h)] = values
            _, discount = deal.budget.month_factors(T)
            saving_pv = np.einsum("dth,t->dh", saving, discount)
        elif any(isinstance(m, GainShare) for m in deal.contract.mechanisms):
            raise _checks.fail(where, "savings", None, "the contract has a gain share: give the measured saving "
                               "by month per holder")
        cost = None
        if self.programme_cost is not None:
            if len(self.programme_cost) > T:
                raise _checks.fail(where, "programme_cost", f"{len(self.programme_cost)} months",
                                   f"at most the horizon of {T} months")
            cost = np.zeros((1, T))
            cost[0, :len(self.programme_cost)] = self.programme_cost
        return DealRecords(arms, holders, saving, saving_pv, None, None, {}, cost, saving_is_measured=True)


@dataclass(frozen=True)
class CohortCount:
    """Counts for one enrolment cohort, as an evaluation reports them (see :meth:`Measured.from_cohorts`).

    Parameters
    ----------
    enrolled_months : (int, int)
        First and last month of the cohort's enrolment.
    enrolled : int
    achieved : mapping of outcome name to int or {month: int}
        People who achieved each outcome by the months they were counted
        at (cumulative counts; a single number is counted at the last
        enrolment month).
    comparison_enrolled, comparison_achieved : optional
        The comparison group's counts for the same cohort.

    Examples
    --------
    >>> CohortCount((0, 11), enrolled=90, achieved={"job": 100})
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: cohort (0, 11): achieved['job'] at month 11 is 100; cannot exceed the 90 enrolled
    """

    enrolled_months: tuple[int, int]
    enrolled: int
    achieved: Mapping[str, int | Mapping[int, int]]
    comparison_enrolled: int | None = None
    comparison_achieved: Mapping[str, int | Mapping[int, int]] | None = None

    def __post_init__(self):
        months = _checks.as_tuple("cohort", "enrolled_months", self.enrolled_months)
        if len(months) != 2:
            raise _checks.fail("cohort", "enrolled_months", months, "a cohort is (first, last) enrolment month")
        first = _checks.integer("cohort", "enrolled_months first", months[0], minimum=0)
        last = _checks.integer("cohort", "enrolled_months last", months[1], minimum=first)
        object.__setattr__(self, "enrolled_months", (first, last))
        where = f"cohort {(first, last)}"
        _checks.integer(where, "enrolled", self.enrolled, minimum=0)
        object.__setattr__(self, "achieved", self._counts(where, "achieved", self.achieved, self.enrolled, last))
        if (self.comparison_enrolled is None) != (self.comparison_achieved is None):
            raise _checks.fail(where, "comparison_achieved", self.comparison_achieved,
                               "give comparison_enrolled and comparison_achieved together")
        if self.comparison_enrolled is not None:
            _checks.integer(where, "comparison_enrolled", self.comparison_enrolled, minimum=0)
            object.__setattr__(self, "comparison_achieved", self._counts(
                where, "comparison_achieved", self.comparison_achieved, self.comparison_enrolled, last))

    @staticmethod
    def _counts(where, field, counts, enrolled, last):
        if not isinstance(counts, Mapping):
            raise _checks.fail(where, field, counts, "must map outcome names to counts")
        out = {}
        for name, value in counts.items():
            _checks.name(where, f"{field} outcome", name)
            by_month = value if isinstance(value, Mapping) else {last: value}
            previous = 0
            checked = {}
            for month, n in sorted(by_month.items()):
                _checks.integer(where, f"{field}[{name!r}] month", month, minimum=last)
                n = _checks.integer(where, f"{field}[{name!r}] at month {month}", n, minimum=0)
                if n > enrolled:
                    raise _checks.fail(where, f"{field}[{name!r}] at month {month}", n,
                                       f"cannot exceed the {enrolled} enrolled")
                if n < previous:
                    raise _checks.fail(where, f"{field}[{name!r}] at month {month}", n,
                                       f"counts are cumulative: at least the {previous} counted before")
                checked[int(month)] = n
                previous = n
            out[name] = checked
        return out
