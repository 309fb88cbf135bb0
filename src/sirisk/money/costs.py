"""The programme's own costs, funded by the investor."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _checks

__all__ = ["ProgrammeCosts"]


@dataclass(frozen=True)
class ProgrammeCosts:
    """What running the intervention costs, month by month.

    Parameters
    ----------
    per_enrolment : float
        One-off cost in the month a person enrols.
    per_participant_month : float
        Cost per person per month in the programme.
    service_months : int
        Months a person stays in the programme from enrolment (the service
        period, whatever their state).
    fixed_per_month : float
        Fixed cost per month (team, management) for ``fixed_months`` months
        from month 0.
    fixed_months : int

    Examples
    --------
    >>> ProgrammeCosts(per_participant_month=3_000, service_months=12, fixed_per_month=50_000, fixed_months=30)
    ProgrammeCosts(per_enrolment=0.0, per_participant_month=3000.0, service_months=12, fixed_per_month=50000.0, fixed_months=30)
    """

    per_enrolment: float = 0.0
    per_participant_month: float = 0.0
    service_months: int = 12
    fixed_per_month: float = 0.0
    fixed_months: int = 0

    def __post_init__(self):
        where = "programme costs"
        for f in ("per_enrolment", "per_participant_month", "fixed_per_month"):
            object.__setattr__(self, f, _checks.real(where, f, getattr(self, f), low=0.0))
        _checks.integer(where, "service_months", self.service_months, minimum=1)
        _checks.integer(where, "fixed_months", self.fixed_months, minimum=0)
