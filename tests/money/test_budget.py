"""Budgets: the refund staircase by hand, conservation over holders, discounting."""

import numpy as np
import pytest
import xarray as xr
from fake_engine import fake_engine, tiny_programme
from hypothesis import given
from hypothesis import strategies as st

import sirisk as sr
from sirisk.money.flows import deal_flows, deal_records_from_dataset


def _flows(deal, engine, scales=None):
    """Money of ``deal`` on a hand-made or simulated engine result."""
    return deal_flows(deal, deal_records_from_dataset(deal, engine, scales))


def _deal(programme, budget, contract=None, **investor):
    contract = contract or sr.Contract([sr.Outcome("job", "job")], [sr.FixedFee(0.0)])
    return sr.Deal(programme, budget, sr.ProgrammeCosts(), contract,
                   sr.InvestorTerms(commitment=investor.pop("commitment", 1e6), **investor))


BUDGET = sr.Budget([sr.StateFlow("benefit", "municipality", 10_000, refundable=True),
                    sr.StateFlow("work", "municipality", -1_000), sr.StateFlow("work", "state", -2_000)],
                   discount_rate_per_year=0.0)


def test_budget_by_hand():
    p = tiny_programme(horizon=4)
    occ = np.zeros((1, 3, 4, 2, 4), dtype=np.int32)
    # Counterfactual: one person on benefit in months 0-3, clock bands 0, 1, 1, 1.
    occ[0, 1, 0, 0, 0] = 1
    occ[0, 1, 1:4, 0, 1] = 1
    # Treated: the same person on benefit in month 0, at work in months 1-3.
    occ[0, 0, 0, 0, 0] = 1
    occ[0, 0, 1:4, 1, 0] = 1
    flows = _flows(_deal(p, BUDGET), fake_engine(p, occupancy=occ, entry_month=np.zeros((1, 3, 1))))
    # Counterfactual municipality: 10,000 x (1 - 0.8) in month 0, then 10,000 x (1 - 0.4) = 6,000.
    # Treated municipality: 2,000 in month 0, then -1,000 (tax). Saving: 0, 7,000, 7,000, 7,000.
    # State: counterfactual refunds 8,000 then 4,000; treated 8,000 then -2,000 (tax). Saving: 0, 6,000 x 3.
    np.testing.assert_allclose(flows.budget_effect[0, :, 0], [0, 7_000, 7_000, 7_000])
    np.testing.assert_allclose(flows.budget_effect[0, :, 1], [0, 6_000, 6_000, 6_000])
    np.testing.assert_allclose(flows.municipal_saving_pv, [21_000])


def test_discounting_and_indexation():
    budget = sr.Budget(BUDGET.flows, discount_rate_per_year=0.035, indexation_per_year=0.02)
    index, discount = budget.month_factors(25)
    assert index[12] == pytest.approx(1.02) and index[24] == pytest.approx(1.02 ** 2)
    assert discount[12] == pytest.approx(1 / 1.035) and discount[24] == pytest.approx(1.035 ** -2)


@given(amounts=st.lists(st.floats(-50_000, 50_000), min_size=1, max_size=6),
       refundable=st.lists(st.booleans(), min_size=6, max_size=6),
       shares=st.lists(st.floats(0, 1), min_size=4, max_size=4))
def test_refund_never_changes_the_total_over_holders(amounts, refundable, shares):
    flows = [sr.StateFlow("s0" if k % 2 else "s1", ("municipality", "state")[k % 2], a,
                          refundable=refundable[k] and a >= 0) for k, a in enumerate(amounts)]
    with_refund = sr.Budget(flows, refund=sr.RefundStaircase(tuple(shares))).matrix(("s0", "s1"), 4)
    without = sr.Budget(flows, refund=sr.RefundStaircase((0.0,) * 4)).matrix(("s0", "s1"), 4)
    np.testing.assert_allclose(with_refund.sum(axis=2), without.sum(axis=2), atol=1e-6)


