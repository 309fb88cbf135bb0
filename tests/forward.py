"""Exact expected occupancy from the forward equation of the expanded chain.

Independent of the engine: works from the specs' probability tables (not the
lowered rate arrays), propagates the distribution over (state, duration,
benefit clock, months off benefit) month by month, and returns for every
(month, state, clock band) the expected count and its variance
(a sum of independent Bernoulli indicators, one per participant).
"""

from collections import defaultdict

import numpy as np


def _move_probabilities(programme, source, subgroup, duration, tau, treated):
    tables = programme.tables_from(source, subgroup)
    probs = {t.target: t.probability_at(duration) for t in tables}
    if not treated or not programme.effects:
        return probs
    mult = {}
    for e in programme.effects:
        m = e.multipliers(programme.horizon_months)[tau]
        for src, dst in e.transitions:
            if src == source:
                mult[dst] = m
    total = sum(probs.values())
    if total == 0.0:
        return probs
    # The effect multiplies cause-specific rates: lambda_k = -log(1 - p) p_k / p.
    weights = {k: mult.get(k, 1.0) * p / total for k, p in probs.items()}
    w = sum(weights.values())
    new_total = 1.0 if total >= 1.0 else 1.0 - np.exp(np.log1p(-total) * w)
    return {k: new_total * v / w for k, v in weights.items()}


def _person(programme, entry, subgroup, treated, entering=()):
    """Expected occupancy [month, state, band] of one participant, and expected entries into each set of
    ``entering`` ((states, window) pairs: moves from outside into the set at 0 < months since enrolment < window)."""
    T = programme.horizon_months
    entries = np.zeros(len(entering))
    names = programme.state_names
    benefit = {s.name: s.benefit for s in programme.states}
    edges = programme.benefit_clock.band_edges_months
    reset = programme.benefit_clock.reset_after_months_off
    rules = {r.source: r for r in programme.rules}
    d_cap = max(b for t in programme.transitions for b in t.band_starts) + \
        max([r.after_months for r in programme.rules] + [0]) + 1
    c_cap = edges[-1]
    cell = np.zeros((T, len(names), len(edges) + 1))
    dist = {(subgroup.entry_state, subgroup.entry_duration_months,
             min(programme.entry_clock_months(subgroup), c_cap), 0): 1.0}
    for t in range(entry, T):
        new = defaultdict(float)
        for (s, d, c, off), pr in dist.items():
            if benefit[s]:
                if off >= reset:
                    c = 0
                band = sum(c >= e for e in edges)
                c_next, off_next = min(c + 1, c_cap), 0
            else:
                band, c_next, off_next = 0, c, min(off + 1, reset)
            cell[t, names.index(s), band] += pr
            moves = _move_probabilities(programme, s, subgroup.name, d, t - entry, treated)
            arrivals = defaultdict(float)  # where the person is next month, by state
            for dst, q in moves.items():
                if q > 0:
                    new[(dst, 0, c_next, off_next)] += pr * q
                    arrivals[dst] += pr * q
            stay = 1.0 - sum(moves.values())
            if stay > 0:
                rule = rules.get(s)
                if rule is not None and d + 1 == rule.after_months:
                    new[(rule.target, 0, c_next, off_next)] += pr * stay
                    arrivals[rule.target] += pr * stay
                else:
                    new[(s, min(d + 1, d_cap), c_next, off_next)] += pr * stay
            tau_next = t + 1 - entry
            for k, (states, window) in enumerate(entering):
                if s not in states and t + 1 < T and 0 < tau_next < window:
                    entries[k] += sum(mass for dst, mass in arrivals.items() if dst in states)
        dist = new
    return (cell, entries) if entering else cell


def _participants(programme, arm):
    """(entry month, subgroup index) of every participant of an arm."""
    if arm == "control":
        n = programme.control_size
        cdf = np.cumsum(programme.cohort.intake) / programme.cohort.size
        counts = np.floor(n * cdf + 0.5).astype(int)
        entries = np.repeat(np.arange(len(counts)), np.diff(counts, prepend=0))
    else:
        entries = np.repeat(np.arange(programme.cohort.intake_months), programme.cohort.intake)
    return list(zip(entries, programme.cohort.subgroup_of_participants(len(entries))))


def exact_entries(programme, arm, measures):
    """Expected numbers of entries into each ``EntriesInto`` measure's states, summed over an arm's participants."""
    names = np.asarray(programme.state_names)
    entering = tuple((set(names[programme.measure_mask(m)]), m.within_months) for m in measures)
    total, cache = np.zeros(len(measures)), {}
    for e, g in _participants(programme, arm):
        if (e, g) not in cache:
            cache[(e, g)] = _person(programme, int(e), programme.cohort.subgroups[g], arm == "treated",
                                    entering=entering)[1]
        total += cache[(e, g)]
    return total


def exact_occupancy(programme, arm):
    """(mean, variance) of occupancy[month, state, clock band] for one arm."""
    cache = {}
    mean = var = 0.0
    for e, g in _participants(programme, arm):
        if (e, g) not in cache:
            cache[(e, g)] = _person(programme, int(e), programme.cohort.subgroups[g], arm == "treated")
        p = cache[(e, g)]
        mean = mean + p
        var = var + p * (1 - p)
    return mean, var
