"""Where each number of a built-in scenario comes from.

Every number is either *cited* (a public source) or *assumed* (no public
source: a central value and a range). Assumptions on parameters the engine
can vary per draw (hazard scales, effect sizes, cohort sizes) become
uncertain parameters with a PERT distribution over their range, so the
uncertainty layer carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..uncertainty import PERT, Distribution

__all__ = ["Provenance", "Cited", "Assumed"]


@dataclass(frozen=True)
class Cited:
    key: str
    value: float
    source: str


@dataclass(frozen=True)
class Assumed:
    key: str
    value: float
    low: float
    high: float
    why: str
    parameter: str | None = None      # "programme/path" if the uncertainty layer varies it
    distribution: Distribution | None = None


@dataclass
class Provenance:
    """A registry filled while a scenario is built.

    Examples
    --------
    >>> p = Provenance()
    >>> p.cite("x", 4_460, "danskerhverv.dk, rates for 2021")
    4460
    >>> p.assume("y", 0.08, 0.05, 0.12, "no public hazard found", parameter="a/hazards.s->e.scale")
    0.08
    >>> list(p.uncertain())
    ['a/hazards.s->e.scale']
    """

    entries: list = field(default_factory=list)

    def cite(self, key: str, value, source: str):
        self.entries.append(Cited(key, value, source))
        return value

    def assume(self, key: str, value, low, high, why: str, parameter: str | None = None,
               distribution: Distribution | None = None, relative: bool = False):
        """Register an assumption; with ``parameter`` the uncertainty layer varies it.

        ``relative=True``: the parameter is a multiplier on ``value`` (a
        hazard scale), so its distribution runs from ``low / value`` to
        ``high / value`` with mode 1.
        """
        if not low <= value <= high:
            raise ValueError(f"assumption {key!r}: value {value} outside its range [{low}, {high}]")
        if parameter is not None and distribution is None:
            distribution = PERT(low / value, 1.0, high / value) if relative else PERT(low, value, high)
        self.entries.append(Assumed(key, value, low, high, why, parameter, distribution))
        return value

    def uncertain(self) -> dict[str, Distribution]:
        """The distributions of the assumed parameters the engine can vary."""
        return {e.parameter: e.distribution for e in self.entries if isinstance(e, Assumed) and e.parameter}

    def describe(self) -> str:
        """A table of every number: value, and its source or its range and reason."""
        lines = []
        for e in self.entries:
            if isinstance(e, Cited):
                lines.append(f"  {e.key:<58} {e.value!s:>12}   source: {e.source}")
            else:
                varied = f"; varied as {e.parameter}" if e.parameter else ""
                lines.append(f"  {e.key:<58} {e.value!s:>12}   ASSUMPTION in [{e.low}, {e.high}]: {e.why}{varied}")
        return "\n".join(lines)
