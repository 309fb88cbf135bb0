"""Input distributions, copula and sampling: closed-form moments, dependence, designs, shocks, errors."""


import numpy as np
import pytest
import xarray as xr
from checks import assert_spec_error
from models import rich_deal
from scipy import stats

import sirisk as sr
from sirisk.uncertainty import (PERT, Beta, Empirical, Fixed, Gamma, GaussianCopula, LogNormal, NegativeBinomial,
                                Normal, Poisson, SharedShock, Triangular, TruncatedNormal, Uncertainty, Uniform,
                                sample)

# (distribution, exact mean, exact standard deviation), from the textbook formulas.
MOMENTS = [
    (Uniform(2, 6), 4.0, 4 / np.sqrt(12)),
    (Triangular(0, 1, 5), 2.0, np.sqrt((0 + 1 + 25 - 0 - 0 - 5) / 18)),
    (PERT(0, 1, 5), 1.5, np.sqrt((1.5 - 0) * (5 - 1.5) / 7)),           # classic PERT: (mu-a)(b-mu)/7
    (Normal(3, 2), 3.0, 2.0),
    (LogNormal(2.0, 0.5), 2.0, 0.5),
    (Beta(0.3, 0.1), 0.3, 0.1),
    (Gamma(10, 4), 10.0, 4.0),
    (Poisson(50), 50.0, np.sqrt(50)),
    (NegativeBinomial(50, 12), 50.0, 12.0),
    (Empirical((1.0, 2.0, 6.0)), 3.0, np.std([1.0, 2.0, 6.0])),
    (Fixed(7.0), 7.0, 0.0),
]


@pytest.mark.parametrize("dist,mean,sd", MOMENTS, ids=lambda d: type(d).__name__ if not isinstance(d, float) else "")
def test_sampled_moments_match_closed_forms(dist, mean, sd):
    values = sample(Uncertainty({"p/x": dist}), 40_000, rng=3)["p/x"]
    se = max(sd, 1e-12) / np.sqrt(len(values))
    assert abs(values.mean() - mean) <= 4 * se + 1e-12
    if sd > 0:
        assert values.std() == pytest.approx(sd, rel=0.05)


def test_parametrisations_by_median_and_percentile_and_truncation():
    d = LogNormal.from_median_high(1.25, 1.8, q=0.95)
    assert d.ppf([0.5])[0] == pytest.approx(1.25) and d.ppf([0.95])[0] == pytest.approx(1.8)
    t = TruncatedNormal(0.1, 0.3, low=0.0, high=1.0)
    v = t.ppf(np.linspace(0.001, 0.999, 999))
    assert v.min() >= 0.0 and v.max() <= 1.0


def test_copula_gives_the_rank_correlations_asked_for_and_keeps_marginals():
    target = [[1.0, 0.6, -0.3], [0.6, 1.0, 0.0], [-0.3, 0.0, 1.0]]
    names = ["p/a", "p/b", "p/c"]
    u = Uncertainty({"p/a": LogNormal(1, 0.5), "p/b": Uniform(0, 1), "p/c": PERT(0, 2, 3)},
                    copula=GaussianCopula(names, target))
    n = 40_000
    s = sample(u, n, rng=11)
    rho = stats.spearmanr(np.column_stack([s[k] for k in names])).statistic
    # The standard error of a Spearman correlation is below 1/sqrt(n - 3) = 0.005: 4 SE is 0.02.
    np.testing.assert_allclose(rho, target, atol=0.02)
    assert stats.kstest(s["p/b"], "uniform").pvalue > 1e-4
    assert stats.kstest(s["p/a"], LogNormal(1, 0.5).frozen.cdf).pvalue > 1e-4


def test_a_matrix_that_is_not_psd_is_refused_or_repaired_on_request():
    bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
    with pytest.raises(sr.SpecError, match=r"not positive semi-definite: its smallest eigenvalue is -0.8\d+; pass repair=True"):
        GaussianCopula(["a", "b", "c"], bad)
    c = GaussianCopula(["a", "b", "c"], bad, repair=True)
    assert np.linalg.eigvalsh(c.normal_matrix).min() > -1e-10
    np.testing.assert_allclose(np.diag(c.normal_matrix), 1.0)
    assert c.repair_distance > 0.1


def test_latin_hypercube_puts_one_draw_in_each_stratum():
    n = 500
    s = sample(Uncertainty({"p/a": Uniform(0, 1), "p/b": Uniform(0, 1)}, method="lhs"), n, rng=2)
    for k in ("p/a", "p/b"):
        assert sorted(np.floor(s[k] * n).astype(int)) == list(range(n))


def test_sobol_is_far_more_balanced_than_plain_monte_carlo():
    n = 4096
    sobol = sample(Uncertainty({"p/a": Uniform(0, 1)}, method="sobol"), n, rng=2)["p/a"]
    assert abs(sobol.mean() - 0.5) < 1 / n  # plain MC would be off by about 0.0045 (1 SE)
    odd = sample(Uncertainty({"p/a": Uniform(0, 1)}, method="sobol"), 1000, rng=2)["p/a"]
    assert odd.shape == (1000,)


def test_a_shared_shock_moves_every_programme_in_the_same_draw():
    shock = SharedShock("labour", LogNormal.from_median_high(1.0, 1.3), ["a/hazards.x->y.scale", "b/hazards.x->y.scale"])
    s = sample(Uncertainty({"a/hazards.x->y.scale": Fixed(2.0)}, shocks=[shock]), 1000, rng=5)
    np.testing.assert_allclose(s["a/hazards.x->y.scale"], 2.0 * s["labour"])
    np.testing.assert_allclose(s["b/hazards.x->y.scale"], s["labour"])


