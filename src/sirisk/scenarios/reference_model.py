"""The fixed reference model for throughput figures (design notes, section 7).

A synthetic model, not a description of any real programme: its numbers are
chosen so that benchmark figures stay comparable over time.

- States: 0 sick pay, 1 employed, 2 other benefit (absorbing).
- From sick pay, with ``d`` the months in the current spell:
  ``h_emp(d) = 0.08 exp(-0.03 d)``, ``h_oth(d) = 0.02 + 0.002 d``.
- From employed: relapse to sick pay with probability 0.01 a month.
- Effect: a hazard ratio on sick pay -> employed, ``exp(N(0.15, 0.1))`` per
  draw (see :func:`reference_parameters`).
- Participant ``i`` enters in month ``i % 24``.
"""

from __future__ import annotations

import numpy as np

from ..model import Cohort, Effect, Programme, State, Subgroup, Sustained, Transition, MonthsIn

__all__ = ["reference_programme", "reference_parameters"]


def reference_programme(participants: int = 300, horizon_months: int = 60, control_size: int = 0,
                        measures: bool = False) -> Programme:
    """The reference model with ``participants`` people entering over 24 months.

    Examples
    --------
    >>> p = reference_programme()
    >>> p.cohort.size, p.horizon_months, p.state_names
    (300, 60, ('sick_pay', 'employed', 'other_benefit'))
    """
    d = np.arange(horizon_months)
    entry = np.arange(participants) % min(24, horizon_months)
    return Programme(
        name="reference",
        states=[State("sick_pay", benefit=True), State("employed"),
                State("other_benefit", benefit=True, absorbing=True)],
        transitions=[
            Transition("sick_pay", "employed", tuple(0.08 * np.exp(-0.03 * d)), band_starts=tuple(d)),
            Transition("sick_pay", "other_benefit", tuple(0.02 + 0.002 * d), band_starts=tuple(d)),
            Transition("employed", "sick_pay", (0.01,)),
        ],
        cohort=Cohort.from_entry_months(entry, [Subgroup("all", 1.0, "sick_pay")]),
        effects=[Effect("effect", ["sick_pay->employed"], hazard_ratio=float(np.exp(0.15)))],
        measures=[Sustained("job3", "employed", months=3, start_within_months=24),
                  MonthsIn("employed_months", "employed", within_months=36)] if measures else [],
        horizon_months=horizon_months,
        control_size=control_size,
    )


def reference_parameters(n_draws: int, *, rng) -> dict[str, np.ndarray]:
    """Per-draw effect ``exp(N(0.15, 0.1))`` of the reference model.

    Examples
    --------
    >>> reference_parameters(3, rng=0)["effects.effect.hazard_ratio"].shape
    (3,)
    """
    gen = np.random.default_rng(rng)
    return {"effects.effect.hazard_ratio": np.exp(gen.normal(0.15, 0.1, size=n_draws))}
