"""Any currency, any payer: a deal in GBP whose outcomes a central department pays.

The deal is ``fee_deal`` with an effect that moves every treated person off
benefit in their first month while the counterfactual stays on it for the
whole 36-month horizon, so every amount is known by hand: 10 people, 35
months off benefit each.
"""

import dataclasses

import numpy as np
import pytest

import sirisk as sr
from sirisk import plot
from sirisk.analysis.summary import budget_by_year
from sirisk.cli.table import summary_table, yearly_table
from sirisk.io import scenario_file

from models import fee_deal, rich_deal

PEOPLE, MONTHS_OFF, BENEFIT, TAX = 10, 35, 10_000.0, 3_000.0
FEES = PEOPLE * 100_000.0   # one fee per enrolment, due 12 months after month 0


def gbp_deal(**changes):
    d = fee_deal(effect=True)
    budget = sr.Budget([sr.StateFlow("benefit", "department", BENEFIT), sr.StateFlow("work", "state", -TAX)],
                       discount_rate_per_year=0.0, holders=("department", "state"))
    return dataclasses.replace(d, **{"budget": budget, "currency": "GBP", "payer": "department", **changes})


@pytest.fixture(scope="module")
def results():
    return sr.evaluate(gbp_deal(), draws=3, rng=5)


def test_the_payer_is_the_named_holder_and_its_saving_is_set_against_the_payments(results):
    department = PEOPLE * MONTHS_OFF * BENEFIT        # 3.5 m: what the department no longer pays
    state = PEOPLE * MONTHS_OFF * TAX                 # 1.05 m of tax the state gains
    np.testing.assert_allclose(results.budget_effect_pv.sel(holder="department"), department)
    np.testing.assert_allclose(results.budget_effect_pv.sel(holder="state"), state)
    np.testing.assert_allclose(results.municipal_saving_pv, department)     # the payer's, not the state's or the sum
    np.testing.assert_allclose(results.outcome_payments_pv, FEES)
    np.testing.assert_allclose(results.municipal_net_pv, department - FEES)
    assert results.payer.values.tolist() == ["department"]


def test_every_amount_is_in_the_deals_currency(results):
    assert results.attrs["currency"] == "GBP"
    money = [v for v in results.variables.values() if v.attrs.get("units") in ("GBP", "DKK")]
    assert len(money) > 15 and all(v.attrs["units"] == "GBP" for v in money)
    assert results.investor_irr.attrs["units"] == "1/year"
    assert "investment_limit" not in results.attrs                          # no fund limit unless one is given


def test_the_tables_name_the_currency_and_the_payer(results):
    yearly = budget_by_year(results)
    assert yearly.attrs["units"] == "GBP"
    # Year 1 (months 0-11): 11 months off benefit, nothing paid; year 2: 12 months less the fees at month 12.
    np.testing.assert_allclose(yearly.estimate.sel(programme="fees").values,
                               [PEOPLE * 11 * BENEFIT, PEOPLE * 12 * BENEFIT - FEES, PEOPLE * 12 * BENEFIT], rtol=1e-6)
    text = summary_table(sr.risk_summary(results), "t", currency="GBP", payers=["department"])
    assert "Payer (department)  (m GBP)" in text and "mio. kr." not in text
    assert "Payer (department): net budget effect" in yearly_table(yearly, payers=["department"])
    assert "mean, m GBP, nominal" in yearly_table(yearly, payers=["department"])


def test_the_figures_label_amounts_in_the_currency(results):
    assert plot.municipal_net_fan(results).axes[0].get_ylabel() == "m GBP"
    assert plot.guarantee_draws(results).axes[0].get_xlabel() == "m GBP"


def test_a_scenario_file_keeps_currency_and_payer():
    portfolio = sr.Portfolio("uk", [gbp_deal()])
    back = scenario_file.loads(scenario_file.dumps(portfolio))[0]
    assert back == portfolio and back.currency == "GBP" and back.deals[0].payer == "department"


@pytest.mark.parametrize("build, words", [
    (lambda: gbp_deal(currency="gbp"), ["currency is 'gbp'", "three-letter ISO 4217 code"]),
    (lambda: gbp_deal(currency="£"), ["currency is '£'"]),
    (lambda: gbp_deal(payer="council"), ["payer is 'council'", "('department', 'state')"]),
    (lambda: sr.Deal(**{f.name: getattr(gbp_deal(), f.name) for f in dataclasses.fields(sr.Deal)
                        if f.name != "payer"}),     # the default payer, but no municipality in the budget
     ["payer is 'municipality'", "one of the budget's holders"]),
    (lambda: sr.Portfolio("mixed", [gbp_deal(), dataclasses.replace(
        gbp_deal(), programme=dataclasses.replace(gbp_deal().programme, name="other"), currency="EUR")]),
     ["deal 'other': currency is 'EUR'", "share one currency", "'fees' is in GBP"]),
    (lambda: sr.Portfolio("mixed", [gbp_deal(), rich_deal()]),
     ["deal 'rich': currency is 'DKK'"]),
    (lambda: sr.Portfolio("holders", [gbp_deal(), dataclasses.replace(
        gbp_deal(), programme=dataclasses.replace(gbp_deal().programme, name="other"),
        budget=dataclasses.replace(gbp_deal().budget, holders=("state", "department")))]),
     ["budget.holders is ('state', 'department')", "('department', 'state') (in that order)"]),
])
def test_a_bad_currency_or_payer_is_stopped_at_the_door(build, words):
    with pytest.raises(sr.SpecError) as err:
        build()
    for w in words:
        assert w in str(err.value)


def test_a_guarantee_states_its_cap():
    with pytest.raises(TypeError, match="cap"):
        sr.Guarantee(surplus_share=0.1)
    text = scenario_file.dumps(sr.Portfolio("p", [rich_deal()])).replace("cap = 5000000.0\n", "", 1)
    with pytest.raises(sr.SpecError, match="missing key 'cap'"):
        scenario_file.loads(text)
