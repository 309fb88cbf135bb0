"""The numba kernel agrees exactly with the plain-Python reference, given the same random numbers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models import rich_programme
from strategies import random_programmes

from sirisk.engine.lowering import lower_draws, lower_model
from sirisk._seeding import seed_sequence
from sirisk.engine.random import stream_keys
from sirisk.engine.reference import reference_simulate
from sirisk.engine.simulate import ARMS, run_kernel


def _both(programme, draw_ids, parameters=None, arms=ARMS, seed=7):
    keys = stream_keys(seed_sequence(seed))
    model = lower_model(programme)
    inputs = lower_draws(programme, model, len(draw_ids), parameters)
    fast = run_kernel(programme, model, inputs, keys, np.asarray(draw_ids, dtype=np.int64), arms)
    slow = reference_simulate(programme, draw_ids, keys, parameters=parameters, arms=arms)
    return fast, slow


def _assert_same(fast, slow):
    for name in ("occupancy", "records", "entry_month"):
        np.testing.assert_array_equal(fast[name], slow[name], err_msg=name)


def test_rich_model_fixed_parameters():
    fast, slow = _both(rich_programme(), [0, 1, 2, 17])
    _assert_same(fast, slow)
    # The comparison is not vacuous: people move, measures fire, all bands are used.
    occ = fast["occupancy"]
    assert (occ.sum(axis=(0, 1, 2, 4)) > 0).all()
    assert (occ[..., 0, :].sum(axis=(0, 1, 2)) > 0).sum() >= 3
    assert (fast["records"][..., 0] >= 0).any() and (fast["records"][..., 2] >= 0).any()
    assert (fast["records"][..., 6:] >= 2).any()  # people enter a state more than once


def test_rich_model_per_draw_parameters():
    p = rich_programme()
    params = {
        "cohort.size": [40, 12, 55],
        "hazards.employed->sick_pay.scale": [1.0, 3.0, 0.2],
        "hazards.sick_pay->employed.scale": [0.5, 1.0, 2.5],
        "effects.work.hazard_ratio": [0.5, 1.0, 2.0],
        "effects.work.ramp_up_months": [0, 5, 1],
        "effects.work.lock_in_months": [0, 1, 4],
        "effects.school.hazard_ratio": [1.0, 3.0, 0.3],
    }
    fast, slow = _both(p, [3, 4, 5], parameters=params)
    _assert_same(fast, slow)
    assert (fast["entry_month"][1, 0] >= 0).sum() == 12


@pytest.mark.parametrize("arms", [("treated",), ("counterfactual", "control"), ("control",)])
def test_arm_subsets(arms):
    fast, slow = _both(rich_programme(horizon_months=20), [0, 1], arms=arms)
    _assert_same(fast, slow)


def test_certain_exits_and_rules_at_horizon():
    import sirisk as sr
    p = sr.Programme(
        name="edge",
        states=[sr.State("a", benefit=True), sr.State("b"), sr.State("c", benefit=True)],
        transitions=[sr.Transition("a", "b", (0.5, 1.0), band_starts=(0, 2)),
                     sr.Transition("b", "a", (0.0, 0.3), band_starts=(0, 1)),
                     sr.Transition("b", "c", (0.0, 0.7), band_starts=(0, 1))],
        rules=[sr.Rule("c", "a", after_months=2)],
        cohort=sr.Cohort([3, 3, 3], [sr.Subgroup("g", 1.0, "a")]),
        effects=[sr.Effect("e", ["a->b"], hazard_ratio=0.25, lock_in_months=1, lock_in_hazard_ratio=3.0)],
        measures=[sr.Sustained("b2", "b", months=2)],
        horizon_months=9,
        benefit_clock=sr.BenefitClock((2, 4), reset_after_months_off=1),
    )
    fast, slow = _both(p, list(range(6)))
    _assert_same(fast, slow)


@settings(max_examples=60, deadline=None)
@given(programme=random_programmes(), draws=st.lists(st.integers(0, 10_000), min_size=1, max_size=3, unique=True),
       seed=st.integers(0, 2**32))
def test_random_programmes(programme, draws, seed):
    # Every structure the strategies make (states, competing exits, rules, subgroups, effects, clock resets,
    # measures of every kind, a control group or none): the kernel and the reference agree exactly.
    fast, slow = _both(programme, draws, seed=seed)
    _assert_same(fast, slow)
