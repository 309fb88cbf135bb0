"""Bad scenario files: `sirisk validate` stops each one with one line (exit 2) naming the key, the value and the rule.

Each case mutates the exported dsi2021 scenario. validate runs every check `sirisk run` runs before it
simulates, so the same line stops `run` (checked for a sample of the cases): "valid" means the run starts.
"""

import copy
import tomllib

import pytest
import tomli_w

from sirisk import io
from sirisk.cli import main
from sirisk.scenarios import load, provenance_of

H = ("portfolio", "deals", 0)         # Holbaek's deal
P = H + ("programme",)


def _at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def setting(path, key, value):
    def mutate(doc):
        _at(doc, path)[key] = value
    return mutate


def dropping(path, key):
    def mutate(doc):
        del _at(doc, path)[key]
    return mutate


def appending(path, item):
    def mutate(doc):
        _at(doc, path).append(item)
    return mutate


def uncertain(name, dist):
    return setting(("uncertainty", "parameters"), name, dist)


T0 = P + ("transitions", 0)
C = P + ("cohort",)
E = P + ("effects", 0)
M = H + ("contract", "mechanisms", 0)
INV = H + ("investor",)
NORMAL = {"type": "Normal", "mean": 1.0, "sd": 0.5}

CASES = {
    # [run]
    "no draws": (setting(("run",), "draws", 0), ["run.draws", "0", "at least 1"]),
    "draws a word": (setting(("run",), "draws", "many"), ["run.draws", "'many'", "whole number"]),
    "draws yes": (setting(("run",), "draws", True), ["run.draws", "True", "whole number"]),
    "negative seed": (setting(("run",), "seed", -1), ["run.seed", "-1", "at least 0"]),
    "no batch": (setting(("run",), "batch_size", 0), ["run.batch_size", "0", "at least 1"]),
    "too many threads": (setting(("run",), "threads", 999), ["threads is 999", "from 1 to"]),
    "unknown run key": (setting(("run",), "colour", 1), ["run.colour", "unknown key", "run takes"]),
    "draws beyond memory": (setting(("run",), "draws", 10 ** 13), ["10,000,000,000,000 draws", "needs about",
                                                                   "use fewer draws (--draws)"]),
    # [portfolio]
    "name with a space": (setting(("portfolio",), "name", "dsi 2021"), ["name is 'dsi 2021'", "no spaces"]),
    "name a number": (setting(("portfolio",), "name", 5), ["name is 5", "a name must start with a letter"]),
    "negative limit": (setting(("portfolio",), "investment_limit", -1.0), ["investment_limit is -1.0", ">= 0"]),
    "limit too small": (setting(("portfolio",), "investment_limit", 1e6), ["total investment", "must not exceed"]),
    "no deals": (setting(("portfolio",), "deals", []), ["deals is ()", "give at least one deal"]),
    "a field's old name": (lambda d: _at(d, ("portfolio", "deals", 0, "contract", "mechanisms", 0)).update(
        payment_dkk=_at(d, ("portfolio", "deals", 0, "contract", "mechanisms", 0)).pop("payment")),
        ["mechanisms[0].payment_dkk", "renamed to 'payment'"]),
    "an old name of the guarantee cap": (lambda d: _at(d, ("portfolio", "deals", 0, "guarantee")).update(
        cap_dkk=_at(d, ("portfolio", "deals", 0, "guarantee")).pop("cap")), ["guarantee.cap_dkk", "renamed to 'cap'"]),
    "unknown portfolio key": (setting(("portfolio",), "colour", "red"), ["portfolio.colour", "unknown key"]),
    "the same programme twice": (lambda d: d["portfolio"]["deals"].append(copy.deepcopy(d["portfolio"]["deals"][0])),
                                 ["programme name is 'holbaek'", "names must be unique"]),
    # programme
    "programme name empty": (setting(P, "name", ""), ["name is ''", "a name must start with a letter"]),
    "no states": (setting(P, "states", []), ["states is ()", "give at least one state"]),
    "a state twice": (lambda d: _at(d, P)["states"].append(dict(_at(d, P)["states"][0])),
                      ["state name is 'sick_pay'", "names must be unique"]),
    "a probability above 1": (setting(T0, "probabilities", [1.2]), ["probabilities", "1.2", "must lie in [0, 1]"]),
    "a negative probability": (setting(T0, "probabilities", [-0.1]), ["-0.1", "must lie in [0, 1]"]),
    "an unknown target": (setting(T0, "target", "moon"), ["target is 'moon'", "must be one of the states"]),
    "an unknown source": (setting(T0, "source", "moon"), ["source is 'moon'", "must be one of the states"]),
    "exits above 1": (setting(T0, "probabilities", [0.995]), ["sum of exit probabilities from sick_pay",
                                                               "must not sum above 1"]),
    "bands out of step": (setting(T0, "band_starts", [0, 3]), ["band_starts", "probabilities"]),
    "a move written wrong": (setting(T0, "target", "employed->education"), ["target is 'employed->education'"]),
    "no horizon": (setting(P, "horizon_months", 0), ["horizon_months is 0", "at least 1"]),
    "an endless horizon": (setting(P, "horizon_months", 40_000), ["horizon_months is 40000", "at most 32000"]),
    "a huge control group": (setting(P, "control_size", 10 ** 12), ["control_size is 1000000000000", "at most"]),
    "a negative control group": (setting(P, "control_size", -1), ["control_size is -1", "at least 0"]),
    "a huge intake": (setting(C, "intake", [10 ** 9] * 24), ["cohort size is 24000000000", "at most 1,000,000"]),
    "a negative intake": (setting(C, "intake", [-1] + [8] * 23), ["intake[0] is -1", "at least 0"]),
    "nobody enrols": (setting(C, "intake", [0] * 24), ["intake", "at least one person must enrol"]),
    "intake beyond the horizon": (setting(C, "intake", [1] * 130), ["cohort intake months is 130",
                                                                     "within horizon_months=120"]),
    "a subgroup of nobody": (setting(C + ("subgroups", 0), "share", 0.0), ["share is 0.0", "> 0"]),
    "shares not summing to 1": (setting(C + ("subgroups", 0), "share", 0.5), ["sum of subgroup shares is 0.5",
                                                                              "must sum to 1"]),
    "an unknown entry state": (setting(C + ("subgroups", 0), "entry_state", "moon"), ["entry_state is 'moon'"]),
    "entry beyond the rule": (setting(C + ("subgroups", 0), "entry_duration_months", 7),
                              ["entry_duration_months is 7", "below the rule's 5 months"]),
    "a zero hazard ratio": (setting(E, "hazard_ratio", 0.0), ["hazard_ratio is 0.0", "must be > 0"]),
    "a negative hazard ratio": (setting(E, "hazard_ratio", -1.0), ["hazard_ratio is -1.0", "must be > 0"]),
    "an effect on a missing move": (setting(E, "transitions", ["employed->outside"]),
                                    ["transitions is 'employed->outside'", "needs a transition table"]),
    "a negative effect weight": (lambda d: (_at(d, E).pop("ramp_up_months", None),
                                            _at(d, E).update(profile=[0.5, -0.5])),
                                 ["profile[1] is -0.5", "a weight must be >= 0"]),
    "negative lock-in months": (setting(E, "lock_in_months", -1), ["lock_in_months is -1", "at least 0"]),
    "clock bands out of order": (setting(P + ("benefit_clock",), "band_edges_months", [6, 1, 12]),
                                 ["band_edges_months", "increasing"]),
    "an unknown measure type": (setting(P + ("measures", 0), "type", "Forever"), ["type", "'Forever'", "must be one of"]),
    "a measure of no months": (lambda d: _at(d, P)["measures"][1].update(months=0), ["months is 0", "at least 1"]),
    "a measure of an unknown state": (setting(P + ("measures", 0), "states", ["moon"]), ["states is 'moon'"]),
    "an unknown programme key": (setting(P, "colour", "red"), ["colour", "unknown key", "Programme takes"]),
    "a missing cohort": (dropping(P, "cohort"), ["missing key 'cohort'"]),
    # budget
    "a flow of an unknown state": (setting(H + ("budget", "flows", 0), "state", "moon"), ["state is 'moon'"]),
    "a flow of an unknown holder": (setting(H + ("budget", "flows", 0), "holder", "region"),
                                    ["holder is 'region'", "must be one of the holders"]),
    "a negative refundable benefit": (setting(H + ("budget", "flows", 0), "per_month", -5.0),
                                      ["per_month is -5.0", "a refundable benefit cannot be negative"]),
    "refund shares of the wrong count": (setting(H + ("budget", "refund"), "shares", [0.8, 0.4]),
                                         ["refund.shares", "one share per benefit-clock band"]),
    "a refund share above 1": (setting(H + ("budget", "refund"), "shares", [1.5, 0.4, 0.3, 0.2]),
                               ["shares[0] is 1.5", "<= 1"]),
    "a discount rate of 200 %": (setting(H + ("budget",), "discount_rate_per_year", 2.0),
                                 ["discount_rate_per_year is 2.0", "<= 1"]),
    "a price year of 1800": (setting(H + ("budget",), "price_year", 1800), ["price_year is 1800", "at least 1900"]),
    "a holder missing": (setting(H + ("budget",), "holders", ["state"]), ["holder is 'municipality'",
                                                                          "must be one of the holders ('state',)"]),
    # costs
    "negative costs": (setting(H + ("costs",), "per_participant_month", -5.0),
                       ["per_participant_month is -5.0", ">= 0"]),
    "no months of service": (setting(H + ("costs",), "service_months", 0), ["service_months is 0", "at least 1"]),
    "costs above the commitment": (setting(H + ("costs",), "per_participant_month", 1e6),
                                   ["base-case programme costs", "must not exceed the investor's commitment"]),
    # contract
    "no mechanisms": (setting(H + ("contract",), "mechanisms", []), ["mechanisms is ()", "at least one"]),
    "an unknown mechanism": (setting(M, "type", "Bonus"), ["type", "'Bonus'", "must be one of"]),
    "a threshold on an unknown outcome": (setting(M, "outcome", "happiness"), ["outcome is 'happiness'",
                                                                               "must be one of the outcomes"]),
    "overlapping cohorts": (setting(M, "cohorts", [[0, 11], [10, 23]]), ["cohorts[1] is (10, 23)", "not overlap"]),
    "measured before the cohort ends": (setting(M, "measure_months", [6, 36]),
                                        ["measure_months[0] is 6", "the cohort's last enrolment month 11"]),
    "a fallback beyond the horizon": (setting(M, "fallback_month", 130), ["measure month is 130",
                                                                         "below horizon_months=120"]),
    "an unknown mode": (setting(M, "mode", "sometimes"), ["mode is 'sometimes'", "'all_or_nothing' or 'proportional'"]),
    "proportional without full_at": (dropping(M, "full_at"), ["full_at is None", "pays in full"]),
    "full_at below the threshold": (setting(M, "full_at", 0.01), ["full_at is 0.01", "above the threshold"]),
    "a lag beyond the horizon": (setting(M, "lag_months", 130), ["lag_months is 130", "below horizon_months=120"]),
    "an unknown baseline": (setting(M + ("baseline",), "kind", "oracle"), ["kind is 'oracle'", "must be one of"]),
    "a baseline rate of 150 %": (setting(M + ("baseline",), "rate", 1.5), ["baseline.rate is 1.5", "a share is at most 1"]),
    "a control group nobody has": (setting(M, "baseline", {"kind": "control_group"}),
                                   ["baseline is 'control_group'", "no control group"]),
    "an outcome of an unknown measure": (setting(H + ("contract", "outcomes", 0), "measure", "luck"),
                                         ["measure is 'luck'", "must be one of the programme's measures"]),
    "a negative payment": (setting(M, "payment", -1.0), ["payment is -1.0", ">= 0"]),
    "a fallback before the cohorts": (setting(M, "fallback_month", 30), ["fallback_month is 30", "at least 36"]),
    # investor and guarantee
    "a negative commitment": (setting(INV, "commitment", -1.0), ["commitment is -1.0", ">= 0"]),
    "a return cap of 2000 %": (setting(INV, "return_cap_per_year", 20.0), ["return_cap_per_year is 20.0", "<= 10"]),
    "a floor above the cap": (setting(INV, "interest_floor_per_year", 0.3), ["interest_floor_per_year is 0.3",
                                                                            "above the return cap"]),
    "maturity beyond the horizon": (setting(INV, "maturity_month", 200), ["investor.maturity_month is 200",
                                                                         "below horizon_months=120"]),
    "a hurdle of -90 %": (setting(INV, "hurdle_rate_per_year", -0.9), ["hurdle_rate_per_year is -0.9", ">= -0.5"]),
    "a floor of 150 %": (setting(INV, "principal_floor_share", 1.5), ["principal_floor_share is 1.5", "<= 1"]),
    "a negative guarantee": (setting(H + ("guarantee",), "cap", -5.0), ["cap is -5.0", ">= 0"]),
    "a surplus share of 150 %": (setting(H + ("guarantee",), "surplus_share", 1.5), ["surplus_share is 1.5", "<= 1"]),
    # [uncertainty]
    "a parameter without a programme": (uncertain("effects.effect.hazard_ratio", {"type": "Uniform", "low": 1, "high": 2}),
                                        ["parameter is 'effects.effect.hazard_ratio'", "'programme/path'"]),
    "a parameter of an unknown programme": (uncertain("viborg/costs.scale", {"type": "Uniform", "low": 1, "high": 2}),
                                            ["'viborg/costs.scale'", "'viborg' is not a programme"]),
    "an unknown parameter path": (uncertain("holbaek/effects.ips.hazard_ratio", {"type": "Uniform", "low": 1, "high": 2}),
                                  ["'holbaek/effects.ips.hazard_ratio'", "must be one of holbaek's"]),
    "an unknown distribution": (uncertain("holbaek/costs.scale", {"type": "Cauchy"}), ["'Cauchy'", "must be one of"]),
    "a PERT out of order": (uncertain("holbaek/costs.scale", {"type": "PERT", "low": 2, "mode": 1, "high": 3}),
                            ["PERT", "mode"]),
    "a normal hazard scale": (uncertain("holbaek/hazards.sick_pay->employed.scale", NORMAL),
                              ["'holbaek/hazards.sick_pay->employed.scale'", "leaves the parameter's domain [0, inf)",
                               "Truncated("]),
    "a normal cohort size": (uncertain("svendborg/cohort.size", {"type": "Normal", "mean": 180, "sd": 100}),
                             ["'svendborg/cohort.size'", "[0, 1e+06]", "probability"]),
    "a money scale below zero": (uncertain("holbaek/costs.scale", {"type": "Uniform", "low": -1, "high": 1}),
                                 ["'holbaek/costs.scale'", "probability 0.5", "a scale factor must be >= 0"]),
    "a hazard ratio of zero": (uncertain("holbaek/effects.effect.hazard_ratio", {"type": "Fixed", "value": 0.0}),
                               ["Fixed(value=0.0)", "(0, inf)", "a hazard ratio must be > 0"]),
    "a negative lognormal sd": (uncertain("holbaek/costs.scale", {"type": "LogNormal", "mean": 1.0, "sd": -1.0}),
                                ["sd is -1.0", "> 0"]),
    "a shock on an unknown programme": (lambda d: d["uncertainty"]["shocks"][0]["targets"].append(
        "viborg/hazards.a->b.scale"), ["shock 'labour_market'", "'viborg' is not a programme"]),
    "a shock on a missing move": (lambda d: d["uncertainty"]["shocks"][0]["targets"].append(
        "holbaek/hazards.employed->education.scale"), ["'holbaek/hazards.employed->education.scale'", "must be one of"]),
    "a shock on a cost": (lambda d: d["uncertainty"]["shocks"][0]["targets"].append("holbaek/costs.scale"),
                          ["targets is 'holbaek/costs.scale'", "a shock scales hazards"]),
    "a shock below zero": (lambda d: d["uncertainty"]["shocks"][0].update(distribution=dict(NORMAL)),
                           ["shock 'labour_market'", "leaves [0, inf)"]),
    "an unknown sampling method": (setting(("uncertainty",), "method", "quasi"), ["method is 'quasi'", "must be one of"]),
    "a copula of unknown names": (setting(("uncertainty",), "copula", {"names": ["a/b", "c/d"],
                                                                       "matrix": [[1, 0.5], [0.5, 1]]}),
                                  ["copula name is 'a/b'", "must be an uncertain parameter or a shock"]),
    "a copula not positive definite": (setting(("uncertainty",), "copula", {
        "names": ["holbaek/effects.effect.hazard_ratio", "svendborg/effects.effect.hazard_ratio",
                  "guldborgsund/effects.effect.hazard_ratio"],
        "matrix": [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]}), ["matrix", "positive"]),
    "an unknown uncertainty key": (setting(("uncertainty",), "colour", 1), ["uncertainty.colour", "unknown key"]),
    # [calibrate]
    "calibrate an unknown term": (setting((), "calibrate", {"vary": {"holbaek/contract.price": [0, 1]},
                                                            "target": {"holbaek/investor_irr": ["mean", 0.05]}}),
                                  ["calibrate", "Contract has no field 'price'"]),
    "calibrate reversed bounds": (setting((), "calibrate", {"vary": {"holbaek/contract.mechanisms[0].scale": [3, 1]},
                                                            "target": {"holbaek/investor_irr": ["mean", 0.05]}}),
                                  ["bounds are (3, 1)", "low must be below high"]),
    "calibrate an unknown metric": (setting((), "calibrate", {"vary": {"holbaek/contract.mechanisms[0].scale": [0, 3]},
                                                              "target": {"holbaek/irr": ["mean", 0.05]}}),
                                    ["variable is 'irr'", "one value per draw"]),
    "calibrate a probability of 2": (setting((), "calibrate", {
        "vary": {"holbaek/contract.mechanisms[0].scale": [0, 3]},
        "target": {"holbaek/municipality_overpaid": ["probability", 2.0]}}), ["value is 2", "a probability lies in [0, 1]"]),
    "calibrate an unknown key": (setting((), "calibrate", {"vary": {}, "target": {}, "speed": 1}),
                                 ["calibrate.speed", "unknown key"]),
    "calibrate without a target": (setting((), "calibrate", {"vary": {"holbaek/contract.mechanisms[0].scale": [0, 3]}}),
                                   ["missing key 'target'"]),
    "calibrate the programme": (setting((), "calibrate", {"vary": {"holbaek/programme.horizon_months": [60, 100]},
                                                          "target": {"holbaek/investor_irr": ["mean", 0.05]}}),
                                ["programme is fixed by the simulation"]),
    # [[provenance]]
    "provenance not a list": (setting((), "provenance", {"kind": "cited"}), ["provenance: must be a list of tables"]),
    "provenance of an unknown kind": (setting(("provenance", 0), "kind", "rumoured"),
                                      ["provenance[0]: kind is 'rumoured'", "cited, assumed, designed"]),
    "provenance without a source": (dropping(("provenance", 0), "source"),
                                    ["provenance[0]: missing key 'source'", "a cited entry has key, value, source"]),
    "provenance with an unknown key": (setting(("provenance", 0), "page", 3), ["provenance[0]: unknown key 'page'"]),
    "provenance with an empty source": (setting(("provenance", 0), "source", " "),
                                        ["provenance[0].source: is ' '", "non-empty text"]),
    "an assumption outside its range": (lambda d: next(r for r in d["provenance"] if r["kind"] == "assumed").update(
        value=1e9), ["value is 1000000000.0", "must lie in its range"]),
    "an assumption's range a word": (lambda d: next(r for r in d["provenance"] if r["kind"] == "assumed").update(
        low="low"), [".low: is 'low'", "must be numbers"]),
    # sections
    "an unknown section": (setting((), "extra", {"a": 1}), ["extra: unknown section"]),
    "no portfolio": (dropping((), "portfolio"), ["portfolio: missing section"]),
}


