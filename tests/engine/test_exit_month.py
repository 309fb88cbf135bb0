"""The exit month of a run of constant rates, found from 1 / total, equals the month-by-month definition."""

import math

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from sirisk.engine.kernel import _months_to_exit
from sirisk.engine.lowering import SEGMENT_END, duration_segments


def _month_by_month(E, total, avail):
    """The definition: the first month n (1-based) in which total * n reaches E."""
    return next(n for n in range(1, avail + 1) if total * n >= E)


@given(total=st.floats(1e-9, 700.0), avail=st.integers(1, 400), share=st.floats(0.0, 1.0),
       nudge=st.sampled_from([-2, -1, 0, 1, 2]), inverse_nudge=st.sampled_from([-2, -1, 0, 1, 2]))
@example(total=0.1, avail=10, share=0.3, nudge=0, inverse_nudge=0)   # E = 0.1 * 3 exactly: 0.30000000000000004 > 0.3
@example(total=700.0, avail=1, share=1.0, nudge=0, inverse_nudge=0)  # a certain exit
@example(total=1e-9, avail=400, share=1.0, nudge=-1, inverse_nudge=0)
@example(total=1.1882544790247234, avail=10, share=0.6, nudge=1, inverse_nudge=0)  # E / total rounds to 6; total * 6 < E
def test_estimate_from_the_inverse_agrees_with_walking_month_by_month(total, avail, share, nudge, inverse_nudge):
    # E on or next to a multiple of total, where a rounded quotient is most likely to be off by one.
    n_target = max(1, math.ceil(share * avail))
    E = total * n_target
    for _ in range(abs(nudge)):
        E = np.nextafter(E, np.inf if nudge > 0 else 0.0)
    if not 0.0 < E <= total * avail:
        return
    # 1 / total is itself rounded; an estimate a few ulps off must still be settled by the products.
    inverse = 1.0 / total
    for _ in range(abs(inverse_nudge)):
        inverse = np.nextafter(inverse, np.inf if inverse_nudge > 0 else 0.0)
    assert _months_to_exit(E, total, inverse, avail) == _month_by_month(E, total, avail)


def test_duration_segments_follow_changes_in_any_exit():
    rate = np.zeros((1, 1, 2, 7))
    rate[0, 0, 0] = [0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2]
    rate[0, 0, 1] = [0.0, 0.0, 0.3, 0.3, 0.3, 0.3, 0.3]
    assert duration_segments(rate)[0, 0].tolist() == [0, 2, 4, SEGMENT_END]
