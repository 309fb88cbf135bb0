"""sirisk: Monte Carlo risk simulation of social investment programmes.

The public API is small and flat::

    import sirisk
    programme = sirisk.Programme(...)
    results = sirisk.simulate(programme, draws=10_000, rng=2021)
"""

from .engine import ARMS, simulate
from .errors import SpecError
from .model import (BenefitClock, Cohort, Effect, InStatesAt, MonthsIn, Programme, Rule, State, Subgroup,
                    Sustained, Transition)

__version__ = "0.1.0.dev0"

__all__ = ["ARMS", "BenefitClock", "Cohort", "Effect", "InStatesAt", "MonthsIn", "Programme", "Rule", "SpecError",
           "State", "Subgroup", "Sustained", "Transition", "simulate", "__version__"]
