"""The effect's time profile: hand-computed values, and the kernel's version agrees with the model's."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import sirisk as sr
from sirisk.engine.kernel import effect_multipliers as kernel_multipliers


def _kernel(effect, T):
    params = np.array([[effect.hazard_ratio, effect.lock_in_hazard_ratio, effect.lock_in_months,
                        effect.ramp_up_months, -1 if effect.full_effect_months is None else effect.full_effect_months,
                        effect.fade_out_months]])
    prof = np.array([effect.profile or (0.0,)])
    mult = np.empty((1, T))
    const_from = kernel_multipliers(params, prof, np.array([len(effect.profile or ())]), mult)
    return mult[0], const_from


def test_hand_computed_profile():
    # HR 2, lock-in 1 month at 0.5, ramp 1 month (weight 1/2), full 2 months, fade 1 month (weight 1/2).
    e = sr.Effect("e", ["a->b"], hazard_ratio=2.0, lock_in_months=1, lock_in_hazard_ratio=0.5,
                  ramp_up_months=1, full_effect_months=2, fade_out_months=1)
    expected = [0.5, 2 ** 0.5, 2.0, 2.0, 2 ** 0.5, 1.0, 1.0]
    np.testing.assert_allclose(e.multipliers(7), expected, rtol=1e-15)
    mult, const_from = _kernel(e, 7)
    np.testing.assert_allclose(mult, expected, rtol=1e-15)
    assert const_from == 5  # from month 5 on nothing changes


def test_explicit_profile_continues_its_last_weight():
    e = sr.Effect("e", ["a->b"], hazard_ratio=4.0, profile=(0.0, 0.5, 1.0, 0.25))
    np.testing.assert_allclose(e.multipliers(6), [1.0, 2.0, 4.0, 2 ** 0.5, 2 ** 0.5, 2 ** 0.5], rtol=1e-15)


@given(hr=st.floats(0.05, 20), lock_hr=st.floats(0.05, 20), lock=st.integers(0, 6), ramp=st.integers(0, 6),
       full=st.none() | st.integers(0, 6), fade=st.integers(0, 6),
       profile=st.none() | st.lists(st.floats(0, 2), min_size=1, max_size=5), T=st.integers(1, 30))
def test_kernel_and_model_profiles_agree(hr, lock_hr, lock, ramp, full, fade, profile, T):
    if profile is not None:
        ramp, full, fade = 0, None, 0
    e = sr.Effect("e", ["a->b"], hazard_ratio=hr, lock_in_hazard_ratio=lock_hr, lock_in_months=lock,
                  ramp_up_months=ramp, full_effect_months=full, fade_out_months=fade,
                  profile=None if profile is None else tuple(profile))
    mult, const_from = _kernel(e, T)
    np.testing.assert_allclose(mult, e.multipliers(T), rtol=1e-13)
    assert np.all(mult[const_from:] == mult[-1])
    assert const_from == 0 or mult[const_from - 1] != mult[-1]
