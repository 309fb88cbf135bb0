"""How participants are assigned to subgroups: hand-computed, and a property of the rule."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sirisk.model.cohort import Cohort, Subgroup


def _cohort(shares):
    return Cohort(intake=[10], subgroups=[Subgroup(f"g{k}", s, "s") for k, s in enumerate(shares)])


def test_subgroups_by_hand():
    # Shares exact in binary, so the ties are exact. Person i goes to the subgroup with the largest
    # share x (i + 1) - count so far, the first on ties:
    # i=0: .5 .25 .25 -> 0 | i=1: 0 .5 .5 -> 1 | i=2: .5 -.25 .75 -> 2 | i=3: 1 0 0 -> 0
    # i=4: .5 .25 .25 -> 0 | i=5: 0 .5 .5 -> 1 | i=6: .5 -.25 .75 -> 2 | i=7: 1 0 0 -> 0
    assert _cohort([0.5, 0.25, 0.25]).subgroup_of_participants(8).tolist() == [0, 1, 2, 0, 0, 1, 2, 0]


def test_one_subgroup_is_everyone():
    out = _cohort([1.0]).subgroup_of_participants(5)
    assert out.dtype == np.int64 and out.tolist() == [0] * 5


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 20), min_size=2, max_size=5), st.integers(1, 300))
def test_every_prefix_is_within_one_person_of_the_shares(weights, n):
    shares = [w / sum(weights) for w in weights]
    shares[-1] = 1.0 - sum(shares[:-1])
    groups = _cohort(shares).subgroup_of_participants(n)
    counts = np.zeros(len(shares))
    for i, g in enumerate(groups):
        counts[g] += 1
        assert np.all(np.abs(counts - np.array(shares) * (i + 1)) < 1.0 + 1e-9)
