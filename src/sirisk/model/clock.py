"""The public-benefit clock that drives the state refund to municipalities."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _checks

__all__ = ["BenefitClock"]


@dataclass(frozen=True)
class BenefitClock:
    """How long a person has been on public benefit, in bands.

    The clock counts the benefit months of the person's current period on
    public benefit, across all benefit states: 0 in the first benefit month.
    Months off benefit do not advance it; after ``reset_after_months_off``
    consecutive months off benefit the period ends and the clock restarts at 0.
    Occupancy of benefit states is reported per clock band, so that the money
    layer can apply the refund staircase (80 % in weeks 1-4, 40 % in weeks
    5-26, 30 % in weeks 27-52, 20 % from week 53: in months, clock bands
    ``[0, 1)``, ``[1, 6)``, ``[6, 12)``, ``[12, inf)``).

    Parameters
    ----------
    band_edges_months : sequence of int
        Inner edges of the clock bands, strictly increasing and positive.
        Default ``(1, 6, 12)``, the refund staircase in whole months.
    reset_after_months_off : int
        Consecutive months off benefit that end a benefit period. The rule is
        not public (see ``../shared/reference/danish-parameters.md``):
        default 12, an assumption; scenarios should vary it.

    Examples
    --------
    >>> clock = BenefitClock()
    >>> clock.band_labels
    ('0-1', '1-6', '6-12', '12+')
    >>> clock.band_of(0), clock.band_of(5), clock.band_of(30)
    (0, 1, 3)
    """

    band_edges_months: tuple[int, ...] = (1, 6, 12)
    reset_after_months_off: int = 12

    def __post_init__(self):
        where = "benefit_clock"
        edges = _checks.as_tuple(where, "band_edges_months", self.band_edges_months)
        edges = tuple(_checks.integer(where, f"band_edges_months[{j}]", e, minimum=1) for j, e in enumerate(edges))
        for j in range(1, len(edges)):
            if edges[j] <= edges[j - 1]:
                raise _checks.fail(where, f"band_edges_months[{j}]", edges[j], "edges must be strictly increasing")
        object.__setattr__(self, "band_edges_months", edges)
        _checks.integer(where, "reset_after_months_off", self.reset_after_months_off, minimum=1)

    @property
    def n_bands(self) -> int:
        return len(self.band_edges_months) + 1

    @property
    def band_labels(self) -> tuple[str, ...]:
        """Labels such as ``'1-6'`` (months on benefit, lower bound included)."""
        lows = (0,) + self.band_edges_months
        highs = self.band_edges_months + (None,)
        return tuple(f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in zip(lows, highs))

    def band_of(self, clock_months: int) -> int:
        """Band index of a clock value."""
        return sum(clock_months >= e for e in self.band_edges_months)
