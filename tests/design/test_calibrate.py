"""calibrate: closed-form answers found to the tolerance, honest answers where there is none, and refusals at the door."""

import math

import numpy as np
import pytest
from checks import assert_spec_error
from models import fee_deal

import sirisk as sr

COST = 100_000.0
FEE = "fees/contract.mechanisms[0].amount"
IRR = "fees/investor_irr"


def _sim(deal, draws=40):
    return sr.simulate_portfolio(deal, draws=draws, rng=3)


@pytest.fixture(scope="module")
def deal():
    return fee_deal()


@pytest.fixture(scope="module")
def sim(deal):
    return _sim(deal)


def test_a_fee_is_calibrated_to_the_irr_it_gives_in_closed_form(deal, sim):
    # -100,000 in month 0, +fee in month 12 per person: IRR = fee / cost - 1 a year, in every draw.
    result = sr.calibrate(deal, sim, vary={FEE: (50_000, 300_000)}, target={IRR: ("mean", 0.08)}, tolerance=1e-4)
    assert result.feasible and result.reason == ""
    assert result.values[FEE] == pytest.approx(COST * 1.08, rel=2e-4)
    assert sr.term_value(result.portfolio, FEE) == result.values[FEE]
    assert float(result.achieved.estimate[0]) == pytest.approx(0.08, abs=1e-4)
    assert bool(result.achieved.met.all()) and 2 < result.calls < 40


def test_the_scale_of_a_mechanism_and_a_longer_lag_in_closed_form():
    deal = fee_deal(lag_months=24)
    sim = _sim(deal)
    # IRR = (fee / cost)^(12 / 24) - 1 = 10 %: the scale of a 100,000 fee is 1.1^2 = 1.21.
    result = sr.calibrate(deal, sim, vary={"*/contract.mechanisms[0].scale": (0.5, 3.0)},
                          target={IRR: ("median", 0.10)}, tolerance=1e-5)
    assert result.feasible
    assert result.values["*/contract.mechanisms[0].scale"] == pytest.approx(1.21, rel=2e-5)


def test_a_whole_number_term_is_bisected_to_the_exact_answer():
    deal = fee_deal(fee=1.2 * COST)
    sim = _sim(deal)
    # IRR = 1.2^(12 / lag) - 1: a lag of exactly 18 months gives 1.2^(2/3) - 1.
    target = 1.2 ** (12 / 18) - 1
    result = sr.calibrate(deal, sim, vary={"fees/contract.mechanisms[0].lag_months": (6, 30)},
                          target={IRR: ("mean", target)})
    assert result.feasible and result.values["fees/contract.mechanisms[0].lag_months"] == 18
    # Between two whole numbers of months there is no answer: the nearest is given, and why.
    between = 1.2 ** (12 / 18.5) - 1
    result = sr.calibrate(deal, sim, vary={"fees/contract.mechanisms[0].lag_months": (6, 30)},
                          target={IRR: ("mean", between)})
    assert not result.feasible and result.values["fees/contract.mechanisms[0].lag_months"] in (18, 19)
    assert "jump" in result.reason


def test_a_target_beyond_reach_is_infeasible_with_the_best_value_reachable():
    deal = fee_deal(return_cap=0.05)  # the municipality never pays more than a 5 % return
    sim = _sim(deal)
    result = sr.calibrate(deal, sim, vary={FEE: (50_000, 300_000)}, target={IRR: ("mean", 0.08)})
    assert not result.feasible and not bool(result.achieved.met[0])
    assert "cannot be reached" in result.reason and "0.05" in result.reason
    assert float(result.achieved.estimate[0]) == pytest.approx(0.05, abs=1e-9)


def test_a_constraint_that_binds_makes_the_target_infeasible_and_says_which():
    deal = fee_deal()  # no effect: nothing is saved, so any payment pays for outcomes that did not happen
    sim = _sim(deal)
    result = sr.calibrate(deal, sim, vary={FEE: (0.0, 300_000)}, target={IRR: ("mean", 0.08)},
                          subject_to={"fees/municipality_overpaid": ("probability", "<=", 0.5)})
    assert not result.feasible
    assert "fees/municipality_overpaid probability" in result.reason and "limit <= 0.5" in result.reason
    assert result.values[FEE] == pytest.approx(0.0, abs=1e-6)  # only paying nothing keeps the constraint
    constraint = result.achieved.sel(goal="fees/municipality_overpaid probability <= 0.5")
    assert bool(constraint.met) and float(constraint.estimate) == 0.0


def test_a_constraint_that_holds_leaves_the_answer_alone(deal, sim):
    result = sr.calibrate(deal, sim, vary={FEE: (50_000, 300_000)}, target={IRR: ("mean", 0.08)},
                          subject_to={"fees/investor_loss": ("probability", "<=", 0.0)})
    assert result.feasible and result.values[FEE] == pytest.approx(COST * 1.08, rel=2e-4)


def test_two_terms_and_two_targets_by_least_squares_in_closed_form():
    fees = [sr.FixedFee(50_000.0, lag_months=12), sr.FixedFee(50_000.0, lag_months=24)]
    deal = fee_deal(fees=fees)
    sim = _sim(deal)
    # Per person: cost 100,000 at month 0, p1 at month 12, p2 at month 24 (no discounting of payments).
    # IRR 8 % a year: 100,000 = p1 v + p2 v^2 with v = 1 / 1.08; payments p1 + p2 = 115,000 per person.
    v = 1 / 1.08
    p2 = (COST - v * 115_000) / (v * v - v)
    p1 = 115_000 - p2
    result = sr.calibrate(deal, sim, vary={"fees/contract.mechanisms[0].amount": (10_000, 150_000),
                                           "fees/contract.mechanisms[1].amount": (10_000, 150_000)},
                          target={IRR: ("mean", 0.08), "fees/outcome_payments_pv": ("mean", 1_150_000)})
    assert result.feasible, result.reason
    assert result.values["fees/contract.mechanisms[0].amount"] == pytest.approx(p1, rel=1e-3)
    assert result.values["fees/contract.mechanisms[1].amount"] == pytest.approx(p2, rel=1e-3)
    assert "least squares" in result.method


