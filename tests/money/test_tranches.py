"""Senior and junior (first-loss) tranches, worked by hand, and their invariants.

On the programme of docs/measured.md: four people enrol (two in month 0, two in month 1) at 100,000
each, so the investor draws 200,000 in month 0 and 200,000 in month 1; maturity is month 35. A senior
tranche of 75 % (300,000) sits above a junior tranche of 25 % (100,000).
"""

import dataclasses

import numpy as np
import pytest
import xarray as xr
from docs_pilot import docs_pilot
from hypothesis import given, settings
from hypothesis import strategies as st

import sirisk as sr
from sirisk.io import scenario_file
from sirisk.money.kernels import tranche_split


@pytest.fixture(scope="module")
def pilot():
    return docs_pilot()


def _layers(senior_cap=0.0, junior_public=0.0):
    return [sr.Tranche("senior", 0.75, return_cap_per_year=senior_cap),
            sr.Tranche("junior", 0.25, public_share=junior_public)]


def _settle(deal, jobs):
    measured = sr.Measured("pilot", enrolment_months=[0, 0, 1, 1], achieved={"job": jobs, "off_benefit": [-1] * 4})
    return sr.settle(deal, measured).sel(programme="pilot", draw=0)


def _tranche(r, name, variable):
    return float(r[variable].sel(tranche=name))


def test_receipts_go_to_the_senior_claim_first(pilot):
    # Jobs in months 3 and 5 pay 60,000 each: 120,000 in all, less than the senior's 300,000. The senior
    # takes it all; the junior gets nothing back.
    r = _settle(pilot(sr.RateCard({"job": 60_000}), tranches=_layers()), [3, 5, -1, -1])
    assert _tranche(r, "senior", "tranche_principal") == 300_000
    assert _tranche(r, "junior", "tranche_principal") == 100_000
    assert _tranche(r, "senior", "tranche_receipts") == 120_000
    assert _tranche(r, "junior", "tranche_receipts") == 0
    assert _tranche(r, "senior", "tranche_moic") == pytest.approx(0.4)
    assert _tranche(r, "junior", "tranche_irr") == -1.0  # a total loss
    assert bool(r.tranche_loss.sel(tranche="junior")) and bool(r.tranche_loss.sel(tranche="senior"))


def test_the_junior_takes_what_the_senior_claim_leaves(pilot):
    # Four jobs (months 3, 5, 10, 20) at 150,000: 600,000. A senior capped at 0 % takes its 300,000 in
    # months 3 and 5; the junior takes the 300,000 after, three times its 100,000.
    r = _settle(pilot(sr.RateCard({"job": 150_000}), tranches=_layers()), [3, 5, 10, 20])
    flows = r.tranche_cash_flow.sel(tranche="senior").values.astype(float)
    assert {t: v for t, v in enumerate(flows) if v} == {0: -150_000, 1: -150_000, 3: 150_000, 5: 150_000}
    flows = r.tranche_cash_flow.sel(tranche="junior").values.astype(float)
    assert {t: v for t, v in enumerate(flows) if v} == {0: -50_000, 1: -50_000, 10: 150_000, 20: 150_000}
    assert _tranche(r, "senior", "tranche_irr") == pytest.approx(0.0, abs=1e-12)
    assert _tranche(r, "junior", "tranche_moic") == pytest.approx(3.0)
    np.testing.assert_allclose(r.tranche_cash_flow.sum("tranche"), r.investor_cash_flow, rtol=1e-6)


def test_a_senior_return_cap_compounds_on_what_is_outstanding(pilot):
    # Senior at 10 % a year, g = 1.1^(1/12) a month. Its claim: 150,000 g^3 + 150,000 g^2 at month 3,
    # less 150,000 paid; times g^2 at month 5, less 150,000; times g^5 at month 10, paid in full then.
    g = 1.1 ** (1 / 12)
    after_5 = ((150_000 * g ** 3 + 150_000 * g ** 2) - 150_000) * g ** 2 - 150_000
    senior_10 = after_5 * g ** 5
    r = _settle(pilot(sr.RateCard({"job": 150_000}), tranches=_layers(senior_cap=0.10)), [3, 5, 10, 20])
    senior = r.tranche_cash_flow.sel(tranche="senior").values.astype(np.float64)
    junior = r.tranche_cash_flow.sel(tranche="junior").values.astype(np.float64)
    assert senior[10] == pytest.approx(senior_10, rel=1e-6) and junior[10] == pytest.approx(150_000 - senior_10,
                                                                                             rel=1e-6)
    assert senior[20] == 0 and junior[20] == 150_000
    assert _tranche(r, "senior", "tranche_irr") == pytest.approx(0.10, abs=1e-6)  # the cap is its return


