"""Immutable, validated specs of a programme's trajectory model."""

from .clock import BenefitClock
from .cohort import Cohort, Subgroup
from .effect import Effect
from .measures import EntriesInto, InStatesAt, MonthsIn, Sustained
from .programme import Programme
from .states import State
from .transitions import Rule, Transition

__all__ = ["BenefitClock", "Cohort", "Effect", "EntriesInto", "InStatesAt", "MonthsIn", "Programme", "Rule", "State",
           "Subgroup", "Sustained", "Transition"]
