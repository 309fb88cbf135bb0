"""sirisk: Monte Carlo risk simulation of social investment programmes.

The public API is small and flat::

    import sirisk
    programme = sirisk.Programme(...)
    results = sirisk.simulate(programme, draws=10_000, rng=2021)
"""

from ._memory import tune_allocator
from .analysis import Simulation, evaluate, open_simulation, risk_summary, settle, simulate_portfolio
from .engine import ARMS, simulate
from .errors import SpecError
from .model import (BenefitClock, Cohort, Effect, EntriesInto, InStatesAt, MonthsIn, Programme, Rule, State, Subgroup,
                    Sustained, Transition)
from . import uncertainty
from .design import BreakEven, Calibration, break_even, calibrate, compare, sweep, term_value, with_terms
from .money import (Baseline, Budget, CohortCount, Contract, Deal, FixedFee, FloorSteps, GainShare, Guarantee, InvestorTerms,
                    Measured, Outcome, Portfolio, ProgrammeCosts, RateCard, RefundStaircase, StateFlow, Threshold, Tranche)

__version__ = "0.1.0.dev0"

__all__ = ["ARMS", "Baseline", "BenefitClock", "BreakEven", "Budget", "Calibration", "Cohort", "CohortCount", "Contract", "Deal",
           "Effect", "EntriesInto",
           "FixedFee", "FloorSteps", "GainShare", "Guarantee", "InStatesAt", "InvestorTerms", "Measured", "MonthsIn", "Outcome",
           "Portfolio", "Programme", "ProgrammeCosts", "RateCard", "RefundStaircase", "Rule", "Simulation",
           "SpecError", "State", "StateFlow", "Subgroup", "Sustained", "Threshold", "Tranche", "Transition", "break_even", "calibrate", "compare", "evaluate",
           "open_simulation", "risk_summary", "settle", "simulate", "simulate_portfolio", "sweep", "term_value", "tune_allocator", "uncertainty",
           "with_terms", "__version__"]
