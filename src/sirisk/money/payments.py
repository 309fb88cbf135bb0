"""Outcome payments per draw and month, from the engine's per-person records.

Everything here is vectorised over draws; ``T`` is the programme's horizon.
Payments due after the horizon are not made.
"""

from __future__ import annotations

import numpy as np

from ..model.measures import WINDOW_COUNTS
from .contract import Contract, FixedFee, GainShare, RateCard, Threshold
from .kernels import achieved_share, achievement, mean_count, payment_stream, rate_card

__all__ = ["achievement_months", "achieved_rates", "mean_counts", "capped", "contract_payments"]


def achievement_months(programme, outcome, measure_values, entry_month) -> np.ndarray:
    """Calendar month in which each person achieved ``outcome`` (-1: not achieved by the horizon).

    ``measure_values`` and ``entry_month`` are [draw, participant] (a person-measure column and
    the entry months, as the engine returns them). Months fit int16, as the engine's entry months
    do: a quarter of int64's memory for the passes that count achievers.
    """
    measure = next(m for m in programme.measures if m.name == outcome.measure)
    values, entry = np.atleast_2d(measure_values), np.atleast_2d(entry_month)
    out = np.empty(values.shape, dtype=np.int16)
    counts = isinstance(measure, WINDOW_COUNTS)
    achievement(values, entry, counts, outcome.at_least, -1 if outcome.by_month is None else outcome.by_month,
                measure.within_months - 1 if counts else 0, programme.horizon_months, out)
    return out.reshape(np.shape(measure_values))


def capped(payments: np.ndarray, cap: float | None) -> np.ndarray:
    """Truncate a payment stream [draw, month] so that its running total never exceeds ``cap``.

    The plain numpy form of what :func:`_stream` does in one pass; the tests
    compare the two.
    """
    if cap is None:
        return payments
    total = np.minimum(np.cumsum(payments, axis=1), cap)
    return np.diff(total, axis=1, prepend=0.0)


def _stream(pay_at, amounts: np.ndarray, scale, cap: float | None, T: int) -> np.ndarray:
    """Payments [draw, T]: ``amounts`` [draw, k] due in months ``pay_at`` [k], times ``scale`` [draw], capped at ``cap``.

    Amounts due at or past the horizon are not paid; ``scale`` and ``cap``
    may be None (none).
    """
    D = amounts.shape[0]
    out = np.empty((D, T))
    payment_stream(np.asarray(pay_at, dtype=np.int64), np.ascontiguousarray(amounts, dtype=np.float64),
                   np.ones(D) if scale is None else np.ascontiguousarray(scale, dtype=np.float64),
                   -1.0 if cap is None else float(cap), out)
    return out


def _by_month(pay: np.ndarray, scale, cap: float | None) -> np.ndarray:
    """A stream already by month [draw, T], scaled and capped (unchanged if neither is asked for)."""
    if scale is None and cap is None:
        return pay
    return _stream(np.arange(pay.shape[1]), pay, scale, cap, pay.shape[1])


def achieved_rates(achieved, entry, first, last, by_month):
    """Share of people enrolled in months [first, last] who achieved by calendar month ``by_month``, and how many enrolled.

    ``achieved`` (from :func:`achievement_months`) and ``entry`` are
    [draw, participant]; returns ``(share, members)`` per draw, share NaN
    where nobody enrolled.
    """
    D = achieved.shape[0]
    share, members = np.empty(D), np.empty(D, dtype=np.int64)
    achieved_share(achieved, entry, first, last, by_month, share, members)
    return share, members


def mean_counts(counts, entry, first, last):
    """Mean count per person of the people enrolled in months [first, last], and how many enrolled (NaN: nobody)."""
    D = counts.shape[0]
    mean, members = np.empty(D), np.empty(D, dtype=np.int64)
    mean_count(counts, entry, first, last, mean, members)
    return mean, members


