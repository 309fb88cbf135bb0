"""Money: budgets per holder, outcome contracts, capital stack, guarantee, per-draw metrics."""

from .budget import Budget, RefundStaircase, StateFlow
from .capital import FloorSteps, Guarantee, InvestorTerms, Tranche
from .contract import Baseline, Contract, FixedFee, GainShare, Outcome, RateCard, Threshold
from .costs import ProgrammeCosts
from .deal import Deal, Portfolio
from .measured import CohortCount, Measured

__all__ = ["Baseline", "Budget", "CohortCount", "Contract", "Deal", "FixedFee", "FloorSteps", "GainShare", "Guarantee", "InvestorTerms",
           "Measured", "Outcome", "Portfolio", "ProgrammeCosts", "RateCard", "RefundStaircase", "StateFlow", "Threshold",
           "Tranche"]