def test_same_seed_same_sample_and_sampling_is_recorded_in_results():
    u = Uncertainty({"rich/effects.work.hazard_ratio": LogNormal.from_median_high(1.3, 2.0),
                     "rich/cohort.size": NegativeBinomial(40, 8)}, method="lhs")
    a = sr.evaluate(rich_deal(), draws=64, rng=9, uncertainty=u, batch_size=64)
    b = sr.evaluate(rich_deal(), draws=64, rng=9, uncertainty=u, batch_size=10)
    xr.testing.assert_identical(a, b)
    assert list(a.input.values) == ["rich/effects.work.hazard_ratio", "rich/cohort.size"]
    np.testing.assert_allclose(a.input_value.sel(input="rich/effects.work.hazard_ratio"),
                               sample(u, 64, rng=np.random.SeedSequence(9, spawn_key=(1 << 30,)))
                               ["rich/effects.work.hazard_ratio"])


def test_a_larger_effect_saves_the_municipality_more():
    # Field sense: across draws, the municipal saving rises with the effect (rank correlation clearly > 0).
    u = Uncertainty({"rich/effects.work.hazard_ratio": Uniform(0.5, 3.0)})
    r = sr.evaluate(rich_deal(), draws=300, rng=4, uncertainty=u).sel(programme="rich")
    rho = stats.spearmanr(r.input_value.sel(input="rich/effects.work.hazard_ratio"), r.municipal_saving_pv).statistic
    assert rho > 0.5


ERRORS = {
    "uniform reversed": (lambda: Uniform(3, 1), ["high", "1", "> 3"]),
    "pert mode outside": (lambda: PERT(0, 5, 3), ["mode", "5", "<= 3"]),
    "normal sd zero": (lambda: Normal(0, 0), ["sd", "0", "> 0"]),
    "beta sd too large": (lambda: Beta(0.5, 0.6), ["sd", "0.6", "sqrt(mean (1 - mean))"]),
    "negbin underdispersed": (lambda: NegativeBinomial(50, 5), ["sd", "5", "> 7.07"]),
    "empirical empty": (lambda: Empirical(()), ["values", "at least one value"]),
    "lognormal high below median": (lambda: LogNormal.from_median_high(2.0, 1.5), ["high", "1.5", "> 2"]),
    "copula asymmetric": (lambda: GaussianCopula(["a", "b"], [[1, 0.5], [0.4, 1]]), ["matrix[0][1] is 0.5", "symmetric"]),
    "copula diagonal": (lambda: GaussianCopula(["a", "b"], [[1, 0.5], [0.5, 2]]), ["diagonal", "must be 1"]),
    "copula entry": (lambda: GaussianCopula(["a", "b"], [[1, 1.5], [1.5, 1]]), ["matrix[0][1] is 1.5", "[-1, 1]"]),
    "copula shape": (lambda: GaussianCopula(["a", "b"], [[1.0]]), ["shape", "(1, 1)", "(2, 2)"]),
    "copula kind": (lambda: GaussianCopula(["a"], [[1.0]], kind="kendall"), ["kind", "'kendall'"]),
    "parameter without programme": (lambda: Uncertainty({"effects.e.hazard_ratio": Fixed(1)}),
                                    ["'effects.e.hazard_ratio'", "'programme/path'"]),
    "not a distribution": (lambda: Uncertainty({"a/x": 1.2}), ["parameters['a/x']", "1.2", "distribution"]),
    "unknown method": (lambda: Uncertainty({"a/x": Fixed(1)}, method="halton"), ["method", "'halton'", "one of"]),
    "copula unknown name": (lambda: Uncertainty({"a/x": Fixed(1)}, copula=GaussianCopula(["a/y"], [[1.0]])),
                            ["copula name", "'a/y'"]),
    "shock on a hazard ratio": (lambda: SharedShock("s", Fixed(1), ["a/effects.e.hazard_ratio"]),
                                ["targets", "'a/effects.e.hazard_ratio'", "scales hazards"]),
    "evaluate unknown programme": (lambda: sr.evaluate(rich_deal(), draws=2, uncertainty=Uncertainty({"holbaek/cohort.size": Fixed(5)})),
                                   ["'holbaek/cohort.size'", "not a programme of the portfolio"]),
    "evaluate given twice": (lambda: sr.evaluate(rich_deal(), draws=2, parameters={"rich": {"cohort.size": 5}},
                                                 uncertainty=Uncertainty({"rich/cohort.size": Fixed(5)})),
                             ["'rich/cohort.size'", "give it once"]),
    "evaluate bad value": (lambda: sr.evaluate(rich_deal(), draws=2, rng=1, uncertainty=Uncertainty(
        {"rich/effects.work.hazard_ratio": Uniform(-2, -1)})), ["hazard ratio must be > 0"]),
    "money scale negative": (lambda: sr.evaluate(rich_deal(), draws=2, rng=1, uncertainty=Uncertainty(
        {"rich/costs.scale": Uniform(-2, -1)})), ["'rich/costs.scale'", "Uniform(low=-2.0, high=-1.0)",
                                                  "leaves the parameter's domain [0, inf) with probability 1"]),
    "unknown money path": (lambda: sr.evaluate(rich_deal(), draws=2, rng=1, uncertainty=Uncertainty(
        {"rich/budget.nothing.scale": Uniform(1, 2)})), ["'budget.nothing.scale'", "must be one of", "costs.scale"]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_bad_uncertainty_input_is_stopped_with_a_clear_error(name):
    assert_spec_error(*ERRORS[name])
