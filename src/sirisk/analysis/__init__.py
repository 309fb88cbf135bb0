"""Analysis: run portfolios end to end, risk summaries with Monte Carlo errors."""

from .evaluate import evaluate
from .summary import expected_shortfall, mean, probability, quantile, risk_summary, value_at_risk

__all__ = ["evaluate", "expected_shortfall", "mean", "probability", "quantile", "risk_summary", "value_at_risk"]
