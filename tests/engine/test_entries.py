"""EntriesInto counts entries into a set of states, checked on a path known by hand."""

import numpy as np

import sirisk as sr


def test_entries_on_an_alternating_path():
    # Certain moves: a for one month, then b for one month (a rule), then a again: a, b, a, b, ... from
    # enrolment. Within 6 months: entries into b at months 1, 3, 5 (3); into a at 2 and 4 (2: being
    # enrolled in a is no entry); into {a, b} never (moves inside the set are not entries).
    p = sr.Programme(
        "alternating", states=[sr.State("a", benefit=True), sr.State("b")],
        transitions=[sr.Transition("a", "b", (1.0,))], rules=[sr.Rule("b", "a", after_months=1)],
        cohort=sr.Cohort([3], [sr.Subgroup("all", 1.0, "a")]),
        measures=[sr.EntriesInto("into_b", "b", within_months=6), sr.EntriesInto("into_a", "a", within_months=6),
                  sr.EntriesInto("into_either", ("a", "b"), within_months=6),
                  sr.EntriesInto("into_b_first_month", "b", within_months=1),
                  sr.EntriesInto("into_b_late", "b", within_months=30)],
        horizon_months=10)
    ds = sr.simulate(p, draws=2, rng=1)
    counts = ds.person_measure.sel(arm="treated").transpose("measure", "draw", "participant").values
    # Enrolled in month 0, the horizon (10 months) cuts the late window at months 1, 3, 5, 7, 9: 5 entries.
    expected = {"into_b": 3, "into_a": 2, "into_either": 0, "into_b_first_month": 0, "into_b_late": 5}
    for name, value in expected.items():
        np.testing.assert_array_equal(counts[list(ds.measure.values).index(name)], value, err_msg=name)
