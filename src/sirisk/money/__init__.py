"""Money: budgets per holder, outcome contracts, capital stack, guarantee, per-draw metrics."""

from .budget import Budget, RefundStaircase, StateFlow
from .capital import Guarantee, InvestorTerms
from .contract import Baseline, Contract, FixedFee, GainShare, Outcome, RateCard, Threshold
from .costs import ProgrammeCosts
from .deal import Deal, Portfolio

__all__ = ["Baseline", "Budget", "Contract", "Deal", "FixedFee", "GainShare", "Guarantee", "InvestorTerms",
           "Outcome", "Portfolio", "ProgrammeCosts", "RateCard", "RefundStaircase", "StateFlow", "Threshold"]