@pytest.fixture(scope="module")
def exported():
    portfolio, uncertainty, _ = load("dsi2021")
    return tomllib.loads(io.dumps(portfolio, uncertainty, {"draws": 1000, "seed": 1},
                                  provenance=provenance_of("dsi2021")))


def _validate(path, capsys):
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    return code, out.err.strip().splitlines(), out.out


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_scenario_file_is_one_line_naming_key_value_and_rule(exported, name, tmp_path, monkeypatch, capsys):
    mutate, fragments = CASES[name]
    doc = copy.deepcopy(exported)
    mutate(doc)
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(doc))
    monkeypatch.chdir(tmp_path)
    code, lines, _ = _validate(path, capsys)
    assert code == 2, (name, lines)
    assert len(lines) == 1 and lines[0].startswith("sirisk: error: "), lines
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert "Traceback" not in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


SAMPLE = ["too many threads", "draws beyond memory", "a normal hazard scale", "a shock on a missing move",
          "a parameter of an unknown programme", "a negative effect weight", "a huge control group"]


@pytest.mark.parametrize("name", SAMPLE)
def test_run_stops_the_same_files_with_the_same_line(exported, name, tmp_path, monkeypatch, capsys):
    mutate, fragments = CASES[name]
    doc = copy.deepcopy(exported)
    mutate(doc)
    (tmp_path / "bad.toml").write_text(tomli_w.dumps(doc))
    monkeypatch.chdir(tmp_path)
    validated = _validate("bad.toml", capsys)[1]
    code = main(["run", "bad.toml", "--quiet", "--out", "out"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and lines == validated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]  # not even the --out folder


@pytest.mark.parametrize("content, fragment", [
    (b"\xff\xfe\x00binary", "is not UTF-8 text (byte 0xff at position 0)"),
    ('name = "holb\xe6k"'.encode("latin-1"), "is not UTF-8 text (byte 0xe6 at position 12)"),
    (b"portfolio = [", "not valid TOML"),
    (b"", "portfolio: missing section"),
])
def test_files_that_are_not_scenarios(content, fragment, tmp_path, monkeypatch, capsys):
    (tmp_path / "f.toml").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    code, lines, _ = _validate("f.toml", capsys)
    assert code == 2 and len(lines) == 1 and fragment in lines[0], lines


def test_a_folder_or_a_missing_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.toml").mkdir()
    for name, fragment in (("d.toml", "cannot read the file: Is a directory"),
                           ("none.toml", "cannot read the file: No such file or directory")):
        code, lines, _ = _validate(name, capsys)
        assert code == 2 and len(lines) == 1 and fragment in lines[0], lines


def test_the_exported_file_itself_is_valid(exported, tmp_path, capsys):
    (tmp_path / "s.toml").write_text(tomli_w.dumps(exported))
    code, lines, out = _validate(tmp_path / "s.toml", capsys)
    assert code == 0 and lines == [] and "valid" in out


def test_the_corpus_is_large():
    assert len(CASES) >= 90
