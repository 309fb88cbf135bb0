"""Person-level measures the engine records for outcome contracts.

Full trajectories are never stored. Instead, for every participant the engine
records one small integer per measure, enough to decide a person-level
outcome trigger and when it happened. Months are counted from enrolment
(``tau = 0`` is the month of enrolment); ``-1`` means "not reached within the
simulated horizon" (censoring can be told from the participant's entry month,
which the results carry too).

``states`` may be a sequence of state names, or ``"on_benefit"`` /
``"off_benefit"`` for all benefit / non-benefit states.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import _checks

__all__ = ["Sustained", "InStatesAt", "MonthsIn", "EntriesInto", "STATE_SETS", "WINDOW_COUNTS", "SUSTAINED",
           "IN_STATES_AT", "MONTHS_IN", "ENTRIES_INTO", "COUNTING", "COUNTS_FROM"]

STATE_SETS = ("on_benefit", "off_benefit")

# Each measure's kind, as the engine's tables carry it. A month measure records the month it was reached
# (-1: not); a counting kind records a count (from 0). Counting kinds come last: kernels test kind >= COUNTS_FROM.
SUSTAINED, IN_STATES_AT, MONTHS_IN, ENTRIES_INTO = range(4)
COUNTING = (MONTHS_IN, ENTRIES_INTO)
COUNTS_FROM = MONTHS_IN


def _states(where, value):
    if isinstance(value, str):
        if value in STATE_SETS:
            return value
        value = (value,)
    value = _checks.as_tuple(where, "states", value)
    if not value:
        raise _checks.fail(where, "states", value, "name at least one state")
    return tuple(_checks.name(where, "states", s) for s in value)


@dataclass(frozen=True)
class _Measure:
    """Common part: a name and a set of states."""

    name: str
    states: tuple[str, ...] | str

    def _validate(self, **months_fields: int) -> None:
        _checks.name("measure", "name", self.name)
        where = f"measure {self.name!r}"
        object.__setattr__(self, "states", _states(where, self.states))
        for field, minimum in months_fields.items():
            value = getattr(self, field)
            if value is not None:
                _checks.integer(where, field, value, minimum=minimum)


@dataclass(frozen=True)
class Sustained(_Measure):
    """Month (since enrolment) in which a person completes ``months`` consecutive months in ``states``.

    The run must start within ``start_within_months`` of enrolment (e.g. "3
    consecutive months in employment or education, starting within 24 months").
    Moves between states of the set do not break a run. Recorded value: the
    month of the run's last required month, or -1.

    Examples
    --------
    >>> Sustained("job3", states=("employed", "education"), months=3, start_within_months=24)
    Sustained(name='job3', states=('employed', 'education'), months=3, start_within_months=24)
    """

    months: int = 1
    start_within_months: int | None = None

    kind = SUSTAINED

    def __post_init__(self):
        self._validate(months=1, start_within_months=1)

    @property
    def window(self) -> int:
        return -1 if self.start_within_months is None else self.start_within_months


@dataclass(frozen=True)
class InStatesAt(_Measure):
    """Whether a person is in ``states`` in month ``month`` after enrolment.

    Recorded value: ``month`` if so, else -1 (e.g. "off all benefits at month 12").

    Examples
    --------
    >>> InStatesAt("self_support_12", states="off_benefit", month=12)
    InStatesAt(name='self_support_12', states='off_benefit', month=12)
    """

    month: int = 0

    kind = IN_STATES_AT

    def __post_init__(self):
        self._validate(month=0)

    @property
    def window(self) -> int:
        return self.month


@dataclass(frozen=True)
class _Window(_Measure):
    """A count over the first ``within_months`` after enrolment (0 if none), final at the window's end."""

    within_months: int = 12

    def __post_init__(self):
        self._validate(within_months=1)

    @property
    def window(self) -> int:
        return self.within_months


@dataclass(frozen=True)
class MonthsIn(_Window):
    """Number of months in ``states`` during the first ``within_months`` after enrolment.

    Examples
    --------
    >>> MonthsIn("employed_months_24", states=["employed"], within_months=24)
    MonthsIn(name='employed_months_24', states=('employed',), within_months=24)
    """

    kind = MONTHS_IN


@dataclass(frozen=True)
class EntriesInto(_Window):
    """Number of entries into ``states`` during the first ``within_months`` after enrolment: a count of events.

    An entry is a move into the set from a state outside it (moves between
    states of the set are not entries; a person enrolled in the set has not
    entered it). Recorded value: the count, 0 if none (e.g. re-offences as
    entries into custody, re-admissions as entries into hospital).

    Examples
    --------
    >>> EntriesInto("readmissions", states=["hospital"], within_months=12)
    EntriesInto(name='readmissions', states=('hospital',), within_months=12)
    """

    kind = ENTRIES_INTO


WINDOW_COUNTS = (MonthsIn, EntriesInto)  # measures that record a count in a window, final at its end