def _threshold_factors(m: Threshold, treated, baseline, entry_t, entry_b):
    """What a threshold pays per unit of its payments: (months due [k], factors [draw, cohort], fallback factor [draw]).

    Depends on the measured improvements and the threshold's rule, not on
    its payments: settling many prices on one simulation computes it once.
    The fallback factor is None without a fallback month. ``treated`` and
    ``baseline`` are achievement months, or counts per person for a
    frequency (final by the measurement months: the deal checks that).
    """
    def rate(people, entry, first, last, month):
        if m.statistic == "frequency":
            return mean_counts(people, entry, first, last)[0]
        return achieved_rates(people, entry, first, last, month)[0]

    def factor(improvement, threshold, full_at):
        if m.mode == "all_or_nothing":
            return (improvement >= threshold).astype(float)
        f = np.clip((improvement - threshold) / (full_at - threshold), 0.0, 1.0)
        return np.where(improvement >= threshold, f, 0.0)

    def improvement(first, last, month):
        rate_t = rate(treated, entry_t, first, last, month)
        if m.baseline.kind == "fixed":
            rate_b = np.full_like(rate_t, m.baseline.rate)
        else:
            rate_b = rate(baseline, entry_b, first, last, month)
        change = rate_t - rate_b if m.direction == "higher" else rate_b - rate_t
        if m.basis == "relative":
            with np.errstate(divide="ignore", invalid="ignore"):
                change = np.where(rate_b > 0, change / rate_b, np.nan)
        # A cohort nobody joined, a baseline with nobody to measure, or a
        # relative change against a zero rate: not measurable, pays nothing.
        return np.nan_to_num(change, nan=-np.inf, posinf=-np.inf, neginf=-np.inf)

    factors = np.stack([factor(improvement(first, last, month), m.threshold, m.full_at)
                        for (first, last), month in zip(m.cohorts, m.measure_months)], axis=1)
    pay_at = [month + m.lag_months for month in m.measure_months]
    fallback = None
    if m.fallback_month is not None:
        fallback = factor(improvement(m.cohorts[0][0], m.cohorts[-1][1], m.fallback_month),
                          m.pooled_threshold, m.pooled_full_at)
        pay_at.append(m.fallback_month + m.lag_months)
    return pay_at, factors, fallback


def _threshold_rule(m: Threshold) -> tuple:
    """The parts of a threshold its factors depend on (everything but its payments and cap)."""
    return (m.outcome, m.threshold, m.cohorts, m.measure_months, m.baseline, m.direction, m.basis, m.statistic,
            m.mode, m.full_at, m.fallback_month, m.fallback_threshold, m.fallback_full_at, m.lag_months)


def _threshold(m: Threshold, factors):
    """Payments of a threshold mechanism from its factors: (months due [k], amounts [draw, k])."""
    pay_at, cohort, fallback = factors
    amounts = m.payment * cohort
    if fallback is not None:
        if m.fallback_exclusive:  # a second chance: only if no cohort paid
            fallback = fallback * ~(amounts > 0).any(axis=1)
        amounts = np.concatenate([amounts, (m.fallback_payment * fallback)[:, None]], axis=1)
    return pay_at, amounts


def _gain_share(m: GainShare, saving, T):
    """Payments of a gain share, (months due [k], amounts [draw, k]), from the measured saving [draw, T] of the holder(s) chosen."""
    cumulative = np.cumsum(saving, axis=1)
    ends = np.arange(m.pay_every_months - 1, T, m.pay_every_months)
    paid = np.zeros(saving.shape[0])
    amounts = np.zeros((saving.shape[0], len(ends)))
    for k, t in enumerate(ends):
        due = np.maximum(m.share * cumulative[:, t] - paid, 0.0)
        amounts[:, k] = due
        paid += due
    return ends + m.lag_months, amounts


