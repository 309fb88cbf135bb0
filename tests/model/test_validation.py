"""Every validation rule: bad input gets one SpecError naming the field, the value and the rule."""

import dataclasses

import numpy as np
import pytest
from checks import assert_spec_error
from models import rich_programme

import sirisk as sr
from sirisk.engine.lowering import lower_draws, lower_model

S = sr.State
T = sr.Transition
G = sr.Subgroup("all", 1.0, "a")
C = sr.Cohort([2], [G])
STATES = [S("a", benefit=True), S("b"), S("z", absorbing=True)]
TRANS = [T("a", "b", (0.1,))]


def prog(**kw):
    base = dict(name="p", states=STATES, transitions=TRANS, cohort=C, horizon_months=12)
    base.update(kw)
    return sr.Programme(**base)


def draws(params, n=2):
    p = rich_programme()
    return lower_draws(p, lower_model(p), n, params)


CASES = {
    # states
    "state name": (lambda: S("1a"), ["name", "'1a'", "must start with a letter"]),
    "state benefit flag": (lambda: S("a", benefit="yes"), ["benefit", "'yes'", "True or False"]),
    "state absorbing flag": (lambda: S("a", absorbing=1), ["absorbing", "1", "True or False"]),
    # transitions
    "transition to itself": (lambda: T("a", "a", (0.1,)), ["a->a", "target", "another state"]),
    "probability above 1": (lambda: T("a", "b", (1.2,)), ["probabilities[0]", "1.2", "[0, 1]"]),
    "probability NaN": (lambda: T("a", "b", (float("nan"),)), ["probabilities[0]", "nan", "[0, 1]"]),
    "probabilities empty": (lambda: T("a", "b", ()), ["probabilities", "()", "at least one band"]),
    "probabilities a string": (lambda: T("a", "b", "0.1"), ["probabilities", "'0.1'", "sequence"]),
    "band count mismatch": (lambda: T("a", "b", (0.1, 0.2)), ["band_starts", "(0,)", "one start per probability"]),
    "band not from 0": (lambda: T("a", "b", (0.1,), band_starts=(1,)), ["band_starts[0]", "1", "start at duration 0"]),
    "band not increasing": (lambda: T("a", "b", (0.1, 0.2, 0.3), band_starts=(0, 3, 3)),
                            ["band_starts[2]", "3", "strictly increasing"]),
    "band start fractional": (lambda: T("a", "b", (0.1, 0.2), band_starts=(0, 1.5)),
                              ["band_starts[1]", "1.5", "integer"]),
    "transition subgroup name": (lambda: T("a", "b", (0.1,), subgroup="x y"), ["subgroup", "'x y'", "name"]),
    # rules
    "rule to itself": (lambda: sr.Rule("a", "a", 3), ["rule a->a", "target", "another state"]),
    "rule after 0 months": (lambda: sr.Rule("a", "b", 0), ["after_months", "0", "at least 1"]),
    # subgroups and cohorts
    "share zero": (lambda: sr.Subgroup("g", 0.0, "a"), ["share", "0.0", "> 0"]),
    "share above 1": (lambda: sr.Subgroup("g", 1.5, "a"), ["share", "1.5", "<= 1"]),
    "negative entry duration": (lambda: sr.Subgroup("g", 1.0, "a", entry_duration_months=-1),
                                ["entry_duration_months", "-1", "at least 0"]),
    "negative entry clock": (lambda: sr.Subgroup("g", 1.0, "a", entry_benefit_clock_months=-2),
                             ["entry_benefit_clock_months", "-2", "at least 0"]),
    "negative intake": (lambda: sr.Cohort([3, -1], [G]), ["intake[1]", "-1", "at least 0"]),
    "nobody enrols": (lambda: sr.Cohort([0, 0], [G]), ["intake", "(0, 0)", "at least one person"]),
    "no subgroups": (lambda: sr.Cohort([1], []), ["subgroups", "()", "at least one subgroup"]),
    "subgroup wrong type": (lambda: sr.Cohort([1], ["all"]), ["subgroups", "'all'", "Subgroup"]),
    "duplicate subgroups": (lambda: sr.Cohort([1], [G, G]), ["subgroup name", "'all'", "unique"]),
    "shares do not sum to 1": (lambda: sr.Cohort([1], [sr.Subgroup("g", 0.5, "a")]),
                               ["sum of subgroup shares", "0.5", "sum to 1"]),
    "entry months negative": (lambda: sr.Cohort.from_entry_months([0, -3], [G]), ["entry_months[1]", "-3", "at least 0"]),
    # benefit clock
    "clock edge zero": (lambda: sr.BenefitClock((0, 6)), ["band_edges_months[0]", "0", "at least 1"]),
    "clock edges unordered": (lambda: sr.BenefitClock((6, 1)), ["band_edges_months[1]", "1", "strictly increasing"]),
    "clock reset zero": (lambda: sr.BenefitClock(reset_after_months_off=0), ["reset_after_months_off", "0", "at least 1"]),
    # effects
    "effect move syntax": (lambda: sr.Effect("e", ["a-b"], 1.2), ["transitions", "'a-b'", "source->target"]),
    "effect no moves": (lambda: sr.Effect("e", [], 1.2), ["transitions", "()", "at least one move"]),
    "effect duplicate move": (lambda: sr.Effect("e", ["a->b", ("a", "b")], 1.2), ["transitions", "each move may appear once"]),
    "effect hazard ratio zero": (lambda: sr.Effect("e", ["a->b"], 0.0), ["hazard_ratio", "0.0", "> 0"]),
    "effect lock-in ratio negative": (lambda: sr.Effect("e", ["a->b"], 1.0, lock_in_hazard_ratio=-1),
                                      ["lock_in_hazard_ratio", "-1", "> 0"]),
    "effect negative ramp": (lambda: sr.Effect("e", ["a->b"], 1.0, ramp_up_months=-1), ["ramp_up_months", "-1", "at least 0"]),
    "effect profile and ramp": (lambda: sr.Effect("e", ["a->b"], 1.0, ramp_up_months=2, profile=(0.5, 1.0)),
                                ["profile", "not both"]),
    "effect profile empty": (lambda: sr.Effect("e", ["a->b"], 1.0, profile=()), ["profile", "at least one weight"]),
    # measures
    "measure no states": (lambda: sr.Sustained("m", ()), ["states", "()", "at least one state"]),
    "measure zero months": (lambda: sr.Sustained("m", "b", months=0), ["months", "0", "at least 1"]),
    "measure window zero": (lambda: sr.MonthsIn("m", "b", within_months=0), ["within_months", "0", "at least 1"]),
    "measure month negative": (lambda: sr.InStatesAt("m", "b", month=-1), ["month", "-1", "at least 0"]),
    # programme: cross references
    "no states": (lambda: prog(states=[], transitions=[]), ["states", "()", "at least one state"]),
    "too many states": (lambda: prog(states=[S(f"s{i}") for i in range(65)], transitions=[],
                                     cohort=sr.Cohort([1], [sr.Subgroup("g", 1.0, "s0")])),
                        ["number of states", "65", "at most 64"]),
    "duplicate states": (lambda: prog(states=[S("a"), S("a")]), ["state name", "'a'", "unique"]),
    "state wrong type": (lambda: prog(states=["a"]), ["states", "'a'", "State"]),
    "horizon zero": (lambda: prog(horizon_months=0), ["horizon_months", "0", "at least 1"]),
    "negative control": (lambda: prog(control_size=-5), ["control_size", "-5", "at least 0"]),
    "unknown target": (lambda: prog(transitions=[T("a", "q", (0.1,))]), ["target", "'q'", "one of the states"]),
    "unknown source": (lambda: prog(transitions=[T("q", "a", (0.1,))]), ["source", "'q'", "one of the states"]),
    "unknown subgroup": (lambda: prog(transitions=[T("a", "b", (0.1,), subgroup="old")]),
                         ["subgroup", "'old'", "one of the subgroups"]),
    "duplicate table": (lambda: prog(transitions=[T("a", "b", (0.1,)), T("a", "b", (0.2,))]),
                        ["a->b", "one table per subgroup"]),
    "exit from absorbing": (lambda: prog(transitions=[T("z", "a", (0.1,))]), ["source", "'z'", "absorbing"]),
    "exits sum above 1": (lambda: prog(transitions=[T("a", "b", (0.5, 0.7), band_starts=(0, 4)),
                                                    T("a", "z", (0.4,))]),
                          ["from a at duration 4", "1.1", "must not sum above 1", "b 0.7", "z 0.4"]),
    "rule unknown target": (lambda: prog(rules=[sr.Rule("a", "q", 2)]), ["target", "'q'", "one of the states"]),
    "rule from absorbing": (lambda: prog(rules=[sr.Rule("z", "a", 2)]), ["source", "'z'", "absorbing"]),
    "two rules": (lambda: prog(rules=[sr.Rule("a", "b", 2), sr.Rule("a", "z", 3)]), ["source", "'a'", "one rule per state"]),
    "intake beyond horizon": (lambda: prog(cohort=sr.Cohort([1] * 13, [G])), ["intake months", "13", "within horizon"]),
    "unknown entry state": (lambda: prog(cohort=sr.Cohort([1], [sr.Subgroup("g", 1.0, "q")])),
                            ["entry_state", "'q'", "one of the states"]),
    "entry past rule": (lambda: prog(rules=[sr.Rule("a", "b", 3)],
                                     cohort=sr.Cohort([1], [sr.Subgroup("g", 1.0, "a", entry_duration_months=3)])),
                        ["entry_duration_months", "3", "below the rule's 3 months"]),
    "entry clock below duration": (lambda: prog(cohort=sr.Cohort([1], [sr.Subgroup(
        "g", 1.0, "a", entry_duration_months=4, entry_benefit_clock_months=2)])),
        ["entry_benefit_clock_months", "2", "cannot be below the 4 months"]),
    "effect unknown state": (lambda: prog(effects=[sr.Effect("e", ["a->q"], 1.2)]), ["transitions target", "'q'"]),
    "effect without table": (lambda: prog(effects=[sr.Effect("e", ["b->a"], 1.2)]), ["transitions", "'b->a'", "needs a transition table"]),
    "two effects on a move": (lambda: prog(effects=[sr.Effect("e", ["a->b"], 1.2), sr.Effect("f", ["a->b"], 1.1)]),
                              ["'a->b'", "already carries effect 'e'"]),
    "duplicate effects": (lambda: prog(effects=[sr.Effect("e", ["a->b"], 1.2)] * 2), ["effect name", "'e'", "unique"]),
    "measure unknown state": (lambda: prog(measures=[sr.Sustained("m", "q")]), ["measure 'm'", "'q'", "one of the states"]),
    "duplicate measures": (lambda: prog(measures=[sr.Sustained("m", "b")] * 2), ["measure name", "'m'", "unique"]),
    # per-draw parameters
    "unknown parameter": (lambda: draws({"effects.wrok.hazard_ratio": [1, 1]}),
                          ["parameter path", "'effects.wrok.hazard_ratio'", "must be one of", "effects.work.hazard_ratio"]),
    "parameter wrong length": (lambda: draws({"cohort.size": [1, 2, 3]}), ["'cohort.size'", "(3,)", "one value per draw"]),
    "parameter not a number": (lambda: draws({"cohort.size": ["a", "b"]}), ["'cohort.size'", "dtype", "real numbers"]),
    "parameter infinite": (lambda: draws({"effects.work.hazard_ratio": [1.0, np.inf]}),
                           ["draw 1", "inf", "finite"]),
    "cohort size fractional": (lambda: draws({"cohort.size": [10, 10.5]}), ["draw 1", "10.5", "whole number"]),
    "cohort size negative": (lambda: draws({"cohort.size": [-1, 10]}), ["draw 0", "-1.0", "cohort size must lie in"]),
    "hazard ratio zero per draw": (lambda: draws({"effects.work.hazard_ratio": [1.0, 0.0]}),
                                   ["draw 1", "0.0", "hazard ratio must be > 0"]),
    "negative scale": (lambda: draws({"hazards.sick_pay->employed.scale": [1.0, -0.1]}), ["draw 1", "-0.1", ">= 0"]),
    "fractional ramp per draw": (lambda: draws({"effects.work.ramp_up_months": [1, 2.5]}), ["draw 1", "2.5", "whole number"]),
    # simulate options
    "simulate not a programme": (lambda: sr.simulate("holbaek"), ["programme", "str", "sirisk.Programme"]),
    "simulate zero draws": (lambda: sr.simulate(rich_programme(), draws=0), ["draws", "0", "positive number"]),
    "simulate stepped range": (lambda: sr.simulate(rich_programme(), draws=range(0, 10, 2)), ["draws", "step by 1"]),
    "simulate unknown arm": (lambda: sr.simulate(rich_programme(), draws=2, arms=["treatment"]),
                             ["arms", "'treatment'", "one of"]),
    "simulate no arms": (lambda: sr.simulate(rich_programme(), draws=2, arms=[]), ["arms", "at least one"]),
    "simulate threads": (lambda: sr.simulate(rich_programme(), draws=2, threads=0), ["threads", "0", "integer from 1"]),
    "simulate seed": (lambda: sr.simulate(rich_programme(), draws=2, rng=-3), ["rng", "-3", "non-negative integer"]),
    "simulate seed float": (lambda: sr.simulate(rich_programme(), draws=2, rng=1.5), ["rng", "1.5", "non-negative integer"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_stopped_with_a_clear_error(name):
    assert_spec_error(*CASES[name])


def test_programme_names_itself_in_errors():
    with pytest.raises(sr.SpecError, match=r"^programme 'p': "):
        prog(horizon_months=-1)


def test_specs_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        STATES[0].name = "c"
    assert isinstance(prog().states, tuple)


def test_subgroup_tables_override_the_default():
    p = rich_programme()
    young = {t.target: t.probabilities for t in p.tables_from("sick_pay", "young")}
    adult = {t.target: t.probabilities for t in p.tables_from("sick_pay", "adult")}
    assert young["employed"] == (0.05,) and adult["employed"] == (0.12, 0.08, 0.05)


def test_exits_may_sum_to_exactly_one():
    p = prog(transitions=[T("a", "b", (0.6,)), T("a", "z", (0.4,))])
    assert p.tables_from("a", "all")
