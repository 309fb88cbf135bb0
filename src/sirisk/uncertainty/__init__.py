"""Uncertainty: input distributions, a Gaussian copula, and parameter sampling (MC, LHS, Sobol)."""

from .copula import GaussianCopula
from .distributions import (PERT, Beta, Distribution, Empirical, Fixed, Gamma, LogNormal, NegativeBinomial, Normal,
                            Poisson, Triangular, Truncated, TruncatedNormal, Uniform)
from .sampling import SharedShock, Uncertainty, sample

__all__ = ["Beta", "Distribution", "Empirical", "Fixed", "Gamma", "GaussianCopula", "LogNormal", "NegativeBinomial",
           "Normal", "PERT", "Poisson", "SharedShock", "Triangular", "Truncated", "TruncatedNormal", "Uncertainty", "Uniform",
           "sample"]
