"""Figures: functions that take a results Dataset and return a matplotlib Figure."""

from .figures import guarantee_draws, investor_irr, municipal_net_fan, tornado

__all__ = ["guarantee_draws", "investor_irr", "municipal_net_fan", "tornado"]