def test_a_guarantee_protects_the_senior_first_and_a_public_junior_is_the_public_funders(pilot):
    # Nothing achieved; a floor of all the principal, the guarantee capped at 350,000. The senior gets its
    # 300,000 back, the junior 50,000 of its 100,000. A junior held by a public body: the public funder
    # loses the guarantee's 350,000 and the junior's 50,000 (no discounting on the pilot's budget).
    deal = pilot(sr.RateCard({"job": 60_000}), principal_floor_share=1.0, guarantee=sr.Guarantee(cap=350_000),
                 tranches=_layers(junior_public=1.0))
    r = _settle(deal, [-1] * 4)
    assert _tranche(r, "senior", "tranche_receipts") == 300_000
    assert _tranche(r, "junior", "tranche_receipts") == 50_000
    assert float(r.guarantee_cost_pv) == 350_000
    assert float(r.public_funder_cost_pv) == pytest.approx(400_000)
    assert float(r.public_funder_exposure) == pytest.approx(350_000 + 100_000)


def test_unspent_capital_goes_back_to_each_tranche_by_its_share(pilot):
    # 500,000 called in month 0, 400,000 spent: 100,000 back at maturity, 75,000 of it to the senior.
    deal = pilot(sr.RateCard({"job": 60_000}), commitment=500_000, drawdown_schedule=[(0, 1.0)], tranches=_layers())
    r = _settle(deal, [-1] * 4)
    assert r.tranche_cash_flow.sel(tranche="senior").values[35] == 75_000
    assert r.tranche_cash_flow.sel(tranche="junior").values[35] == 25_000
    assert _tranche(r, "senior", "tranche_principal") == 300_000


def test_results_without_tranches_have_no_tranche_axis(pilot):
    r = _settle(pilot(sr.RateCard({"job": 60_000})), [3, -1, -1, -1])
    assert "tranche" not in r.dims and "tranche_irr" not in r


def test_a_portfolio_mixes_deals_with_and_without_tranches(pilot):
    layered = pilot(sr.RateCard({"job": 60_000}), tranches=_layers())
    plain = dataclasses.replace(layered, programme=dataclasses.replace(layered.programme, name="plain"),
                                investor=dataclasses.replace(layered.investor, tranches=None))
    people = dict(enrolment_months=[0, 0, 1, 1], achieved={"job": [3, -1, -1, -1], "off_benefit": [-1] * 4})
    r = sr.settle(sr.Portfolio("two", [layered, plain]), [sr.Measured("pilot", **people),
                                                           sr.Measured("plain", **people)])
    assert list(r.tranche.values) == ["senior", "junior"]
    assert np.isnan(r.tranche_irr.sel(programme="plain")).all()
    assert float(r.tranche_receipts.sel(programme="pilot", tranche="senior", draw=0)) == 60_000


def test_tranches_are_checked_by_name():
    with pytest.raises(sr.SpecError, match=r"investor: tranches shares is 0.9; must sum to 1"):
        sr.InvestorTerms(1e6, tranches=[sr.Tranche("a", 0.7, 0.05), sr.Tranche("b", 0.2)])
    with pytest.raises(sr.SpecError, match=r"tranche 'a' return_cap_per_year is None; a tranche senior to another"):
        sr.InvestorTerms(1e6, tranches=[sr.Tranche("a", 0.7), sr.Tranche("b", 0.3)])
    with pytest.raises(sr.SpecError, match=r"tranche 'b' return_cap_per_year is 0.2; the most junior tranche"):
        sr.InvestorTerms(1e6, tranches=[sr.Tranche("a", 0.7, 0.05), sr.Tranche("b", 0.3, 0.2)])
    with pytest.raises(sr.SpecError, match=r"give at least two tranches"):
        sr.InvestorTerms(1e6, tranches=[sr.Tranche("a", 1.0)])
    with pytest.raises(sr.SpecError, match=r"investor: public_share is 0.5; with tranches, give each tranche's"):
        sr.InvestorTerms(1e6, public_share=0.5, tranches=[sr.Tranche("a", 0.7, 0.05), sr.Tranche("b", 0.3)])
    with pytest.raises(sr.SpecError, match=r"tranche 'a': share is 0.0; must be > 0"):
        sr.Tranche("a", 0.0)


