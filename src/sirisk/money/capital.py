"""Investor terms and the guarantee."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import _checks

__all__ = ["InvestorTerms", "Guarantee"]


@dataclass(frozen=True)
class InvestorTerms:
    """How the investor is repaid out of outcome payments.

    The investor funds the programme's costs as they fall due. Outcome
    payments repay, in order, principal and then return. The investor's claim
    grows at ``return_cap_per_year`` (compounded monthly on what is
    outstanding); outcome payments beyond that claim are not made (the
    municipality keeps them). At ``maturity_month`` the investor is entitled
    to at least ``principal_floor_share`` of the principal plus interest at
    ``interest_floor_per_year`` for ``interest_floor_years`` years; a
    guarantor covers the shortfall up to its cap.

    Parameters
    ----------
    commitment : float
        The investment agreed (counts towards a portfolio's limit); the
        programme's base-case costs must not exceed it.
    return_cap_per_year : float or None
        None: no cap.
    interest_floor_per_year, interest_floor_years, principal_floor_share : float
    maturity_month : int or None
        Month of final settlement (default: the horizon's last month).
    hurdle_rate_per_year : float
        Rate for the investor's NPV.
    public_share : float
        Share of the investment held by a public body (a state fund that
        invests itself, pari passu with any other investor): that share of
        the investor's flows is the public sector's (``public_net_pv``), and
        of its losses the fund's cost (``public_funder_cost_pv``).

    Examples
    --------
    >>> InvestorTerms(commitment=6.9e6, return_cap_per_year=0.15, principal_floor_share=0.5)  # doctest: +ELLIPSIS
    InvestorTerms(commitment=6900000.0, return_cap_per_year=0.15, ...)
    """

    commitment: float
    return_cap_per_year: float | None = None
    interest_floor_per_year: float = 0.0
    interest_floor_years: float = 0.0
    principal_floor_share: float = 0.0
    maturity_month: int | None = None
    hurdle_rate_per_year: float = 0.05
    public_share: float = 0.0

    def __post_init__(self):
        where = "investor"
        object.__setattr__(self, "public_share",
                           _checks.real(where, "public_share", self.public_share, low=0.0, high=1.0))
        object.__setattr__(self, "commitment", _checks.real(where, "commitment", self.commitment, low=0.0))
        if self.return_cap_per_year is not None:
            object.__setattr__(self, "return_cap_per_year",
                               _checks.real(where, "return_cap_per_year", self.return_cap_per_year, low=0.0, high=10.0))
        object.__setattr__(self, "interest_floor_per_year",
                           _checks.real(where, "interest_floor_per_year", self.interest_floor_per_year, low=0.0, high=1.0))
        object.__setattr__(self, "interest_floor_years",
                           _checks.real(where, "interest_floor_years", self.interest_floor_years, low=0.0, high=100.0))
        object.__setattr__(self, "principal_floor_share",
                           _checks.real(where, "principal_floor_share", self.principal_floor_share, low=0.0, high=1.0))
        if self.return_cap_per_year is not None and self.interest_floor_per_year > self.return_cap_per_year:
            raise _checks.fail(where, "interest_floor_per_year", self.interest_floor_per_year,
                               f"a floor cannot lie above the return cap {self.return_cap_per_year:g}")
        if self.maturity_month is not None:
            _checks.integer(where, "maturity_month", self.maturity_month, minimum=1)
        object.__setattr__(self, "hurdle_rate_per_year",
                           _checks.real(where, "hurdle_rate_per_year", self.hurdle_rate_per_year, low=-0.5, high=10.0))

    def floor(self, principal):
        """The investor's guaranteed amount at maturity for a given principal."""
        interest = (1 + self.interest_floor_per_year) ** self.interest_floor_years - 1
        return principal * (self.principal_floor_share + interest)


@dataclass(frozen=True)
class Guarantee:
    """A guarantor (DSI) covering the investor's shortfall below its floors.

    Parameters
    ----------
    cap : float
        At most this much is drawn per programme (no default: DSI 2021
        capped its guarantee at 5 mio. kr. per municipality, seeds 001 and
        003, and that is the dsi2021 scenario's term).
    surplus_share : float
        Share of the investor's profit that goes to the guarantor: of every
        receipt that lifts the investor's cumulative receipts above the
        capital drawn so far, as it is received (so the investor's cash flows
        stay conventional and keep a well-defined IRR).

    Examples
    --------
    >>> Guarantee(cap=5e6, surplus_share=0.2)
    Guarantee(cap=5000000.0, surplus_share=0.2)
    """

    cap: float
    surplus_share: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "cap", _checks.real("guarantee", "cap", self.cap, low=0.0))
        object.__setattr__(self, "surplus_share",
                           _checks.real("guarantee", "surplus_share", self.surplus_share, low=0.0, high=1.0))