def contract_payments(contract: Contract, programme, arms: dict, savings, achieved: dict | None = None,
                      scales: dict | None = None, memo: dict | None = None, counts: dict | None = None) -> np.ndarray:
    """Outcome payments due [draw, month] under ``contract``, before the investor's return cap.

    Parameters
    ----------
    arms : dict
        Per arm name, ``(measure [draw, participant, measure], entry_month [draw, participant])``.
    savings : dict
        Per (baseline kind, holder), the measured saving [draw, month].
    achieved : dict, optional
        Per (arm, outcome name), achievement months already computed.
    counts : dict, optional
        Per (arm, outcome name), counts per person as observed (instead of
        the measure's column in ``arms``), for frequency thresholds.
    scales : dict, optional
        Per mechanism index, a scale factor per draw on its prices, payments, fee or share.
    memo : dict, optional
        Kept between calls on the same people: a threshold's factors (what
        it pays per unit of payment) are computed once per rule.
    """
    T = programme.horizon_months
    measure_index = {m.name: q for q, m in enumerate(programme.measures)}

    cache = dict(achieved or {})

    def achieved(arm, outcome_name):
        if (arm, outcome_name) not in cache:
            values, entry = arms[arm]
            o = contract.outcome(outcome_name)
            cache[(arm, outcome_name)] = achievement_months(programme, o, values[..., measure_index[o.measure]], entry)
        return cache[(arm, outcome_name)]

    def counted(arm, outcome_name):  # counts per person of a count measure [draw, person]
        if counts and (arm, outcome_name) in counts:
            return counts[(arm, outcome_name)]
        values, _ = arms[arm]
        return values[..., measure_index[contract.outcome(outcome_name).measure]]

    def kept(key, compute):  # what depends on the people alone, kept in the memo if there is one
        if memo is None:
            return compute()
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    D = arms["treated"][1].shape[0]
    total = None
    for k, m in enumerate(contract.mechanisms):
        scale = (scales or {}).get(k)
        if isinstance(m, RateCard):
            defined = tuple(contract.outcome(o) for o in m.outcomes)
            when = kept(("rate_card_months", defined),
                        lambda: np.stack([achieved("treated", o) for o in m.outcomes], axis=-1).astype(np.int64))
            pay = np.zeros((D, T))
            prices = np.broadcast_to(np.array([p for _, p in m.prices]), (D, len(m.prices)))
            prices = np.ascontiguousarray(prices * (1.0 if scale is None else scale[:, None]))
            rate_card(when, prices, -1.0 if m.person_cap is None else m.person_cap, m.lag_months, pay)
            pay = _by_month(pay, None, m.cap)  # the scale is in the prices (before the person cap)
        elif isinstance(m, Threshold):
            base_arm = "control" if m.baseline.kind == "control_group" else "counterfactual"
            people = counted if m.statistic == "frequency" else achieved
            baseline = people(base_arm, m.outcome) if m.baseline.kind != "fixed" else None
            entry_b = arms[base_arm][1] if m.baseline.kind != "fixed" else None
            # The factors depend on the outcome's definition too (which achievements count).
            factors = kept(("threshold", contract.outcome(m.outcome), _threshold_rule(m)),
                           lambda: _threshold_factors(m, people("treated", m.outcome), baseline, arms["treated"][1],
                                                      entry_b))
            pay = _stream(*_threshold(m, factors), scale, m.cap, T)
        elif isinstance(m, GainShare):
            pay = _stream(*_gain_share(m, savings[(m.baseline.kind, m.holder)], T), scale, m.cap, T)
        elif isinstance(m, FixedFee):
            def fee_counts(m=m):  # people paid for in each month
                if m.outcome is None:
                    entry = arms["treated"][1].astype(np.int64)
                    months = np.where(entry >= 0, entry + m.lag_months, T)
                else:
                    when = achieved("treated", m.outcome).astype(np.int64)
                    months = np.where(when >= 0, when + m.lag_months, T)
                cells = np.arange(D)[:, None] * (T + 1) + np.minimum(months, T)
                return np.bincount(cells.ravel(), minlength=D * (T + 1)).reshape(D, T + 1)[:, :T]

            defined = None if m.outcome is None else contract.outcome(m.outcome)
            pay = m.amount * kept(("fee_counts", defined, m.lag_months), fee_counts)
            pay = _by_month(pay, scale, m.cap)  # payments and fee are linear in their scale
        else:  # pragma: no cover - the Contract validates mechanism types
            raise TypeError(type(m))
        total = pay if total is None else total + pay
    return _by_month(total, None, contract.cap)
