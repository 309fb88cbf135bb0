"""Scenario files: everything the API can say round-trips through TOML; bad files get one clear line."""

import dataclasses

import pytest
from models import rich_deal, rich_programme

import sirisk as sr
from sirisk import io
from sirisk.scenarios import load
from sirisk.uncertainty import (PERT, Beta, Empirical, GaussianCopula, LogNormal, NegativeBinomial, SharedShock,
                                TruncatedNormal, Uncertainty)


@pytest.mark.parametrize("name", ["dsi2021", "reference"])
def test_built_in_scenarios_round_trip_identically(name, tmp_path):
    portfolio, uncertainty, _ = load(name)
    io.dump(tmp_path / "s.toml", portfolio, uncertainty, {"draws": 500, "seed": 3})
    assert io.load(tmp_path / "s.toml") == (portfolio, uncertainty, {"draws": 500, "seed": 3})


def test_every_kind_of_spec_round_trips():
    programme = dataclasses.replace(rich_programme(), effects=(
        sr.Effect("work", ["sick_pay->employed"], hazard_ratio=1.3, profile=(0.2, 0.6, 1.0, 0.8)),
        sr.Effect("school", ["sick_pay->education"], hazard_ratio=0.9, lock_in_months=2, lock_in_hazard_ratio=0.7,
                  ramp_up_months=1, full_effect_months=6, fade_out_months=3)))
    deal = rich_deal(programme=programme, principal_floor_steps=sr.FloorSteps("job", 20, [(0.3, 0.8), (0.5, 1.0)]),
                     interest_floor_per_year=0.02, interest_floor_years=2, interest_floor_paid="yearly",
                     drawdown_schedule=[(0, 0.5), (6, 0.5)])
    fewer_is_better = sr.Threshold("job", threshold=0.2, payment=100_000, cohorts=((0, 5),), measure_months=(20,),
                                   baseline=sr.Baseline("counterfactual"), direction="lower", basis="relative",
                                   mode="proportional", full_at=0.4, fallback_month=28, fallback_threshold=0.1,
                                   fallback_full_at=0.3, fallback_exclusive=False)
    deal = dataclasses.replace(deal, contract=dataclasses.replace(
        deal.contract, mechanisms=deal.contract.mechanisms + (fewer_is_better,)))
    portfolio = sr.Portfolio("all_kinds", [deal], investment_limit=9e6)
    names = ["rich/effects.work.hazard_ratio", "rich/cohort.size"]
    uncertainty = Uncertainty(
        {names[0]: LogNormal.from_median_high(1.3, 2.0), names[1]: NegativeBinomial(40, 9),
         "rich/hazards.employed->sick_pay.scale": PERT(0.5, 1.0, 2.0, shape=6),
         "rich/effects.school.lock_in_hazard_ratio": Beta(0.7, 0.1),
         "rich/effects.school.hazard_ratio": TruncatedNormal(0.9, 0.3, low=0.1),
         "rich/hazards.sick_pay->employed.scale": Empirical((0.8, 1.0, 1.3))},
        copula=GaussianCopula(names, [[1, -0.4], [-0.4, 1]], kind="normal"),
        shocks=[SharedShock("labour", LogNormal(1.0, 0.1), ["rich/hazards.sick_pay->employed.scale"])],
        method="sobol")
    assert io.loads(io.dumps(portfolio, uncertainty)) == (portfolio, uncertainty, {})


BAD = {
    "not toml": ("portfolio = [", ["not valid TOML"]),
    "no portfolio": ("[run]\ndraws = 5\n", ["portfolio: missing section"]),
    "unknown section": ("[portfolio]\nname='x'\n[extra]\n", ["extra: unknown section"]),
    "bad run value": ("[run]\ndraws = 0\n[portfolio]\nname = 'x'\n", ["run.draws", "0", "at least 1"]),
    "unknown run key": ("[run]\ndraw = 5\n[portfolio]\nname = 'x'\n", ["run.draw: unknown key"]),
    "missing key": ("[portfolio]\nname = 'x'\n", ["portfolio: missing key 'deals'"]),
    "unknown key": ("[portfolio]\nname = 'x'\ndeals = []\ncolour = 'red'\n", ["portfolio.colour: unknown key", "Portfolio takes"]),
    "unknown type": (None, ["uncertainty.parameters.\"a/b\".type", "'Cauchy'", "must be one of"]),
}


def _valid_portfolio_text():
    return io.dumps(load("reference")[0])


@pytest.mark.parametrize("name", list(BAD))
def test_bad_files_get_one_line_naming_file_key_value_and_rule(name):
    text, fragments = BAD[name]
    if text is None:
        text = _valid_portfolio_text() + "\n[uncertainty.parameters.'a/b']\ntype = 'Cauchy'\n"
    with pytest.raises(sr.SpecError) as info:
        io.loads(text, source="bad.toml")
    message = str(info.value)
    assert message.startswith("bad.toml: ") and "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_a_deep_error_names_the_key_path_and_the_rule():
    portfolio, uncertainty, _ = load("dsi2021")
    shipped = f"payment = {portfolio.deals[0].contract.mechanisms[0].payment!r}"
    text = io.dumps(portfolio, uncertainty)
    assert shipped in text
    text = text.replace(shipped, "payment = -5.0", 1)
    with pytest.raises(sr.SpecError, match=r"^s.toml: portfolio.deals\[0\].contract.mechanisms\[0\]: .*payment is "
                                           r"-5.0; must be >= 0$"):
        io.loads(text, source="s.toml")
