"""Design a deal on one simulation: calibrate terms to targets, compare designs, sweep terms, find the deal zone.

Every tool settles the same simulated paths under different terms (common
random numbers), so differences between designs are differences of design
alone, and every answer is exactly reproducible.
"""

from .break_even import BreakEven, break_even
from .calibrate import Calibration, calibrate
from .compare import DESIGN_STATISTICS, compare, sweep
from .terms import term_value, with_terms

__all__ = ["BreakEven", "Calibration", "DESIGN_STATISTICS", "break_even", "calibrate", "compare", "sweep", "term_value", "with_terms"]
