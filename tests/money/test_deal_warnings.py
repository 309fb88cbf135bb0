"""Deal.warnings: contract terms that are valid but can never pay, each found by a rule worked out by hand."""

import dataclasses

import pytest

from sirisk.cli import main
from sirisk import io
from sirisk.scenarios import SCENARIOS, load


@pytest.fixture(scope="module")
def holbaek():
    return load("dsi2021")[0].deals[0]


def _with_mechanism(deal, **changes):
    mechanism = dataclasses.replace(deal.contract.mechanisms[0], **changes)
    return dataclasses.replace(deal, contract=dataclasses.replace(deal.contract, mechanisms=(mechanism,)))


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_built_in_deals_have_no_warnings(name):
    assert [w for d in load(name)[0].deals for w in d.warnings] == []


def test_a_payment_of_zero_never_pays(holbaek):
    (warning,) = _with_mechanism(holbaek, payment=0.0).warnings
    assert "contract.mechanisms[0] (Threshold)" in warning and "every amount is 0" in warning


def test_payments_after_maturity_never_pay(holbaek):
    # maturity is month 119 and the lag 3 months: measured at 117 pays at 120
    assert holbaek.maturity_month == 119 and holbaek.contract.mechanisms[0].lag_months == 3
    late = _with_mechanism(holbaek, measure_months=(117, 118)).warnings
    assert len(late) == 1 and "after maturity (month 119)" in late[0]
    assert _with_mechanism(holbaek, measure_months=(116, 117)).warnings == ()  # 116 + 3 = 119 still pays


def test_a_threshold_above_what_the_fixed_baseline_allows_never_pays(holbaek):
    # baseline 0.46: a rate of at most 1 improves on it by at most 0.54
    assert holbaek.contract.mechanisms[0].baseline.rate == 0.46
    (warning,) = _with_mechanism(holbaek, threshold=0.55, full_at=0.6).warnings
    assert "threshold is 0.55" in warning and "(0.54)" in warning
    assert _with_mechanism(holbaek, threshold=0.53, full_at=0.54).warnings == ()


def test_the_most_improvement_follows_direction_and_basis(holbaek):
    # fewer is better: a rate of at least 0 improves on 0.46 by at most 0.46 points
    (warning,) = _with_mechanism(holbaek, direction="lower", threshold=0.47, full_at=0.5).warnings
    assert "threshold is 0.47" in warning and "(0.46)" in warning
    assert _with_mechanism(holbaek, direction="lower", threshold=0.45, full_at=0.46).warnings == ()
    # relative: at most (1 - 0.46) / 0.46 = 1.1739... higher
    (warning,) = _with_mechanism(holbaek, basis="relative", threshold=1.2, full_at=1.3).warnings
    assert "threshold is 1.2" in warning and "(1.17391)" in warning
    assert _with_mechanism(holbaek, basis="relative", threshold=1.17, full_at=1.1739).warnings == ()


def test_a_fallback_after_final_outcomes_never_pays(holbaek):
    # in work or education at month 12: cohorts enrolled by months 11 and 23 are final by 23 <= 24 and 35 <= 36,
    # so the pooled improvement is a weighted mean of the cohorts' and below the threshold if each is
    (warning,) = _with_mechanism(holbaek, fallback_month=48).warnings
    assert "the fallback can never pay" in warning
    # measured before the last cohort's outcomes are final, the fallback can add what came later
    assert _with_mechanism(holbaek, measure_months=(24, 30), fallback_month=48).warnings == ()
    # a lower threshold of its own, or paying in addition to the cohorts, and the fallback can pay
    assert _with_mechanism(holbaek, fallback_month=48, fallback_threshold=0.05, fallback_full_at=0.2).warnings == ()
    assert _with_mechanism(holbaek, fallback_month=48, fallback_exclusive=False).warnings == ()


def test_a_guarantee_nobody_can_draw_is_pointed_out(holbaek):
    payer_floor = dataclasses.replace(holbaek, investor=dataclasses.replace(holbaek.investor, floor_funded_by="payer"))
    assert payer_floor.warnings == ("deal 'holbaek': guarantee: it is never drawn: the payer pays the floors",)
    no_floor = dataclasses.replace(holbaek, investor=dataclasses.replace(
        holbaek.investor, principal_floor_share=0.0, interest_floor_per_year=0.0))
    assert no_floor.warnings == ("deal 'holbaek': guarantee: it is never drawn: the investor has no floor",)


def test_validate_and_run_print_the_warning(holbaek, tmp_path, monkeypatch, capsys):
    portfolio, uncertainty, _ = load("dsi2021")
    deals = (_with_mechanism(holbaek, payment=0.0),) + portfolio.deals[1:]
    io.dump(tmp_path / "s.toml", dataclasses.replace(portfolio, deals=deals), uncertainty, {"draws": 20, "seed": 1})
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "s.toml"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("warning: deal 'holbaek': contract.mechanisms[0] (Threshold): every amount is 0")
    assert main(["run", "s.toml", "--quiet", "--out", "out"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["sirisk: warning: deal 'holbaek': contract.mechanisms[0] (Threshold): every amount is 0, "
                   "so it never pays"]
