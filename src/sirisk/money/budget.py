"""Budgets: what a month in each state costs or earns each public holder.

Sign convention: amounts are *costs* to a holder (money out of its budget).
A benefit paid is a positive cost; tax revenue is a negative cost. The budget
effect of a programme is counterfactual cost minus treated cost, so a saving
is positive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _checks

__all__ = ["StateFlow", "RefundStaircase", "Budget", "HOLDERS"]

HOLDERS = ("municipality", "state")


@dataclass(frozen=True)
class StateFlow:
    """A monthly amount per person in a state, for one holder.

    Parameters
    ----------
    state : str
    holder : str
        ``"municipality"``, ``"state"`` or another holder of the budget.
    per_month : float
        Cost to the holder per person-month (negative: revenue, e.g. tax).
    refundable : bool
        The state refunds part of this benefit to its payer by the refund
        staircase (sick pay, kontanthjaelp, uddannelseshjaelp, ...).
    label : str
        What it is, e.g. ``"sygedagpenge"``.

    Examples
    --------
    >>> StateFlow("sick_pay", "municipality", 19_330, refundable=True, label="sygedagpenge")
    StateFlow(state='sick_pay', holder='municipality', per_month=19330.0, refundable=True, label='sygedagpenge')
    """

    state: str
    holder: str
    per_month: float
    refundable: bool = False
    label: str = ""

    def __post_init__(self):
        where = f"budget flow {self.label or self.state!r}"
        _checks.name(where, "state", self.state)
        if self.label:
            _checks.name(where, "label", self.label)  # labels name parameters: budget.<label>.scale
        _checks.name(where, "holder", self.holder)
        object.__setattr__(self, "per_month", _checks.real(where, "per_month", self.per_month))
        if self.refundable and self.per_month < 0:
            raise _checks.fail(where, "per_month", self.per_month, "a refundable benefit cannot be negative")


@dataclass(frozen=True)
class RefundStaircase:
    """Share of a refundable benefit that the refunding holder pays back, by benefit-clock band.

    Default: the Danish staircase since the 2016 refund reform, 80 % in weeks
    1-4, 40 % in weeks 5-26, 30 % in weeks 27-52, 20 % from week 53 (star.dk,
    "Kommunaloekonomiske konsekvenser ved refusionsreformen"); with the
    default benefit clock bands of 0-1, 1-6, 6-12 and 12+ months.

    Examples
    --------
    >>> RefundStaircase().shares
    (0.8, 0.4, 0.3, 0.2)
    """

    shares: tuple[float, ...] = (0.8, 0.4, 0.3, 0.2)
    refunder: str = "state"

    def __post_init__(self):
        where = "refund staircase"
        shares = _checks.as_tuple(where, "shares", self.shares)
        if not shares:
            raise _checks.fail(where, "shares", shares, "give one share per benefit-clock band")
        shares = tuple(_checks.real(where, f"shares[{b}]", v, low=0.0, high=1.0) for b, v in enumerate(shares))
        object.__setattr__(self, "shares", shares)
        _checks.name(where, "refunder", self.refunder)


@dataclass(frozen=True)
class Budget:
    """Monthly flows per state and holder, the refund, prices and discounting.

    Parameters
    ----------
    flows : sequence of StateFlow
    refund : RefundStaircase
    price_year : int
        Price level of the amounts (e.g. 2021).
    indexation_per_year : float
        Yearly growth of all amounts from the start of the contract (0: real terms).
    discount_rate_per_year : float
        Rate for present values at the contract start. Default 3.5 % real,
        the Ministry of Finance's social discount rate from 7 January 2021
        (fm.dk documentation note).
    holders : sequence of str
        Holders reported; every flow's holder and the refunder must be one.

    Examples
    --------
    >>> b = Budget([StateFlow("sick_pay", "municipality", 19_000, refundable=True),
    ...             StateFlow("employed", "municipality", -6_000), StateFlow("employed", "state", -9_000)])
    >>> m = b.matrix(("sick_pay", "employed"), n_bands=4)
    >>> m[0, :, 0].tolist()   # municipality's net cost of a sick-pay month by clock band
    [3800.0, 11400.0, 13300.0, 15200.0]
    >>> m[0, :, 1].tolist()   # the state's refund
    [15200.0, 7600.0, 5700.0, 3800.0]
    """

    flows: tuple[StateFlow, ...]
    refund: RefundStaircase = field(default_factory=RefundStaircase)
    price_year: int = 2021
    indexation_per_year: float = 0.0
    discount_rate_per_year: float = 0.035
    holders: tuple[str, ...] = HOLDERS

    def __post_init__(self):
        where = "budget"
        flows = _checks.items(where, "flows", self.flows, StateFlow)
        holders = tuple(_checks.name(where, "holders", h) for h in _checks.as_tuple(where, "holders", self.holders))
        _checks.unique_names(where, "holder", holders)
        for f in flows:
            if f.holder not in holders:
                raise _checks.fail(f"{where}: flow {f.label or f.state!r}", "holder", f.holder,
                                   f"must be one of the holders {holders}")
        if any(f.refundable for f in flows) and self.refund.refunder not in holders:
            raise _checks.fail(where, "refund.refunder", self.refund.refunder, f"must be one of the holders {holders}")
        object.__setattr__(self, "flows", flows)
        object.__setattr__(self, "holders", holders)
        _checks.integer(where, "price_year", self.price_year, minimum=1900, maximum=2200)
        object.__setattr__(self, "indexation_per_year",
                           _checks.real(where, "indexation_per_year", self.indexation_per_year, low=-0.5, high=1.0))
        object.__setattr__(self, "discount_rate_per_year",
                           _checks.real(where, "discount_rate_per_year", self.discount_rate_per_year, low=-0.5, high=1.0))

    def flow_matrices(self, state_names, n_bands: int) -> np.ndarray:
        """Cost per person-month of each flow ``[flow, state, clock band, holder]``, refund applied.

        The refund moves ``share[band] * amount`` of a refundable flow from its
        holder to the refunder, so the total over holders is unchanged.
        """
        if len(self.refund.shares) != n_bands:
            raise _checks.fail("budget", "refund.shares", self.refund.shares,
                               f"needs one share per benefit-clock band ({n_bands} bands)")
        out = np.zeros((len(self.flows), len(state_names), n_bands, len(self.holders)))
        shares = np.array(self.refund.shares)
        for k, f in enumerate(self.flows):
            if f.state not in state_names:
                raise _checks.fail(f"budget: flow {f.label or f.state!r}", "state", f.state,
                                   f"must be one of the states {tuple(state_names)}")
            s, h = list(state_names).index(f.state), self.holders.index(f.holder)
            out[k, s, :, h] += f.per_month
            if f.refundable:
                r = self.holders.index(self.refund.refunder)
                out[k, s, :, h] -= shares * f.per_month
                out[k, s, :, r] += shares * f.per_month
        return out

    def matrix(self, state_names, n_bands: int) -> np.ndarray:
        """Cost per person-month ``[state, clock band, holder]`` of all flows, refund applied."""
        return self.flow_matrices(state_names, n_bands).sum(axis=0)

    @property
    def labels(self) -> tuple[str, ...]:
        """Distinct labels of the flows (each can be scaled per draw: ``budget.<label>.scale``)."""
        return tuple(dict.fromkeys(f.label for f in self.flows if f.label))

    def month_factors(self, n_months: int) -> tuple[np.ndarray, np.ndarray]:
        """Indexation and discount factors by month since the contract start."""
        years = np.arange(n_months) / 12.0
        return (1 + self.indexation_per_year) ** years, (1 + self.discount_rate_per_year) ** -years