def test_tranches_travel_in_a_scenario_file(pilot):
    deal = pilot(sr.RateCard({"job": 60_000}), tranches=_layers(senior_cap=0.04, junior_public=0.5))
    portfolio = sr.Portfolio("one", [deal])
    back = scenario_file.loads(scenario_file.dumps(portfolio))[0]
    assert back.deals[0].investor.tranches == deal.investor.tranches


def _split(capital, investor, shares, caps):
    flows = np.empty((len(shares),) + capital.shape)
    rates = np.array([(1 + c) ** (1 / 12) - 1 for c in caps] + [-1.0])
    tranche_split(capital, investor, np.asarray(shares, float), rates, flows)
    return flows


@settings(max_examples=60, deadline=None)
@given(capital=st.lists(st.floats(0, 1e6), min_size=1, max_size=3),
       receipts=st.lists(st.floats(0, 1e6), min_size=6, max_size=6),
       senior=st.floats(0.05, 0.95))
def test_the_junior_absorbs_losses_first(capital, receipts, senior):
    # All capital drawn in the first months, receipts after, seniors' claims flat (0 %): the senior gets
    # min(receipts, its principal) and the junior the rest, however the receipts fall.
    T = len(capital) + len(receipts)
    cap = np.zeros((1, T))
    cap[0, :len(capital)] = capital
    received = np.zeros((1, T))
    received[0, len(capital):] = receipts
    flows = _split(cap, received - cap, [senior, 1 - senior], [0.0])
    principal, total = cap.sum(), received.sum()
    senior_receipts = flows[0].sum() + senior * principal
    assert senior_receipts == pytest.approx(min(total, senior * principal), rel=1e-9, abs=1e-6)
    np.testing.assert_allclose(flows.sum(axis=0), received - cap, rtol=1e-9, atol=1e-6)  # cash is conserved
    if senior_receipts < senior * principal * (1 - 1e-9):  # the senior lost: the junior got nothing
        assert flows[1].sum() + (1 - senior) * principal == pytest.approx(0.0, abs=1e-6)


def _split_by_hand(capital, investor, shares, caps):
    """A plain-Python twin of the kernel: each month, the receipts go down the claims in order."""
    J, (D, T) = len(shares), capital.shape
    out = np.zeros((J, D, T))
    for d in range(D):
        claims = [0.0] * (J - 1)
        for t in range(T):
            left = investor[d, t] + capital[d, t]
            for j in range(J - 1):
                claims[j] = claims[j] * (1 + caps[j]) ** (1 / 12) + shares[j] * capital[d, t]
                pay = min(left, max(claims[j], 0.0))
                claims[j] -= pay
                left -= pay
                out[j, d, t] = pay - shares[j] * capital[d, t]
            out[J - 1, d, t] = left - shares[J - 1] * capital[d, t]
    return out


@settings(max_examples=40, deadline=None)
@given(data=st.data(), J=st.integers(2, 4), D=st.integers(1, 3), T=st.integers(1, 30))
def test_the_kernel_agrees_with_its_twin(data, J, D, T):
    money = st.floats(0, 1e6)
    capital = np.array(data.draw(st.lists(st.lists(money | st.just(0.0), min_size=T, max_size=T),
                                          min_size=D, max_size=D)))
    received = np.array(data.draw(st.lists(st.lists(money | st.just(0.0), min_size=T, max_size=T),
                                           min_size=D, max_size=D)))
    weights = np.array(data.draw(st.lists(st.floats(0.1, 1.0), min_size=J, max_size=J)))
    shares = weights / weights.sum()
    caps = data.draw(st.lists(st.floats(0.0, 0.5), min_size=J - 1, max_size=J - 1))
    got = _split(capital, received - capital, shares, caps)
    np.testing.assert_allclose(got, _split_by_hand(capital, received - capital, shares, caps), rtol=1e-9, atol=1e-4)