def test_a_step_function_is_never_reported_as_converged():
    # Everyone achieves (rate 1) against a fixed baseline of 0.5: the threshold pays 1 m if 0.5 reaches it.
    pay = sr.Threshold("enrolled", threshold=0.3, payment=1e6, cohorts=((0, 0),), measure_months=(1,),
                       baseline=sr.Baseline("fixed", rate=0.5))
    deal = fee_deal(fees=[pay])
    sim = _sim(deal)
    term = "fees/contract.mechanisms[0].threshold"
    result = sr.calibrate(deal, sim, vary={term: (0.2, 0.8)}, target={"fees/outcome_payments_pv": ("mean", 5e5)})
    assert not result.feasible and "jump" in result.reason
    assert result.values[term] == pytest.approx(0.5, abs=1e-3)  # where the payment jumps from 1 m to 0


def test_calibration_is_exactly_reproducible():
    from sirisk.scenarios import load

    portfolio, uncertainty, _ = load("dsi2021")
    vary = {f"{d.name}/contract.mechanisms[0].scale": (0.0, 8.0) for d in portfolio.deals}
    target = {f"{d.name}/investor_irr": ("mean", 0.03) for d in portfolio.deals}
    a = sr.calibrate(portfolio, sr.simulate_portfolio(portfolio, 200, rng=8, uncertainty=uncertainty), vary, target)
    b = sr.calibrate(portfolio, sr.simulate_portfolio(portfolio, 200, rng=8, uncertainty=uncertainty, threads=1),
                     vary, target)
    assert a.values == b.values and a.calls == b.calls and a.feasible
    # One price per programme: three problems of one term each, each settling only its own programme.
    assert a.method.count("Brent") == 3
    settled = sr.settle(a.portfolio, sr.simulate_portfolio(portfolio, 200, rng=8, uncertainty=uncertainty),
                        monthly=False)
    # What calibrate reports is what settle gives; on 200 draws of thresholds the mean IRR moves in small
    # steps, and a target is met within a tenth of its Monte Carlo error.
    np.testing.assert_allclose(settled.investor_irr.mean("draw").values, a.achieved.estimate.values, rtol=1e-12)
    assert (abs(a.achieved.estimate - 0.03) <= 0.1 * a.achieved.mc_se).all()


@pytest.mark.parametrize("kwargs, fragments", [
    (dict(vary={"fees/contract.mechanisms[3].amount": (0, 1)}), ["index [3] is out of range"]),
    (dict(vary={"fees/contract.mechanisms[0].price": (0, 1)}), ["FixedFee has no field 'price'", "amount"]),
    (dict(vary={"nowhere/investor.hurdle_rate_per_year": (0, 1)}), ["programme is 'nowhere'"]),
    (dict(vary={"fees/programme.horizon_months": (12, 30)}), ["programme is fixed by the simulation"]),
    (dict(vary={"fees/budget.discount_rate_per_year": (0, 0.1)}), ["budget is fixed by the simulation"]),
    (dict(vary={FEE: (3e5, 5e4)}), ["low must be below high", "reversed"]),
    (dict(vary={FEE: (5e4, 5e4)}), ["low must be below high", "empty"]),
    (dict(vary={FEE: (-5e4, 5e4)}), ["amount is -50000.0; must be >= 0"]),
    (dict(vary={FEE: (0, math.inf)}), ["high is inf; must be a finite number"]),
    (dict(vary={}), ["vary is empty"]),
    (dict(target={"fees/investor_ir": ("mean", 0.1)}), ["variable is 'investor_ir'", "investor_irr"]),
    (dict(target={"fees/investor_loss": ("probability", 1.5)}), ["value is 1.5; a probability lies in [0, 1]"]),
    (dict(target={IRR: ("average", 0.1)}), ["statistic 'average'", "'mean', 'median'"]),
    (dict(target={IRR: ("quantile(1.5)", 0.1)}), ["a quantile's level must lie in (0, 1)"]),
    (dict(target={IRR: ("probability", 0.1)}), ["a probability needs a yes/no variable"]),
    (dict(target={}), ["target is empty"]),
    (dict(subject_to={"fees/investor_loss": ("probability", "<", 0.1)}), ["relation is '<'; must be '<=' or '>='"]),
    (dict(subject_to={"fees/investor_loss": ("probability", 0.1)}), ["a constraint is (statistic, '<=' or '>='"]),
    (dict(tolerance=0.0), ["tolerance is 0.0"]),
])
def test_bad_input_is_one_clear_error(deal, sim, kwargs, fragments):
    args = dict(vary={FEE: (5e4, 3e5)}, target={IRR: ("mean", 0.08)})
    args.update(kwargs)
    assert_spec_error(lambda: sr.calibrate(deal, sim, **args), fragments)


def test_a_simulation_of_another_portfolio_is_refused(deal):
    other = sr.simulate_portfolio(fee_deal(people=12), draws=10, rng=1)
    assert_spec_error(lambda: sr.calibrate(deal, other, {FEE: (5e4, 3e5)}, {IRR: ("mean", 0.08)}),
                      ["fees/programme.cohort.intake[0] is 10; the simulation was run with 12"])
