"""Hypothesis strategies for random, valid programmes."""

from hypothesis import strategies as st

import sirisk as sr


@st.composite
def random_measures(draw, names, horizon):
    """Up to five measures of every kind on random sets of states (or on/off benefit)."""
    def states():
        return draw(st.sampled_from(["on_benefit", "off_benefit"])
                    | st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))

    makers = [
        lambda q: sr.Sustained(f"m{q}", states(), months=draw(st.integers(1, 3)),
                               start_within_months=draw(st.none() | st.integers(1, horizon))),
        lambda q: sr.InStatesAt(f"m{q}", states(), month=draw(st.integers(0, horizon - 1))),
        lambda q: sr.MonthsIn(f"m{q}", states(), within_months=draw(st.integers(1, horizon + 2))),
        lambda q: sr.EntriesInto(f"m{q}", states(), within_months=draw(st.integers(1, horizon + 2))),
    ]
    kinds = draw(st.lists(st.integers(0, 3), min_size=1, max_size=5))
    return [makers[k](q) for q, k in enumerate(kinds)]


@st.composite
def random_programmes(draw):
    S = draw(st.integers(2, 4))
    names = [f"s{i}" for i in range(S)]
    absorbing_last = draw(st.booleans())
    states = [sr.State(n, benefit=draw(st.booleans()), absorbing=absorbing_last and i == S - 1)
              for i, n in enumerate(names)]
    transitions = []
    for i in range(S - 1 if absorbing_last else S):
        targets = draw(st.lists(st.sampled_from([n for n in names if n != names[i]]), min_size=1,
                                max_size=S - 1, unique=True))
        for dst in targets:
            starts = sorted(draw(st.sets(st.integers(1, 6), max_size=2)))
            probs = draw(st.lists(st.floats(0.0, 1.0 / len(targets)), min_size=len(starts) + 1,
                                  max_size=len(starts) + 1))
            transitions.append(sr.Transition(names[i], dst, tuple(probs), band_starts=(0, *starts)))
    rules = []
    if draw(st.booleans()):
        rules.append(sr.Rule(names[0], draw(st.sampled_from(names[1:])), after_months=draw(st.integers(1, 5))))
    rule_after = rules[0].after_months if rules else 99
    n_groups = draw(st.integers(1, 2))
    groups = []
    for g in range(n_groups):
        entry = draw(st.sampled_from(names[:-1] if absorbing_last else names))
        dur = draw(st.integers(0, 3))
        if entry == names[0]:
            dur = min(dur, rule_after - 1)
        groups.append(sr.Subgroup(f"g{g}", 1.0 / n_groups, entry, entry_duration_months=dur,
                                  entry_benefit_clock_months=draw(st.none() | st.integers(dur, dur + 8))))
    intake = draw(st.lists(st.integers(0, 5), min_size=1, max_size=3).filter(lambda v: sum(v) > 0))
    effects = []
    if draw(st.booleans()):
        t = draw(st.sampled_from(transitions))
        effects.append(sr.Effect("e", [(t.source, t.target)], hazard_ratio=draw(st.floats(0.3, 3.0)),
                                 lock_in_months=draw(st.integers(0, 2)),
                                 lock_in_hazard_ratio=draw(st.floats(0.3, 1.0)),
                                 ramp_up_months=draw(st.integers(0, 3))))
    horizon = draw(st.integers(4, 12))
    measures = draw(random_measures(names, horizon))
    return sr.Programme(
        name="random", states=states, transitions=transitions, rules=rules,
        cohort=sr.Cohort(intake, groups), effects=effects, horizon_months=horizon, measures=measures,
        benefit_clock=sr.BenefitClock((1, 3), reset_after_months_off=draw(st.integers(1, 4))),
        control_size=draw(st.integers(0, 6)),
    )