def test_the_board_table_reads_each_tranche(pilot):
    # Two draws: a job in month 3 (60,000: the senior loses, the junior gets nothing), or none.
    deal = pilot(sr.RateCard({"job": 60_000}), tranches=_layers())
    measured = [sr.Measured("pilot", enrolment_months=[0, 0, 1, 1],
                            achieved={"job": jobs, "off_benefit": [-1] * 4}) for jobs in ([3, -1, -1, -1], [-1] * 4)]
    one, two = (sr.settle(deal, m) for m in measured)
    table = sr.risk_summary(xr.concat([one, two], dim="draw", data_vars="all"))
    est = table.estimate.sel(programme="pilot")
    assert float(est.sel(statistic="p_junior_loss")) == 1.0 and float(est.sel(statistic="p_senior_loss")) == 1.0
    assert float(est.sel(statistic="senior_moic_mean")) == pytest.approx(60_000 / 300_000 / 2)
    assert np.isnan(float(table.estimate.sel(programme="portfolio", statistic="p_junior_loss")))


def test_design_tools_read_a_tranche_by_name():
    from sirisk.design.evaluator import DesignEvaluator
    from sirisk.design.metrics import parse_metric
    from sirisk.scenarios import load

    portfolio, uncertainty, _ = load("dsi2021")
    holbaek = portfolio.deals[0]
    layered = dataclasses.replace(holbaek, investor=dataclasses.replace(
        holbaek.investor, tranches=[sr.Tranche("senior", 0.7, return_cap_per_year=0.03), sr.Tranche("junior", 0.3)]))
    layered = dataclasses.replace(portfolio, deals=(layered,) + portfolio.deals[1:])
    sim = sr.simulate_portfolio(layered, draws=200, rng=11, uncertainty=uncertainty)
    loss = parse_metric("holbaek/tranche_loss[senior]", layered)
    assert (loss.variable, loss.tranche, loss.is_boolean) == ("tranche_loss", "senior", True)
    got = DesignEvaluator(layered, sim, [loss]).values(layered)[loss]
    np.testing.assert_array_equal(got, sr.settle(layered, sim).tranche_loss.sel(tranche="senior", programme="holbaek"))
    # Dearer outcomes pay the first-loss tranche more: solve the price for its mean MOIC of 0.5.
    result = sr.calibrate(layered, sim, vary={"holbaek/contract.mechanisms[0].scale": (0.0, 10.0)},
                          target={"holbaek/tranche_moic[junior]": ("mean", 0.5)})
    scale = sr.term_value(result.portfolio, "holbaek/contract.mechanisms[0].scale")
    moic = sr.settle(result.portfolio, sim).tranche_moic.sel(tranche="junior", programme="holbaek")
    assert result.feasible and 0.0 < scale < 10.0 and abs(float(moic.mean()) - 0.5) < 0.01
    with pytest.raises(sr.SpecError, match=r"tranche is 'mezzanine'; holbaek's investor has the tranches"):
        parse_metric("holbaek/tranche_irr[mezzanine]", layered)
    with pytest.raises(sr.SpecError, match=r"tranche is 'senior'; holbaek's investor has no tranches"):
        parse_metric("holbaek/tranche_irr[senior]", portfolio)


def test_the_command_line_table_has_a_block_per_tranche(pilot):
    from sirisk.cli.table import summary_table

    deal = pilot(sr.RateCard({"job": 60_000}), tranches=_layers())
    results = [sr.settle(deal, sr.Measured("pilot", enrolment_months=[0, 0, 1, 1],
                                           achieved={"job": jobs, "off_benefit": [-1] * 4}))
               for jobs in ([3, -1, -1, -1], [3, 5, 8, 9])]
    text = summary_table(sr.risk_summary(xr.concat(results, dim="draw", data_vars="all")), "pilot")
    # Senior: 60,000 then 240,000 of its 300,000 (MOIC 0.2 and 0.8, mean 0.5); junior: nothing both times.
    assert "Investor's tranche 'senior'" in text and "Investor's tranche 'junior'" in text
    senior = text[text.index("Investor's tranche 'senior'"):].splitlines()[2]
    assert "0.50" in senior and "100.0%" in senior


def test_a_floor_of_the_senior_share_guarantees_the_senior_alone(pilot):
    # docs/money.md: a floor of 75 % under a 75 % senior at 0 % tops the receipts up to 300,000, all the senior's.
    deal = pilot(sr.RateCard({"job": 60_000}), principal_floor_share=0.75, guarantee=sr.Guarantee(cap=1e6),
                 tranches=_layers())
    r = _settle(deal, [3, -1, -1, -1])
    assert float(r.guarantee_draw) == 240_000
    assert _tranche(r, "senior", "tranche_receipts") == 300_000 and _tranche(r, "junior", "tranche_receipts") == 0
