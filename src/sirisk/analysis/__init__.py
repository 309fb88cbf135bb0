"""Analysis: the two stages of a run (simulate once, settle many times), results schema, risk summaries."""

from .engine_stage import simulate_portfolio
from .evaluate import evaluate
from .settle import settle
from .simulation import Simulation, open_simulation
from .summary import expected_shortfall, mean, probability, quantile, risk_summary, value_at_risk

__all__ = ["Simulation", "evaluate", "expected_shortfall", "mean", "open_simulation", "probability", "quantile",
           "risk_summary", "settle", "simulate_portfolio", "value_at_risk"]
