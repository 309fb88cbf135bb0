"""Investor terms and the guarantee."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks

__all__ = ["InvestorTerms", "Guarantee", "FloorSteps", "Tranche", "FLOOR_FUNDERS", "INTEREST_FLOOR_PAYMENTS"]

FLOOR_FUNDERS = ("guarantor", "payer")
INTEREST_FLOOR_PAYMENTS = ("at_maturity", "yearly")


@dataclass(frozen=True)
class FloorSteps:
    """A principal floor that steps up with an outcome rate: protected principal tied to results.

    At ``month`` the treated outcome rate is measured (the share of everyone
    enrolled who achieved ``outcome`` by that calendar month). The floor share
    is that of the highest step whose rate it reached, and the investor
    terms' ``principal_floor_share`` below the first step.

    Parameters
    ----------
    outcome : str
        One of the contract's outcomes.
    month : int
        Calendar month of measurement (at the latest the maturity month).
    steps : sequence of (rate, share)
        Outcome rates in increasing order, each with the floor share it
        earns, in [0, 1].

    Examples
    --------
    All principal back if more than 55 % found work by month 48, else half:

    >>> steps = FloorSteps("job", month=48, steps=[(0.55, 1.0)])
    >>> InvestorTerms(commitment=6e6, principal_floor_share=0.5, principal_floor_steps=steps).floor_share([0.4, 0.55])
    array([0.5, 1. ])
    """

    outcome: str
    month: int
    steps: tuple[tuple[float, float], ...]

    def __post_init__(self):
        where = "principal_floor_steps"
        _checks.name(where, "outcome", self.outcome)
        _checks.integer(where, "month", self.month, minimum=0)
        steps = []
        for j, step in enumerate(_checks.as_tuple(where, "steps", self.steps)):
            step = _checks.as_tuple(where, f"steps[{j}]", step)
            if len(step) != 2:
                raise _checks.fail(where, f"steps[{j}]", step, "a step is (outcome rate, floor share)")
            rate = _checks.real(where, f"steps[{j}] rate", step[0], low=0.0, high=1.0)
            share = _checks.real(where, f"steps[{j}] share", step[1], low=0.0, high=1.0)
            if steps and rate <= steps[-1][0]:
                raise _checks.fail(where, f"steps[{j}] rate", rate, f"must be above the step before ({steps[-1][0]:g})")
            steps.append((rate, share))
        if not steps:
            raise _checks.fail(where, "steps", (), "give at least one (rate, share) step")
        object.__setattr__(self, "steps", tuple(steps))


@dataclass(frozen=True)
class Tranche:
    """One layer of the investor's capital: its share of every capital call and its own return.

    An investment in tranches is repaid in order of seniority (the
    :class:`InvestorTerms` list them senior first). Every receipt of the
    investor (outcome payments, guarantee draws, less the guarantor's
    surplus share) goes first to the most senior tranche's claim: its
    capital drawn so far, growing at its ``return_cap_per_year`` (compounded
    monthly on what is outstanding), less what it has received. What that
    claim does not take goes to the next tranche, and the last, most junior
    tranche takes what is left, without a cap of its own (the deal's
    ``return_cap_per_year`` caps the whole). So losses fall on the junior
    tranche first: a senior tranche loses only once the junior has lost
    everything it could.

    Parameters
    ----------
    name : str
    share : float
        Share of every capital call this tranche funds, in (0, 1]; the
        tranches' shares sum to 1.
    return_cap_per_year : float or None
        The growth of this tranche's claim: required for every tranche but
        the last, which must leave it unset (it takes the residual).
    hurdle_rate_per_year : float or None
        Rate for this tranche's NPV (None: the investor terms' hurdle).
    public_share : float
        Share of this tranche held by a public body (a state fund taking
        the first loss, say): of its flows in ``public_net_pv``, of its
        losses in ``public_funder_cost_pv``.

    Examples
    --------
    A foundation's first-loss tranche of 20 % under a senior 80 % earning at most 4 % a year:

    >>> senior = Tranche("senior", share=0.8, return_cap_per_year=0.04)
    >>> junior = Tranche("foundation", share=0.2)
    >>> InvestorTerms(commitment=10e6, return_cap_per_year=0.10, tranches=[senior, junior]).tranche_names
    ('senior', 'foundation')
    """

    name: str
    share: float
    return_cap_per_year: float | None = None
    hurdle_rate_per_year: float | None = None
    public_share: float = 0.0

    def __post_init__(self):
        _checks.name("tranche", "name", self.name)
        where = f"tranche {self.name!r}"
        object.__setattr__(self, "share", _checks.real(where, "share", self.share, low=0.0, high=1.0, low_open=True))
        if self.return_cap_per_year is not None:
            object.__setattr__(self, "return_cap_per_year",
                               _checks.real(where, "return_cap_per_year", self.return_cap_per_year, low=0.0, high=10.0))
        if self.hurdle_rate_per_year is not None:
            object.__setattr__(self, "hurdle_rate_per_year",
                               _checks.real(where, "hurdle_rate_per_year", self.hurdle_rate_per_year,
                                            low=-0.5, high=10.0))
        object.__setattr__(self, "public_share",
                           _checks.real(where, "public_share", self.public_share, low=0.0, high=1.0))

    @property
    def cap_rate_month(self) -> float:
        """Monthly growth of the claim (-1: none, the residual tranche)."""
        return -1.0 if self.return_cap_per_year is None else (1 + self.return_cap_per_year) ** (1 / 12) - 1


def _tranches(where, tranches, public_share) -> tuple[Tranche, ...]:
    """Tranches senior first: at least two, shares summing to 1, every claim but the last capped."""
    layers = _checks.items(where, "tranches", tranches, Tranche)
    if len(layers) < 2:
        raise _checks.fail(where, "tranches", tuple(t.name for t in layers),
                           "give at least two tranches (senior first), or none")
    _checks.unique_names(where, "tranche name", (t.name for t in layers))
    total = sum(t.share for t in layers)
    if abs(total - 1.0) > 1e-9:
        raise _checks.fail(where, "tranches shares", round(total, 12), "must sum to 1 (every capital call)")
    for t in layers[:-1]:
        if t.return_cap_per_year is None:
            raise _checks.fail(where, f"tranche {t.name!r} return_cap_per_year", None,
                               "a tranche senior to another needs a capped claim (what it takes before the next)")
    if layers[-1].return_cap_per_year is not None:
        raise _checks.fail(where, f"tranche {layers[-1].name!r} return_cap_per_year", layers[-1].return_cap_per_year,
                           "the most junior tranche takes what is left; cap the whole with the investor's "
                           "return_cap_per_year")
    if public_share > 0:
        raise _checks.fail(where, "public_share", public_share,
                           "with tranches, give each tranche's public_share instead")
    return layers


def _schedule(where, schedule) -> tuple[tuple[int, float], ...]:
    """A drawdown schedule: (month, share) calls in increasing months, shares summing to 1."""
    calls = []
    for j, call in enumerate(_checks.as_tuple(where, "drawdown_schedule", schedule)):
        call = _checks.as_tuple(where, f"drawdown_schedule[{j}]", call)
        if len(call) != 2:
            raise _checks.fail(where, f"drawdown_schedule[{j}]", call, "a call is (month, share of the commitment)")
        month = _checks.integer(where, f"drawdown_schedule[{j}] month", call[0], minimum=0)
        share = _checks.real(where, f"drawdown_schedule[{j}] share", call[1], low=0.0, high=1.0, low_open=True)
        if calls and month <= calls[-1][0]:
            raise _checks.fail(where, f"drawdown_schedule[{j}] month", month,
                               f"must be after the call before (month {calls[-1][0]})")
        calls.append((month, share))
    if not calls:
        raise _checks.fail(where, "drawdown_schedule", (), "give at least one (month, share) call")
    total = sum(share for _, share in calls)
    if abs(total - 1.0) > 1e-9:
        raise _checks.fail(where, "drawdown_schedule shares", round(total, 12), "must sum to 1 (the whole commitment)")
    return tuple(calls)


@dataclass(frozen=True)
class InvestorTerms:
    """How the investor is repaid out of outcome payments.

    The investor funds the programme's costs as they fall due. Outcome
    payments repay, in order, principal and then return. The investor's claim
    grows at ``return_cap_per_year`` (compounded monthly on what is
    outstanding); outcome payments beyond that claim are not made (the
    municipality keeps them). At ``maturity_month`` the investor is entitled
    to at least ``principal_floor_share`` of the principal plus interest at
    ``interest_floor_per_year`` for ``interest_floor_years`` years:
    compounded and due at maturity (``interest_floor_paid="at_maturity"``),
    or as yearly coupons (``"yearly"``: at the end of each of the floor's
    years, that rate on the capital drawn by then; by each coupon date the
    investor is entitled to the coupons due so far, outcome payments
    received counting towards them). A
    guarantor covers the shortfall up to its cap (``floor_funded_by="guarantor"``),
    or the payer of the outcome payments tops the investor up to it, without
    a cap (``"payer"``: a commissioner that protects the principal itself).
    A floor with no one to pay it (a guarantor's, in a deal without a
    guarantee) is refused when the deal is made.

    Parameters
    ----------
    commitment : float
        The investment agreed (counts towards a portfolio's limit); the
        programme's base-case costs must not exceed it.
    return_cap_per_year : float or None
        None: no cap.
    interest_floor_per_year, interest_floor_years, principal_floor_share : float
    principal_floor_steps : FloorSteps, optional
        A floor share that steps up with an outcome rate (``principal_floor_share``
        below the first step).
    floor_funded_by : {"guarantor", "payer"}
        Who pays the shortfall below the floors (at maturity, and on coupon dates).
    interest_floor_paid : {"at_maturity", "yearly"}
        How the interest floor falls due (yearly: a whole number of years).
    drawdown_schedule : sequence of (month, share of the commitment), optional
        Capital called on dates instead of as costs fall due: the shares
        sum to 1, the months at the latest the maturity month. Costs beyond
        what has been called are drawn as they fall due; capital called and
        not spent by maturity is returned to the investor then. Without a
        schedule, the investor draws the costs as they fall due.
    tranches : sequence of Tranche, optional
        The capital in layers, senior first: each funds its share of every
        call and is repaid before the next (see :class:`Tranche`). Without
        tranches, one investor holds all of it.
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
    principal_floor_steps: FloorSteps | None = None
    floor_funded_by: str = "guarantor"
    interest_floor_paid: str = "at_maturity"
    drawdown_schedule: tuple[tuple[int, float], ...] | None = None
    tranches: tuple[Tranche, ...] | None = None

    def __post_init__(self):
        where = "investor"
        if self.drawdown_schedule is not None:
            object.__setattr__(self, "drawdown_schedule", _schedule(where, self.drawdown_schedule))
        if self.interest_floor_paid not in INTEREST_FLOOR_PAYMENTS:
            raise _checks.fail(where, "interest_floor_paid", self.interest_floor_paid,
                               f"must be one of {INTEREST_FLOOR_PAYMENTS}")
        if self.principal_floor_steps is not None and not isinstance(self.principal_floor_steps, FloorSteps):
            raise _checks.fail(where, "principal_floor_steps", self.principal_floor_steps, "must be a FloorSteps")
        if self.floor_funded_by not in FLOOR_FUNDERS:
            raise _checks.fail(where, "floor_funded_by", self.floor_funded_by, f"must be one of {FLOOR_FUNDERS}")
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
        if self.interest_floor_paid == "yearly" and not float(self.interest_floor_years).is_integer():
            raise _checks.fail(where, "interest_floor_years", self.interest_floor_years,
                               "yearly coupons are paid for a whole number of years")
        if self.maturity_month is not None:
            _checks.integer(where, "maturity_month", self.maturity_month, minimum=1)
        object.__setattr__(self, "hurdle_rate_per_year",
                           _checks.real(where, "hurdle_rate_per_year", self.hurdle_rate_per_year, low=-0.5, high=10.0))
        if self.tranches is not None:
            object.__setattr__(self, "tranches", _tranches(where, self.tranches, self.public_share))

    @property
    def tranche_names(self) -> tuple[str, ...]:
        """The tranches' names, senior first (none without tranches)."""
        return () if self.tranches is None else tuple(t.name for t in self.tranches)

    @property
    def interest_floor_share(self) -> float:
        """Interest the floor adds at maturity, per unit of principal (compounded over its years; 0 if paid yearly)."""
        if self.interest_floor_paid == "yearly":
            return 0.0
        return (1 + self.interest_floor_per_year) ** self.interest_floor_years - 1

    @property
    def coupon_months(self) -> tuple[int, ...]:
        """Months in which yearly interest-floor coupons fall due (none if the interest is due at maturity)."""
        if self.interest_floor_paid != "yearly" or self.interest_floor_per_year == 0:
            return ()
        return tuple(12 * k - 1 for k in range(1, int(self.interest_floor_years) + 1))

    def coupon_rates(self, months: int) -> np.ndarray:
        """Interest floor due in each month, per unit of capital drawn by then: the coupons' schedule."""
        rates = np.zeros(months)
        rates[[t for t in self.coupon_months if t < months]] = self.interest_floor_per_year
        return rates

    def capital_drawn(self, costs: np.ndarray, maturity: int) -> np.ndarray:
        """The investor's capital flows [draw, month] for programme costs [draw, month].

        Without a schedule, the costs. With one: the calls, topped up by the
        costs beyond them as they fall due, less at maturity what was called
        and not spent (so the flows still sum to the costs: the principal).
        """
        if self.drawdown_schedule is None:
            return costs
        T = costs.shape[1]
        called = np.zeros(T)
        for month, share in self.drawdown_schedule:
            called[month] += self.commitment * share
        spent = np.cumsum(costs, axis=1)
        drawn = np.maximum(np.cumsum(called)[None, :], spent)[:, :maturity + 1]
        flows = costs.copy()  # after maturity, costs are drawn as they fall due
        flows[:, :maturity + 1] = np.diff(drawn, axis=1, prepend=0.0)
        flows[:, maturity] -= drawn[:, maturity] - spent[:, maturity]  # unspent capital goes back
        return flows

    def floor(self, principal):
        """The investor's guaranteed amount at maturity for a given principal (below any floor steps; coupons aside)."""
        return principal * (self.principal_floor_share + self.interest_floor_share)

    def floor_share(self, outcome_rate) -> np.ndarray:
        """The principal floor share per draw for measured outcome rates (NaN: not measured, the base share)."""
        rate = np.asarray(outcome_rate, dtype=np.float64)
        share = np.full(rate.shape, self.principal_floor_share)
        for step_rate, step_share in () if self.principal_floor_steps is None else self.principal_floor_steps.steps:
            share = np.where(rate >= step_rate, step_share, share)  # NaN compares False
        return share

    @property
    def has_floor(self) -> bool:
        """Whether any floor can bind (someone must then stand behind it)."""
        steps = () if self.principal_floor_steps is None else self.principal_floor_steps.steps
        return (self.principal_floor_share > 0 or self.interest_floor_share > 0 or bool(self.coupon_months)
                or any(s > 0 for _, s in steps))


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
