"""Built-in scenarios, by name: each gives (portfolio, uncertainty, description)."""

from __future__ import annotations

__all__ = ["SCENARIOS", "load", "provenance_of"]

SCENARIOS = ("dsi2021", "dsi2021_investment", "reference")


def load(name: str):
    """``(portfolio, uncertainty, description)`` of a built-in scenario.

    Examples
    --------
    >>> portfolio, uncertainty, text = load("dsi2021")
    >>> portfolio.name
    'dsi2021'
    """
    from ..errors import SpecError

    if name in ("dsi2021", "dsi2021_investment"):
        from .dsi2021 import dsi2021

        portfolio, uncertainty, provenance = dsi2021("investment" if name.endswith("investment") else "guarantee")
        return portfolio, uncertainty, provenance.describe()
    if name == "reference":
        from .reference_model import reference_scenario

        return reference_scenario()
    raise SpecError(f"scenario is {name!r}; must be one of the built-in scenarios {SCENARIOS}")


def provenance_of(name: str):
    """The provenance registry of a built-in scenario (None where it has none: the synthetic reference)."""
    from ..errors import SpecError

    if name in ("dsi2021", "dsi2021_investment"):
        from .dsi2021 import dsi2021

        return dsi2021("investment" if name.endswith("investment") else "guarantee")[2]
    if name == "reference":
        return None
    raise SpecError(f"scenario is {name!r}; must be one of the built-in scenarios {SCENARIOS}")
