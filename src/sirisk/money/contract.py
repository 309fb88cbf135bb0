"""Outcome contracts: what is measured, against which baseline, and what it pays.

A contract is a set of payment mechanisms that compose: their payments add
up, each under its own cap, and the contract's cap limits the total. Money
is in the deal's currency (nominal contract amounts), time in months.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import _checks

__all__ = ["Outcome", "Baseline", "RateCard", "Threshold", "GainShare", "FixedFee", "Contract"]


@dataclass(frozen=True)
class Outcome:
    """A person-level outcome, read from one of the programme's measures.

    For ``Sustained`` and ``InStatesAt`` measures a person achieves the outcome
    when the measure fired (``by_month``: no later than this many months after
    enrolment), at the month it fired. For ``MonthsIn`` measures a person
    achieves it with at least ``at_least`` months, at the end of the window.

    Examples
    --------
    >>> Outcome("job", measure="job3", by_month=24)
    Outcome(name='job', measure='job3', by_month=24, at_least=1)
    """

    name: str
    measure: str
    by_month: int | None = None
    at_least: int = 1

    def __post_init__(self):
        _checks.name("outcome", "name", self.name)
        where = f"outcome {self.name!r}"
        _checks.name(where, "measure", self.measure)
        if self.by_month is not None:
            _checks.integer(where, "by_month", self.by_month, minimum=0)
        _checks.integer(where, "at_least", self.at_least, minimum=1)


BASELINES = ("counterfactual", "fixed", "control_group")
DIRECTIONS = ("higher", "lower")
BASES = ("points", "relative")
STATISTICS = ("share", "frequency")


@dataclass(frozen=True)
class Baseline:
    """What the treated cohort is compared with.

    * ``counterfactual``: the same people without the intervention (the true
      effect, as an oracle would see it);
    * ``fixed``: a rate written into the contract (``rate``: a share of
      people, or events per person for a threshold on a frequency);
    * ``control_group``: the simulated comparison group, with its sampling noise.

    Examples
    --------
    >>> Baseline("fixed", rate=0.25)
    Baseline(kind='fixed', rate=0.25)
    >>> Baseline("fixed")
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: baseline: rate is None; a fixed baseline needs a rate (a share, or events per person)
    """

    kind: str = "counterfactual"
    rate: float | None = None

    def __post_init__(self):
        if self.kind not in BASELINES:
            raise _checks.fail("baseline", "kind", self.kind, f"must be one of {BASELINES}")
        if self.kind == "fixed":
            if self.rate is None:
                raise _checks.fail("baseline", "rate", None, "a fixed baseline needs a rate (a share, or events per person)")
            object.__setattr__(self, "rate", _checks.real("baseline", "rate", self.rate, low=0.0))
        elif self.rate is not None:
            raise _checks.fail("baseline", "rate", self.rate, f"only a fixed baseline takes a rate, not {self.kind!r}")


def _cap(where, value):
    return None if value is None else _checks.real(where, "cap", value, low=0.0)


def _lag(where, value):
    return _checks.integer(where, "lag_months", value, minimum=0)


@dataclass(frozen=True)
class RateCard:
    """A price per person per outcome achieved (paid for every outcome: no baseline).

    Outcomes that would have happened anyway are paid too: that is the
    municipality's deadweight risk, and it shows up in its net effect.

    Parameters
    ----------
    prices : mapping of outcome name to amount
    person_cap : float, optional
        Cap on the sum of one person's prices (applied in time order).
    cap : float, optional
        Cap on the mechanism's total payments.
    lag_months : int
        Months from achievement to payment.

    Examples
    --------
    >>> RateCard({"job": 40_000, "school": 25_000}, person_cap=50_000)
    RateCard(prices=(('job', 40000.0), ('school', 25000.0)), person_cap=50000.0, cap=None, lag_months=0)
    """

    prices: tuple[tuple[str, float], ...] | Mapping[str, float]
    person_cap: float | None = None
    cap: float | None = None
    lag_months: int = 0

    def __post_init__(self):
        where = "rate card"
        items = self.prices.items() if isinstance(self.prices, Mapping) else _checks.as_tuple(where, "prices", self.prices)
        prices = []
        for item in items:
            name, price = _checks.as_tuple(where, "prices", item)
            _checks.name(where, "prices outcome", name)
            prices.append((name, _checks.real(where, f"prices[{name!r}]", price, low=0.0)))
        if not prices:
            raise _checks.fail(where, "prices", (), "price at least one outcome")
        _checks.unique_names(where, "priced outcome", (n for n, _ in prices))
        object.__setattr__(self, "prices", tuple(prices))
        if self.person_cap is not None:
            object.__setattr__(self, "person_cap",
                               _checks.real(where, "person_cap", self.person_cap, low=0.0))
        object.__setattr__(self, "cap", _cap(where, self.cap))
        _lag(where, self.lag_months)

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.prices)


@dataclass(frozen=True)
class Threshold:
    """Pay when the measured improvement of a cohort's outcome rate reaches a threshold.

    Each cohort (people enrolled in a window of programme months) is measured
    separately at its measurement month. Its rate is the share of its people
    who achieved the outcome by that calendar month (``statistic="share"``),
    or the mean of a count per person (``"frequency"``: events per person
    for an ``EntriesInto`` outcome, months per person for ``MonthsIn``;
    counts are final at the end of their window, and a cohort is measured
    only once every member's window has ended). Its improvement over the
    baseline rate depends on the ``direction`` in which the outcome is good
    and on the ``basis``:

    ======================  ========================  ==============================
    ``basis``               ``direction="higher"``    ``direction="lower"``
    ======================  ========================  ==============================
    ``"points"``            treated - baseline        baseline - treated
    ``"relative"``          (treated - baseline) /    (baseline - treated) /
                            baseline                  baseline (a relative reduction)
    ======================  ========================  ==============================

    (a relative improvement against a baseline rate of 0 cannot be measured
    and pays nothing). A cohort pays ``payment`` when its improvement reaches
    ``threshold`` (``mode="all_or_nothing"``), or pro rata from 0 at the
    threshold to ``payment`` at ``full_at`` (``mode="proportional"``).

    With ``fallback_month``, all cohorts together are also measured then, by
    the same direction, basis and mode, against their own
    ``fallback_threshold`` (default: ``threshold``) and ``fallback_full_at``
    (default: ``full_at``), and pay ``fallback_payment`` (default: ``payment``
    times the number of cohorts). With ``fallback_exclusive`` (the default)
    the fallback pays only if no cohort paid: a second chance for a programme
    that missed every cohort's target but reached a lower one overall.
    Without it the fallback pays in addition to what the cohorts paid.

    Parameters
    ----------
    outcome : str
        The contract's outcome whose rate is measured.
    threshold, payment : float
        A cohort's threshold (points in [-1, 1], or a relative change) and
        what reaching it pays.
    cohorts : sequence of (first, last) enrolment months
    measure_months : sequence of int
        Calendar month at which each cohort is measured.
    baseline : Baseline
    direction : {"higher", "lower"}
        Whether a higher or a lower outcome rate is the better result.
    basis : {"points", "relative"}
    statistic : {"share", "frequency"}
        What a cohort's rate is: a share of people, or a count per person.
    mode : {"all_or_nothing", "proportional"}
    full_at : float, optional
        The improvement that pays in full (proportional mode only).
    fallback_month, fallback_threshold, fallback_full_at, fallback_payment, fallback_exclusive
        The fallback over all cohorts, as above.
    cap : float, optional
        Cap on the mechanism's total payments.
    lag_months : int
        Months from measurement to payment.

    Examples
    --------
    >>> Threshold("job", threshold=0.10, payment=2e6, cohorts=((0, 11), (12, 23)),
    ...           measure_months=(36, 48), baseline=Baseline("fixed", rate=0.3))  # doctest: +ELLIPSIS
    Threshold(outcome='job', threshold=0.1, payment=2000000.0, cohorts=((0, 11), (12, 23)), ...)

    Ten per cent fewer re-admissions than the comparison group in each cohort,
    or, if no cohort made it, five per cent fewer over both at month 60:

    >>> t = Threshold("readmitted", threshold=0.10, payment=1e6, cohorts=((0, 11), (12, 23)),
    ...               measure_months=(36, 48), baseline=Baseline("control_group"), direction="lower",
    ...               basis="relative", fallback_month=60, fallback_threshold=0.05)
    >>> t.pooled_threshold, t.fallback_payment, t.fallback_exclusive
    (0.05, 2000000.0, True)
    """

    outcome: str
    threshold: float
    payment: float
    cohorts: tuple[tuple[int, int], ...]
    measure_months: tuple[int, ...]
    baseline: Baseline = field(default_factory=Baseline)
    direction: str = "higher"
    basis: str = "points"
    statistic: str = "share"
    mode: str = "all_or_nothing"
    full_at: float | None = None
    fallback_month: int | None = None
    fallback_threshold: float | None = None
    fallback_full_at: float | None = None
    fallback_payment: float | None = None
    fallback_exclusive: bool = True
    cap: float | None = None
    lag_months: int = 0

    def __post_init__(self):
        where = f"threshold on {self.outcome!r}"
        _checks.name("threshold", "outcome", self.outcome)
        if self.direction not in DIRECTIONS:
            raise _checks.fail(where, "direction", self.direction, f"must be one of {DIRECTIONS}")
        if self.basis not in BASES:
            raise _checks.fail(where, "basis", self.basis, f"must be one of {BASES}")
        if self.statistic not in STATISTICS:
            raise _checks.fail(where, "statistic", self.statistic, f"must be one of {STATISTICS}")
        object.__setattr__(self, "threshold", self._improvement(where, "threshold", self.threshold))
        object.__setattr__(self, "payment", _checks.real(where, "payment", self.payment, low=0.0))
        cohorts = []
        for j, c in enumerate(_checks.as_tuple(where, "cohorts", self.cohorts)):
            c = _checks.as_tuple(where, f"cohorts[{j}]", c)
            if len(c) != 2:
                raise _checks.fail(where, f"cohorts[{j}]", c, "a cohort is (first, last) enrolment month")
            a = _checks.integer(where, f"cohorts[{j}] first month", c[0], minimum=0)
            b = _checks.integer(where, f"cohorts[{j}] last month", c[1], minimum=a)
            if cohorts and a <= cohorts[-1][1]:
                raise _checks.fail(where, f"cohorts[{j}]", c, "cohorts must be in order and not overlap")
            cohorts.append((a, b))
        if not cohorts:
            raise _checks.fail(where, "cohorts", (), "give at least one cohort")
        months = tuple(_checks.integer(where, f"measure_months[{j}]", m, minimum=0)
                       for j, m in enumerate(_checks.as_tuple(where, "measure_months", self.measure_months)))
        if len(months) != len(cohorts):
            raise _checks.fail(where, "measure_months", months, f"needs one month per cohort ({len(cohorts)})")
        for j, (m, (_, last)) in enumerate(zip(months, cohorts)):
            if m < last:
                raise _checks.fail(where, f"measure_months[{j}]", m, f"must not be before the cohort's last enrolment month {last}")
        object.__setattr__(self, "cohorts", tuple(cohorts))
        object.__setattr__(self, "measure_months", months)
        if not isinstance(self.baseline, Baseline):
            raise _checks.fail(where, "baseline", self.baseline, "must be a Baseline")
        if self.statistic == "share" and self.baseline.kind == "fixed" and self.baseline.rate > 1:
            raise _checks.fail(where, "baseline.rate", self.baseline.rate,
                               "a share is at most 1 (events per person need statistic='frequency')")
        if self.mode not in ("all_or_nothing", "proportional"):
            raise _checks.fail(where, "mode", self.mode, "must be 'all_or_nothing' or 'proportional'")
        if self.mode == "proportional":
            object.__setattr__(self, "full_at", self._full_at(where, "full_at", self.full_at, self.threshold))
        elif self.full_at is not None:
            raise _checks.fail(where, "full_at", self.full_at, "only a proportional threshold takes full_at")
        if not isinstance(self.fallback_exclusive, bool):
            raise _checks.fail(where, "fallback_exclusive", self.fallback_exclusive, "must be true or false")
        if self.fallback_month is not None:
            _checks.integer(where, "fallback_month", self.fallback_month, minimum=max(months))
            # None stays None (the cohorts' value, read through pooled_*): a design
            # term that moves the cohorts' threshold moves the fallback's with it.
            if self.fallback_threshold is not None:
                object.__setattr__(self, "fallback_threshold",
                                   self._improvement(where, "fallback_threshold", self.fallback_threshold))
            if self.mode == "proportional":
                full = self._full_at(where, "fallback_full_at", self.pooled_full_at, self.pooled_threshold)
                if self.fallback_full_at is not None:
                    object.__setattr__(self, "fallback_full_at", full)
            elif self.fallback_full_at is not None:
                raise _checks.fail(where, "fallback_full_at", self.fallback_full_at,
                                   "only a proportional threshold takes fallback_full_at")
            pay = self.payment * len(cohorts) if self.fallback_payment is None else self.fallback_payment
            object.__setattr__(self, "fallback_payment", _checks.real(where, "fallback_payment", pay, low=0.0))
        else:
            for name in ("fallback_threshold", "fallback_full_at", "fallback_payment"):
                if getattr(self, name) is not None:
                    raise _checks.fail(where, name, getattr(self, name), "needs a fallback_month")
            if not self.fallback_exclusive:
                raise _checks.fail(where, "fallback_exclusive", False, "needs a fallback_month")
        object.__setattr__(self, "cap", _cap(where, self.cap))
        _lag(where, self.lag_months)

    def _improvement(self, where, name, value):
        """An improvement on the threshold's basis: points of a share in [-1, 1]; relative, at most a 100 % move the bad way."""
        if self.basis == "points":
            if self.statistic == "frequency":  # events per person: no bound
                return _checks.real(where, name, value)
            return _checks.real(where, name, value, low=-1.0, high=1.0)
        if self.direction == "higher":  # (treated - baseline) / baseline >= -1
            return _checks.real(where, name, value, low=-1.0)
        return _checks.real(where, name, value, high=1.0)  # a reduction is at most 100 %

    def _full_at(self, where, name, value, threshold):
        if value is None:
            raise _checks.fail(where, name, None, "a proportional threshold needs the improvement that pays in full")
        value = self._improvement(where, name, value)
        if value <= threshold:
            raise _checks.fail(where, name, value, f"must be above the threshold {threshold:g}")
        return value

    @property
    def pooled_threshold(self) -> float:
        """The fallback's threshold in effect (``fallback_threshold``, else the cohorts')."""
        return self.threshold if self.fallback_threshold is None else self.fallback_threshold

    @property
    def pooled_full_at(self) -> float | None:
        """The fallback's full-payment improvement in effect (``fallback_full_at``, else the cohorts')."""
        return self.full_at if self.fallback_full_at is None else self.fallback_full_at

    @property
    def outcomes(self) -> tuple[str, ...]:
        return (self.outcome,)


@dataclass(frozen=True)
class GainShare:
    """A share of the measured budget saving, paid periodically.

    Saving = baseline cost - treated cost for ``holder`` (``"all"``: every
    holder: tax gained plus benefits saved). Against the control group the
    baseline cost is the control group's cost per enrolled person times the
    treated people enrolled. Every ``pay_every_months`` months it pays
    ``share`` of the cumulative saving so far, less what it has paid (never
    negative).

    Examples
    --------
    >>> GainShare(0.5, holder="municipality", pay_every_months=12)
    GainShare(share=0.5, holder='municipality', baseline=Baseline(kind='counterfactual', rate=None), pay_every_months=12, cap=None, lag_months=0)
    """

    share: float
    holder: str = "all"
    baseline: Baseline = field(default_factory=Baseline)
    pay_every_months: int = 12
    cap: float | None = None
    lag_months: int = 0

    def __post_init__(self):
        where = "gain share"
        object.__setattr__(self, "share", _checks.real(where, "share", self.share, low=0.0, high=1.0))
        _checks.name(where, "holder", self.holder)
        if not isinstance(self.baseline, Baseline):
            raise _checks.fail(where, "baseline", self.baseline, "must be a Baseline")
        if self.baseline.kind == "fixed":
            raise _checks.fail(where, "baseline", "fixed", "a gain share needs a simulated baseline "
                               "('counterfactual' or 'control_group')")
        _checks.integer(where, "pay_every_months", self.pay_every_months, minimum=1)
        object.__setattr__(self, "cap", _cap(where, self.cap))
        _lag(where, self.lag_months)

    @property
    def outcomes(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class FixedFee:
    """A fee per enrolment, or per person achieving an outcome (a completion).

    Examples
    --------
    >>> FixedFee(amount=5_000)
    FixedFee(amount=5000.0, outcome=None, cap=None, lag_months=0)
    """

    amount: float
    outcome: str | None = None
    cap: float | None = None
    lag_months: int = 0

    def __post_init__(self):
        where = "fixed fee"
        object.__setattr__(self, "amount", _checks.real(where, "amount", self.amount, low=0.0))
        if self.outcome is not None:
            _checks.name(where, "outcome", self.outcome)
        object.__setattr__(self, "cap", _cap(where, self.cap))
        _lag(where, self.lag_months)

    @property
    def outcomes(self) -> tuple[str, ...]:
        return () if self.outcome is None else (self.outcome,)


MECHANISMS = (RateCard, Threshold, GainShare, FixedFee)


@dataclass(frozen=True)
class Contract:
    """Outcome definitions and the payment mechanisms that use them.

    Examples
    --------
    >>> c = Contract(outcomes=[Outcome("job", "job3")], mechanisms=[RateCard({"job": 40_000})], cap=8e6)
    >>> c.cap
    8000000.0
    >>> Contract(outcomes=[Outcome("job", "job3")], mechanisms=[RateCard({"jobb": 40_000})])
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: contract: outcome is 'jobb'; must be one of the outcomes ('job',)
    """

    outcomes: tuple[Outcome, ...]
    mechanisms: tuple[RateCard | Threshold | GainShare | FixedFee, ...]
    cap: float | None = None

    def __post_init__(self):
        where = "contract"
        outcomes = _checks.items(where, "outcomes", self.outcomes, Outcome)
        _checks.unique_names(where, "outcome name", (o.name for o in outcomes))
        mechanisms = _checks.as_tuple(where, "mechanisms", self.mechanisms)
        if not mechanisms:
            raise _checks.fail(where, "mechanisms", (), "give at least one payment mechanism")
        names = tuple(o.name for o in outcomes)
        for m in mechanisms:
            if not isinstance(m, MECHANISMS):
                raise _checks.fail(where, "mechanisms", m, "each must be a RateCard, Threshold, GainShare or FixedFee")
            for o in m.outcomes:
                if o not in names:
                    raise _checks.fail(where, "outcome", o, f"must be one of the outcomes {names}")
        object.__setattr__(self, "outcomes", outcomes)
        object.__setattr__(self, "mechanisms", mechanisms)
        object.__setattr__(self, "cap", _cap(where, self.cap))

    def outcome(self, name: str) -> Outcome:
        return next(o for o in self.outcomes if o.name == name)