def test_a_budget_scale_multiplies_the_flows_with_its_label():
    p = tiny_programme(horizon=4)
    labelled = sr.Budget([sr.StateFlow("benefit", "municipality", 10_000, refundable=True, label="benefit"),
                          sr.StateFlow("work", "municipality", -1_000, label="tax"),
                          sr.StateFlow("work", "state", -2_000, label="tax")], discount_rate_per_year=0.0)
    occ = np.zeros((1, 3, 4, 2, 4), dtype=np.int32)
    occ[0, 1, 0, 0, 0] = occ[0, 0, 0, 0, 0] = 1
    occ[0, 1, 1:4, 0, 1] = 1
    occ[0, 0, 1:4, 1, 0] = 1
    engine = fake_engine(p, occupancy=occ, entry_month=np.zeros((1, 3, 1)))
    flows = _flows(_deal(p, labelled), engine, {"budget.tax.scale": [3.0], "budget.benefit.scale": [0.5]})
    # Municipality: counterfactual 3,000 a month (benefit halved, 60 % not refunded); treated -3,000 (tax x 3).
    np.testing.assert_allclose(flows.budget_effect[0, 1:, 0], [6_000] * 3)
    # State: counterfactual refund 2,000; treated tax -6,000: saving 8,000.
    np.testing.assert_allclose(flows.budget_effect[0, 1:, 1], [8_000] * 3)


def test_the_engines_weighted_occupancy_gives_the_same_money_as_occupancy():
    from models import rich_programme

    from sirisk.money.flows import budget_weights
    p = rich_programme(horizon_months=24)
    budget = sr.Budget([sr.StateFlow("sick_pay", "municipality", 10_000, refundable=True, label="benefit"),
                        sr.StateFlow("cash_benefit", "municipality", 8_000, refundable=True, label="benefit"),
                        sr.StateFlow("employed", "state", -3_000, label="tax")],
                       discount_rate_per_year=0.04, indexation_per_year=0.02)
    deal = _deal(p, budget, sr.Contract([sr.Outcome("job", "ever_employed")], [sr.FixedFee(0.0)]))
    scales = {"budget.tax.scale": [1.0, 2.0, 0.5]}
    plain = sr.simulate(p, draws=3, rng=4)
    weights = xr.DataArray(budget_weights(deal, scales, 3), dims=("draw", "state", "clock_band", "weight"),
                           coords={"weight": list(budget.holders)})
    weighted = sr.simulate(p, draws=3, rng=4, occupancy_weights=weights)
    a, b = _flows(deal, plain, scales), _flows(deal, weighted, scales)
    for name in ("budget_effect", "budget_effect_pv", "budget_cost", "budget_cost_pv", "municipal_saving_pv"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-12, atol=1e-6, err_msg=name)
    assert np.abs(a.budget_effect).max() > 1_000  # not vacuous
    with pytest.raises(sr.SpecError, match="weighted by"):
        _flows(deal, weighted.assign_coords(weight=["state", "municipality"]), scales)


@given(seed=st.integers(0, 2**32 - 1))
def test_budget_cost_kernel_indexes_discounts_and_takes_the_saving(seed):
    from sirisk.money.kernels import budget_costs
    rng = np.random.default_rng(seed)
    D, A, T, H = 3, 3, 7, 2
    weighted = rng.normal(size=(D, A, T, H)) * 1000
    index, discount = rng.uniform(0.9, 1.2, T), rng.uniform(0.5, 1.0, T)
    out, pv, effect = np.empty((D, A, T, H)), np.empty((D, H, A)), np.empty((D, T, H))
    budget_costs(weighted, index, discount, 2, 0, out, pv, effect)
    expected = weighted * index[None, None, :, None]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(pv, np.einsum("dath,t->dha", expected, discount), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(effect, expected[:, 0] - expected[:, 2], rtol=1e-12, atol=1e-9)
    # Without the per-arm months (no months in out): the same present values and saving, nothing else written.
    none, pv2, effect2 = np.empty((D, A, 0, H)), np.empty((D, H, A)), np.empty((D, T, H))
    budget_costs(weighted, index, discount, 2, 0, none, pv2, effect2)
    np.testing.assert_array_equal(pv2, pv)
    np.testing.assert_array_equal(effect2, effect)
