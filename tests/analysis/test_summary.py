"""Risk statistics: exact values on known samples, and standard errors that match the real spread."""

import numpy as np
import pytest

from sirisk.analysis import expected_shortfall, mean, probability, quantile, value_at_risk


def test_exact_values():
    x = np.arange(1, 101.0)
    assert mean(x)[0] == 50.5
    assert probability(x > 90)[0] == 0.1
    assert quantile(x, 0.5)[0] == 50.5
    assert value_at_risk(x, 0.05)[0] == pytest.approx(95.05)
    assert expected_shortfall(x, 0.05)[0] == pytest.approx(np.mean([96, 97, 98, 99, 100]))
    assert mean([1.0, np.nan, 3.0])[0] == 2.0


@pytest.mark.parametrize("name,stat", [
    ("mean", lambda x: mean(x)),
    ("probability", lambda x: probability(x > 1.0)),
    ("median", lambda x: quantile(x, 0.5)),
    ("quantile 5 %", lambda x: quantile(x, 0.05)),
    ("VaR 5 %", lambda x: value_at_risk(x, 0.05)),
    ("CVaR 5 %", lambda x: expected_shortfall(x, 0.05)),
])
def test_standard_errors_match_the_spread_of_the_estimates(name, stat):
    # 400 independent samples of 4,000 lognormal draws (skewed, like money): the mean reported standard
    # error must match the standard deviation of the 400 estimates. With 400 repetitions the sample sd
    # itself is within about 3.5 % (1 sd) of the truth, so a 20 % band is some 5 sd wide.
    rng = np.random.default_rng(12345)
    estimates, errors = zip(*(stat(rng.lognormal(0.0, 0.75, size=4000)) for _ in range(400)))
    ratio = np.mean(errors) / np.std(estimates, ddof=1)
    assert 0.8 < ratio < 1.25, (name, ratio)
