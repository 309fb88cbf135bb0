"""Figures: functions that take results (a Dataset, a sweep, a break-even report) and return a matplotlib Figure."""

from .design_figures import deal_zone, tradeoff
from .figures import guarantee_draws, investor_irr, municipal_net_fan, point_masses, tornado

__all__ = ["deal_zone", "guarantee_draws", "investor_irr", "municipal_net_fan", "point_masses", "tornado",
           "tradeoff"]
