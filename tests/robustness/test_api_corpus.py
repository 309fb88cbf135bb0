"""Bad input to the public API: one SpecError naming the field, the value and the rule, before anything runs.

Each case gives the call and the fragments its one-line message must hold (the field, the value, the
rule); checks.assert_spec_error also asserts that no traceback or numba internals are in it.
"""

import numpy as np
import pytest
import xarray as xr
from checks import assert_spec_error
from models import rich_deal, rich_programme

import sirisk as sr
from sirisk import plot
from sirisk.scenarios import load
from sirisk.uncertainty import Normal, Truncated, Uncertainty, Uniform, sample


@pytest.fixture(scope="module")
def ctx():
    deal = rich_deal()
    sim = sr.simulate_portfolio(deal, draws=6, rng=1)
    return {"deal": deal, "programme": rich_programme(), "sim": sim, "results": sr.settle(deal, sim),
            "portfolio": sr.Portfolio("p", [deal])}


SCALE = "rich/contract.mechanisms[0].scale"
IRR = {"rich/investor_irr": ("mean", 0.1)}

CASES = {
    # simulate
    "simulate: not a programme": (lambda c: sr.simulate("x"), ["programme is str", "must be a sirisk.Programme"]),
    "simulate: no draws": (lambda c: sr.simulate(c["programme"], draws=0), ["draws is 0", "a positive number"]),
    "simulate: half a draw": (lambda c: sr.simulate(c["programme"], draws=2.5), ["draws is 2.5", "positive number"]),
    "simulate: range by 2": (lambda c: sr.simulate(c["programme"], draws=range(0, 10, 2)),
                             ["draws is range(0, 10, 2)", "step by 1"]),
    "simulate: unknown arm": (lambda c: sr.simulate(c["programme"], arms=["treated", "placebo"]),
                              ["arms contains 'placebo'", "must be one of"]),
    "simulate: parameters a list": (lambda c: sr.simulate(c["programme"], draws=2, parameters=[1, 2]),
                                    ["parameters is list", "must map parameter paths to values"]),
    "simulate: unknown path": (lambda c: sr.simulate(c["programme"], draws=2, parameters={"x": 1}),
                               ["parameter path is 'x'", "must be one of cohort.size"]),
    "simulate: values per draw": (lambda c: sr.simulate(c["programme"], draws=2,
                                                        parameters={"effects.work.hazard_ratio": [1, 2, 3]}),
                                  ["shape is (3,)", "one value per draw, shape (2,)"]),
    "simulate: negative ratio": (lambda c: sr.simulate(c["programme"], draws=2,
                                                       parameters={"effects.work.hazard_ratio": -1}),
                                 ["value at draw 0 is -1.0", "a hazard ratio must be > 0"]),
    "simulate: text values": (lambda c: sr.simulate(c["programme"], draws=2,
                                                    parameters={"effects.work.hazard_ratio": "big"}),
                              ["dtype is <U3", "real numbers"]),
    "simulate: 2-d values": (lambda c: sr.simulate(c["programme"], draws=2,
                                                   parameters={"effects.work.hazard_ratio": [[1, 2]]}),
                             ["shape is (1, 2)", "one value per draw"]),
    "simulate: no threads": (lambda c: sr.simulate(c["programme"], draws=2, threads=0),
                             ["threads is 0", "from 1 to"]),
    "simulate: seed text": (lambda c: sr.simulate(c["programme"], draws=2, rng="seed"),
                            ["rng is 'seed'", "non-negative integer"]),
    "simulate: negative seed": (lambda c: sr.simulate(c["programme"], draws=2, rng=-5), ["rng is -5", "non-negative"]),
    "simulate: weights shape": (lambda c: sr.simulate(c["programme"], draws=2, occupancy_weights=np.ones((2, 2))),
                                ["occupancy_weights has shape (2, 2)", "must be (state, clock_band, weight)"]),
    "simulate: weights NaN": (lambda c: sr.simulate(c["programme"], draws=2,
                                                    occupancy_weights=np.full((6, 4, 1), np.nan)),
                              ["not finite", "finite number"]),
    # evaluate
    "evaluate: not a portfolio": (lambda c: sr.evaluate("dsi"), ["portfolio is str", "Portfolio or Deal"]),
    "evaluate: no draws": (lambda c: sr.evaluate(c["deal"], draws=0), ["draws is 0", "positive whole number"]),
    "evaluate: too many draws": (lambda c: sr.evaluate(c["deal"], draws=10 ** 14),
                                 ["100,000,000,000,000 draws", "needs about", "available; use fewer draws"]),
    "evaluate: no batch": (lambda c: sr.evaluate(c["deal"], draws=2, batch_size=0), ["batch_size is 0", "positive"]),
    "evaluate: progress a number": (lambda c: sr.evaluate(c["deal"], draws=2, progress=5),
                                    ["progress is 5", "must be a callable"]),
    "evaluate: unknown programme": (lambda c: sr.evaluate(c["deal"], draws=2, parameters={"nobody": {}}),
                                    ["parameters key is 'nobody'", "must be a programme of the portfolio"]),
    "evaluate: parameters of a list": (lambda c: sr.evaluate(c["deal"], draws=2, parameters={"rich": [1]}),
                                       ["parameters['rich'] is list", "must map parameter paths"]),
    "evaluate: parameters a list": (lambda c: sr.evaluate(c["deal"], draws=2, parameters=[1]),
                                    ["parameters is list", "must map programme names"]),
    "evaluate: money scale shape": (lambda c: sr.evaluate(c["deal"], draws=3, parameters={"rich": {"costs.scale": [1, 2]}}),
                                    ["'costs.scale'", "shape is (2,)", "one value per draw, shape (3,)"]),
    "evaluate: money scale negative": (lambda c: sr.evaluate(c["deal"], draws=3, parameters={"rich": {"costs.scale": -1}}),
                                       ["value at draw 0 is -1.0", "finite and >= 0"]),
    "evaluate: money scale text": (lambda c: sr.evaluate(c["deal"], draws=3, parameters={"rich": {"costs.scale": "x"}}),
                                   ["'costs.scale'", "dtype is '<U1'", "real numbers"]),
    "evaluate: gain share above 1": (lambda c: sr.evaluate(c["deal"], draws=3,
                                                           parameters={"rich": {"contract.mechanisms[2].scale": 6}}),
                                     ["value at draw 0 is 6.0", "scaled gain share must stay <= 1"]),
    "evaluate: uncertainty text": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty="lhs"),
                                   ["uncertainty is str", "must be a sirisk Uncertainty"]),
    "evaluate: normal hazard scale": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {"rich/hazards.sick_pay->employed.scale": Normal(1, 0.5)})),
        ["'rich/hazards.sick_pay->employed.scale'", "Normal(mean=1.0, sd=0.5)", "leaves the parameter's domain [0, inf)"]),
    "evaluate: normal cohort size": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {"rich/cohort.size": Normal(40, 30)})), ["'rich/cohort.size'", "Normal(mean=40.0, sd=30.0)", "[0, 1e+06]"]),
    "evaluate: uniform hazard ratio": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {"rich/effects.work.hazard_ratio": Uniform(-1, 2)})), ["Uniform(low=-1.0, high=2.0)", "(0, inf)",
                                                              "a hazard ratio must be > 0"]),
    "evaluate: months below zero": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {"rich/effects.work.ramp_up_months": Uniform(-2, 2)})), ["ramp_up_months", "months must be >= 0"]),
    "evaluate: gain share scale": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {"rich/contract.mechanisms[2].scale": Uniform(0, 8)})), ["mechanisms[2].scale", "[0, 5]",
                                                                 "scaled gain share"]),
    "evaluate: given twice": (lambda c: sr.evaluate(c["deal"], draws=2, parameters={"rich": {"costs.scale": 1.0}},
                                                    uncertainty=Uncertainty({"rich/costs.scale": Uniform(1, 2)})),
                              ["'rich/costs.scale'", "also given in parameters", "give it once"]),
    "evaluate: unknown uncertain programme": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {"poor/costs.scale": Uniform(1, 2)})), ["'poor/costs.scale'", "'poor' is not a programme"]),
    "evaluate: unknown uncertain path": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {"rich/costs.price": Uniform(1, 2)})), ["'rich/costs.price'", "must be one of rich's"]),
    "evaluate: unknown shock target": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {}, shocks=[sr.uncertainty.SharedShock("s", Uniform(0.5, 1.5), ["rich/hazards.work->moon.scale"])])),
        ["shock 's'", "'rich/hazards.work->moon.scale'", "must be one of"]),
    "evaluate: shock below zero": (lambda c: sr.evaluate(c["deal"], draws=2, uncertainty=Uncertainty(
        {}, shocks=[sr.uncertainty.SharedShock("s", Normal(1, 1), ["rich/hazards.sick_pay->employed.scale"])])),
        ["shock 's'", "Normal(mean=1.0, sd=1.0)", "leaves [0, inf) with probability"]),
    "evaluate: too many threads": (lambda c: sr.evaluate(c["deal"], draws=2, threads=99), ["threads is 99", "from 1 to"]),
    "evaluate: flag a word": (lambda c: sr.evaluate(c["deal"], draws=2, monthly_arm_budgets="yes"),
                              ["monthly_arm_budgets is 'yes'", "True or False"]),
    "evaluate: timings a list": (lambda c: sr.evaluate(c["deal"], draws=2, timings=[]),
                                 ["timings is list", "give a dict"]),
    # simulate_portfolio
    "simulate_portfolio: range outside": (lambda c: sr.simulate_portfolio(c["deal"], draws=10, draw_range=range(5, 20)),
                                          ["draw_range is range(5, 20)", "within range(10)"]),
    "simulate_portfolio: range by 2": (lambda c: sr.simulate_portfolio(c["deal"], draws=10, draw_range=range(0, 10, 2)),
                                       ["draw_range is range(0, 10, 2)", "stepping by 1"]),
    "simulate_portfolio: range a list": (lambda c: sr.simulate_portfolio(c["deal"], draws=10, draw_range=[1, 2]),
                                         ["draw_range is [1, 2]", "a non-empty range"]),
    "simulate_portfolio: too many": (lambda c: sr.simulate_portfolio(c["deal"], draws=10 ** 13),
                                     ["simulate_portfolio of 10,000,000,000,000 draws", "needs about"]),
    # settle and the simulation
    "settle: a file name": (lambda c: sr.settle(c["deal"], "sim.nc"), ["results are str", "give a sirisk.Simulation"]),
    "settle: results again": (lambda c: sr.settle(c["deal"], c["results"]),
                              ["results are an xarray Dataset", "give a sirisk.Simulation"]),
    "settle: no batch": (lambda c: sr.settle(c["deal"], c["sim"], batch_size=0), ["batch_size is 0", "positive"]),
    "settle: progress a number": (lambda c: sr.settle(c["deal"], c["sim"], progress=3), ["progress is 3", "callable"]),
    "settle: flag a word": (lambda c: sr.settle(c["deal"], c["sim"], monthly="no"), ["monthly is 'no'", "True or False"]),
    "settle: not measured": (lambda c: sr.settle(c["deal"], [1, 2]), ["measured results are int", "sirisk.Measured"]),
    "concat: nothing": (lambda c: sr.Simulation.concat([]), ["Simulation.concat", "non-empty sequence"]),
    "concat: a gap": (lambda c: sr.Simulation.concat(
        [sr.simulate_portfolio(c["deal"], 10, rng=1, draw_range=r) for r in (range(0, 3), range(5, 10))]),
        ["draws 2 and 5 do not follow each other", "consecutive"]),
    "concat: two seeds": (lambda c: sr.Simulation.concat(
        [sr.simulate_portfolio(c["deal"], 10, rng=s, draw_range=r) for s, r in ((1, range(0, 3)), (2, range(3, 10)))]),
        ["the parts differ in attrs", "one run only"]),
    "open_simulation: a folder": (lambda c: sr.open_simulation("/tmp"), ["/tmp: cannot read a simulation"]),
    "to_netcdf: onto a folder": (lambda c: c["sim"].to_netcdf("/tmp"), ["simulation file is '/tmp'", "(it is a folder)"]),
    "to_netcdf: missing folder": (lambda c: c["sim"].to_netcdf("/nowhere/sim.nc"),
                                  ["simulation file is '/nowhere/sim.nc'", "folder '/nowhere' does not exist"]),
    # summaries and figures
    "risk_summary: a dict": (lambda c: sr.risk_summary({"a": 1}), ["results is dict", "sirisk.evaluate or sirisk.settle"]),
    "risk_summary: paths, not money": (lambda c: sr.risk_summary(sr.simulate(c["programme"], draws=2)),
                                       ["no variable 'municipal_net_pv'", "not that of sirisk.simulate"]),
    "risk_summary: level 0.7": (lambda c: sr.risk_summary(c["results"], levels=(0.7,)),
                                ["levels contains 0.7", "must lie in (0, 0.5)"]),
    "risk_summary: level text": (lambda c: sr.risk_summary(c["results"], levels="5%"),
                                 ["levels is '5%'", "as numbers"]),
    "plot: a dict": (lambda c: plot.investor_irr({"a": 1}), ["investor_irr: results is dict", "sirisk.evaluate"]),
    "plot: no monthly series": (lambda c: plot.municipal_net_fan(sr.settle(c["deal"], c["sim"], monthly=False)),
                                ["no variable 'budget_effect'", "monthly=True"]),
    "plot: unknown tornado output": (lambda c: plot.tornado(c["results"], outputs="nothing"),
                                     ["output is 'nothing'", "must be a per-draw variable"]),
    "plot: not a sweep": (lambda c: plot.tradeoff(c["results"]), ["tradeoff: grid is Dataset", "sirisk.sweep"]),
    "plot: not a break-even": (lambda c: plot.deal_zone(c["results"]), ["deal_zone: report is Dataset", "break_even"]),
    # sampling
    "sample: not an uncertainty": (lambda c: sample("x", 5), ["uncertainty is str", "sirisk Uncertainty"]),
    "sample: no draws": (lambda c: sample(Uncertainty({"a/b.c": Uniform(0, 1)}), 0), ["n is 0", "positive"]),
    "truncate: a truncation": (lambda c: Truncated(Truncated(Normal(0, 1), low=0)), ["Truncated: distribution", "not truncated"]),
    "truncate: nothing inside": (lambda c: Truncated(Uniform(0, 1), low=2, high=3), ["has no mass between them"]),
    "truncate: reversed": (lambda c: Truncated(Normal(0, 1), low=2, high=1), ["high is 1", "must be above low=2"]),
    # design
    "with_terms: a word": (lambda c: sr.with_terms(c["portfolio"], {"rich/investor.hurdle_rate_per_year": "high"}),
                           ["'rich/investor.hurdle_rate_per_year'", "value is 'high'", "finite number"]),
    "with_terms: fixed part": (lambda c: sr.with_terms(c["portfolio"], {"rich/budget.price_year": 2020}),
                               ["budget is fixed by the simulation"]),
    "term_value: not a number": (lambda c: sr.term_value(c["portfolio"], "rich/contract"),
                                 ["'rich/contract'", "is a Contract, not a number"]),
    "term: bad syntax": (lambda c: sr.term_value(c["portfolio"], "rich/contract..cap"), ["cannot read", "a.b[0].c"]),
    "term: no programme": (lambda c: sr.term_value(c["portfolio"], "contract.cap"), ["name a term 'programme/field'"]),
    "term: an old field name": (lambda c: sr.term_value(c["portfolio"], "rich/contract.cap_dkk"),
                                ["cap_dkk", "renamed to 'cap'"]),
    "compare: a list": (lambda c: sr.compare([c["deal"]], c["sim"]), ["designs must map names"]),
    "sweep: words": (lambda c: sr.sweep(c["deal"], c["sim"], {SCALE: "abc"}), ["grid['rich/contract", "finite values"]),
    "sweep: not a mapping": (lambda c: sr.sweep(c["deal"], c["sim"], [SCALE]), ["grid must map term paths"]),
    "break_even: reversed": (lambda c: sr.break_even(c["deal"], c["sim"], bounds=(5, 1)),
                             ["bounds are (5, 1)", "low must be below high"]),
    "break_even: words": (lambda c: sr.break_even(c["deal"], c["sim"], bounds="wide"), ["bounds is 'wide'", "(low, high)"]),
    "break_even: unknown term": (lambda c: sr.break_even(c["deal"], c["sim"], term="contract.nothing"),
                                 ["Contract has no field 'nothing'", "cap"]),
    "break_even: no points": (lambda c: sr.break_even(c["deal"], c["sim"], points=1), ["points is 1", "at least 2"]),
    "calibrate: vary a list": (lambda c: sr.calibrate(c["deal"], c["sim"], vary=["x"], target=IRR),
                               ["vary is empty or not a mapping", "(low, high)"]),
    "calibrate: target a word": (lambda c: sr.calibrate(c["deal"], c["sim"], vary={SCALE: (0, 2)}, target="irr"),
                                 ["target is str", "must map metric paths"]),
    "calibrate: a file name": (lambda c: sr.calibrate(c["deal"], "sim.nc", vary={SCALE: (0, 2)}, target=IRR),
                               ["simulation is str", "sirisk.Simulation"]),
    "calibrate: one call": (lambda c: sr.calibrate(c["deal"], c["sim"], vary={SCALE: (0, 2)}, target=IRR, max_calls=1),
                            ["max_calls is 1", "at least 2"]),
    "calibrate: bounds a number": (lambda c: sr.calibrate(c["deal"], c["sim"], vary={SCALE: 2}, target=IRR),
                                   ["vary['rich/contract.mechanisms[0].scale']: is 2", "(low, high)"]),
    "calibrate: varied, untargeted": (lambda c: sr.calibrate(
        sr.Portfolio("p", [c["deal"], load("dsi2021")[0].deals[1]]), c["sim"], vary={SCALE: (0, 2)},
        target=IRR), ["programme 'svendborg' is not in the simulation"]),
    # specs
    "Deal: not a programme": (lambda c: sr.Deal("x", c["deal"].budget, c["deal"].costs, c["deal"].contract,
                                                 c["deal"].investor), ["programme is 'x'", "must be a Programme"]),
    "Portfolio: deals a word": (lambda c: sr.Portfolio("p", "deals"), ["deals is 'deals'", "must be a sequence"]),
    "Portfolio: a space in the name": (lambda c: sr.Portfolio("p q", [c["deal"]]),
                                       ["name is 'p q'", "letters (of any alphabet)"]),
    "Measured: not enrolled": (lambda c: sr.Measured("rich", enrolment_months=[], achieved={}),
                               ["enrolment_months is ()", "at least one enrolled person"]),
    "Measured: before enrolment": (lambda c: sr.Measured("rich", enrolment_months=[5], achieved={"job": [2]}),
                                   ["achieved['job'][0] is 2", "before enrolment (month 5)"]),
    "CohortCount: more than enrolled": (lambda c: sr.CohortCount((0, 3), enrolled=5, achieved={"job": 6}),
                                        ["achieved['job'] at month 3 is 6", "cannot exceed the 5 enrolled"]),
    "Effect: negative weight": (lambda c: sr.Effect("e", ["a->b"], hazard_ratio=1.2, profile=(0.5, -0.2)),
                                ["profile[1] is -0.2", "a weight must be >= 0"]),
    # the capital stack
    "InvestorTerms: a tranche as a word": (lambda c: sr.InvestorTerms(1e6, tranches=["senior", "junior"]),
                                           ["tranches is 'senior'", "must be a Tranche"]),
    "Tranche: a share in words": (lambda c: sr.Tranche("senior", "most"), ["share is 'most'", "must be a finite number"]),
    "Tranche: a share not a number": (lambda c: sr.Tranche("senior", float("nan")), ["share is nan"]),
    "Tranche: a name with a space": (lambda c: sr.Tranche("first loss", 0.2), ["name is 'first loss'"]),
    "Portfolio: a pool in words": (lambda c: sr.Portfolio("p", [c["deal"]], guarantee_pool_cap="all"),
                                   ["guarantee_pool_cap is 'all'", "must be a finite number"]),
    "metric: a tranche of none": (lambda c: sr.calibrate(c["deal"], c["sim"], vary={SCALE: (0, 2)},
                                                         target={"rich/tranche_irr[senior]": ("mean", 0.1)}),
                                  ["tranche is 'senior'", "no tranches"]),
    "Programme: a huge control group": (lambda c: sr.Programme(
        "x", [sr.State("a"), sr.State("b")], [sr.Transition("a", "b", (0.1,))],
        sr.Cohort([5], [sr.Subgroup("all", 1.0, "a")]), horizon_months=6, control_size=10 ** 12),
        ["control_size is 1000000000000", "at most 1000000"]),
    "Programme: a huge cohort": (lambda c: sr.Programme(
        "x", [sr.State("a"), sr.State("b")], [sr.Transition("a", "b", (0.1,))],
        sr.Cohort([10 ** 9] * 3, [sr.Subgroup("all", 1.0, "a")]), horizon_months=6),
        ["cohort size is 3000000000", "at most 1,000,000 people"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_api_input_is_one_clear_error(ctx, name):
    call, fragments = CASES[name]
    message = assert_spec_error(lambda: call(ctx), fragments)
    assert "\n" not in message


def test_the_corpus_is_large():
    assert len(CASES) >= 60


def test_unicode_names_are_names():
    p = sr.Programme("holbæk", [sr.State("sygedagpenge"), sr.State("beskæftiget")],
                     [sr.Transition("sygedagpenge", "beskæftiget", (0.1,))],
                     sr.Cohort([5], [sr.Subgroup("alle", 1.0, "sygedagpenge")]), horizon_months=6)
    ds = sr.simulate(p, draws=3, rng=1)
    assert ds.attrs["programme"] == "holbæk" and "beskæftiget" in ds.state.values


def test_a_truncated_distribution_is_accepted_where_the_plain_one_is_refused():
    deal = rich_deal()
    u = Uncertainty({"rich/hazards.sick_pay->employed.scale": Truncated(Normal(1, 0.5), low=0.0)})
    r = sr.evaluate(deal, draws=50, rng=1, uncertainty=u)
    assert float(r.input_value.min()) >= 0.0
    xr.testing.assert_identical(r, sr.settle(deal, sr.simulate_portfolio(deal, draws=50, rng=1, uncertainty=u)))
