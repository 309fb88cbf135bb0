"""Figures: functions that take results (a Dataset, a sweep, a break-even report) and return a matplotlib Figure."""

from .figures import deal_zone, guarantee_draws, investor_irr, municipal_net_fan, tornado, tradeoff

__all__ = ["deal_zone", "guarantee_draws", "investor_irr", "municipal_net_fan", "tornado", "tradeoff"]
