"""A programme: the trajectory model of one cohort, validated as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _checks
from .clock import BenefitClock
from .cohort import Cohort
from .effect import Effect
from .measures import EntriesInto, InStatesAt, MonthsIn, Sustained
from .states import State
from .transitions import Rule, Transition

__all__ = ["Programme"]

MAX_STATES = 64  # states are bit-masks in the engine
MAX_MONTHS = 32_000  # months are int16 in the engine's per-person records
MAX_PEOPLE = 1_000_000  # per cohort or control group: far beyond any programme, and its arrays stay addressable
_SUM_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Programme:
    """One social investment programme's cohort and the paths its people take.

    Validated as a whole at construction: every name refers to something that
    exists, the exits from a state never sum above 1, absorbing states have no
    way out, and everything fits in the horizon. Money (budgets, contracts)
    is added by later layers.

    Parameters
    ----------
    name : str
    states : sequence of State
    transitions : sequence of Transition
    cohort : Cohort
    horizon_months : int
        Simulated calendar months, from the first month of intake.
    rules : sequence of Rule
        Deterministic moves at a fixed spell duration (at most one per state).
    effects : sequence of Effect
        Intervention effects (treated arm only); a move may carry at most one.
    benefit_clock : BenefitClock
    measures : sequence of Sustained, InStatesAt, MonthsIn or EntriesInto
        Person-level measures recorded for every participant.
    control_size : int
        Size of the independent comparison group (0: none).

    Examples
    --------
    >>> from sirisk import State, Transition, Subgroup, Cohort
    >>> p = Programme(
    ...     name="demo",
    ...     states=[State("sick_pay", benefit=True), State("employed")],
    ...     transitions=[Transition("sick_pay", "employed", (0.1,)),
    ...                  Transition("employed", "sick_pay", (0.02,))],
    ...     cohort=Cohort(intake=[10] * 12, subgroups=[Subgroup("all", 1.0, "sick_pay")]),
    ...     horizon_months=36,
    ... )
    >>> p.state_names
    ('sick_pay', 'employed')
    >>> Programme(name="demo", states=p.states, horizon_months=36, cohort=p.cohort,
    ...           transitions=[Transition("sick_pay", "employed", (0.7,)),
    ...                        Transition("sick_pay", "jobless", (0.5,))])
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: programme 'demo': transition sick_pay->jobless: target is 'jobless'; must be one of the states ('sick_pay', 'employed')
    """

    name: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    cohort: Cohort
    horizon_months: int
    rules: tuple[Rule, ...] = ()
    effects: tuple[Effect, ...] = ()
    benefit_clock: BenefitClock = field(default_factory=BenefitClock)
    measures: tuple[Sustained | InStatesAt | MonthsIn | EntriesInto, ...] = ()
    control_size: int = 0

    def __post_init__(self):
        _checks.name("programme", "name", self.name)
        where = f"programme {self.name!r}"
        for attr in ("states", "transitions", "rules", "effects", "measures"):
            object.__setattr__(self, attr, _checks.as_tuple(where, attr, getattr(self, attr)))
        self._check_types(where)
        _checks.integer(where, "horizon_months", self.horizon_months, minimum=1, maximum=MAX_MONTHS)
        _checks.integer(where, "control_size", self.control_size, minimum=0, maximum=MAX_PEOPLE)
        self._check_states(where)
        self._check_transitions(where)
        self._check_rules(where)
        self._check_cohort(where)
        self._check_effects(where)
        self._check_measures(where)

    # -- validation ---------------------------------------------------------
    def _check_types(self, where):
        expected = {"states": State, "transitions": Transition, "rules": Rule, "effects": Effect,
                    "measures": (Sustained, InStatesAt, MonthsIn, EntriesInto)}
        for attr, cls in expected.items():
            for item in getattr(self, attr):
                if not isinstance(item, cls):
                    raise _checks.fail(where, attr, item, f"each must be a {getattr(cls, '__name__', 'measure')}")
        if not isinstance(self.cohort, Cohort):
            raise _checks.fail(where, "cohort", self.cohort, "must be a Cohort")
        if not isinstance(self.benefit_clock, BenefitClock):
            raise _checks.fail(where, "benefit_clock", self.benefit_clock, "must be a BenefitClock")

    def _state(self, where, field_name, value):
        if value not in self.state_names:
            raise _checks.fail(where, field_name, value, f"must be one of the states {self.state_names}")
        return self.state_names.index(value)

    def _check_states(self, where):
        if not self.states:
            raise _checks.fail(where, "states", (), "give at least one state")
        if len(self.states) > MAX_STATES:
            raise _checks.fail(where, "number of states", len(self.states), f"at most {MAX_STATES} states")
        _checks.unique_names(where, "state name", self.state_names)

    def _check_transitions(self, where):
        groups = self.subgroup_names
        seen = set()
        for t in self.transitions:
            w = f"{where}: transition {t.label}"
            self._state(w, "source", t.source)
            self._state(w, "target", t.target)
            if t.subgroup is not None and t.subgroup not in groups:
                raise _checks.fail(w, "subgroup", t.subgroup, f"must be one of the subgroups {groups}")
            key = (t.source, t.target, t.subgroup)
            if key in seen:
                raise _checks.fail(w, "transition", t.label, "each move may have one table per subgroup")
            seen.add(key)
            if self.states[self.state_names.index(t.source)].absorbing and any(t.probabilities):
                raise _checks.fail(w, "source", t.source, "an absorbing state has no way out")
        # Competing exits must not sum above 1 at any duration, for any subgroup.
        for g in groups:
            for s in self.state_names:
                tables = self.tables_from(s, g)
                if not tables:
                    continue
                starts = sorted({b for t in tables for b in t.band_starts})
                for d in starts:
                    total = sum(t.probability_at(d) for t in tables)
                    if total > 1.0 + _SUM_TOLERANCE:
                        moves = ", ".join(f"{t.target} {t.probability_at(d):g}" for t in tables)
                        raise _checks.fail(
                            f"{where}: subgroup {g!r}", f"sum of exit probabilities from {s} at duration {d}",
                            round(total, 12), f"competing exits ({moves}) must not sum above 1")

    def _check_rules(self, where):
        seen = set()
        for r in self.rules:
            w = f"{where}: rule {r.source}->{r.target}"
            src = self._state(w, "source", r.source)
            self._state(w, "target", r.target)
            if self.states[src].absorbing:
                raise _checks.fail(w, "source", r.source, "an absorbing state has no way out")
            if r.source in seen:
                raise _checks.fail(w, "source", r.source, "at most one rule per state")
            seen.add(r.source)

    def _check_cohort(self, where):
        if self.cohort.size > MAX_PEOPLE:
            raise _checks.fail(where, "cohort size", self.cohort.size, f"at most {MAX_PEOPLE:,} people "
                               "(the sum of the intake)")
        if self.cohort.intake_months > self.horizon_months:
            raise _checks.fail(where, "cohort intake months", self.cohort.intake_months,
                               f"intake must end within horizon_months={self.horizon_months}")
        rule_after = {r.source: r.after_months for r in self.rules}
        for g in self.cohort.subgroups:
            w = f"{where}: subgroup {g.name!r}"
            s = self._state(w, "entry_state", g.entry_state)
            limit = rule_after.get(g.entry_state)
            if limit is not None and g.entry_duration_months >= limit:
                raise _checks.fail(w, "entry_duration_months", g.entry_duration_months,
                                   f"must be below the rule's {limit} months in {g.entry_state}")
            if g.entry_duration_months > MAX_MONTHS or (g.entry_benefit_clock_months or 0) > MAX_MONTHS:
                raise _checks.fail(w, "entry_duration_months", g.entry_duration_months, f"at most {MAX_MONTHS}")
            if g.entry_benefit_clock_months is not None and self.states[s].benefit \
                    and g.entry_benefit_clock_months < g.entry_duration_months:
                raise _checks.fail(w, "entry_benefit_clock_months", g.entry_benefit_clock_months,
                                   f"cannot be below the {g.entry_duration_months} months already in "
                                   f"the benefit state {g.entry_state}")

    def _check_effects(self, where):
        _checks.unique_names(where, "effect name", (e.name for e in self.effects))
        owner = {}
        for e in self.effects:
            w = f"{where}: effect {e.name!r}"
            for src, dst in e.transitions:
                self._state(w, "transitions source", src)
                self._state(w, "transitions target", dst)
                if not any(t.source == src and t.target == dst for t in self.transitions):
                    raise _checks.fail(w, "transitions", f"{src}->{dst}", "an effect needs a transition table for its move")
                if (src, dst) in owner:
                    raise _checks.fail(w, "transitions", f"{src}->{dst}",
                                       f"the move already carries effect {owner[(src, dst)]!r}")
                owner[(src, dst)] = e.name

    def _check_measures(self, where):
        _checks.unique_names(where, "measure name", (m.name for m in self.measures))
        for m in self.measures:
            if isinstance(m.states, tuple):
                for s in m.states:
                    self._state(f"{where}: measure {m.name!r}", "states", s)
            if m.window > MAX_MONTHS:
                raise _checks.fail(f"{where}: measure {m.name!r}", "window", m.window, f"at most {MAX_MONTHS}")

    # -- derived views --------------------------------------------------------
    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    @property
    def subgroup_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.cohort.subgroups)

    @property
    def arm_names(self) -> tuple[str, ...]:
        return ("treated", "counterfactual", "control")

    def tables_from(self, source: str, subgroup: str) -> list[Transition]:
        """Transition tables that apply to ``subgroup`` in ``source`` (subgroup tables override)."""
        chosen: dict[str, Transition] = {}
        for t in self.transitions:
            if t.source == source and t.subgroup is None:
                chosen.setdefault(t.target, t)
        for t in self.transitions:
            if t.source == source and t.subgroup == subgroup:
                chosen[t.target] = t
        return list(chosen.values())

    def measure_mask(self, measure) -> np.ndarray:
        """Boolean mask over states for a measure's state set."""
        if measure.states == "on_benefit":
            return np.array([s.benefit for s in self.states])
        if measure.states == "off_benefit":
            return np.array([not s.benefit for s in self.states])
        return np.array([s in measure.states for s in self.state_names])

    def entry_clock_months(self, subgroup) -> int:
        """Benefit clock at enrolment for a subgroup (its default resolved)."""
        if subgroup.entry_benefit_clock_months is not None:
            return subgroup.entry_benefit_clock_months
        benefit = self.states[self.state_names.index(subgroup.entry_state)].benefit
        return subgroup.entry_duration_months if benefit else 0

    @property
    def parameter_paths(self) -> tuple[str, ...]:
        """Names of the parameters that may take a different value in each draw.

        Examples
        --------
        >>> from sirisk import State, Transition, Subgroup, Cohort
        >>> p = Programme("x", [State("a"), State("b")], [Transition("a", "b", (0.1,))],
        ...               Cohort([5], [Subgroup("all", 1.0, "a")]), horizon_months=6)
        >>> p.parameter_paths
        ('cohort.size', 'hazards.a->b.scale')
        """
        moves = sorted({(t.source, t.target) for t in self.transitions},
                       key=lambda m: (self.state_names.index(m[0]), self.state_names.index(m[1])))
        paths = ["cohort.size"] + [f"hazards.{a}->{b}.scale" for a, b in moves]
        for e in self.effects:
            paths.extend(e.paths)
        return tuple(paths)
